"""The CSV columns of treaties, participants, ratification records and statements: one spec per
record type (``common.csvfiles.Spec``), used by every file that holds such records (the treaty
page's participants CSV, the bulk download, the admin's export and the API's ``?format=csv``).

Each column reads a raw value (a date, a boolean, a list): ``csvfiles.cell`` spells it for a CSV
(dates YYYY-MM-DD, ``true``/``false``, lists joined by "; "), the JSON download keeps it typed.
Readers take the status date as ``day`` (the date the derived status is as at).
"""

from common.csvfiles import Column, Spec

from . import status as status_rules

NOT_KNOWN = "date not known"


def article_id(provision):
    """An article as the API names it: '<treaty-slug>/<number>'."""
    return f"{provision.treaty.slug}/{provision.number}"


def derived_status(record, day=None, **_):
    """The record's status as at ``day``: the queryset's annotation when there is one
    (``with_status``), else derived from the record's dates."""
    annotated = getattr(record, "status", None)
    return annotated if annotated is not None else status_rules.evaluate(record, day)


def status_day(record, day=None, **_):
    return day


def _(read):
    """A reader that ignores the context (``day``)."""
    return lambda obj, **context: read(obj)


TREATY = Spec(
    Column("slug", _(lambda t: t.slug)),
    Column("short_title", _(lambda t: t.short_title)),
    Column("full_title", _(lambda t: t.full_title)),
    Column("kind", _(lambda t: t.kind)),
    Column("parent", _(lambda t: t.parent.slug if t.parent else "")),
    Column("organisation", _(lambda t: t.organisation)),
    Column("scope", _(lambda t: t.scope)),
    Column("adopted_on", _(lambda t: t.adopted_on)),
    Column("adopted_at", _(lambda t: t.adopted_at)),
    Column("adopted_by", _(lambda t: t.adopted_by)),
    Column("opened_for_signature_on", _(lambda t: t.opened_for_signature_on)),
    Column("entry_into_force_on", _(lambda t: t.entry_into_force_on)),
    Column("depositary", _(lambda t: t.depositary)),
    Column("treaty_series", _(lambda t: t.treaty_series)),
    Column("entry_into_force_rule", _(lambda t: t.entry_into_force_rule)),
    Column("entry_into_force_provision", _(lambda t: t.entry_into_force_provision)),
    Column("status_as_at", _(lambda t: t.status_as_at)),
    Column("status_note", _(lambda t: t.status_note)),
    Column("entry_into_force_rule_source", _(lambda t: t.entry_into_force_rule_source)),
    Column("statements_flags_source", _(lambda t: t.statements_flags_source)),
    Column("statements_complete_as_at", _(lambda t: t.statements_complete_as_at)),
    Column("preamble_incomplete", _(lambda t: t.preamble_incomplete)),
    Column("sources", _(lambda t: list(t.sources))),
    Column("modified_at", _(lambda obj: obj.modified_at)),
)

PARTICIPANT = Spec(
    Column("code", _(lambda p: p.code)),
    Column("iso_alpha2", _(lambda p: p.iso_alpha2 or "")),
    Column("iso_alpha3", _(lambda p: p.iso_alpha3 or "")),
    Column("name", _(lambda p: p.name)),
    Column("official_name", _(lambda p: p.official_name)),
    Column("recorded_name", _(lambda p: p.recorded_name)),
    Column("kind", _(lambda p: p.kind)),
    Column("region", _(lambda p: p.region)),
    Column("subregion", _(lambda p: p.subregion)),
    Column("coe_member", _(lambda p: p.coe_member)),
    Column("asean_member", _(lambda p: p.asean_member)),
    Column("eu_member", _(lambda p: p.eu_member)),
    Column("modified_at", _(lambda obj: obj.modified_at)),
)


def count_of_kind(kind):
    return lambda record, **_: sum(1 for s in record.statements.all() if s.kind == kind)


# Reads ``record.treaty``, ``record.participant``, ``record.statements`` and ``record.status``
# (or derives it): fetch them in bulk (``Ratification.objects.for_csv()``). Named as in the API.
RATIFICATION = Spec(
    Column("id", _(lambda r: f"{r.treaty.slug}/{r.participant.code}")),
    Column("treaty", _(lambda r: r.treaty.slug)),
    Column("participant", _(lambda r: r.participant.code)),
    Column("participant_name", _(lambda r: r.participant.name)),
    Column("recorded_name", _(lambda r: r.recorded_name)),
    Column("region", _(lambda r: r.participant.region)),
    Column("subregion", _(lambda r: r.participant.subregion)),
    Column("signature_on", _(lambda r: r.signature_on)),
    Column("consent_kind", _(lambda r: r.consent_kind)),
    Column("consent_on", _(lambda r: r.consent_on)),
    Column(
        "consent_date_note", _(lambda r: NOT_KNOWN if r.consent_kind and not r.consent_on else "")
    ),
    Column("consent_not_after", _(lambda r: r.consent_not_after)),
    Column("entry_into_force_on", _(lambda r: r.entry_into_force_on)),
    Column("entry_into_force_basis", _(lambda r: r.entry_into_force_basis)),
    Column("withdrawal_notified_on", _(lambda r: r.withdrawal_notified_on)),
    Column("withdrawal_effective_on", _(lambda r: r.withdrawal_effective_on)),
    Column("status", derived_status),
    Column("status_on", status_day),
    Column("statements_flagged", _(lambda r: r.statements_flagged)),
    Column("statements_recorded", _(lambda r: len(r.statements.all()))),
    Column("statements_known", _(lambda r: r.statements_known)),
    Column("statements_known_as_at", _(lambda r: r.statements_known_as_at)),
    Column("reservations_count", count_of_kind("reservation")),
    Column("declarations_count", count_of_kind("declaration")),
    Column("source_url", _(lambda r: r.source_url)),
    Column("source_kind", _(lambda r: r.source_kind)),
    Column("source_as_at", _(lambda r: r.source_as_at)),
    Column("via_url", _(lambda r: r.via_url)),
    Column("depositary_confirmed_as_at", _(lambda r: r.depositary_confirmed_as_at)),
    Column("note", _(lambda r: r.note)),
    Column("treaty_status_as_at", _(lambda r: r.treaty.status_as_at)),
    Column("modified_at", _(lambda obj: obj.modified_at)),
)

# Reads ``statement.ratification`` with its treaty and participant, and the articles it names
# with their treaties (``Statement.objects.for_csv()``).
STATEMENT = Spec(
    Column("id", _(lambda s: s.pk)),
    Column("treaty", _(lambda s: s.ratification.treaty.slug)),
    Column("participant", _(lambda s: s.ratification.participant.code)),
    Column("participant_name", _(lambda s: s.ratification.participant.name)),
    Column("kind", _(lambda s: s.kind)),
    Column("article_reference", _(lambda s: s.article_reference)),
    Column("provisions", _(lambda s: [article_id(p) for p in s.provisions.all()])),
    Column("made_on", _(lambda s: s.made_on)),
    Column("occasion", _(lambda s: s.occasion)),
    Column("withdrawn_on", _(lambda s: s.withdrawn_on)),
    Column("text", _(lambda s: s.text)),
    Column("source_url", _(lambda s: s.source_url)),
    Column("modified_at", _(lambda obj: obj.modified_at)),
)
