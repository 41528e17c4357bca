"""What the data set lacks, for the core instruments: one description of every gap, read by the
data page (/data/, for readers) and by the editors' worklist (the admin's "Gaps in the data",
each gap linked to the form that fills it), so that both count the same."""

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count
from django.urls import reverse

from provisions.models import Provision
from treaties.models import Ratification, SourceKind, Treaty


@dataclass
class Gap:
    key: str
    title: str
    remedy: str
    items: list = field(default_factory=list)  # (treaty, label, admin model name, pk)

    @property
    def count(self):
        return len(self.items)

    def by_treaty(self):
        groups = {}
        for treaty, label, model, pk in self.items:
            groups.setdefault(treaty, []).append(
                {"label": label, "url": reverse(f"admin:{model}_change", args=[pk])}
            )
        return list(groups.items())


class Gaps:
    """The gaps of some treaties, each read when first asked for (the data page asks for
    fewer than the worklist)."""

    IN_ORDER = ("treaty__position", "participant__name")

    def __init__(self, treaties):
        self.treaties = treaties
        ids = [treaty.pk for treaty in treaties]
        self.records = Ratification.objects.filter(treaty__in=ids).select_related(
            "treaty", "participant"
        )
        self.articles = (
            Provision.objects.filter(treaty__in=ids).select_related("treaty").in_treaty_order()
        )

    def _records(self, queryset):
        return list(queryset.order_by(*self.IN_ORDER))

    @cached_property
    def undated(self):
        return self._records(self.records.undated_consents())

    @cached_property
    def in_force_records(self):
        return self._records(self.records.in_force_unknown())

    @cached_property
    def texts_missing(self):
        return self._records(self.records.texts_missing())

    @cached_property
    def disagreements(self):
        return self._records(self.records.disagreements())

    @cached_property
    def secondary_only(self):
        return self._records(self.records.filter(source_kind=SourceKind.SECONDARY))

    @cached_property
    def incomplete(self):
        return list(self.articles.incomplete())

    @cached_property
    def unverified_headings(self):
        return list(self.articles.filter(heading_verified=False))

    @cached_property
    def in_force_unknown(self):
        """Treaty pk -> how many of its parties have no known date of entry into force (counted
        by the database unless the records are read already)."""
        if "in_force_records" in self.__dict__:
            return Counter(record.treaty_id for record in self.in_force_records)
        rows = self.records.in_force_unknown().values("treaty").annotate(count=Count("pk"))
        return {row["treaty"]: row["count"] for row in rows.order_by()}

    @property
    def incomplete_preambles(self):
        return [t for t in self.treaties if t.preamble_incomplete]

    def worklist(self):
        """Every gap, each item linked to the admin form that fills it."""

        def record_items(records):
            return [(r.treaty, str(r.participant), "treaties_ratification", r.pk) for r in records]

        def article_items(articles):
            return [(p.treaty, f"art. {p.number}", "provisions_provision", p.pk) for p in articles]

        return [
            Gap(
                "undated",
                "Parties with no known date of consent",
                "Give the date of consent from the depositary's record.",
                record_items(self.undated),
            ),
            Gap(
                "in-force",
                "Parties whose date of entry into force is not known",
                "Give the date a source states (basis 'stated by the source'), or the date of "
                "consent so that it can be computed from the treaty's rule.",
                record_items(self.in_force_records),
            ),
            Gap(
                "texts",
                "Statements flagged by a source but not in the knowledge base",
                "Add the statements' texts (reservations, declarations) to the record.",
                record_items(self.texts_missing),
            ),
            Gap(
                "articles",
                "Articles whose official text is incomplete",
                "Fill in the official text and untick 'text incomplete'.",
                article_items(self.incomplete),
            ),
            Gap(
                "preambles",
                "Treaties whose preamble is incomplete",
                "Fill in the preamble and untick 'preamble incomplete'.",
                [(t, "preamble", "treaties_treaty", t.pk) for t in self.incomplete_preambles],
            ),
            Gap(
                "headings",
                "Articles whose heading is not verified",
                "Type the heading of the official text and tick 'heading verified'.",
                article_items(self.unverified_headings),
            ),
            Gap(
                "disagreements",
                "Records on which sources disagree",
                "Check the depositary's record and settle the dates; keep the note.",
                record_items(self.disagreements),
            ),
            Gap(
                "secondary",
                "Records whose only source is not the depositary's",
                "Check the record against the depositary's own record and give its address.",
                record_items(self.secondary_only),
            ),
        ]


def core_gaps(treaties=None):
    """The gaps of the core instruments (the treaties every page shows first), or of
    ``treaties`` when the caller has them at hand."""
    return Gaps(Treaty.objects.featured() if treaties is None else treaties)


def may_see_gaps(user):
    """The worklist shows records and articles: for those who may see both."""
    return user.has_perm("treaties.view_ratification") and user.has_perm(
        "provisions.view_provision"
    )
