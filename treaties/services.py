"""Writes that span rows: recording ratification records and their statements, and importing
ratification records from CSV (the admin's import page and ``manage.py import_ratifications``).

Every write runs in one transaction, calls ``full_clean()`` on each object, and is recorded in
the change history (one record per object, with its author and a reason).
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from . import status as status_rules
from .checks import parties_missing_parent
from .dataset import STATUS_COLUMNS, source_kind
from .history import grouped_history
from .models import (
    ConsentKind,
    EntryIntoForceBasis,
    Participant,
    Ratification,
    Statement,
    Treaty,
    parse_article_reference,
)

CREATE, CHANGE, UNCHANGED, REJECT = "create", "change", "unchanged", "reject"
MAX_IMPORT_BYTES = 2 * 1024 * 1024


# -- statements and warnings ------------------------------------------------------------------


def link_statement_provisions(statement):
    """Link a statement to the articles its reference names ('15(2);6(3)' -> arts. 15 and 6)
    when it is linked to none yet; returns the articles linked."""
    from provisions.models import Provision

    if statement.provisions.exists():
        return []
    numbers = parse_article_reference(statement.article_reference)
    if not numbers:
        return []
    provisions = list(
        Provision.objects.filter(treaty_id=statement.ratification.treaty_id, number__in=numbers)
    )
    statement.provisions.add(*provisions)
    return provisions


def parent_party_warnings(participant):
    """Messages for the participant's records that make it party to an instrument (the
    Protocol) without being party to the one it supplements (UNTOC)."""
    records = Ratification.objects.filter(participant=participant)
    return [
        f"{r.participant} is party to {r.treaty} but not to {r.treaty.parent}: a state must be "
        f"party to {r.treaty.parent} to become party to {r.treaty}. Check the record."
        for r in parties_missing_parent(records)
    ]


@transaction.atomic
def add_statement(ratification, *, user=None, reason="", **values):
    """Record a statement (reservation, declaration, ...) on a ratification record, linked to
    the articles its reference names."""
    with grouped_history(user=user, reason=reason):
        statement = Statement(ratification=ratification, **values)
        statement.full_clean()
        statement.save()
        link_statement_provisions(statement)
    return statement


# -- CSV import: shared machinery -------------------------------------------------------------


@dataclass
class RowOutcome:
    line: int
    action: str
    label: str
    changes: list = field(default_factory=list)  # (field label, old, new)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def messages(self):
        return [f"line {self.line}: {error}" for error in self.errors]


@dataclass
class ImportReport:
    kind: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # problems with the file as a whole
    applied: bool = False

    @property
    def ok(self):
        return not self.errors and not self.rejected

    def of(self, action):
        return [row for row in self.rows if row.action == action]

    @property
    def created(self):
        return self.of(CREATE)

    @property
    def changed(self):
        return self.of(CHANGE)

    @property
    def unchanged(self):
        return self.of(UNCHANGED)

    @property
    def rejected(self):
        return self.of(REJECT)

    @property
    def warnings(self):
        return [f"line {row.line}: {w}" for row in self.rows for w in row.warnings]

    def problems(self):
        """Every reason the file cannot be applied, each with its line number."""
        return self.errors + [message for row in self.rejected for message in row.messages]

    def summary(self):
        verb = "applied" if self.applied else "would apply"
        return (
            f"{len(self.created)} to create, {len(self.changed)} to change, "
            f"{len(self.unchanged)} unchanged, {len(self.rejected)} rejected"
            if not self.applied
            else f"{verb}: {len(self.created)} created, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged"
        )


def read_csv(content, required, optional=()):
    """(rows as (line, dict), file-level errors). ``content`` is text or bytes (UTF-8)."""
    if isinstance(content, bytes):
        if len(content) > MAX_IMPORT_BYTES:
            return [], [f"line 1: the file is larger than {MAX_IMPORT_BYTES // 1024} KB"]
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return [], [f"the file is not UTF-8 text (byte {error.start})"]
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        return [], [f"line 1: {error}"]
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in required and name not in optional]
    errors = []
    if missing:
        errors.append(f"line 1: missing column(s): {', '.join(missing)}")
    if unknown:
        errors.append(f"line 1: unknown column(s): {', '.join(unknown)}")
    if errors:
        return [], errors
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if None in row or any(value is None for value in row.values()):
                errors.append(f"line {reader.line_num}: expected {len(header)} fields")
                continue
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    except csv.Error as error:
        errors.append(f"line {reader.line_num}: {error}")
    if not rows and not errors:
        errors.append("the file has no rows")
    return rows, errors


def validation_messages(error):
    messages = []
    for name, field_errors in error.message_dict.items():
        prefix = "" if name == "__all__" else f"{name}: "
        messages.extend(prefix + message for message in field_errors)
    return messages


def display(value):
    if value in (None, ""):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


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
    optional = ["treaty_slug"] if treaty else []
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
        for column in ("signature_date", "consent_date", "entry_into_force_date"):
            try:
                dates[column] = status_rules.parse_date(row[column])
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
        record.source_url = row["source_url"]
        record.source_kind = source_kind(row["source_url"])
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
                    record.save()
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
