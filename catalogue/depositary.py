"""Updates from the depositary itself: the UN Secretary-General's record of a treaty (MTDSG XML,
read by ``catalogue.mtdsg``) compared with what the knowledge base publishes.

- ``read_source``: the record's bytes from a file or, by URL, from the depositary (with a
  timeout; a clear error when offline);
- ``compare``: participants read, records the depositary's record agrees with, new
  participants, changed dates and kinds of consent, new or changed statements, and the
  participants the knowledge base has that the record lacks; it writes nothing (a dry run);
- ``apply`` (``--propose``, the admin's upload): every difference becomes a proposal for review
  (``common.proposals``' gate: ``review.services.propose``) carrying the depositary's page, the
  date the record stood at and the copy read, deduplicated by key so that a second run proposes
  nothing twice; the records it agrees with are marked confirmed as at that date
  (``Ratification.depositary_confirmed_as_at``); the run is kept (``DepositaryImport``).

A difference is never proposed where the published value's own source is more recent than the
record: a source table that stood at a later date, a signature or consent dated after the
record, a later depositary record that confirmed it, or a consent of unknown date the record
does not show (it may be later).
"""

import datetime
import difflib
import functools
import hashlib
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from common import caching, proposals
from common.countries import country_rows
from treaties.models import (
    Occasion,
    Participant,
    Ratification,
    Statement,
    Treaty,
    TreatyKind,
)

from .loader import country_data
from .models import AsAtBasis, DepositaryImport
from .mtdsg import MAX_RECORD_BYTES, Participation, RecordError, read_record

ORIGIN = "import_depositary"  # review.models.Origin.IMPORT_DEPOSITARY
FETCH_TIMEOUT = 30
USER_AGENT = "TreatyKB depositary import"
SIMILAR = 0.75  # a record's text this close to one of ours is a change of it, not a new one


class DepositaryError(Exception):
    """The record cannot be read or fetched, or the import cannot be made; nothing was written."""


# -- reading the record ------------------------------------------------------------------------


@dataclass
class Source:
    data: bytes
    name: str  # the path or address as given, or an upload's file name
    url: str = ""  # the address it was fetched from
    last_modified: datetime.date | None = None

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def is_url(text):
    return bool(re.match(r"https?://", text, re.I))


