"""The machinery every CSV import shares (the admin's import pages, the import commands and
the data loader's reports): reading a CSV strictly, a report of what each line would do or did,
and printing that report from a management command.

An import checks every row first and writes nothing if any row is wrong; each rejected row names
its line number.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError

CREATE, CHANGE, UNCHANGED, REJECT = "create", "change", "unchanged", "reject"
MAX_IMPORT_BYTES = 2 * 1024 * 1024


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


# -- from the command line ----------------------------------------------------------------------


def write_report(command, report, dry_run):
    """Print what an import did (or would do); raise CommandError (exit 1) if it was refused."""
    for row in report.rows:
        if row.action == "reject":
            continue
        details = "; ".join(f"{name}: {old} -> {new}" for name, old, new in row.changes)
        command.stdout.write(
            f"line {row.line}: {row.action} {row.label}" + (f" ({details})" if details else "")
        )
    for warning in report.warnings:
        command.stderr.write(f"warning: {warning}")
    if not report.ok:
        for problem in report.problems():
            command.stderr.write(problem)
        raise CommandError(f"{len(report.problems())} problem(s); nothing was written.")
    verdict = "dry run, nothing written" if dry_run else "written"
    command.stdout.write(
        command.style.SUCCESS(
            f"{len(report.created)} created, {len(report.changed)} changed, "
            f"{len(report.unchanged)} unchanged ({verdict})."
        )
    )


def read_file(path):
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from error
