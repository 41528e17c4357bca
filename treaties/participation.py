"""Who signed, who is bound, since when: the participation side of the site.

- ``TreatyParticipation``: a treaty page's participation section (the filtered, sortable
  participants table, the world map and the parties-over-time chart), also behind its CSV.
- ``ParticipationMixin``: mixed into ``TreatyDetailView`` to add that section to the page.
- ``status_grid``: participants × instruments, for the participants list and the matrix.
- ``participant_profile``: one participant's record under every instrument and its timeline.

Status is always derived (``treaties.status``), today or as at a date. Nothing is guessed: a
party whose date of consent is not known shows "date not known".
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.db.models import Case, F, IntegerField, Prefetch, Value, When
from django.utils import timezone

from provisions.models import Provision

from . import charts
from . import status as status_rules
from .caching import cached_aggregate
from .filters import ParticipantFilterSet, RatificationFilterSet
from .models import Participant, Ratification, Statement, Treaty

NOT_KNOWN = "date not known"

# Ready-made questions for the participants list: (question, query string).
QUICK_QUESTIONS = [
    (
        "Council of Europe members not party to the Palermo Protocol",
        "membership=coe&not_party_to=palermo-protocol",
    ),
    (
        "Council of Europe members not party to the CoE Convention (CETS No. 197)",
        "membership=coe&not_party_to=coe-convention",
    ),
    (
        "EU member states not party to the Palermo Protocol",
        "membership=eu&not_party_to=palermo-protocol",
    ),
    ("ASEAN members not party to ACTIP", "membership=asean&not_party_to=asean-actip"),
    (
        "Parties to UNTOC not party to the Palermo Protocol",
        "party_to=untoc&not_party_to=palermo-protocol",
    ),
    ("Signatories of the Palermo Protocol not (yet) bound by it", "signatory_to=palermo-protocol"),
    (
        "States in Africa not party to the Palermo Protocol",
        "region=Africa&not_party_to=palermo-protocol",
    ),
    ("Parties to UNTOC in Asia", "region=Asia&party_to=untoc"),
]

SORTS = {
    "participant": ["participant__name"],
    "region": ["participant__region", "participant__subregion", "participant__name"],
    "status": ["status_rank", "participant__name"],
    "signature": [F("signature_on").asc(nulls_last=True), "participant__name"],
    "consent": [F("consent_on").asc(nulls_last=True), "participant__name"],
    "in_force": [F("entry_into_force_on").asc(nulls_last=True), "participant__name"],
    "withdrawal": [F("withdrawal_effective_on").asc(nulls_last=True), "participant__name"],
}
SORT_LABELS = {
    "participant": "Participant",
    "region": "Region",
    "status": "Status",
    "signature": "Signature",
    "consent": "Consent to be bound",
    "in_force": "Entry into force",
    "withdrawal": "Withdrawal",
}
DEFAULT_SORT = "participant"


def descending(ordering):
    flipped = []
    for term in ordering:
        if isinstance(term, str):
            flipped.append(term[1:] if term.startswith("-") else f"-{term}")
        else:
            flipped.append(F(term.expression.name).desc(nulls_last=True))
    return flipped


def label_empty_choices(filterset, label="Any"):
    """Show "Any" rather than a row of dashes as the empty choice of every select."""
    for form_field in filterset.form.fields.values():
        if isinstance(form_field, forms.ModelChoiceField):
            form_field.empty_label = label
        elif isinstance(form_field, forms.ChoiceField):
            choices = [c for c in form_field.choices if c[0] not in ("", None)]
            form_field.choices = [("", label), *choices]
    return filterset


def filter_errors(filterset):
    """The FilterSet's errors as readable sentences naming the parameter and the value given."""
    if not filterset.is_bound or filterset.is_valid():
        return []
    messages = []
    for name, errors in filterset.form.errors.items():
        field = filterset.form.fields.get(name)
        label = field.label if field and field.label else ""
        if not label or label.startswith("["):
            label = name.replace("_", " ").capitalize()
        given = filterset.form.data.get(name, "")
        for error in errors:
            if isinstance(field, forms.DateField):
                error = f"'{given}' is not a date; use the form YYYY-MM-DD, e.g. 2010-12-31."
            messages.append(f"{label} ({name}): {error}")
    return messages