def fetch(url, *, timeout=FETCH_TIMEOUT, opener=None):
    """The record at ``url``. ``opener`` (``urllib.request.urlopen`` by default) is what tests
    replace: they never touch the network."""
    opener = opener or urllib.request.urlopen
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener(request, timeout=timeout) as response:
            data = response.read(MAX_RECORD_BYTES + 1)
            modified = response.headers.get("Last-Modified") if response.headers else None
    except urllib.error.HTTPError as error:
        raise DepositaryError(f"{url}: the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        why = getattr(error, "reason", None) or error
        raise DepositaryError(
            f"cannot fetch {url}: {why} (no network, or no answer within {timeout} seconds); "
            "nothing was read or written"
        ) from None
    last_modified = None
    if modified:
        try:
            last_modified = parsedate_to_datetime(modified).date()
        except (TypeError, ValueError):
            last_modified = None
    return Source(data=data, name=url, url=url, last_modified=last_modified)


def read_source(path_or_url, *, timeout=FETCH_TIMEOUT, opener=None):
    if is_url(path_or_url):
        return fetch(path_or_url, timeout=timeout, opener=opener)
    try:
        data = Path(path_or_url).read_bytes()
    except OSError as error:
        raise DepositaryError(f"cannot read {path_or_url}: {error.strerror}") from None
    return Source(data=data, name=path_or_url)


def record_as_at(record, source, given=None):
    """(the date the record stood at, its basis). Given by whoever runs the import; else, for a
    file fetched from the depositary, the day its server last changed it; else the latest action
    the record lists: the file states no date, and the status it gives is true at least then."""
    if given:
        return given, AsAtBasis.GIVEN
    if source.last_modified:
        return source.last_modified, AsAtBasis.LAST_MODIFIED
    return record.latest_action_on, AsAtBasis.LATEST_ACTION


# -- matching the depositary's names to participants -------------------------------------------


def comparable_name(name):
    name = name.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", name).strip().casefold()


def name_patterns():
    """(regular expression, ISO alpha-2) for every country, from the country_converter package's
    data table: the names a country is or was known by ('swaziland|eswatini')."""
    return [
        (re.compile(row["regex"], re.IGNORECASE), row["ISO2"])
        for row in country_rows()
        if row["regex"] and row["ISO2"]
    ]


class Participants:
    """The knowledge base's participants, found by the names the depositary writes: a
    participant's name, its depositary name (``recorded_name``), its official name, its ISO
    code (alpha-2 or alpha-3); then a former name (the name on one of its records, a name it
    had in the history); then the country names ISO knows (``country_converter``)."""

    def __init__(self):
        participants = list(Participant.objects.all())
        self.by_code = {p.code: p for p in participants}
        self.by_code.update((p.iso_alpha3, p) for p in participants if p.iso_alpha3)
        by_pk = {p.pk: p for p in participants}
        self.names = {}
        for p in participants:
            for name in (p.name, p.recorded_name, p.official_name):
                if name:
                    self.names.setdefault(comparable_name(name), p)
        self.former = {}
        records = Ratification.objects.values_list(
            "recorded_name", "participant_id", "treaty__short_title"
        )
        for name, pk, treaty in records:
            if name and comparable_name(name) not in self.names:
                self.former.setdefault(
                    comparable_name(name), (by_pk[pk], f"its record under {treaty} names it so")
                )
        history = Participant.history.values_list("id", "name", "recorded_name", "official_name")
        for pk, *names in history:
            for name in names:
                if name and pk in by_pk and comparable_name(name) not in self.names:
                    self.former.setdefault(
                        comparable_name(name), (by_pk[pk], "a name it had in the knowledge base")
                    )
        self._patterns = None

    def match(self, name):
        """(participant or None, how it was found when not by its current names)."""
        key = comparable_name(name)
        if key in self.names:
            return self.names[key], ""
        if re.fullmatch(r"[A-Z]{2,3}", name.strip()) and name.strip() in self.by_code:
            participant = self.by_code[name.strip()]
            return participant, f"'{name}' is the ISO code of {participant.name}"
        if key in self.former:
            participant, how = self.former[key]
            return participant, f"'{name}' is a former name of {participant.name} ({how})"
        code = self.iso_code(name)
        participant = self.by_code.get(code) if code else None
        if participant is not None:
            return participant, (
                f"'{name}' is {participant.name} (ISO {participant.code}) by the country names "
                "ISO knows"
            )
        return None, ""

    def iso_code(self, name):
        """The ISO alpha-2 code of the one country whose names match ``name``, or ''."""
        if self._patterns is None:
            self._patterns = name_patterns()
        codes = {code for pattern, code in self._patterns if pattern.search(name)}
        return codes.pop() if len(codes) == 1 else ""


# -- statements: texts compared as the knowledge base writes them ------------------------------

QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'}
    | {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'"}
)


def kb_style(text):
    """A statement's text as the knowledge base keeps it (fixtures/status/STATEMENTS.md):
    quotes and apostrophes straight, the ellipsis as '...', single spaces, the quotation marks
    round the whole text dropped."""
    text = text.translate(QUOTES).replace("\u2026", "...")
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > 1 and text[0] == '"' and text[-1] == '"' and text.count('"') == 2:
        text = text[1:-1].strip()
    return text


def comparable(text):
    """A text reduced to what two honest copies share: no quotation marks, one case, single
    spaces."""
    text = re.sub(r"[\"'`]", "", kb_style(text))
    return re.sub(r"\s+", " ", text).strip().casefold()


def covered(paragraph, texts):
    """Whether one of ``texts`` (comparable) holds the paragraph; a character the depositary's
    copy lost to '?' matches one to three of any."""
    wanted = comparable(paragraph)
    if any(wanted in text for text in texts):
        return True
    if "?" not in wanted:
        return False
    pattern = re.compile(
        ".{1,3}".join(re.escape(part) for part in re.split(r"\?+", wanted) if part), re.S
    )
    return any(pattern.search(text) for text in texts)


# -- the comparison ----------------------------------------------------------------------------


@dataclass
class Change:
    """A difference that would become a proposal."""

    category: str  # new_record, record, new_statement, statement
    label: str
    model: type
    changes: dict
    reason: str
    line: int
    code: str
    target: object = None
    current: dict = field(default_factory=dict)

    def key(self, treaty):
        payload = json.dumps(
            {
                "model": self.model._meta.label_lower,
                "target": getattr(self.target, "pk", None),
                "changes": self.changes,
            },
            sort_keys=True,
            default=str,
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()[:20]
        return f"depositary:{treaty.slug}:{self.code}:{self.category}:{digest}"

    def describe(self):
        if self.current:
            parts = [
                f"{name}: {show(self.current.get(name))} -> {show(value)}"
                for name, value in self.changes.items()
            ]
            return f"{self.label} ({'; '.join(parts)})"
        hidden = {"treaty", "participant", "ratification", "source_url", "text"}
        parts = [f"{k}: {show(v)}" for k, v in self.changes.items() if k not in hidden]
        if "text" in self.changes:
            parts.append(f"text: {show(self.changes['text'])}")
        return f"{self.label} ({'; '.join(parts)})"


def show(value):
    if value in (None, ""):
        return "none"
    if isinstance(value, str) and len(value) > 70:
        return value[:67] + "..."
    return str(value)


@dataclass
class Kept:
    """A difference not proposed: the published value's source is more recent."""

    record: Ratification
    line: int
    differences: dict
    why: str


@dataclass
class Comparison:
    treaty: Treaty
    record: object
    source: Source
    as_at: datetime.date
    as_at_basis: str
    copy_read: str = ""
    confirmed: list = field(default_factory=list)  # records the depositary agrees with
    changes: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # (record, why)
    unmatched: list = field(default_factory=list)  # participations matched to nobody
    former_names: list = field(default_factory=list)  # (participation, how)
    duplicates: list = field(default_factory=list)  # (participation, first row, participant)
    statements_confirmed: int = 0
    damaged: list = field(default_factory=list)  # (statement, why)
    waiting: list = field(default_factory=list)  # statements of participants without a record
    header: list = field(default_factory=list)  # lines on the record's own status facts

    @property
    def source_url(self):
        return self.record.page_url

    def of(self, category):
        return [c for c in self.changes if c.category == category]

    @property
    def to_confirm(self):
        return [
            r
            for r in self.confirmed
            if r.depositary_confirmed_as_at is None or r.depositary_confirmed_as_at < self.as_at
        ]

    def counts(self):
        return {
            "participants_read": len(self.record.participants),
            "confirmed": len(self.confirmed),
            "newly_confirmed": len(self.to_confirm),
            "new_participants": len(self.of("new_record")),
            "changed_records": len(self.of("record")),
            "kept_ours_more_recent": len(self.kept),
            "missing_from_record": len(self.missing),
            "unmatched_names": len(self.unmatched),
            "new_participants_unknown": len(self.of("new_participant")),
            "rows_naming_a_participant_again": len(self.duplicates),
            "former_names": len(self.former_names),
            "statements_read": len(self.record.statements),
            "statements_confirmed": self.statements_confirmed,
            "new_statements": len(self.of("new_statement")),
            "changed_statements": len(self.of("statement")),
            "damaged_statements": len(self.damaged),
            "statements_waiting": len(self.waiting),
        }


def treaty_word(treaty):
    return "Protocol" if treaty.kind == TreatyKind.PROTOCOL else "Convention"


def compare(treaty, source, *, as_at=None, copy_read=""):
    """Read ``source`` as ``treaty``'s depositary record and compare it with what is
    published. Writes nothing. Raises ``DepositaryError`` when the file cannot be read."""
    try:
        record = read_record(source.data, treaty_word(treaty))
    except RecordError as error:
        raise DepositaryError(f"{source.name}: {error}; nothing was written") from None
    day, basis = record_as_at(record, source, as_at)
    if day is None:
        raise DepositaryError(
            f"{source.name}: the record lists no dated action and states no date: give the date "
            "it stood at (--as-at)"
        )
    comparison = Comparison(
        treaty=treaty,
        record=record,
        source=source,
        as_at=day,
        as_at_basis=basis,
        copy_read=copy_read or (source.url if source.url and source.url != record.page_url else ""),
    )
    compare_header(comparison)
    participants = Participants()
    records = {
        r.participant_id: r
        for r in Ratification.objects.filter(treaty=treaty)
        .select_related("participant")
        .prefetch_related("statements")
    }
    matched = {}  # depositary name -> (participation, participant)
    rows_of = {}  # participant -> the row that named it first
    for participation in record.participants:
        participant, how = participants.match(participation.name)
        if participant is None:
            comparison.unmatched.append(participation)
            propose_participant(
                comparison, participation, participants.iso_code(participation.name)
            )
            continue
        if participant.pk in rows_of:
            comparison.duplicates.append((participation, rows_of[participant.pk], participant))
            continue
        rows_of[participant.pk] = participation
        if how:
            comparison.former_names.append((participation, how))
        matched[participation.name] = (participation, participant)
        compare_participation(comparison, participation, participant, records.get(participant.pk))
    seen = {participant.pk for _p, participant in matched.values()}
    for pk, published in sorted(records.items(), key=lambda item: item[1].participant.name):
        if pk not in seen:
            comparison.missing.append((published, missing_because(published, day)))
    for statement in record.statements:
        participation, participant = matched.get(statement.participant, (None, None))
        if participant is None:
            participant, _how = participants.match(statement.participant)
        published = records.get(participant.pk) if participant else None
        if published is None:
            why = "its participant has no record yet" if participant else "its name is not matched"
            comparison.waiting.append((statement, why))
            continue
        if participation is None:  # a statement by a participant the table does not list
            participation = Participation(name=statement.participant, line=statement.line)
        compare_statement(comparison, statement, participation, published)
    return comparison


@functools.cache
def countries():
    """ISO alpha-2 -> codes, names, region and memberships (the loader's table)."""
    return country_data()


def propose_participant(comparison, participation, code):
    """A country the record lists and the knowledge base does not know at all: proposed as a
    new participant, with its ISO codes, names and region (its record follows at the next
    import, once the participant is approved)."""
    country = countries().get(code) if code else None
    if country is None:
        return
    comparison.changes.append(
        Change(
            category="new_participant",
            label=f"{country['name']}: new participant (named '{participation.name}')",
            model=Participant,
            changes={
                "code": code,
                "iso_alpha2": code,
                "iso_alpha3": country["iso_alpha3"],
                "name": country["name"],
                "official_name": country["official_name"],
                "recorded_name": participation.name,
                "region": country["region"],
                "subregion": country["subregion"],
                "coe_member": country["coe_member"],
                "eu_member": country["eu_member"],
            },
            reason=(
                f"The depositary's record as at {comparison.as_at.isoformat()} lists "
                f"{participation.name} (line {participation.line}), a participant the knowledge "
                "base does not have; its record under the treaty is proposed by the next import "
                "once this is approved."
            ),
            line=participation.line,
            code=code,
        )
    )


def compare_header(comparison):
    record, treaty = comparison.record, comparison.treaty
    lines = comparison.header
    if record.signatories is not None or record.parties is not None:
        lines.append(
            f"The record's status: {record.signatories} signatories, {record.parties} parties; "
            f"its table: {record.signature_count} signatures, {record.consent_count} consents."
        )
    counted = Treaty.objects.with_counts(comparison.as_at).filter(pk=treaty.pk).first()
    if counted is not None:
        upper = counted.party_count + counted.unknown_count
        parties = (
            f"{counted.party_count}"
            if not counted.unknown_count
            else f"at least {counted.party_count}, up to {upper}"
        )
        lines.append(
            f"The knowledge base as at {comparison.as_at.isoformat()}: {parties} parties, "
            f"{counted.signatory_count} signatories not bound."
        )
    if record.entry_into_force_on and treaty.entry_into_force_on != record.entry_into_force_on:
        ours = treaty.entry_into_force_on.isoformat() if treaty.entry_into_force_on else "none"
        lines.append(
            f"Entry into force differs: the record says {record.entry_into_force_on.isoformat()}, "
            f"the knowledge base {ours} (a treaty's own dates are corrected by hand)."
        )
    elif record.entry_into_force_on:
        lines.append(f"Entry into force agrees: {record.entry_into_force_on.isoformat()}.")


FIELDS = (
    ("signature_on", "signature"),
    ("consent_on", "consent"),
    ("consent_kind", "kind of consent"),
)


def compare_participation(comparison, participation, participant, published):
    theirs = {
        "signature_on": participation.signature_on,
        "consent_on": participation.consent_on,
        "consent_kind": participation.consent_kind,
    }
    if published is None:
        values = {k: v for k, v in theirs.items() if v}
        comparison.changes.append(
            Change(
                category="new_record",
                label=f"{participant.name}: new record",
                model=Ratification,
                changes={
                    "treaty": comparison.treaty.pk,
                    "participant": participant.pk,
                    "recorded_name": participation.name,
                    **values,
                },
                reason=(
                    f"The depositary's record as at {comparison.as_at.isoformat()} lists "
                    f"{participation.name} (line {participation.line}); the knowledge base has "
                    "no record of it under this treaty."
                ),
                line=participation.line,
                code=participant.code,
            )
        )
        return
    differences = {
        name: value for name, value in theirs.items() if value != getattr(published, name)
    }
    if not differences:
        comparison.confirmed.append(published)
        return
    why = more_recent(published, differences, comparison.as_at)
    if why:
        comparison.kept.append(Kept(published, participation.line, differences, why))
        return
    changes = dict(differences)
    if changes.get("consent_on") and published.consent_not_after:
        changes["consent_not_after"] = None  # the date is now known
    if "consent_kind" in changes and not changes["consent_kind"]:
        # The record shows no consent: nothing follows from one.
        changes.update(consent_on=None, consent_not_after=None, entry_into_force_on=None)
        changes.update(entry_into_force_basis="")
    labels = dict(FIELDS)
    comparison.changes.append(
        Change(
            category="record",
            label=f"{participant.name}: " + ", ".join(labels[name] for name in differences),
            model=Ratification,
            target=published,
            changes=changes,
            current={name: getattr(published, name) for name in changes},
            reason=(
                f"The depositary's record as at {comparison.as_at.isoformat()} (line "
                f"{participation.line}) gives "
                + "; ".join(f"{labels[n]} {show(v)}" for n, v in differences.items())
                + "; the knowledge base has "
                + "; ".join(f"{labels[n]} {show(getattr(published, n))}" for n in differences)
                + describe_source(published)
                + "."
            ),
            line=participation.line,
            code=participant.code,
        )
    )


def describe_source(published):
    if not published.source_url:
        return ", with no source"
    if published.source_as_at:
        return f", from a source as at {published.source_as_at.isoformat()}"
    return ", from a source dated by its publication (date not recorded)"


def more_recent(published, differences, as_at):
    """Why the published values must not be replaced by the record's (their source is more
    recent than the record), or '' when they may be."""
    if published.source_as_at and published.source_as_at > as_at:
        return (
            f"its source stood at {published.source_as_at.isoformat()}, later than the record "
            f"({as_at.isoformat()})"
        )
    if published.depositary_confirmed_as_at and published.depositary_confirmed_as_at > as_at:
        return (
            "a later depositary record (as at "
            f"{published.depositary_confirmed_as_at.isoformat()}) confirmed it"
        )
    for name, label in (("signature_on", "signature"), ("consent_on", "consent")):
        ours = getattr(published, name)
        if ours and ours > as_at:
            return f"its {label} ({ours.isoformat()}) is later than the record"
    if (
        published.consent_kind
        and not published.consent_on
        and not differences.get("consent_kind", published.consent_kind)
    ):
        return "its consent has no known date, so it may be later than the record"
    return ""


def missing_because(published, as_at):
    for name, label in (("consent_on", "consent"), ("signature_on", "signature")):
        ours = getattr(published, name)
        if ours and ours > as_at:
            return f"its {label} ({ours.isoformat()}) is later than the record"
    if published.source_as_at and published.source_as_at > as_at:
        return f"its source stood at {published.source_as_at.isoformat()}, later than the record"
    if published.consent_kind and not published.consent_on:
        return "a party whose date of consent is not known: it may have joined later"
    return "not in the record: check it"


def statement_occasion(statement, participation):
    """(occasion, made on) of a statement by the record's rule: "Unless otherwise indicated,
    the declarations and reservations were made upon ratification, acceptance, approval or
    accession", dated from the same record's table."""
    if statement.kind == "objection":
        return "", None
    if statement.occasion == "signature":
        return Occasion.SIGNATURE, participation.signature_on
    if participation.consent_kind in Occasion.values:
        return participation.consent_kind, participation.consent_on
    return "", None


def compare_statement(comparison, statement, participation, published):
    ours = [s for s in published.statements.all() if not s.withdrawn_on]
    texts = [comparable(s.text) for s in ours]
    if all(covered(paragraph, texts) for paragraph in statement.paragraphs):
        comparison.statements_confirmed += 1
        return
    if statement.damaged:
        comparison.damaged.append(
            (
                statement,
                "characters of the depositary's text were replaced by '?': not proposed as it "
                "stands (copy it from the depositary's page)",
            )
        )
        return
    code = published.participant.code
    wanted = comparable(statement.text)
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, wanted, text).ratio(), s)
            for s, text in zip(ours, texts, strict=True)
        ),
        key=lambda pair: -pair[0],
    )
    where = f"(line {statement.line}, {statement.heading or 'no heading'})"
    if scored and scored[0][0] >= SIMILAR:
        similar = scored[0][1]
        comparison.changes.append(
            Change(
                category="statement",
                label=f"{published.participant.name}: {similar.get_kind_display().lower()} text",
                model=Statement,
                target=similar,
                changes={"text": kb_style(statement.text)},
                current={"text": similar.text},
                reason=(
                    f"The depositary's record as at {comparison.as_at.isoformat()} {where} "
                    "gives this statement's text otherwise."
                ),
                line=statement.line,
                code=code,
            )
        )
        return
    occasion, made_on = statement_occasion(statement, participation)
    values = {
        "ratification": published.pk,
        "kind": statement.kind,
        "article_reference": statement.article_reference,
        "occasion": occasion,
        "made_on": made_on,
        "text": kb_style(statement.text),
        "source_url": comparison.source_url,
    }
    comparison.changes.append(
        Change(
            category="new_statement",
            label=f"{published.participant.name}: new {statement.kind}"
            + (f" on art. {statement.article_reference}" if statement.article_reference else ""),
            model=Statement,
            changes={k: v for k, v in values.items() if v not in (None, "")},
            reason=(
                f"The depositary's record as at {comparison.as_at.isoformat()} {where} holds a "
                f"{statement.kind} the knowledge base does not have."
            ),
            line=statement.line,
            code=code,
        )
    )


