"""Load the knowledge base's data set from ``fixtures/`` into the database.

``fixtures/treaties`` and ``fixtures/status`` are verbatim copies of the shared data
(``make data-refresh``); ``fixtures/curation`` holds the project's own editorial layer (treaty
metadata, pillar tags, the concordance, notes). Everything is read and validated first; any error
stops the load with the file and line and nothing is written. The writes then happen in one
transaction, as upserts on natural keys, so loading twice changes nothing.
"""

import csv
import datetime
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.db import models, transaction

from common.countries import country_rows
from common.history import grouped_history
from provisions import services as provision_services
from provisions.models import ConcordanceFinding, Pillar, Provision, Topic
from treaties import services as record_services
from treaties.models import (
    ConsentKind,
    EntryIntoForceBasis,
    Occasion,
    Participant,
    ParticipantKind,
    Ratification,
    Statement,
    StatementKind,
    Treaty,
    TreatyKind,
    parse_article_reference,
)
from treaties.sources import SOURCE_DATE_COLUMNS, STATUS_COLUMNS, source_kind

from .curation import TAKE, Memory

TREATY_SLUGS = ["untoc", "palermo-protocol", "coe-convention", "asean-actip"]
STATEMENT_COLUMNS = [
    "treaty_slug",
    "participant",
    "iso3166_alpha2",
    "kind",
    "article",
    "made_on",
    "occasion",
    "text",
    "source_url",
]
MISSING_HEADING = "Heading not available in accessible sources"
M49_REGIONS = {"America": "Americas"}


class DataError(Exception):
    """A problem in the data set, located by file and line."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kept: int = 0  # fields an editor changed, kept over the shipped value
    decisions: int = 0  # of those, where the shipped data changed too: now for an editor

    def count(self, label, outcome):
        getattr(self, outcome)[label] += 1

    @property
    def changed(self):
        return sum(self.created.values()) + sum(self.updated.values())

    def lines(self):
        labels = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{label}: {self.created[label]} created, {self.updated[label]} updated, "
            f"{self.unchanged[label]} unchanged"
            for label in labels
        ]


def parse_date(value, where, problems):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: '{value}' is not a date in the form YYYY-MM-DD")
        return None


def country_data():
    """ISO alpha-2 -> codes, names, M49 region and subregion, CoE and EU membership, from the
    country_converter package's data table (read directly: no pandas needed)."""
    by_alpha3 = {row["ISO3"]: row for row in country_rows()}
    countries = {}
    for country in pycountry.countries:
        row = by_alpha3.get(country.alpha_3, {})
        countries[country.alpha_2] = {
            "iso_alpha2": country.alpha_2,
            "iso_alpha3": country.alpha_3,
            "name": row.get("name_short") or getattr(country, "common_name", country.name),
            "official_name": row.get("name_official")
            or getattr(country, "official_name", country.name),
            "region": M49_REGIONS.get(row.get("continent", ""), row.get("continent", "")),
            "subregion": row.get("UNregion", ""),
            "coe_member": bool(row.get("CoE")),
            "eu_member": bool(row.get("EU")),
        }
    return countries


