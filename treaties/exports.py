"""The whole data set as one dated download: a .zip of flat CSV files, or one JSON document.

Both carry the export date and, per treaty, the date its participant data is current to
(``status_as_at``) and how current it is in words (``status_note``); every ratification row
repeats its treaty's ``status_as_at`` so that a row read on its own still says how old it is.
The derived status of each record is the status on the export date.

A fixed number of queries, whatever the size of the data; the built archive is cached under
the data version and the date (``archive_response``), so that the page's download link and the
API's ``/api/v1/download/`` cost one build per change and day, not one per request.
"""

import csv
import datetime
import io
import json
import zipfile
from collections import defaultdict

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone

from provisions.models import Pillar, Provision, Topic

from . import status as status_rules
from .caching import cached_aggregate
from .models import Participant, Ratification, Statement, Treaty

README = """Treaty KB data set, exported on {date}.

Files (UTF-8 CSV, one header row, dates as YYYY-MM-DD, empty cell = none or not known):
- treaties.csv       the four instruments, with status_as_at (the date each treaty's participant
                     data is current to, where known) and status_note (how current, in words)
- participants.csv   states and organisations (code = ISO 3166-1 alpha-2, or EU)
- ratifications.csv  one row per treaty and participant: signature, consent, entry into force,
                     withdrawal, the source of the dates, disagreements between sources (note),
                     the derived status on {date} and the treaty's status_as_at
- statements.csv     reservations, declarations, objections and notifications, with their texts
- provisions.csv     every article with its official text, pillars and related articles
- pillars.csv        the four pillars
- topics.csv         the concordance: subjects and the articles on each

A party whose date of consent is not known has consent_kind set and consent_on empty
(consent_date_note = "date not known"). Nothing in the data set is guessed.
The same data as one JSON document: /data/download/treatykb-{date}.json
"""


# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# ("CSV injection"); tab and carriage return can hide such a start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    return value.isoformat() if value else ""


def collect(on=None):
    """Everything, loaded with a constant number of queries."""
    on = on or timezone.localdate()
    treaties = list(Treaty.objects.select_related("parent").order_by("position", "slug"))
    participants = list(Participant.objects.order_by("code"))
    ratifications = list(
        Ratification.objects.select_related("treaty", "participant")
        .with_status(on)
        .order_by("treaty__position", "participant__code")
    )
    statements = list(
        Statement.objects.select_related("ratification__treaty", "ratification__participant")
        .prefetch_related(
            Prefetch(
                "provisions",
                queryset=Provision.objects.select_related("treaty").order_by("sort_key"),
            )
        )
        .order_by("ratification__treaty__position", "ratification__participant__code", "pk")
    )
    provisions = list(
        Provision.objects.select_related("treaty")
        .prefetch_related(
            Prefetch("pillars", queryset=Pillar.objects.order_by("position")),
            Prefetch(
                "related",
                queryset=Provision.objects.select_related("treaty").order_by(
                    "treaty__position", "sort_key"
                ),
            ),
        )
        .order_by("treaty__position", "sort_key")
    )
    pillars = list(Pillar.objects.order_by("position"))
    topics = list(
        Topic.objects.prefetch_related(
            Prefetch(
                "provisions",
                queryset=Provision.objects.select_related("treaty").order_by(
                    "treaty__position", "sort_key"
                ),
            )
        ).order_by("position")
    )
    return {
        "exported_on": on,
        "treaties": treaties,
        "participants": participants,
        "ratifications": ratifications,
        "statements": statements,
        "provisions": provisions,
        "pillars": pillars,
        "topics": topics,
    }


def cite(provision):
    return f"{provision.treaty.slug}:{provision.number}"


