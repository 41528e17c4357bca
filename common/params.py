"""Query parameters as every page and every API endpoint reads them: one grammar each.

- Lists (every list-valued filter, ``fields``, ``omit``, ``ordering``): comma-separated and
  repeated alike, meaning "any of" (``any_of_values``); an empty value means no filter, for
  every parameter.
- Dates (``as_of`` and every other date): ISO 8601, ``YYYY-MM-DD``, and nothing else
  (``parse_date``). The one rule for dates to come: a status "as of" today or a later date is
  the status today (``as_of``: None), for pages, CSVs and the API alike.
- Page numbers (``page``): a whole number from 1 (``page_number``); on pages an invalid one is a
  404, in the API a 400 (``common.api.pagination``).
- Filter errors: one sentence per problem, naming the parameter and the value given
  (``filter_errors``), shown on pages and as plain text with a 400 by their CSVs; the API
  answers the same problems as a 400 with field messages.

Pages sort with ``?sort=``, the API orders with ``?ordering=``: the two vocabularies and their
mapping are in docs/architecture.md ("One vocabulary").
"""

import datetime

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

DATE_FORMAT_HELP = "use the form YYYY-MM-DD, e.g. 2010-12-31"


def any_of_values(data, name):
    """The values of a list-valued parameter: comma-separated and repeated alike
    (``?treaty=a&treaty=b`` and ``?treaty=a,b``), each stripped; empty values are left out, so
    an empty parameter means no filter."""
    if hasattr(data, "getlist"):
        raw = data.getlist(name)
    else:
        raw = data.get(name)
        raw = list(raw) if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    values = [part.strip() for value in raw for part in str(value).split(",")]
    return list(dict.fromkeys(value for value in values if value))


def parse_date(value):
    """An ISO date (``YYYY-MM-DD``) or None for an empty value; raises ValueError with a
    readable message for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a date; {DATE_FORMAT_HELP}.") from None


def parse_timestamp(value):
    """An ISO 8601 timestamp (UTC when it has no offset; ``Z`` accepted) or a date (its start,
    UTC); raises ValueError with a readable message for anything else."""
    text = str(value or "").strip()
    moment = None
    try:
        moment = parse_datetime(text.replace("Z", "+00:00"))
        if moment is None:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(
            f"'{value}' is not a timestamp: use ISO 8601, e.g. 2025-01-31T12:00:00Z or 2025-01-31."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def as_of(day):
    """The date a status is asked "as of", by the one rule: None (today) for no date, today or
    a later date; the date itself when it is in the past."""
    if day is None or day >= timezone.localdate():
        return None
    return day


def parse_as_of(value):
    """``as_of`` from a query string: ``parse_date`` then ``as_of``."""
    return as_of(parse_date(value))


class ISODateField(forms.DateField):
    """A form field for a date in the form YYYY-MM-DD and nothing else (no locale formats)."""

    default_error_messages = {"invalid": f"Enter a date: {DATE_FORMAT_HELP}."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except ValueError as error:  # the value may hold a '%': passed as a parameter
            raise forms.ValidationError(
                "%(error)s", code="invalid", params={"error": str(error)}
            ) from None


def page_number(request, parameter="page"):
    """The page a page asks for (1 when not given); anything but a whole number is a 404."""
    raw = request.GET.get(parameter, "1")
    try:
        return int(raw)
    except ValueError:
        raise Http404(f"'{raw}' is not a page number.") from None


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
        for error in errors:
            messages.append(f"{label} ({name}): {error}")
    return messages


def sort_links(labels, column, descending):
    """For a table sorted by ``column`` (descending or not), per column of ``labels`` ({key:
    label}): the ``sort`` value its header link sets (the same column toggles its direction,
    another sorts ascending), its ``aria-sort`` and whether it is the current one."""
    links = {}
    for key, label in labels.items():
        active = key == column
        descending_now = active and descending
        links[key] = {
            "label": label,
            "value": key if descending_now or not active else f"-{key}",
            "aria": ("descending" if descending_now else "ascending") if active else "none",
            "active": active,
        }
    return links
