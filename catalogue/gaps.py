"""What the data set lacks, for the core instruments: one description of every gap, read by the
data page (/data/, for readers) and by the editors' worklist (the admin's "Gaps in the data",
each gap linked to the form that fills it), so that both count the same."""

from collections import Counter
from dataclasses import dataclass, field

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


@dataclass
class Gaps:
    treaties: list
    undated: list
    in_force_records: list
    texts_missing: list
    disagreements: list
    incomplete: list
    unverified_headings: list
    secondary_only: list

    @property
    def in_force_unknown(self):
        """Treaty pk -> how many of its parties have no known date of entry into force."""
        return Counter(record.treaty_id for record in self.in_force_records)

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


def core_gaps():
    """The gaps of the core instruments (the treaties every page shows first)."""
    treaties = Treaty.objects.featured()
    ids = [treaty.pk for treaty in treaties]
    records = Ratification.objects.filter(treaty__in=ids).select_related("treaty", "participant")
    in_order = ("treaty__position", "participant__name")
    articles = Provision.objects.filter(treaty__in=ids).select_related("treaty").in_treaty_order()
    return Gaps(
        treaties=treaties,
        undated=list(records.undated_consents().order_by(*in_order)),
        in_force_records=list(records.in_force_unknown().order_by(*in_order)),
        texts_missing=list(records.texts_missing().order_by(*in_order)),
        disagreements=list(records.disagreements().order_by(*in_order)),
        incomplete=list(articles.incomplete()),
        unverified_headings=list(articles.filter(heading_verified=False)),
        secondary_only=list(records.filter(source_kind=SourceKind.SECONDARY).order_by(*in_order)),
    )


def may_see_gaps(user):
    """The worklist shows records and articles: for those who may see both."""
    return user.has_perm("treaties.view_ratification") and user.has_perm(
        "provisions.view_provision"
    )