def tables(data):
    """Each table as (file name, header, rows): the single description both formats use."""
    on = data["exported_on"]
    yield (
        "treaties",
        [
            "slug",
            "short_title",
            "full_title",
            "kind",
            "parent",
            "organisation",
            "scope",
            "adopted_on",
            "adopted_at",
            "adopted_by",
            "opened_for_signature_on",
            "entry_into_force_on",
            "depositary",
            "treaty_series",
            "entry_into_force_rule",
            "entry_into_force_provision",
            "status_as_at",
            "status_note",
            "preamble_incomplete",
            "sources",
            "exported_on",
        ],
        [
            [
                t.slug,
                t.short_title,
                t.full_title,
                t.kind,
                t.parent.slug if t.parent else "",
                t.organisation,
                t.scope,
                iso(t.adopted_on),
                t.adopted_at,
                t.adopted_by,
                iso(t.opened_for_signature_on),
                iso(t.entry_into_force_on),
                t.depositary,
                t.treaty_series,
                t.entry_into_force_rule,
                t.entry_into_force_provision,
                iso(t.status_as_at),
                t.status_note,
                t.preamble_incomplete,
                " ".join(t.sources),
                on.isoformat(),
            ]
            for t in data["treaties"]
        ],
    )
    yield (
        "participants",
        [
            "code",
            "iso_alpha2",
            "iso_alpha3",
            "name",
            "official_name",
            "recorded_name",
            "kind",
            "region",
            "subregion",
            "coe_member",
            "asean_member",
            "eu_member",
        ],
        [
            [
                p.code,
                p.iso_alpha2 or "",
                p.iso_alpha3 or "",
                p.name,
                p.official_name,
                p.recorded_name,
                p.kind,
                p.region,
                p.subregion,
                p.coe_member,
                p.asean_member,
                p.eu_member,
            ]
            for p in data["participants"]
        ],
    )
    yield (
        "ratifications",
        [
            "treaty",
            "participant_code",
            "participant",
            "recorded_name",
            "signature_on",
            "consent_kind",
            "consent_on",
            "consent_date_note",
            "entry_into_force_on",
            "entry_into_force_basis",
            "withdrawal_notified_on",
            "withdrawal_effective_on",
            "statements_flagged",
            "source_url",
            "source_kind",
            "note",
            "status",
            "status_on",
            "treaty_status_as_at",
        ],
        [
            [
                r.treaty.slug,
                r.participant.code,
                r.participant.name,
                r.recorded_name,
                iso(r.signature_on),
                r.consent_kind,
                iso(r.consent_on),
                "date not known" if r.consent_kind and not r.consent_on else "",
                iso(r.entry_into_force_on),
                r.entry_into_force_basis,
                iso(r.withdrawal_notified_on),
                iso(r.withdrawal_effective_on),
                r.statements_flagged,
                r.source_url,
                r.source_kind,
                r.note,
                r.status,
                on.isoformat(),
                iso(r.treaty.status_as_at),
            ]
            for r in data["ratifications"]
        ],
    )
    yield (
        "statements",
        [
            "treaty",
            "participant_code",
            "participant",
            "kind",
            "article_reference",
            "provisions",
            "made_on",
            "occasion",
            "withdrawn_on",
            "text",
            "source_url",
        ],
        [
            [
                s.ratification.treaty.slug,
                s.ratification.participant.code,
                s.ratification.participant.name,
                s.kind,
                s.article_reference,
                " ".join(cite(p) for p in s.provisions.all()),
                iso(s.made_on),
                s.occasion,
                iso(s.withdrawn_on),
                s.text,
                s.source_url,
            ]
            for s in data["statements"]
        ],
    )
    yield (
        "provisions",
        [
            "treaty",
            "number",
            "division",
            "heading",
            "heading_verified",
            "pillars",
            "related",
            "text_incomplete",
            "text",
        ],
        [
            [
                p.treaty.slug,
                p.number,
                p.division,
                p.heading,
                p.heading_verified,
                " ".join(pillar.slug for pillar in p.pillars.all()),
                " ".join(cite(other) for other in p.related.all()),
                p.text_incomplete,
                p.text,
            ]
            for p in data["provisions"]
        ],
    )
    yield (
        "pillars",
        ["slug", "name", "description"],
        [[p.slug, p.name, p.description] for p in data["pillars"]],
    )
    yield (
        "topics",
        ["slug", "name", "description", "provisions"],
        [
            [t.slug, t.name, t.description, " ".join(cite(p) for p in t.provisions.all())]
            for t in data["topics"]
        ],
    )


def columns():
    """Each table's name and columns, in file order (for descriptions of the export)."""
    empty = defaultdict(list, exported_on=datetime.date.today())
    return [(name, header) for name, header, _rows in tables(empty)]


def csv_text(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(
        [
            [spreadsheet_safe("true" if v is True else "false" if v is False else v) for v in row]
            for row in rows
        ]
    )
    return buffer.getvalue()


def build_zip(data):
    """The data set as the bytes of a .zip of CSV files inside a dated folder."""
    on = data["exported_on"].isoformat()
    folder = f"treatykb-{on}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/README.txt", README.format(date=on))
        for name, header, rows in tables(data):
            archive.writestr(f"{folder}/{name}.csv", csv_text(header, rows))
    return buffer.getvalue()


def build_document(data):
    """The data set as one JSON-serialisable dict."""
    document = {
        "title": "Treaty KB data set",
        "exported_on": data["exported_on"].isoformat(),
        "status_rules": (
            "status is derived on exported_on from the dates: "
            + ", ".join(f"{key} ({label})" for key, label in status_rules.CHOICES)
        ),
        "status_as_at": {t.slug: iso(t.status_as_at) or None for t in data["treaties"]},
    }
    for name, header, rows in tables(data):
        items = []
        for row in rows:
            item = {}
            for key, value in zip(header, row, strict=True):
                if key in ("sources",):
                    value = value.split() if value else []
                elif key in ("pillars", "related", "provisions"):
                    value = value.split() if value else []
                elif value == "" and (key.endswith("_on") or key.endswith("_as_at")):
                    value = None
                item[key] = value
            items.append(item)
        document[name] = items
    return document


def build_json(data):
    return json.dumps(build_document(data), ensure_ascii=False, indent=1).encode("utf-8")


FORMATS = {"zip": "application/zip", "json": "application/json"}


def file_name(on, fmt):
    return f"treatykb-{on.isoformat()}.{fmt}"


def build(fmt, on):
    data = collect(on)
    return build_zip(data) if fmt == "zip" else build_json(data)


def archive_response(fmt, on=None):
    """The data set exported on ``on`` (today by default) as a download named by its date:
    ``fmt`` is ``zip`` (CSV files) or ``json``."""
    on = on or timezone.localdate()
    body = cached_aggregate("download", lambda: build(fmt, on), fmt, on.isoformat())
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(on, fmt)}"'
    return response