def status_rank():
    return Case(
        *[
            When(status=status, then=Value(index))
            for index, status in enumerate(
                [
                    status_rules.PARTY,
                    status_rules.UNKNOWN,
                    status_rules.SIGNATORY,
                    status_rules.WITHDRAWN,
                    status_rules.NONE,
                ]
            )
        ],
        output_field=IntegerField(),
    )


def as_of_label(as_of):
    return "today" if as_of is None else as_of.strftime("%-d %B %Y")


class TreatyParticipation:
    """A treaty's participation as the page's GET parameters ask for it.

    Filters (``region``, ``subregion``, ``membership``, ``status``, ``consent_kind``, ``as_of``,
    ...) go through the shared ``RatificationFilterSet``; ``sort`` orders the table
    (a column key, ``-`` in front for descending). Invalid parameters become ``errors``; the
    table is then left empty rather than answering a different question.
    """

    def __init__(self, treaty, params):
        self.treaty = treaty
        self.params = params
        self.filterset = label_empty_choices(
            RatificationFilterSet(
                params,
                queryset=Ratification.objects.filter(treaty=treaty).for_display(),
            )
        )
        self.errors = filter_errors(self.filterset)
        self.valid = not self.errors
        self.as_of = self.filterset.as_of_date
        if self.as_of and self.as_of >= timezone.localdate():
            self.as_of = None
        requested = (params.get("sort") or DEFAULT_SORT).strip()
        self.sort_descending = requested.startswith("-")
        self.sort = requested.lstrip("-")
        if self.sort not in SORTS:
            known = ", ".join(SORTS)
            self.errors.append(f"Sort (sort): unknown column '{requested}'; use one of: {known}.")
            self.sort, self.sort_descending = DEFAULT_SORT, False

    @property
    def as_of_text(self):
        return as_of_label(self.as_of)

    @property
    def is_filtered(self):
        return any(
            self.params.get(name)
            for name in self.filterset.form.fields
            if name not in ("as_of", "treaty")
        )

    @cached_property
    def rows(self):
        """The table: filtered, sorted, with ``status`` as at ``as_of`` (empty when invalid)."""
        if not self.filterset.is_valid():
            return []
        ordering = SORTS[self.sort]
        if self.sort_descending:
            ordering = descending(ordering)
        queryset = self.filterset.qs.annotate(status_rank=status_rank()).order_by(*ordering)
        rows = list(queryset)
        for row in rows:
            row.status_label = status_rules.LABELS[row.status]
        return rows

    @cached_property
    def records(self):
        """Every record of the treaty (unfiltered), for the counts, the map and the chart."""
        return list(
            Ratification.objects.filter(treaty=self.treaty)
            .select_related("participant")
            .order_by("participant__name")
        )

    @cached_property
    def counts(self):
        counts = {status: 0 for status, _ in status_rules.CHOICES}
        for record in self.records:
            counts[record.status_at(self.as_of)] += 1
        return counts

    @cached_property
    def undated_parties(self):
        return [r for r in self.records if r.consent_kind and not r.consent_on]

    @cached_property
    def world_map(self):
        # Cached under the data version (treaties.caching): an edit shows at once.
        def build():
            participants = Participant.objects.values_list("code", "name")
            return charts.build_world_map(self.treaty, self.records, participants, self.as_of)

        return cached_aggregate("world-map", build, self.treaty.pk, self.as_of)

    @cached_property
    def chart(self):
        return cached_aggregate(
            "parties-chart",
            lambda: charts.build_parties_chart(self.treaty, self.records),
            self.treaty.pk,
        )

    def sort_links(self):
        """Per column: the query value that sorts by it (toggling direction) and aria-sort."""
        links = {}
        for key, label in SORT_LABELS.items():
            active = key == self.sort
            descending_now = active and self.sort_descending
            links[key] = {
                "label": label,
                "value": key if descending_now or not active else f"-{key}",
                "aria": ("descending" if descending_now else "ascending") if active else "none",
                "active": active,
            }
        return links


