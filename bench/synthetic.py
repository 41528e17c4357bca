"""A synthetic data set of the same shape as the real one, at any scale, for benchmarks.

Everything synthetic is marked as such: treaty slugs ``synthetic-0001``, titles "Synthetic
Convention 0001", source URLs under ``https://synthetic.invalid/``, a status note that says the
records are generated. The participants are real ISO 3166 states (so that every page works);
they are reused when they exist and created from ``pycountry`` otherwise.

The shape follows the shipped data (read from ``fixtures/``, not from the database):

- article counts per treaty from 10 to 120 (about 50 on average);
- article text lengths drawn from the real articles' lengths, text built from the real texts'
  vocabulary (so that full-text search matches as often as it would on real treaties), laid
  out in numbered paragraphs, a few articles without text (marked incomplete, as in ACTIP);
- pillar tags drawn from the real tag sets (including untagged final clauses);
- about 100 ratification records per treaty: signatures, consents of every kind, some consents
  whose date is not known, entry into force computed from the treaty's rule, a few
  withdrawals, and reservations and declarations (with lengths drawn from the real ones) that
  name articles.

Deterministic: the same seed and scale give the same rows. Built with ``bulk_create`` in
batches, so "whole collection" scale (600 treaties, 30,000 articles, 60,000 records) builds in
a couple of minutes.
"""

import csv
import datetime
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from catalogue.loader import TREATY_SLUGS, country_data
from common.caching import bump_data_version
from common.tracking import touch
from provisions.models import Pillar, Provision, article_sort_key
from treaties.entry_into_force import EntryIntoForceRule, compute_entry_into_force
from treaties.models import (
    ConsentKind,
    EntryIntoForceBasis,
    Occasion,
    Organisation,
    Participant,
    ParticipantKind,
    Ratification,
    Scope,
    SourceKind,
    Statement,
    StatementKind,
    Treaty,
    TreatyKind,
)

SLUG_PREFIX = "synthetic-"
SOURCE_URL = "https://synthetic.invalid/"
BATCH = 2000
STATUS_NOTE = (
    "Synthetic data generated for performance benchmarks (manage.py generate_synthetic_data). "
    "None of these records describe a real treaty action."
)


@dataclass(frozen=True)
class Scale:
    treaties: int
    participants: int
    records_per_treaty: int


SCALES = {
    # A few seconds: tests and the CI smoke run of the benchmark.
    "small": Scale(treaties=12, participants=250, records_per_treaty=100),
    "medium": Scale(treaties=60, participants=250, records_per_treaty=100),
    # The UN Treaty Collection's multilateral treaties, roughly: 600 treaties, ~30,000
    # articles, 250 participants, 60,000 ratification records.
    "whole": Scale(treaties=600, participants=250, records_per_treaty=100),
}


class RealDataPresent(Exception):
    """The database holds the real data set and mixing was not asked for."""


class AlreadyGenerated(Exception):
    """The database already holds synthetic treaties (use ``replace``)."""


def holds_real_data():
    return Treaty.objects.filter(slug__in=TREATY_SLUGS).exists()


def synthetic_treaties():
    return Treaty.objects.filter(slug__startswith=SLUG_PREFIX)


# -- The shape of the real data, read from fixtures/ -----------------------------------------------


@dataclass
class Shape:
    article_lengths: list
    statement_lengths: list
    vocabulary: list
    tag_sets: list
    pillars: list


def read_shape(fixtures_dir):
    root = Path(fixtures_dir)
    lengths, words = [], Counter()
    for slug in TREATY_SLUGS:
        data = json.loads((root / "treaties" / f"{slug}.json").read_text(encoding="utf-8"))
        for article in data.get("articles", []):
            text = article.get("text") or ""
            lengths.append(len(text))
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", text))
    with (root / "status" / "statements.csv").open(encoding="utf-8", newline="") as handle:
        statement_lengths = [len(row["text"]) for row in csv.DictReader(handle) if row["text"]]
    curation = json.loads((root / "curation" / "pillars.json").read_text(encoding="utf-8"))
    tag_sets = []
    for slug in TREATY_SLUGS:
        tagged = curation.get("tags", {}).get(slug, {})
        data = json.loads((root / "treaties" / f"{slug}.json").read_text(encoding="utf-8"))
        for article in data.get("articles", []):
            tag_sets.append(tuple(tagged.get(str(article.get("number")), [])))
    # The vocabulary: every word of the real texts that occurs at least twice, sorted so that
    # the same seed draws the same words whatever the Counter's insertion order.
    vocabulary = sorted(word for word, count in words.items() if count >= 2)
    return Shape(
        article_lengths=sorted(lengths),
        statement_lengths=sorted(statement_lengths),
        vocabulary=vocabulary,
        tag_sets=tag_sets,
        pillars=curation.get("pillars", []),
    )


