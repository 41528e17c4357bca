"""The whole data set as one dated download: a .zip of flat CSV files, or one JSON document.

Both carry the export date and, per treaty, the date its participant data is current to
(``status_as_at``) and how current it is in words (``status_note``); every ratification row
repeats its treaty's ``status_as_at`` so that a row read on its own still says how old it is.
The derived status of each record is the status on the export date.

Both say under which licence the data is published (CC BY 4.0, ``LICENSE-DATA``) and how to
attribute it: the README of the zip, and the JSON document's ``licence``.

A fixed number of queries, whatever the size of the data. The files are built once per release
(``catalogue.releases``): the download of each day the data changed is kept, byte for byte.
"""

import datetime
import hashlib
import io
import json
import zipfile

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from common import csvfiles
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
- treaties.csv       the four instruments, with status_as_at (the date of the depositary's
                     status the counts were checked against, where known), status_note (how
                     current, in words), the sources of the statement flags
                     (statements_flags_source) and the date of a source that lists every
                     statement (statements_complete_as_at)
- participants.csv   states and organisations (code = ISO 3166-1 alpha-2, or EU)
- ratifications.csv  one row per treaty and participant: signature, consent, entry into force,
                     withdrawal, the source of the dates (source_url, its kind: depositary,
                     secondary or news; source_as_at: the date that source stood at; via_url:
                     the copy actually read), the date of the latest depositary record found
                     to give the same signature, consent and kind of consent
                     (depositary_confirmed_as_at; empty: not checked against one), disagreements
                     between sources (note), the derived
                     status on {date} (status_on: "unknown" where the dates do not tell), the
                     number of statement texts recorded (statements_recorded), what is known
                     of the statements (statements_known: recorded, reported = made according
                     to a source but texts missing, none = none as at statements_known_as_at
                     in a source listing every statement, unknown) and the treaty's status_as_at
- statements.csv     reservations, declarations, objections and notifications, with their texts
                     (id: the statement's identifier in the API)
- provisions.csv     every article with its official text, pillars and related articles
- pillars.csv        the four pillars
- topics.csv         the concordance: subjects and the articles on each; states says, per
                     instrument, listed, no_provision (an editor's finding, credited in
                     no_provision_findings), text_not_available or not_reviewed

A party whose date of consent is not known has consent_kind set and consent_on empty
(consent_date_note = "date not known"; consent_not_after: the date by which a source says it
had deposited, where one does). An empty cell is "none or not known", never a finding of none:
statements_known and the concordance's states say which. Nothing in the data set is guessed.
The same data as one JSON document: {site}/data/download/treatykb-{date}.json
This release stays downloadable at that address and {site}/data/download/treatykb-{date}.zip;
{site}/data/ lists every release with its SHA-256 checksum.

Licence
-------
The data set (the records, pillar tags, concordance and notes, and the data set as compiled)
is published under the Creative Commons Attribution 4.0 International licence (CC BY 4.0):
you may share and adapt it for any purpose, even commercially, if you give appropriate
credit, link to the licence and say whether you made changes.
Summary: {licence_url}
Legal code: {legal_code}
Attribute it as: {attribution}

The official treaty texts are reproduced as their depositaries publish them, and statement
texts as the depositaries and other sources named in the data publish them; the licence covers
Treaty KB's compilation and curation of them. The software is MIT-licensed (LICENSE).
"""

# The licence of the data (LICENSE-DATA), as every download states it.
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "legal_code": "https://creativecommons.org/licenses/by/4.0/legalcode.en",
}


def site_url():
    return settings.SITE_URL.rstrip("/")


def attribution(on):
    """The line to credit the data with, as at the export date ``on``."""
    return f"Treaty KB, {site_url()}/, data as at {on.isoformat()}, CC BY 4.0"


def readme(on):
    return README.format(
        date=on.isoformat(),
        site=site_url(),
        licence_url=LICENCE["url"],
        legal_code=LICENCE["legal_code"],
        attribution=attribution(on),
    )


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
        archive.writestr(f"{folder}/README.txt", readme(data["exported_on"]))
        for name, header, rows in tables(data):
            archive.writestr(f"{folder}/{name}.csv", csvfiles.csv_text(header, rows))
    return buffer.getvalue()


def build_document(data):
    """The data set as one JSON-serialisable dict."""
    document = {
        "title": "Treaty KB data set",
        "exported_on": data["exported_on"].isoformat(),
        "licence": {**LICENCE, "attribution": attribution(data["exported_on"])},
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


FORMATS = {"zip": "application/zip", "json": "application/json"}

# What a document holds because of its export date, not because of the data: left out of the
# data's digest, so that the same data exported on two days has the same digest.
DATED_KEYS = ("exported_on", "licence")
DERIVED_ON_THE_DAY = {"ratifications": ("status", "status_on")}


def file_name(on, fmt):
    return f"treatykb-{on.isoformat()}.{fmt}"


def sha256(body):
    return hashlib.sha256(body).hexdigest()


def data_digest(document):
    """SHA-256 of the data a document holds, whatever day it was exported on."""
    undated = {key: value for key, value in document.items() if key not in DATED_KEYS}
    for table, keys in DERIVED_ON_THE_DAY.items():
        undated[table] = [
            {key: value for key, value in row.items() if key not in keys}
            for row in undated.get(table, [])
        ]
    text = json.dumps(undated, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build(on=None):
    """The data set exported on ``on`` (today by default), collected once: (the data's digest,
    {format: the file's bytes})."""
    data = collect(on)
    document = build_document(data)
    files = {
        "zip": build_zip(data),
        "json": json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"),
    }
    return data_digest(document), files