class ParticipationMixin:
    """Adds the participation section for ``self.object``, a Treaty, to a detail view."""

    def get_participation_context(self):
        participation = TreatyParticipation(self.object, self.request.GET)
        return {"participation": participation, "ratifications": participation.rows}


# -- CSV ---------------------------------------------------------------------------------------

TREATY_CSV_COLUMNS = [
    "treaty",
    "participant_code",
    "participant",
    "recorded_name",
    "region",
    "subregion",
    "status",
    "status_as_of",
    "signature_on",
    "consent_kind",
    "consent_on",
    "consent_date_note",
    "entry_into_force_on",
    "entry_into_force_basis",
    "withdrawal_notified_on",
    "withdrawal_effective_on",
    "statements_in_knowledge_base",
    "statements_flagged_by_source",
    "source_url",
    "source_kind",
    "note",
    "treaty_status_as_at",
]


def iso(value):
    return value.isoformat() if value else ""


def treaty_csv_rows(participation):
    day = participation.as_of or timezone.localdate()
    treaty = participation.treaty
    for r in participation.rows:
        yield [
            treaty.slug,
            r.participant.code,
            r.participant.name,
            r.recorded_name,
            r.participant.region,
            r.participant.subregion,
            r.status,
            day.isoformat(),
            iso(r.signature_on),
            r.consent_kind,
            iso(r.consent_on),
            NOT_KNOWN if r.consent_kind and not r.consent_on else "",
            iso(r.entry_into_force_on),
            r.entry_into_force_basis,
            iso(r.withdrawal_notified_on),
            iso(r.withdrawal_effective_on),
            len(r.statements.all()),
            "yes" if r.statements_flagged else "",
            r.source_url,
            r.source_kind,
            r.note,
            iso(treaty.status_as_at),
        ]


# -- Participants × instruments -----------------------------------------------------------------


@dataclass
class Cell:
    treaty: Treaty
    record: Ratification | None
    status: str

    @property
    def label(self):
        return status_rules.LABELS[self.status]

    @property
    def date(self):
        """The date that matters for the status, or None."""
        r = self.record
        if r is None:
            return None
        if self.status == status_rules.WITHDRAWN:
            return r.withdrawal_effective_on
        if self.status in (status_rules.PARTY, status_rules.UNKNOWN):
            return r.consent_on
        if self.status == status_rules.SIGNATORY:
            return r.signature_on
        return None

    @property
    def date_not_known(self):
        return (
            self.record is not None
            and self.status in (status_rules.PARTY, status_rules.UNKNOWN)
            and not self.record.consent_on
        )

    @property
    def consent_kind_label(self):
        if self.record and self.record.consent_kind and self.status == status_rules.PARTY:
            return self.record.get_consent_kind_display()
        return ""


def participants_with_records(queryset):
    """Prefetch every participant's records in one query (for ``status_grid``)."""
    return queryset.prefetch_related(
        Prefetch(
            "ratifications",
            queryset=Ratification.objects.order_by("treaty__position"),
            to_attr="records",
        )
    )


def status_grid(participants, treaties, as_of=None):
    """Attach ``cells`` (one per treaty, in order) to each participant; returns them."""
    for participant in participants:
        by_treaty = {r.treaty_id: r for r in participant.records}
        participant.cells = [
            Cell(
                treaty=treaty,
                record=by_treaty.get(treaty.pk),
                status=(
                    by_treaty[treaty.pk].status_at(as_of)
                    if treaty.pk in by_treaty
                    else status_rules.NONE
                ),
            )
            for treaty in treaties
        ]
    return participants