# -- the report --------------------------------------------------------------------------------

BASIS_WORDS = {
    AsAtBasis.GIVEN: "as given",
    AsAtBasis.LAST_MODIFIED: "the day the depositary's server last changed the file",
    AsAtBasis.LATEST_ACTION: (
        "the latest action it lists: the file states no date, and the status it gives is true "
        "at least then; give --as-at if you know the date"
    ),
}


def report_lines(comparison, *, verbose=False):
    c, counts = comparison, comparison.counts()
    record = c.record
    lines = [
        f"Depositary record {record.reference or '(no reference)'}: {record.title[:90]}",
        f"Read: {c.source.name} (SHA-256 {c.source.sha256[:16]}...)"
        + (
            f"; {record.characters_mapped} mangled characters mapped back"
            if record.characters_mapped
            else ""
        ),
        f"Source: {c.source_url or '(the record names no entry)'}",
        f"As at: {c.as_at.isoformat()} ({BASIS_WORDS[c.as_at_basis]})",
    ]
    if c.copy_read:
        lines.append(f"Copy read: {c.copy_read}")
    lines += c.header
    lines.append(f"{counts['participants_read']} participants read.")
    lines.append(
        f"{counts['confirmed']} records confirmed (the record agrees with their signature, "
        f"consent and kind of consent; {counts['newly_confirmed']} not yet confirmed as at this "
        "date)."
    )
    if verbose:
        lines += [f"  confirmed: {r.participant.name}" for r in c.confirmed]
    sections = [
        ("participants new to the knowledge base", c.of("new_participant")),
        ("new participants (no record under this treaty)", c.of("new_record")),
        ("changed dates or kinds of consent", c.of("record")),
        ("new statements", c.of("new_statement")),
        ("changed statements", c.of("statement")),
    ]
    for title, changes in sections:
        lines.append(f"{len(changes)} {title}.")
        lines += [f"  line {change.line}: {change.describe()}" for change in changes]
    lines.append(
        f"{len(c.kept)} differences not proposed: the published value's source is more recent."
    )
    for kept in c.kept:
        values = "; ".join(f"{k} {show(v)}" for k, v in kept.differences.items())
        lines.append(
            f"  line {kept.line}: {kept.record.participant.name}: the record gives {values}; "
            f"kept, {kept.why}."
        )
    lines.append(
        f"{counts['statements_confirmed']} of {counts['statements_read']} statements found in "
        "the knowledge base."
    )
    if c.damaged:
        lines.append(
            f"{len(c.damaged)} statements not proposed: their text is damaged in the record."
        )
        lines += [f"  line {s.line}: {s.participant}: {s.kind}: {why}" for s, why in c.damaged]
    if c.waiting:
        lines.append(f"{len(c.waiting)} statements wait for their participant's record.")
        lines += [f"  line {s.line}: {s.participant}: {why}" for s, why in c.waiting]
    lines.append(
        f"{len(c.missing)} participants the knowledge base has that the record lacks "
        "(never proposed for deletion):"
    )
    lines += [f"  {r.participant.name}: {why}" for r, why in c.missing]
    if c.former_names:
        lines.append(f"{len(c.former_names)} participants found by another name:")
        lines += [f"  line {p.line}: {how}" for p, how in c.former_names]
    if c.duplicates:
        lines.append(f"{len(c.duplicates)} rows name a participant another row names (left out):")
        lines += [
            f"  line {p.line}: '{p.name}' is {who.name}, as is '{first.name}' (line {first.line})"
            for p, first, who in c.duplicates
        ]
    if c.unmatched:
        lines.append(
            f"{len(c.unmatched)} names matched to no participant (a country ISO knows is proposed "
            "as a new participant above; add any other, then import again):"
        )
        lines += [f"  line {p.line}: {p.name}" for p in c.unmatched]
    return lines


