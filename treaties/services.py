"""Writes that span rows: recording ratification records and their statements, and importing
ratification records from CSV (the admin's import page and ``manage.py import_ratifications``).

Every write runs in one transaction, calls ``full_clean()`` on each object, and is recorded in
the change history (one record per object, with its author and a reason).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from common.history import grouped_history
from common.imports import (
    CHANGE,
    CREATE,
    REJECT,
    UNCHANGED,
    ImportReport,
    RowOutcome,
    display,
    read_csv,
    validation_messages,
)
from common.params import parse_date
from common.tracking import add_links

from . import status as status_rules
from .checks import parties_missing_parent
from .models import (
    ConsentKind,
    EntryIntoForceBasis,
    Participant,
    Ratification,
    Statement,
    Treaty,
    articles_model,
    parse_article_reference,
)
from .sources import SOURCE_DATE_COLUMNS, STATUS_COLUMNS, source_kind

# -- statements and warnings ------------------------------------------------------------------


def link_statement_provisions(statement, articles=None):
    """Link a statement to articles; returns the articles it was not linked to before.

    Without ``articles``: the articles its reference names ('15(2);6(3)' -> arts. 15 and 6 of
    its treaty), and only when it is linked to none yet (an editor's choice of links is kept).
    With ``articles`` (the data loader's, from the data set): those of them it is not linked to
    yet. Every write of a statement calls it: the admin's forms, the API, the loader."""
    if articles is None:
        if statement.provisions.exists():
            return []
        numbers = parse_article_reference(statement.article_reference)
        if not numbers:
            return []
        articles = articles_model().objects.filter(
            treaty_id=statement.ratification.treaty_id, number__in=numbers
        )
    return add_links(statement.provisions, articles)


def parent_party_warnings(participant):
    """Messages for the participant's records that make it party to an instrument (the
    Protocol) without being party to the one it supplements (UNTOC)."""
    records = Ratification.objects.filter(participant=participant)
    return [
        f"{r.participant} is party to {r.treaty} but not to {r.treaty.parent}: a state must be "
        f"party to {r.treaty.parent} to become party to {r.treaty}. Check the record."
        for r in parties_missing_parent(records)
    ]


def record_statement(statement, articles=None, *, user=None, reason=""):
    """Save a statement (new or changed) after ``full_clean()``; with ``articles`` make them its
    only linked articles; then link it to the articles its reference names if it has none. One
    transaction, one history record."""
    with transaction.atomic(), grouped_history(user=user, reason=reason):
        statement.full_clean()
        statement.save()
        if articles is not None:
            statement.provisions.set(articles)
        link_statement_provisions(statement)
    return statement


# A deletion and what it takes with it (a record's statements) are recorded within moments.
DELETED_TOGETHER = datetime.timedelta(seconds=10)


def restore_deleted_statements(record, *, user=None):
    """Restore the statements deleted with ``record`` (a ratification record just restored from
    its history), each with the articles it was linked to; returns them. One transaction, a
    history record per statement saying so."""
    deletion = record.history.filter(history_type="-").order_by("-history_date").first()
    if deletion is None:
        return []
    History = Statement.history.model
    deleted = History.objects.filter(
        ratification_id=record.pk,
        history_type="-",
        history_date__gte=deletion.history_date - DELETED_TOGETHER,
        history_date__lte=deletion.history_date + DELETED_TOGETHER,
    ).order_by("history_date", "history_id")
    target = Statement._meta.get_field("provisions").m2m_reverse_field_name() + "_id"
    restored = []
    reason = f"Restored with the ratification record {record}"
    with transaction.atomic(), grouped_history(user=user, reason=reason):
        for gone in deleted:
            if Statement.objects.filter(pk=gone.id).exists():
                continue
            # The links as they stood before the deletion (the deletion's own record has none).
            before = (
                History.objects.filter(id=gone.id, history_date__lt=gone.history_date)
                .exclude(history_type="-")
                .order_by("-history_date", "-history_id")
                .first()
            )
            statement = gone.instance
            statement.full_clean(validate_unique=False)
            statement.save()
            if before is not None:
                ids = [getattr(link, target) for link in before.provisions.all()]
                statement.provisions.set(articles_model().objects.filter(pk__in=ids))
            restored.append(statement)
    return restored


def add_statement(ratification, *, user=None, reason="", **values):
    """Record a statement (reservation, declaration, ...) on a ratification record, linked to
    the articles its reference names."""
    return record_statement(
        Statement(ratification=ratification, **values), user=user, reason=reason
    )


def record_ratification(record, *, user=None, reason="", warn=True):
    """Save a ratification record (new or changed): the kind of its source found from its
    address when not given, its entry into force brought up to date by the treaty's rule,
    ``full_clean()``, one transaction and one history record. Every write of a record calls it
    (the admin, the API, the CSV import). Returns the warnings about the participant's records
    (party to the Protocol, not to UNTOC), unless ``warn`` is false."""
    with transaction.atomic(), grouped_history(user=user, reason=reason):
        if record.source_url and not record.source_kind:
            record.source_kind = source_kind(record.source_url)
        record.fill_entry_into_force()
        record.full_clean()
        record.save()
    return parent_party_warnings(record.participant) if warn else []


def record_participant(participant, *, user=None, reason=""):
    """Save a participant (new or changed) after ``full_clean()``: one transaction, one history
    record."""
    with transaction.atomic(), grouped_history(user=user, reason=reason):
        participant.full_clean()
        participant.save()
    return participant


# -- CSV import of ratification records -------------------------------------------------------

RATIFICATION_FIELDS = [
    "recorded_name",
    "signature_on",
    "consent_kind",
    "consent_on",
    "entry_into_force_on",
    "entry_into_force_basis",
    "statements_flagged",
    "source_url",
    "source_kind",
    "source_as_at",
    "via_url",
    "consent_not_after",
]


def find_participant(row, participants_by_code, participants_by_name):
    code = row["iso3166_alpha2"].upper()
    if code:
        return participants_by_code.get(code)
    return participants_by_name.get(row["participant"].casefold())


def import_ratifications(content, treaty=None, *, apply=False, user=None, reason=""):
    """Check (and with ``apply``, write) a CSV of ratification records.

    Columns: those of the shared status tables (``fixtures/status/*.csv``), plus ``treaty_slug``
    unless ``treaty`` is given. Each row states the whole record: an empty cell clears that date.
    A record is found by treaty and participant (the ISO alpha-2 code, or for an organisation
    without one, its name); it is created if there is none. Nothing is written unless every row
    is valid; then everything is written in one transaction."""
    report = ImportReport(kind="ratification records")
    optional = (["treaty_slug"] if treaty else []) + SOURCE_DATE_COLUMNS
    required = STATUS_COLUMNS + ([] if treaty else ["treaty_slug"])
    rows, report.errors = read_csv(content, required, optional)
    if report.errors:
        return report
    treaties = {t.slug: t for t in Treaty.objects.select_related("parent")}
    participants = list(Participant.objects.all())
    by_code = {p.code: p for p in participants}
    by_name = {}
    for p in participants:
        for name in (p.name, p.recorded_name, p.official_name):
            if name:
                by_name.setdefault(name.casefold(), p)
    existing = {
        (r.treaty_id, r.participant_id): r for r in Ratification.objects.select_related("treaty")
    }
    consent_kinds = set(ConsentKind.values)
    seen, pending = {}, []
    for line, row in rows:
        errors = []
        slug = row.get("treaty_slug", "") or (treaty.slug if treaty else "")
        row_treaty = treaties.get(slug)
        if treaty and slug != treaty.slug:
            errors.append(f"treaty_slug '{slug}' is not the chosen treaty '{treaty.slug}'")
        elif row_treaty is None:
            errors.append(f"unknown treaty_slug '{slug}' (one of {', '.join(sorted(treaties))})")
        participant = find_participant(row, by_code, by_name)
        who = row["iso3166_alpha2"] or row["participant"]
        if participant is None:
            errors.append(
                f"unknown participant '{who}' (give its ISO 3166-1 alpha-2 code, or for an "
                "organisation its name; new participants are added on the Participants page)"
            )
        dates = {}
        for column in ("signature_date", "consent_date", "entry_into_force_date", "source_as_at"):
            try:
                dates[column] = parse_date(row.get(column, ""))
            except ValueError as error:
                errors.append(f"{column}: {error}")
        kind = row["consent_type"].lower()
        if kind and kind not in consent_kinds:
            errors.append(f"consent_type '{kind}' is not one of {', '.join(sorted(consent_kinds))}")
        flagged = row["reservations_or_declarations"].lower()
        if flagged not in ("", "yes", "no"):
            errors.append(
                f"reservations_or_declarations must be 'yes', 'no' or empty, not '{flagged}'"
            )
        label = f"{row_treaty or slug or '?'}: {participant or who or '?'}"
        if errors:
            report.rows.append(RowOutcome(line, REJECT, label, errors=errors))
            continue
        key = (row_treaty.pk, participant.pk)
        if key in seen:
            report.rows.append(
                RowOutcome(
                    line,
                    REJECT,
                    label,
                    errors=[f"a second row for this record (see line {seen[key]})"],
                )
            )
            continue
        seen[key] = line
        record = existing.get(key)
        creating = record is None
        if creating:
            record = Ratification(treaty=row_treaty, participant=participant)
        before = {name: getattr(record, name) for name in RATIFICATION_FIELDS}
        record.treaty = row_treaty
        record.recorded_name = row["participant"] or record.recorded_name
        record.signature_on = dates["signature_date"]
        record.consent_kind = kind
        record.consent_on = dates["consent_date"]
        stated = dates["entry_into_force_date"]
        record.entry_into_force_on = stated
        record.entry_into_force_basis = EntryIntoForceBasis.STATED if stated else ""
        record.statements_flagged = flagged == "yes"
        if "source_as_at" in row or record.source_url != row["source_url"]:
            # A file without the columns keeps a record's source date and copy only while the
            # source stays the same.
            record.source_as_at = dates["source_as_at"]
            record.via_url = row.get("via_url", "")
        record.source_url = row["source_url"]
        record.source_kind = source_kind(row["source_url"])
        if record.consent_on:
            record.consent_not_after = None  # the date is now known
        record.fill_entry_into_force()
        try:
            record.full_clean()
        except ValidationError as error:
            report.rows.append(RowOutcome(line, REJECT, label, errors=validation_messages(error)))
            continue
        changes = [
            (
                Ratification._meta.get_field(name).verbose_name,
                display(before[name]),
                display(getattr(record, name)),
            )
            for name in RATIFICATION_FIELDS
            if before[name] != getattr(record, name)
        ]
        action = CREATE if creating else (CHANGE if changes else UNCHANGED)
        outcome = RowOutcome(line, action, label, changes=[] if creating else changes)
        report.rows.append(outcome)
        pending.append((outcome, record))
    warn_missing_parents(pending, existing)
    if apply and report.ok:
        with transaction.atomic(), grouped_history(user=user, reason=reason or "CSV import"):
            for outcome, record in pending:
                if outcome.action != UNCHANGED:
                    record_ratification(record, warn=False)
        report.applied = True
    return report


def warn_missing_parents(pending, existing):
    """A warning (not a rejection) on rows that make a participant party to the Protocol
    while it is not party to UNTOC, as the file and the database together stand."""
    records = dict(existing)
    for _outcome, record in pending:
        records[(record.treaty.pk, record.participant.pk)] = record
    for outcome, record in pending:
        parent = record.treaty.parent
        if parent is None or record.status_at() != status_rules.PARTY:
            continue
        parent_record = records.get((parent.pk, record.participant.pk))
        if parent_record is None or parent_record.status_at() != status_rules.PARTY:
            outcome.warnings.append(
                f"{record.participant} would be party to {record.treaty} but not to {parent}"
            )
