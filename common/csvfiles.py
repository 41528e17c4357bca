"""CSV as every export of Treaty KB writes it: one cell vocabulary, one column spec per record.

- ``cell()`` spells a value the one way every CSV uses: dates as YYYY-MM-DD, timestamps as ISO
  8601 with their offset, booleans as ``true``/``false``, nothing (None) as an empty cell, a list
  as its items joined by "; ", and text protected against spreadsheet formulas
  (``spreadsheet_safe``).
- ``Spec`` is a record type's columns, each a name and how to read it from an object. The same
  spec writes the record in the page CSVs, the bulk download, the admin's export and the API's
  ``?format=csv``, so that a record has the same columns and spellings in every file.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# ("CSV injection"); tab and carriage return can hide such a start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
TRUE, FALSE = "true", "false"


def spreadsheet_safe(value):
    """A CSV cell value that a spreadsheet shows as the text it is: a string starting like a
    formula gets a leading apostrophe (shown by no spreadsheet); numbers, negative ones included,
    and everything else are unchanged. Every CSV this site writes passes its cells through it."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not _is_number(value):
        return "'" + value
    return value


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def iso(value):
    """A date (or timestamp) as ISO 8601, or an empty string."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def cell(value):
    """``value`` as the text of a CSV cell (see the module's docstring)."""
    if value is None:
        return ""
    if value is True:
        return TRUE
    if value is False:
        return FALSE
    if isinstance(value, datetime.date):
        return iso(value)
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(cell(item)) for item in value)
    return spreadsheet_safe(str(value))


@dataclass(frozen=True)
class Column:
    name: str
    read: object  # obj -> value
    help: str = ""


class Spec:
    """A record type's CSV columns, in order."""

    def __init__(self, *columns):
        self.columns = columns

    @property
    def header(self):
        return [column.name for column in self.columns]

    def values(self, obj, **context):
        return [column.read(obj, **context) for column in self.columns]

    def row(self, obj, **context):
        return [cell(value) for value in self.values(obj, **context)]

    def rows(self, objects, **context):
        return (self.row(obj, **context) for obj in objects)

    def as_dict(self, obj, **context):
        return dict(zip(self.header, self.row(obj, **context), strict=True))


def write(target, header, rows, lineterminator="\r\n"):
    writer = csv.writer(target, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)


def csv_text(header, rows):
    """A CSV file's text, lines ending in a newline (the files of the bulk download)."""
    buffer = io.StringIO()
    write(buffer, header, [[cell(value) for value in row] for row in rows], lineterminator="\n")
    return buffer.getvalue()


def csv_response(filename, header, rows):
    """A CSV file to download, named ``filename``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write(response, header, rows)
    return response