# -- proposing and confirming ------------------------------------------------------------------


@dataclass
class Outcome:
    run: DepositaryImport
    created: list
    existing: list


def apply(comparison, *, user=None):
    """Propose every difference (for review), confirm the records the depositary agrees with,
    keep the run: one transaction, all or nothing."""
    gate = proposals.gate()
    if gate is None:
        raise DepositaryError("proposals need the review app (INSTALLED_APPS 'review')")
    c = comparison
    created, existing = [], []
    author = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        for change in c.changes:
            try:
                proposal, made = gate.propose(
                    target=change.target,
                    model=change.model,
                    changes=change.changes,
                    author=author,
                    reason=change.reason,
                    source_url=c.source_url,
                    source_as_at=c.as_at,
                    copy_read=c.copy_read,
                    origin=ORIGIN,
                    dedupe_key=change.key(c.treaty),
                )
            except gate.nothing:
                continue
            except gate.errors as error:
                raise DepositaryError(
                    f"line {change.line}: {change.label}: {error}; nothing was written"
                ) from None
            (created if made else existing).append(proposal)
        counts = c.counts()
        lines = report_lines(c)
        confirmed = confirm(c, user=author)
        counts.update(proposed=len(created), already_proposed=len(existing))
        lines.append(
            f"Proposed: {len(created)} new proposals for review, {len(existing)} already open; "
            f"{confirmed} records marked confirmed as at {c.as_at.isoformat()}."
        )
        run = DepositaryImport.objects.create(
            treaty=c.treaty,
            run_by=author,
            source=c.source.name[:600],
            source_url=c.source_url,
            copy_read=c.copy_read,
            sha256=c.source.sha256,
            record_as_at=c.as_at,
            as_at_basis=c.as_at_basis,
            participants_read=counts["participants_read"],
            confirmed=confirmed,
            proposed=len(created),
            already_proposed=len(existing),
            counts=counts,
            report="\n".join(lines),
        )
    return Outcome(run=run, created=created, existing=existing)


def confirmation_reason(comparison):
    # "Imported from": the team activity page (review.activity) lists it as an import.
    return (
        f"Imported from the depositary's record as at {comparison.as_at.isoformat()}: "
        "confirmed, it agrees"
    )


def confirm(comparison, *, user=None):
    """Mark the records the depositary's record agrees with as confirmed as at its date (never
    moving a later confirmation back); one history record each. Returns how many."""
    records = comparison.to_confirm
    if not records:
        return 0
    now = timezone.now()
    for record in records:
        record.depositary_confirmed_as_at = comparison.as_at
        record.modified_at = now
    bulk_update_with_history(
        records,
        Ratification,
        ["depositary_confirmed_as_at", "modified_at"],
        default_user=user,
        default_change_reason=confirmation_reason(comparison),
    )
    transaction.on_commit(caching.bump_data_version)
    return len(records)