def participant_filterset(params):
    return label_empty_choices(ParticipantFilterSet(params, queryset=Participant.objects.all()))


# -- One participant -----------------------------------------------------------------------------


@dataclass
class Event:
    date: datetime.date | None
    treaty: Treaty
    text: str
    detail: str = ""
    anchor: str = ""


@dataclass
class TreatyEntry:
    treaty: Treaty
    record: Ratification | None
    status: str
    statements: list = field(default_factory=list)

    @property
    def status_label(self):
        return status_rules.LABELS[self.status]

    @property
    def computed_in_force(self):
        return bool(self.record and self.record.entry_into_force_basis == "computed")


def participant_profile(participant):
    """Per treaty (all four, in order): the record, its status today and its statements; and
    the participant's timeline of treaty actions (dated first, oldest first; undated last)."""
    treaties = list(Treaty.objects.order_by("position", "slug"))
    records = {
        r.treaty_id: r
        for r in Ratification.objects.filter(participant=participant).prefetch_related(
            Prefetch(
                "statements",
                queryset=Statement.objects.order_by("made_on", "pk").prefetch_related(
                    Prefetch(
                        "provisions",
                        queryset=Provision.objects.select_related("treaty").order_by("sort_key"),
                    )
                ),
            )
        )
    }
    entries = []
    for treaty in treaties:
        record = records.get(treaty.pk)
        if record is not None:
            record.treaty = treaty
            record.participant = participant
        entries.append(
            TreatyEntry(
                treaty=treaty,
                record=record,
                status=record.status_at() if record else status_rules.NONE,
                statements=list(record.statements.all()) if record else [],
            )
        )
    return entries, timeline(entries)


def timeline(entries):
    events = []
    for entry in entries:
        r, treaty = entry.record, entry.treaty
        if r is None:
            continue
        anchor = treaty.slug
        if r.signature_on:
            events.append(Event(r.signature_on, treaty, "Signature", anchor=anchor))
        if r.consent_kind:
            events.append(
                Event(
                    r.consent_on,
                    treaty,
                    f"{r.get_consent_kind_display()} (consent to be bound)",
                    detail="" if r.consent_on else NOT_KNOWN,
                    anchor=anchor,
                )
            )
        if r.entry_into_force_on:
            basis = (
                f"computed under {treaty.entry_into_force_provision}"
                if r.entry_into_force_basis == "computed" and treaty.entry_into_force_provision
                else r.get_entry_into_force_basis_display().lower()
            )
            events.append(
                Event(r.entry_into_force_on, treaty, "Entry into force", basis, anchor=anchor)
            )
        if r.withdrawal_notified_on:
            events.append(
                Event(r.withdrawal_notified_on, treaty, "Withdrawal notified", anchor=anchor)
            )
        if r.withdrawal_effective_on:
            events.append(
                Event(r.withdrawal_effective_on, treaty, "Withdrawal took effect", anchor=anchor)
            )
        for statement in entry.statements:
            where = f" on art. {statement.article_reference}" if statement.article_reference else ""
            if statement.made_on:
                events.append(
                    Event(
                        statement.made_on,
                        treaty,
                        f"{statement.get_kind_display()}{where}",
                        statement.get_occasion_display().lower() if statement.occasion else "",
                        anchor=f"statement-{statement.pk}",
                    )
                )
            if statement.withdrawn_on:
                events.append(
                    Event(
                        statement.withdrawn_on,
                        treaty,
                        f"{statement.get_kind_display()}{where} withdrawn",
                        anchor=f"statement-{statement.pk}",
                    )
                )
    dated = sorted((e for e in events if e.date), key=lambda e: (e.date, e.treaty.position))
    undated = [e for e in events if not e.date]
    return dated + undated
