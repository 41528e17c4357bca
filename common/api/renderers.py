"""CSV for spreadsheets: one row per result, flat columns.

Nested objects become dotted columns (``treaties.untoc.status``), lists of values are joined
with "; ", lists of objects by their ``id``. A paginated list gives the rows of the requested
page (use ``page_size`` up to the maximum to get everything in one file); the total and the
next/previous pages are in the ``X-Total-Count`` and ``Link`` headers. Errors are never CSV:
they are problem documents (``common.api.problems``). A text that starts like a spreadsheet formula
(``=``, ``+``, ``-``, ``@``) gets a leading apostrophe (``common.csvfiles.spreadsheet_safe``).
"""

import csv
import io
import re

from csp.constants import UNSAFE_INLINE
from django.utils import timezone
from django.utils.text import slugify
from rest_framework import renderers
from rest_framework.renderers import BaseRenderer

from common.csvfiles import spreadsheet_safe
from common.params import parse_as_of

SEPARATOR = "; "

# DRF's base template falls short of valid, accessible HTML in three places; each gets what it lacks
# (tests/browser/test_judges.py checks the pages with the Nu HTML checker and axe-core):
# - three <div>s (request form, request info, response info) named with aria-label but given no
#   role, which HTML does not allow and assistive technology ignores: the named region DRF meant;
# - <html> without the page's language;
# - the format menu's button, whose only name is a title that Bootstrap's tooltip script removes.
BROWSABLE_API_FIXES = [
    (
        re.compile(r'<div (class="(?:region|request-info|response-info)")\s+aria-label='),
        r'<div \1 role="region" aria-label=',
    ),
    (re.compile(r"<html>"), '<html lang="en">'),
    (
        re.compile(r'<button (class="btn btn-primary dropdown-toggle js-tooltip" data-toggle=)'),
        r'<button aria-label="Format of the GET request" \1',
    ),
]


def cell(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return SEPARATOR.join(
            str(item.get("id", "")) if isinstance(item, dict) else cell(item) for item in value
        )
    return spreadsheet_safe(str(value))


def flatten(record, exclude=(), prefix=""):
    flat = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if name in exclude:
            continue
        if isinstance(value, dict):
            flat.update(flatten(value, exclude, f"{name}."))
        else:
            flat[name] = cell(value)
    return flat


# Parameters that do not change which rows a file holds (or only their columns and order).
UNNAMED_PARAMETERS = ("format", "page_size", "ordering", "fields", "omit", "page", "as_of")
MAX_NAME = 120


def download_name(view, request):
    """A file name that says what the file holds: ``treatykb-<resource>-<what was asked>-
    <date>.csv``, e.g. ``treatykb-ratifications-untoc-2026-12-04.csv`` (the filters' values,
    the object of a detail, the page after the first; the date is ``as_of`` or today's)."""
    resource = getattr(view, "download_name", None) or getattr(view, "basename", None) or "data"
    parts = [str(value) for value in (getattr(view, "kwargs", None) or {}).values()]
    day = timezone.localdate()
    if request is not None:
        params = request.query_params
        for name, values in params.lists():
            if name not in UNNAMED_PARAMETERS:
                parts += [part for value in values for part in value.split(",")]
        try:
            day = parse_as_of(params.get("as_of")) or day
        except ValueError:
            pass
        page = params.get("page", "").strip()
        if page.isdigit() and int(page) > 1:
            parts.append(f"page-{int(page)}")
    words = [slugify(part.replace("/", "-")) for part in parts]
    middle = "-".join(word for word in words if word)[:MAX_NAME].strip("-")
    return "-".join(filter(None, ["treatykb", resource, middle, day.isoformat()])) + ".csv"


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response, view = context.get("response"), context.get("view")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if data is None:
            return b""
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            records = data["results"]
        elif isinstance(data, list):
            records = data
        else:
            records = [data]
        exclude = set(getattr(view, "csv_exclude", ()))
        rows = [flatten(record, exclude) for record in records if isinstance(record, dict)]
        header = list(dict.fromkeys(name for row in rows for name in row))
        spec = getattr(view, "csv_spec", None)
        if not header and spec is not None:
            header = spec.header
        elif not header and view is not None and hasattr(view, "get_serializer"):
            header = [name for name in view.get_serializer().fields if name not in exclude]
        writer.writerow(header)
        writer.writerows([row.get(name, "") for name in header] for row in rows)
        if response is not None and view is not None:
            request = context.get("request")
            response["Content-Disposition"] = f'inline; filename="{download_name(view, request)}"'
        return buffer.getvalue().encode(self.charset)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API under the site's Content-Security-Policy.

    DRF's templates put a few ``style`` attributes on their markup (``float: right`` on the
    format menu, the width of the search box), so these pages, and only these, allow inline
    style *attributes* (``style-src-attr 'unsafe-inline'``). Scripts, ``<style>`` elements and
    everything else keep the site's policy: DRF's scripts are static files. Its inline
    ``<style>`` of code-highlighting rules is left out: it only styles Markdown code in view
    descriptions, and Markdown is not installed. Where DRF's markup is invalid or inaccessible
    the rendered page is mended (``BROWSABLE_API_FIXES``); its contrast is mended in
    ``static/css/api-browsable.css`` (``templates/rest_framework/api.html``).
    """

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None
        return context

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src-attr": [UNSAFE_INLINE]}
        html = super().render(data, accepted_media_type, renderer_context)
        for pattern, replacement in BROWSABLE_API_FIXES:
            html = pattern.sub(replacement, html)
        return html