class DataSet:
    """The whole data set, read and validated, ready to be written."""

    def __init__(self, root):
        self.root = Path(root)
        self.problems = []
        self.treaties = {}
        self.status_rows = {}
        self.statements = []
        self.curation = {}
        self.read()
        if self.problems:
            raise DataError(self.problems)

    # -- reading -----------------------------------------------------------------------------
    def path(self, *parts):
        return self.root.joinpath(*parts)

    def read_json(self, *parts):
        path = self.path(*parts)
        try:
            with path.open(encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            self.problems.append(f"{path}: file not found")
        except json.JSONDecodeError as error:
            self.problems.append(f"{path}:{error.lineno}: invalid JSON: {error.msg}")
        return None

    def read_csv(self, columns, *parts):
        path = self.path(*parts)
        try:
            handle = path.open(encoding="utf-8", newline="")
        except FileNotFoundError:
            self.problems.append(f"{path}: file not found")
            return []
        with handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != columns:
                self.problems.append(
                    f"{path}:1: header must be {','.join(columns)}, "
                    f"not {','.join(reader.fieldnames or [])}"
                )
                return []
            rows = []
            for row in reader:
                if None in row or any(value is None for value in row.values()):
                    self.problems.append(
                        f"{path}:{reader.line_num}: expected {len(columns)} fields"
                    )
                    continue
                rows.append((f"{path}:{reader.line_num}", row))
            return rows

    def read(self):
        curated = self.read_json("curation", "treaties.json") or {}
        self.curation["treaties"] = curated.get("treaties", {})
        self.curation["pillars"] = self.read_json("curation", "pillars.json") or {}
        self.curation["concordance"] = self.read_json("curation", "concordance.json") or {}
        self.curation["participants"] = self.read_json("curation", "participants.json") or {}
        self.curation["notes"] = (self.read_json("curation", "ratification_notes.json") or {}).get(
            "notes", []
        )
        for slug in TREATY_SLUGS:
            self.read_treaty(slug)
            self.status_rows[slug] = self.read_status(slug)
        self.read_statements()
        self.check_curation()

    def read_treaty(self, slug):
        data = self.read_json("treaties", f"{slug}.json")
        if data is None:
            return
        where = self.path("treaties", f"{slug}.json")
        if data.get("slug") != slug:
            self.problems.append(f"{where}: slug must be '{slug}'")
        meta = self.curation["treaties"].get(slug)
        if meta is None:
            self.problems.append(f"{self.path('curation', 'treaties.json')}: no entry for '{slug}'")
            meta = {}
        articles, numbers = [], set()
        for index, article in enumerate(data.get("articles", []), start=1):
            number = str(article.get("number", "")).strip()
            at = f"{where}: article #{index}"
            if not number:
                self.problems.append(f"{at}: no number")
                continue
            if number in numbers:
                self.problems.append(f"{at}: article {number} appears twice")
            numbers.add(number)
            text = article.get("text") or ""
            incomplete = str(article.get("incomplete", "")).lower() == "true" or not text.strip()
            heading = (article.get("heading") or "").strip()
            division = article.get("division") or ""
            articles.append(
                {
                    "number": number,
                    "heading": "" if heading == MISSING_HEADING else heading,
                    "heading_verified": heading != MISSING_HEADING,
                    "division": "" if division == "None" else division,
                    "text": text,
                    "text_incomplete": incomplete,
                }
            )
        preamble = data.get("preamble") or ""
        self.treaties[slug] = {
            "source": str(where),
            "fields": {
                "short_title": data.get("short_title", ""),
                "full_title": data.get("full_title", ""),
                "kind": meta.get("kind", TreatyKind.CONVENTION),
                "organisation": meta.get("organisation", ""),
                "scope": meta.get("scope", ""),
                "position": meta.get("position", 0),
                "core": bool(meta.get("core", False)),
                "adopted_on": parse_date(data.get("adopted_on"), where, self.problems),
                "adopted_at": data.get("adopted_at") or "",
                "adopted_by": data.get("adopted_by") or "",
                "opened_for_signature_on": parse_date(
                    data.get("opened_for_signature_on"), where, self.problems
                ),
                "entry_into_force_on": parse_date(
                    data.get("entry_into_force_on"), where, self.problems
                ),
                "depositary": data.get("depositary") or "",
                "treaty_series": data.get("un_treaty_series") or data.get("treaty_series") or "",
                "preamble": preamble,
                "preamble_incomplete": "[…]" in preamble or "[...]" in preamble,
                "sources": list(data.get("sources") or []),
                "status_as_at": parse_date(meta.get("status_as_at"), where, self.problems),
                "status_note": meta.get("status_note", ""),
                "entry_into_force_rule": meta.get("entry_into_force_rule", "not_available"),
                "entry_into_force_provision": meta.get("entry_into_force_provision", ""),
                "entry_into_force_rule_source": meta.get("entry_into_force_rule_source", ""),
                "statements_flags_source": meta.get("statements_flags_source", ""),
                "statements_complete_as_at": parse_date(
                    meta.get("statements_complete_as_at"), where, self.problems
                ),
            },
            "parent": data.get("parent_slug"),
            "articles": articles,
        }

    def read_status(self, slug):
        rows, seen = [], set()
        consent_kinds = set(ConsentKind.values)
        columns = STATUS_COLUMNS + SOURCE_DATE_COLUMNS
        for where, row in self.read_csv(columns, "status", f"{slug}.csv"):
            code = row["iso3166_alpha2"].strip().upper() or self.organisation_code(row)
            if not code:
                self.problems.append(
                    f"{where}: participant '{row['participant']}' has no ISO code and is not a "
                    "known organisation (fixtures/curation/participants.json)"
                )
                continue
            if code in seen:
                self.problems.append(f"{where}: participant {code} appears twice")
            seen.add(code)
            kind = row["consent_type"].strip()
            if kind and kind not in consent_kinds:
                allowed = ", ".join(sorted(consent_kinds))
                self.problems.append(f"{where}: consent_type '{kind}' is not one of {allowed}")
            record = {
                "code": code,
                "recorded_name": row["participant"].strip(),
                "signature_on": parse_date(row["signature_date"], where, self.problems),
                "consent_on": parse_date(row["consent_date"], where, self.problems),
                "consent_kind": kind,
                "stated_entry_into_force_on": parse_date(
                    row["entry_into_force_date"], where, self.problems
                ),
                "statements_flagged": row["reservations_or_declarations"].strip() == "yes",
                "source_url": row["source_url"].strip(),
                "source_as_at": parse_date(row["source_as_at"], where, self.problems),
                "via_url": row["via_url"].strip(),
                "where": where,
            }
            if record["source_as_at"] and not record["source_url"]:
                self.problems.append(f"{where}: source_as_at without a source_url")
            if record["consent_on"] and not kind:
                self.problems.append(f"{where}: a consent date needs a consent_type")
            if (
                record["consent_on"]
                and record["signature_on"]
                and record["consent_on"] < record["signature_on"]
            ):
                self.problems.append(f"{where}: consent comes before signature")
            if not record["signature_on"] and not kind:
                self.problems.append(f"{where}: neither a signature nor a consent")
            rows.append(record)
        return rows

    def organisation_code(self, row):
        for organisation in self.curation["participants"].get("organisations", []):
            if organisation["recorded_name"] == row["participant"].strip():
                return organisation["code"]
        return ""

    def read_statements(self):
        kinds, occasions = set(StatementKind.values), set(Occasion.values)
        for where, row in self.read_csv(STATEMENT_COLUMNS, "status", "statements.csv"):
            slug = row["treaty_slug"]
            if slug not in TREATY_SLUGS:
                self.problems.append(f"{where}: unknown treaty_slug '{slug}'")
                continue
            code = row["iso3166_alpha2"].strip().upper() or self.organisation_code(row)
            if not any(r["code"] == code for r in self.status_rows.get(slug, [])):
                self.problems.append(
                    f"{where}: {row['participant']} ({code}) has no row in status/{slug}.csv"
                )
            if row["kind"] not in kinds:
                self.problems.append(f"{where}: kind '{row['kind']}' is not one of {sorted(kinds)}")
            if row["occasion"] and row["occasion"] not in occasions:
                self.problems.append(f"{where}: occasion '{row['occasion']}' is unknown")
            if not row["text"].strip():
                self.problems.append(f"{where}: the statement has no text")
            articles = parse_article_reference(row["article"])
            known = {a["number"] for a in self.treaties.get(slug, {}).get("articles", [])}
            for number in articles:
                if known and number not in known:
                    self.problems.append(f"{where}: {slug} has no article {number}")
            self.statements.append(
                {
                    "treaty": slug,
                    "code": code,
                    "kind": row["kind"],
                    "article_reference": row["article"].strip(),
                    "articles": articles,
                    "made_on": parse_date(row["made_on"], where, self.problems),
                    "occasion": row["occasion"],
                    "text": row["text"],
                    "source_url": row["source_url"].strip(),
                    "where": where,
                }
            )

    def check_curation(self):
        pillar_slugs = {p["slug"] for p in self.curation["pillars"].get("pillars", [])}
        where = self.path("curation", "pillars.json")
        for slug, tags in self.curation["pillars"].get("tags", {}).items():
            known = {a["number"] for a in self.treaties.get(slug, {}).get("articles", [])}
            for number, pillars in tags.items():
                if number not in known:
                    self.problems.append(f"{where}: {slug} has no article {number}")
                for pillar in pillars:
                    if pillar not in pillar_slugs:
                        self.problems.append(
                            f"{where}: {slug} art. {number}: unknown pillar {pillar}"
                        )
        where = self.path("curation", "concordance.json")
        for topic in self.curation["concordance"].get("topics", []):
            for slug, numbers in topic.get("provisions", {}).items():
                known = {a["number"] for a in self.treaties.get(slug, {}).get("articles", [])}
                for number in numbers:
                    if number not in known:
                        self.problems.append(
                            f"{where}: topic {topic.get('slug')}: {slug} has no article {number}"
                        )
        self.check_findings(where)
        codes = {row["code"] for rows in self.status_rows.values() for row in rows}
        where = self.path("curation", "ratification_notes.json")
        for note in self.curation["notes"]:
            rows = [
                r for r in self.status_rows.get(note["treaty"], []) if r["code"] == note["code"]
            ]
            if not rows:
                self.problems.append(f"{where}: no record {note['treaty']}/{note['code']}")
                continue
            note["consent_not_after"] = parse_date(
                note.get("consent_not_after"), where, self.problems
            )
            if note["consent_not_after"] and (rows[0]["consent_on"] or not rows[0]["consent_kind"]):
                self.problems.append(
                    f"{where}: {note['treaty']}/{note['code']}: consent_not_after is only for a "
                    "party whose date of consent is not known"
                )
        self.participant_codes = codes

    def check_findings(self, where):
        """Findings that an instrument has no provision on a topic (``no_provision``): credited,
        dated, and only for an instrument whose full text is in the data and that the topic
        does not list."""
        credit = self.curation["concordance"].get("findings", {})
        self.curation["concordance"]["findings_on"] = parse_date(
            credit.get("recorded_on", ""), where, self.problems
        )
        findings = [
            t for t in self.curation["concordance"].get("topics", []) if "no_provision" in t
        ]
        if findings and not (credit.get("by") or "").strip():
            self.problems.append(f"{where}: findings.by must say who made the findings")
        if findings and not credit.get("recorded_on"):
            self.problems.append(f"{where}: findings.recorded_on must date the findings")
        for topic in findings:
            for slug in topic["no_provision"]:
                articles = self.treaties.get(slug, {}).get("articles")
                if articles is None:
                    self.problems.append(f"{where}: topic {topic['slug']}: no treaty {slug}")
                elif slug in topic.get("provisions", {}):
                    self.problems.append(
                        f"{where}: topic {topic['slug']}: {slug} has articles listed and a "
                        "finding that it has none"
                    )
                elif not articles or any(a["text_incomplete"] for a in articles):
                    self.problems.append(
                        f"{where}: topic {topic['slug']}: the text of {slug} is not in the data "
                        "in full, so no finding that it has no such provision can be made"
                    )


class Loader:
    """Writes a validated DataSet: upserts on natural keys, counting what changed."""

    def __init__(self, dataset):
        self.data = dataset
        self.report = Report()
        self.memory = Memory()
        self.rows = {}  # model -> {lookup key: row}, read once per load
        self.links = {}  # (model, field) -> {row key: linked keys}, read once per load

    def upsert(self, model, lookup, values, source, loaded_lookup=None):
        """Create the record, or bring the fields no editor changed up to the shipped values
        (``catalogue.curation``). ``loaded_lookup``: a field of the lookup an editor may have
        changed since it was loaded (a statement's text), found through what was loaded."""
        label = model._meta.verbose_name_plural
        source = self.relative(source)
        obj = self.existing(model, lookup)
        if obj is None and loaded_lookup:
            rest = {k: v for k, v in lookup.items() if k != loaded_lookup}
            obj = self.memory.find(model, loaded_lookup, lookup[loaded_lookup], **rest)
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            self.rows[model][self.row_key(model, lookup)] = obj
            identity = {loaded_lookup: lookup[loaded_lookup]} if loaded_lookup else {}
            self.memory.remember(obj, {**identity, **values}, source)
            self.report.count(label, "created")
            return obj
        if loaded_lookup:  # found by its loaded value, or by the shipped one: remember it
            self.memory.reconcile(
                obj, loaded_lookup, getattr(obj, loaded_lookup), lookup[loaded_lookup], source
            )
        changed = [
            name
            for name, value in values.items()
            if self.memory.reconcile(obj, name, getattr(obj, name), value, source) == TAKE
        ]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            self.report.count(label, "updated")
        else:
            self.report.count(label, "unchanged")
        return obj

    def row_key(self, model, lookup):
        return tuple(
            (name, value.pk if isinstance(value, models.Model) else value)
            for name, value in sorted(lookup.items())
        )

    def existing(self, model, lookup):
        """The row ``lookup`` names, from every row of ``model`` read once per load."""
        if model not in self.rows:
            names = sorted(lookup)
            attnames = [model._meta.get_field(name).attname for name in names]
            self.rows[model] = {
                tuple(zip(names, (getattr(obj, a) for a in attnames), strict=True)): obj
                for obj in model.objects.all()
            }
        return self.rows[model].get(self.row_key(model, lookup))

    def current_links(self, obj, field):
        """The keys ``obj`` is linked to through the many-to-many ``field``, every link of the
        field read once per load."""
        key = (type(obj), field)
        if key not in self.links:
            relation = type(obj)._meta.get_field(field)
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            table = defaultdict(set)
            for mine, theirs in relation.remote_field.through.objects.values_list(
                f"{source}_id", f"{target}_id"
            ):
                table[mine].add(theirs)
            self.links[key] = table
        return self.links[key][obj.pk]

    def relative(self, source):
        """A source as the data set's folder and the file in it (and line), e.g.
        'fixtures/status/untoc.csv:12', wherever the folder is."""
        return str(source).replace(str(self.data.root.parent) + "/", "", 1)

    def links_to_add(self, obj, field, manager, objects, source):
        source = self.relative(source)
        current = self.current_links(obj, field)
        wanted = [o.pk for o in objects]
        adding = set(self.memory.links_to_add(obj, field, current, wanted, source))
        current |= adding  # what the caller adds now
        return [o for o in objects if o.pk in adding]

    def set_many(self, label, obj, field, objects, source):
        manager = getattr(obj, field)
        adding = self.links_to_add(obj, field, manager, objects, source)
        if adding:
            manager.add(*adding)
            self.report.count(label, "updated")
            if type(obj)._meta.get_field(field).remote_field.symmetrical:
                for other in adding:  # the link shows from the other side too
                    self.current_links(other, field).add(obj.pk)

    @transaction.atomic
    def run(self):
        pillars = self.load_pillars()
        treaties = self.load_treaties()
        provisions = self.load_provisions(treaties, pillars)
        self.load_topics(provisions, treaties)
        participants = self.load_participants()
        ratifications = self.load_ratifications(treaties, participants)
        self.load_statements(ratifications, provisions)
        self.memory.save()
        self.report.kept = self.memory.kept
        self.report.decisions = self.memory.decisions
        return self.report

    def load_pillars(self):
        pillars = {}
        for entry in self.data.curation["pillars"]["pillars"]:
            pillars[entry["slug"]] = self.upsert(
                Pillar,
                {"slug": entry["slug"]},
                {
                    "name": entry["name"],
                    "description": entry.get("description", ""),
                    "position": entry.get("position", 0),
                },
                source=str(self.data.path("curation", "pillars.json")),
            )
        return pillars

    def load_treaties(self):
        treaties = {}
        for slug, data in self.data.treaties.items():
            treaties[slug] = self.upsert(
                Treaty, {"slug": slug}, dict(data["fields"]), source=data["source"]
            )
        for slug, data in self.data.treaties.items():
            parent = treaties.get(data["parent"]) if data["parent"] else None
            if treaties[slug].parent_id != (parent.pk if parent else None):
                treaties[slug].parent = parent
                treaties[slug].save()
        return treaties

    def load_provisions(self, treaties, pillars):
        provisions = {}
        tags = self.data.curation["pillars"].get("tags", {})
        tags_source = str(self.data.path("curation", "pillars.json"))
        for slug, data in self.data.treaties.items():
            for article in data["articles"]:
                values = {k: v for k, v in article.items() if k != "number"}
                provision = self.upsert(
                    Provision,
                    {"treaty": treaties[slug], "number": article["number"]},
                    values,
                    source=data["source"],
                )
                provisions[(slug, article["number"])] = provision
                wanted = [pillars[p] for p in tags.get(slug, {}).get(article["number"], [])]
                adding = self.links_to_add(
                    provision, "pillars", provision.pillars, wanted, tags_source
                )
                if provision_services.tag(provision, adding):
                    self.report.count("pillar tags", "updated")
        return provisions

    def load_topics(self, provisions, treaties):
        concordance = str(self.data.path("curation", "concordance.json"))
        for position, entry in enumerate(self.data.curation["concordance"]["topics"], start=1):
            topic = self.upsert(
                Topic,
                {"slug": entry["slug"]},
                {
                    "name": entry["name"],
                    "description": entry.get("description", ""),
                    "position": position,
                },
                source=concordance,
            )
            members = [
                provisions[(slug, number)]
                for slug, numbers in entry["provisions"].items()
                for number in numbers
            ]
            self.set_many("concordance topics", topic, "provisions", members, concordance)
            for provision in members:
                others = [p for p in members if p.treaty_id != provision.treaty_id]
                self.set_many("related provisions", provision, "related", others, concordance)
            self.load_findings(topic, entry.get("no_provision", {}), treaties, concordance)

    def load_findings(self, topic, notes, treaties, concordance):
        """The editors' findings that an instrument has no provision on the topic, like the
        topic's articles: created when missing, not created again once an editor deleted one
        (remembered as the topic's ``findings``); their fields kept as any record's."""
        if not notes:
            return
        credit = self.data.curation["concordance"]["findings"]
        shipped = [treaties[slug] for slug in notes]
        present = {
            treaty.pk
            for treaty in shipped
            if self.existing(ConcordanceFinding, {"topic": topic, "treaty": treaty}) is not None
        }
        adding = set(
            self.memory.links_to_add(
                topic, "findings", present, [t.pk for t in shipped], self.relative(concordance)
            )
        )
        for treaty in shipped:
            if treaty.pk in present or treaty.pk in adding:
                self.upsert(
                    ConcordanceFinding,
                    {"topic": topic, "treaty": treaty},
                    {
                        "by": credit["by"],
                        "recorded_on": self.data.curation["concordance"]["findings_on"],
                        "note": notes[treaty.slug],
                    },
                    source=concordance,
                )

    def load_participants(self):
        countries = country_data()
        curated = self.data.curation["participants"]
        asean = set(curated.get("asean_members", {}).get("codes", []))
        organisations = {o["code"]: o for o in curated.get("organisations", [])}
        recorded = {}
        for slug in TREATY_SLUGS:  # the UN tables first: their names win
            for row in self.data.status_rows.get(slug, []):
                recorded.setdefault(row["code"], row)
        participants, problems = {}, []
        for code, row in sorted(recorded.items()):
            if code in organisations:
                organisation = organisations[code]
                values = {
                    "iso_alpha2": None,
                    "iso_alpha3": None,
                    "name": organisation["name"],
                    "official_name": organisation["official_name"],
                    "recorded_name": organisation["recorded_name"],
                    "kind": organisation["kind"],
                    "region": organisation["region"],
                    "subregion": organisation["subregion"],
                    "coe_member": False,
                    "asean_member": False,
                    "eu_member": False,
                }
            elif code in countries:
                values = dict(countries[code])
                values.update(
                    recorded_name=row["recorded_name"],
                    kind=ParticipantKind.STATE,
                    asean_member=code in asean,
                )
            else:
                problems.append(f"{row['where']}: '{code}' is not an ISO 3166-1 alpha-2 code")
                continue
            source = (
                str(self.data.path("curation", "participants.json"))
                if code in organisations
                else row["where"]
            )
            participants[code] = self.upsert(Participant, {"code": code}, values, source=source)
        if problems:
            raise DataError(problems)
        return participants

    def load_ratifications(self, treaties, participants):
        notes = {(n["treaty"], n["code"]): n for n in self.data.curation["notes"]}
        ratifications = {}
        for slug, rows in self.data.status_rows.items():
            treaty = treaties[slug]
            for row in rows:
                note = notes.get((slug, row["code"]), {})
                consent_not_after = note.get("consent_not_after")
                stated = row["stated_entry_into_force_on"]
                if stated:
                    in_force, basis = stated, EntryIntoForceBasis.STATED
                else:
                    in_force = treaty.entry_into_force_for(row["consent_on"], consent_not_after)
                    basis = EntryIntoForceBasis.COMPUTED if in_force else ""
                values = {
                    "recorded_name": row["recorded_name"],
                    "signature_on": row["signature_on"],
                    "consent_kind": row["consent_kind"],
                    "consent_on": row["consent_on"],
                    "entry_into_force_basis": basis,
                    "statements_flagged": row["statements_flagged"],
                    "source_url": row["source_url"],
                    "source_kind": source_kind(row["source_url"]),
                    "source_as_at": row["source_as_at"],
                    "via_url": row["via_url"],
                    "consent_not_after": consent_not_after,
                    "note": note.get("note", ""),
                }
                if stated:  # a date the source states is data; a computed one follows the
                    # record's own dates when it is saved (an editor's consent date included)
                    values["entry_into_force_on"] = in_force
                ratifications[(slug, row["code"])] = self.upsert(
                    Ratification,
                    {"treaty": treaty, "participant": participants[row["code"]]},
                    values,
                    source=row["where"],
                )
        return ratifications

    def load_statements(self, ratifications, provisions):
        for entry in self.data.statements:
            ratification = ratifications[(entry["treaty"], entry["code"])]
            statement = self.upsert(
                Statement,
                {"ratification": ratification, "kind": entry["kind"], "text": entry["text"]},
                {
                    "article_reference": entry["article_reference"],
                    "made_on": entry["made_on"],
                    "occasion": entry["occasion"],
                    "source_url": entry["source_url"],
                },
                source=entry["where"],
                loaded_lookup="text",
            )
            wanted = [provisions[(entry["treaty"], n)] for n in entry["articles"]]
            adding = self.links_to_add(
                statement, "provisions", statement.provisions, wanted, entry["where"]
            )
            if record_services.link_statement_provisions(statement, adding):
                self.report.count("statement links", "updated")


def load(root):
    """Read, validate and write the data set under ``root``; returns a Report.

    Each object the load creates or changes gets one history record ("Loaded from the data
    set"); an unchanged object gets none."""
    dataset = DataSet(root)
    with transaction.atomic(), grouped_history(reason="Loaded from the data set"):
        return Loader(dataset).run()


def counts(root):
    """What the status tables hold, per treaty (for tests and the data page)."""
    dataset = DataSet(root)
    summary = defaultdict(dict)
    for slug, rows in dataset.status_rows.items():
        summary[slug] = {
            "records": len(rows),
            "parties": sum(1 for r in rows if r["consent_kind"]),
            "signatories": sum(1 for r in rows if r["signature_on"]),
            "statements": sum(1 for s in dataset.statements if s["treaty"] == slug),
            "articles": len(dataset.treaties[slug]["articles"]),
        }
    return summary
