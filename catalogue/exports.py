"""The whole data set as one dated download: a .zip of flat CSV files, or one JSON document.

Both carry the export date and, per treaty, the date its participant data is current to
(``status_as_at``) and how current it is in words (``status_note``); every ratification row
repeats its treaty's ``status_as_at`` so that a row read on its own still says how old it is.
The derived status of each record is the status on the export date.

A fixed number of queries, whatever the size of the data; the built archive is cached under
the data version and the date (``archive_response``), so that the page's download link and the
API's ``/api/v1/download/`` cost one build per change and day, not one per request.
"""

import datetime
import io
import json
import zipfile

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone

from common import csvfiles
from common.caching import cached_aggregate
from common.csvfiles import iso
from provisions import columns as article_columns
from provisions.models import Pillar, Provision, Topic
from treaties import columns as record_columns
from treaties import status as status_rules
from treaties.models import Participant, Ratification, Statement, Treaty

README = """Treaty KB data set, exported on {date}.

Files (UTF-8 CSV, one header row, dates as YYYY-MM-DD, booleans as true/false, lists joined
by "; ", articles named <treaty-slug>/<number>, empty cell = none or not known; the same
columns as the site's other CSVs and the API's ?format=csv):
- treaties.csv       the four instruments, with status_as_at (the date each treaty's participant
                     data is current to, where known) and status_note (how current, in words)
- participants.csv   states and organisations (code = ISO 3166-1 alpha-2, or EU)
- ratifications.csv  one row per treaty and participant: signature, consent, entry into force,
                     withdrawal, the source of the dates, disagreements between sources (note),
                     the derived status on {date} (status_on), the number of statement texts
                     recorded (statements_recorded) and the treaty's status_as_at
- statements.csv     reservations, declarations, objections and notifications, with their texts
                     (id: the statement's identifier in the API)
- provisions.csv     every article with its official text, pillars and related articles
- pillars.csv        the four pillars
- topics.csv         the concordance: subjects and the articles on each; states says, per
                     instrument, listed, no_provision (an editor's finding, credited in
                     no_provision_findings), text_not_available or not_reviewed

A party whose date of consent is not known has consent_kind set and consent_on empty
(consent_date_note = "date not known"). Nothing in the data set is guessed.
The same data as one JSON document: /data/download/treatykb-{date}.json
"""


def collect(on=None):
    """Everything, loaded with a constant number of queries."""
    on = on or timezone.localdate()
    treaties = list(Treaty.objects.select_related("parent").order_by("position", "slug"))
    participants = list(Participant.objects.order_by("code"))
    ratifications = list(
        Ratification.objects.for_csv(on).order_by("treaty__position", "participant__code")
    )
    statements = list(
        Statement.objects.for_csv().order_by(
            "ratification__treaty__position", "ratification__participant__code", "pk"
        )
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
    topics = list(Topic.objects.for_csv().order_by("position"))
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


# Each table of the export: its file name, the record type's one CSV spec, the rows' key.
TABLES = [
    ("treaties", record_columns.TREATY, "treaties"),
    ("participants", record_columns.PARTICIPANT, "participants"),
    ("ratifications", record_columns.RATIFICATION, "ratifications"),
    ("statements", record_columns.STATEMENT, "statements"),
    ("provisions", article_columns.PROVISION, "provisions"),
    ("pillars", article_columns.PILLAR, "pillars"),
    ("topics", article_columns.TOPIC, "topics"),
]


def tables(data):
    """Each table as (file name, header, rows of raw values): the single description both
    formats use, from the same column specs as every other CSV of the site."""
    for name, spec, key in TABLES:
        rows = [spec.values(obj, day=data["exported_on"]) for obj in data[key]]
        yield name, spec.header, rows


def columns():
    """Each table's name and columns, in file order (for descriptions of the export)."""
    return [(name, spec.header) for name, spec, _key in TABLES]


def build_zip(data):
    """The data set as the bytes of a .zip of CSV files inside a dated folder."""
    on = data["exported_on"].isoformat()
    folder = f"treatykb-{on}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/README.txt", README.format(date=on))
        for name, header, rows in tables(data):
            archive.writestr(f"{folder}/{name}.csv", csvfiles.csv_text(header, rows))
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
                if isinstance(value, datetime.date):
                    value = value.isoformat()
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