# -- Text ------------------------------------------------------------------------------------------


def sentence(rng, vocabulary, length):
    words, size = [], 0
    while size < length:
        word = rng.choice(vocabulary)
        words.append(word)
        size += len(word) + 1
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def article_text(rng, vocabulary, length):
    """Numbered paragraphs (some with lettered subparagraphs) of about ``length`` characters."""
    if length < 400:
        return sentence(rng, vocabulary, length)
    paragraphs, remaining, number = [], length, 1
    while remaining > 0:
        size = min(remaining, rng.randint(200, 700))
        if rng.random() < 0.2 and size > 300:
            items = [
                f"({chr(ord('a') + i)}) {sentence(rng, vocabulary, size // 3)}" for i in range(3)
            ]
            paragraphs.append(f"{number}. {sentence(rng, vocabulary, 60)}\n" + "\n".join(items))
        else:
            paragraphs.append(f"{number}. {sentence(rng, vocabulary, size)}")
        remaining -= size
        number += 1
    return "\n\n".join(paragraphs)


def heading(rng, vocabulary):
    return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(2, 5))).capitalize()


def random_date(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


# -- Building -------------------------------------------------------------------------------------


@dataclass
class Result:
    treaties: int = 0
    provisions: int = 0
    pillar_tags: int = 0
    participants_created: int = 0
    ratifications: int = 0
    statements: int = 0
    statement_links: int = 0

    def lines(self):
        return [
            f"treaties: {self.treaties}",
            f"provisions: {self.provisions} ({self.pillar_tags} pillar tags)",
            f"participants created: {self.participants_created}",
            f"ratification records: {self.ratifications}",
            f"statements: {self.statements} ({self.statement_links} article links)",
        ]


def ensure_pillars(shape):
    pillars = {p.slug: p for p in Pillar.objects.all()}
    for definition in shape.pillars:
        if definition["slug"] not in pillars:
            pillars[definition["slug"]] = Pillar.objects.create(
                slug=definition["slug"],
                name=definition["name"],
                description=definition.get("description", ""),
                position=definition.get("position", 0),
            )
    return pillars


def ensure_participants(count):
    """``count`` participants with real ISO codes: the existing ones first, then states from
    pycountry (in code order), plus the European Union when there is room."""
    existing = list(Participant.objects.order_by("code"))
    have = {p.code for p in existing}
    created = []
    if len(existing) < count:
        countries = country_data()
        for code in sorted(countries):
            if len(existing) + len(created) >= count:
                break
            if code in have:
                continue
            info = countries[code]
            created.append(
                Participant(
                    code=code,
                    iso_alpha2=code,
                    iso_alpha3=info["iso_alpha3"],
                    name=info["name"],
                    official_name=info["official_name"][:200],
                    recorded_name=info["name"],
                    region=info["region"],
                    subregion=info["subregion"],
                    coe_member=info["coe_member"],
                    eu_member=info["eu_member"],
                )
            )
        if len(existing) + len(created) < count and "EU" not in have:
            created.append(
                Participant(
                    code="EU",
                    name="European Union",
                    recorded_name="European Union",
                    kind=ParticipantKind.REGIONAL_ORGANISATION,
                    region="Europe",
                )
            )
        Participant.objects.bulk_create(created, batch_size=BATCH)
    participants = list(Participant.objects.order_by("code"))[:count]
    return participants, len(created)


def generate(fixtures_dir, scale, seed=1, allow_mixed=False, replace=False, progress=None):
    """Write a synthetic data set of ``scale`` (a Scale) into the database; returns a Result.

    Refuses (RealDataPresent) when the database holds the real data set, unless ``allow_mixed``;
    refuses (AlreadyGenerated) when synthetic treaties exist, unless ``replace``, which deletes
    them first."""
    say = progress or (lambda message: None)
    if holds_real_data() and not allow_mixed:
        raise RealDataPresent(
            "This database holds the real data set (treaty 'untoc' exists). Generate synthetic "
            "data into an empty database, or pass --allow-mixed to add it alongside."
        )
    if synthetic_treaties().exists():
        if not replace:
            raise AlreadyGenerated(
                "This database already holds synthetic treaties; pass --replace to rebuild them."
            )
        say("deleting the previous synthetic data")
        Statement.objects.filter(ratification__treaty__slug__startswith=SLUG_PREFIX).delete()
        synthetic_treaties().delete()

    rng = random.Random(seed)
    shape = read_shape(fixtures_dir)
    result = Result()
    with transaction.atomic():
        pillars = ensure_pillars(shape)
        participants, result.participants_created = ensure_participants(scale.participants)
        treaties = build_treaties(rng, scale)
        Treaty.objects.bulk_create(treaties, batch_size=BATCH)
        treaties = list(synthetic_treaties().order_by("slug"))
        result.treaties = len(treaties)
        say(f"{len(treaties)} treaties")

        provisions_by_treaty = build_provisions(rng, shape, treaties, pillars, result)
        say(f"{result.provisions} provisions, {result.pillar_tags} pillar tags")

        build_ratifications(rng, shape, scale, treaties, participants, provisions_by_treaty, result)
        say(f"{result.ratifications} ratification records, {result.statements} statements")

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    bump_data_version()
    return result


def build_treaties(rng, scale):
    base_position = 1000
    treaties = []
    for index in range(1, scale.treaties + 1):
        number = f"{index:04d}"
        protocol = rng.random() < 0.2
        kind = TreatyKind.PROTOCOL if protocol else TreatyKind.CONVENTION
        organisation = rng.choice([Organisation.UN] * 6 + [Organisation.COE, Organisation.ASEAN])
        adopted = random_date(rng, datetime.date(1950, 1, 1), datetime.date(2020, 12, 31))
        opened = adopted + datetime.timedelta(days=rng.randint(0, 60))
        in_force = (
            opened + datetime.timedelta(days=rng.randint(200, 1500))
            if rng.random() < 0.85
            else None
        )
        treaties.append(
            Treaty(
                slug=f"{SLUG_PREFIX}{number}",
                short_title=f"Synthetic {kind.label} {number}",
                full_title=f"Synthetic {kind.label} {number} (generated for benchmarks)",
                kind=kind,
                organisation=organisation,
                scope=Scope.GLOBAL if organisation == Organisation.UN else Scope.REGIONAL,
                adopted_on=adopted,
                adopted_at="Synthetic",
                adopted_by="Synthetic data generator",
                opened_for_signature_on=opened,
                entry_into_force_on=in_force,
                depositary="Synthetic depositary",
                treaty_series=f"Synthetic Treaty Series, vol. {index}",
                preamble="",
                sources=[f"{SOURCE_URL}treaties/{number}"],
                status_as_at=datetime.date(2024, 1, 1),
                status_note=STATUS_NOTE,
                entry_into_force_rule=rng.choice(
                    [
                        EntryIntoForceRule.THIRTIETH_DAY,
                        EntryIntoForceRule.FIRST_OF_MONTH_AFTER_THREE_MONTHS,
                        EntryIntoForceRule.NOT_AVAILABLE,
                    ]
                ),
                position=base_position + index,
            )
        )
    return treaties


def article_count(rng):
    """10 to 120 articles, most treaties short: about 50 on average."""
    return int(rng.triangular(10, 120, 25))


def build_provisions(rng, shape, treaties, pillars, result):
    Through = Provision.pillars.through
    provisions = []
    plans = []
    for treaty in treaties:
        count = article_count(rng)
        divisions = [f"Chapter {roman(i)}. {heading(rng, shape.vocabulary)}" for i in range(1, 6)]
        for n in range(1, count + 1):
            length = rng.choice(shape.article_lengths)
            text = article_text(rng, shape.vocabulary, length) if length else ""
            number = str(n)
            provisions.append(
                Provision(
                    treaty=treaty,
                    number=number,
                    sort_key=article_sort_key(number),
                    heading=heading(rng, shape.vocabulary),
                    division=divisions[min(4, (n - 1) * 5 // count)],
                    text=text,
                    text_incomplete=not text,
                )
            )
            plans.append(rng.choice(shape.tag_sets))
    created = []
    for start in range(0, len(provisions), BATCH):
        created += Provision.objects.bulk_create(provisions[start : start + BATCH])
    if any(p.pk is None for p in created):
        created = list(
            Provision.objects.filter(treaty__in=treaties).order_by("treaty__slug", "sort_key")
        )
    links = [
        Through(provision_id=provision.pk, pillar_id=pillars[slug].pk)
        for provision, tags in zip(created, plans, strict=True)
        for slug in tags
        if slug in pillars
    ]
    Through.objects.bulk_create(links, batch_size=BATCH * 5)
    # bulk_create sends no m2m_changed: the pillars' counts changed, say so (tracking.py).
    touch(Pillar, [pillar.pk for pillar in pillars.values()], timezone.now())
    result.provisions = len(created)
    result.pillar_tags = len(links)
    by_treaty = {}
    for provision in created:
        by_treaty.setdefault(provision.treaty_id, []).append(provision)
    return by_treaty


def roman(number):
    return ["", "I", "II", "III", "IV", "V", "VI"][number]


CONSENT_KINDS = [
    (ConsentKind.RATIFICATION, 60),
    (ConsentKind.ACCESSION, 30),
    (ConsentKind.ACCEPTANCE, 4),
    (ConsentKind.APPROVAL, 4),
    (ConsentKind.SUCCESSION, 2),
]


def build_ratifications(rng, shape, scale, treaties, participants, provisions_by_treaty, result):
    kinds, weights = zip(*CONSENT_KINDS, strict=True)
    records, statement_plans = [], []
    today = datetime.date(2025, 1, 1)
    for treaty in treaties:
        size = int(rng.gauss(scale.records_per_treaty, scale.records_per_treaty / 4))
        size = max(5, min(len(participants), size))
        for participant in rng.sample(participants, size):
            opened = treaty.opened_for_signature_on
            signed = random_date(rng, opened, opened + datetime.timedelta(days=720))
            signature_on = signed if rng.random() < 0.7 else None
            record = Ratification(
                treaty=treaty,
                participant=participant,
                recorded_name=participant.recorded_name,
                signature_on=signature_on,
                source_url=f"{SOURCE_URL}status/{treaty.slug}",
                source_kind=SourceKind.DEPOSITARY,
            )
            roll = rng.random()
            if signature_on is None or roll < 0.85:
                record.consent_kind = rng.choices(kinds, weights)[0]
                if rng.random() < 0.04:
                    record.consent_on = None  # a party whose date of deposit is not known
                else:
                    start = signature_on or opened
                    latest = min(today, start + datetime.timedelta(days=15 * 365))
                    record.consent_on = random_date(rng, start, latest)
                in_force = compute_entry_into_force(
                    treaty.entry_into_force_rule, record.consent_on, treaty.entry_into_force_on
                )
                if in_force:
                    record.entry_into_force_on = in_force
                    record.entry_into_force_basis = EntryIntoForceBasis.COMPUTED
                if record.consent_on and rng.random() < 0.005:
                    record.withdrawal_notified_on = record.consent_on + datetime.timedelta(
                        days=rng.randint(400, 3000)
                    )
                    record.withdrawal_effective_on = (
                        record.withdrawal_notified_on + datetime.timedelta(days=365)
                    )
                if rng.random() < 0.1:
                    record.statements_flagged = True
                    statement_plans.append((len(records), rng.randint(1, 2)))
            records.append(record)
    created = []
    for start in range(0, len(records), BATCH):
        created += Ratification.objects.bulk_create(records[start : start + BATCH])
    result.ratifications = len(created)
    if any(r.pk is None for r in created):
        lookup = {
            (r.treaty_id, r.participant_id): r.pk
            for r in Ratification.objects.filter(treaty__in=treaties).only(
                "pk", "treaty_id", "participant_id"
            )
        }
        for record in created:
            record.pk = lookup[(record.treaty_id, record.participant_id)]

    statements, targets = [], []
    statement_kinds = [StatementKind.RESERVATION] * 3 + [StatementKind.DECLARATION] * 2
    for index, count in statement_plans:
        record = created[index]
        articles = provisions_by_treaty.get(record.treaty_id) or []
        for _ in range(count):
            named = rng.choice(articles) if articles and rng.random() < 0.7 else None
            paragraph = rng.randint(1, 4)
            statements.append(
                Statement(
                    ratification=record,
                    kind=rng.choice(statement_kinds),
                    article_reference=f"{named.number}({paragraph})" if named else "",
                    made_on=record.consent_on,
                    occasion=Occasion.RATIFICATION if record.consent_on else "",
                    text=sentence(rng, shape.vocabulary, rng.choice(shape.statement_lengths)),
                    source_url=f"{SOURCE_URL}statements/{record.treaty.slug}",
                )
            )
            targets.append(named)
    created_statements = []
    for start in range(0, len(statements), BATCH):
        created_statements += Statement.objects.bulk_create(statements[start : start + BATCH])
    Link = Statement.provisions.through
    links = [
        Link(statement_id=statement.pk, provision_id=named.pk)
        for statement, named in zip(created_statements, targets, strict=True)
        if named is not None and statement.pk is not None
    ]
    Link.objects.bulk_create(links, batch_size=BATCH * 5)
    result.statements = len(created_statements)
    result.statement_links = len(links)
