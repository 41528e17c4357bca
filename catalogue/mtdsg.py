"""Reading the UN Secretary-General's depositary record of a treaty, in the XML the UN Treaty
Collection publishes for every entry of *Multilateral Treaties Deposited with the
Secretary-General* (MTDSG), e.g. ``.../MTDSG/Volume I/Chapter XVIII/XVIII-12-a.en.xml``.

``read_record(data)`` turns the file's bytes into a ``Record``: the header's facts (conclusion,
entry into force, registration, the counts of signatories and parties), one ``Participation``
per row of the participants table (signature; consent with its kind from the a / A / AA / d / c
markers), the declarations, reservations and objections by participant (with the articles they
name) and the end notes. Anything it cannot read raises ``RecordError`` naming the line: a record
is read whole or not at all.

The file as the depositary publishes it is not well-formed XML; the reading copes with it:

- characters of the block U+2010–U+201F (curly quotes and apostrophes, dashes) arrive without
  their high byte, as the control characters 0x10–0x1F that XML forbids (0x19 is ’, 0x1C “, 0x1D
  ”), and U+2000–U+200F (spaces) as 0x00–0x0F: each is mapped back to the character it stands
  for;
- the ellipsis U+2026 arrives the same way, as a bare ``&`` (no entity): mapped back to …;
- participants carry footnote markers as escaped markup inside the name
  (``China&lt;superscript&gt;1&lt;/superscript&gt;``): taken out of the name, kept as notes;
- a few characters were replaced by ``?`` in the depositary's own text (``article?5``): that
  cannot be repaired, so such a statement is marked ``damaged``.
"""

import datetime
import re
from dataclasses import dataclass, field
from xml.parsers import expat

MAX_RECORD_BYTES = 10 * 1024 * 1024

# Consent kinds (treaties.models.ConsentKind values) by the words of the table's heading.
KIND_WORDS = {
    "ratification": "ratification",
    "accession": "accession",
    "acceptance": "acceptance",
    "approval": "approval",
    "succession": "succession",
    "formal confirmation": "formal_confirmation",
}
# The depositary's usual markers, used where the heading does not spell them out.
STANDARD_MARKERS = {
    "": "ratification",
    "a": "accession",
    "A": "acceptance",
    "AA": "approval",
    "d": "succession",
    "c": "formal_confirmation",
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
ROW_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})(?:\s*\b([A-Za-z]{1,2}))?$")
LONG_DATE = re.compile(r"\b(\d{1,2})\s+([A-Z][a-z]{2,8})\s+(\d{4})\b")
FOOTNOTE = re.compile(r"<superscript>\s*([^<]*?)\s*</superscript>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
# A bare "&" (neither an entity nor a character reference) is the ellipsis U+2026 without its
# high byte.
BARE_AMPERSAND = re.compile(r"&(?!#\d+;|#x[0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
# Characters the depositary's text lost to "?": a "?" inside a word or a number, or doubled.
DAMAGE = re.compile(r"\w\?+[\w(]|\?\?")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class RecordError(ValueError):
    """The file cannot be read as a depositary record; the message names the line."""


@dataclass
class Participation:
    """One row of the participants table, as the depositary writes it."""

    name: str
    line: int
    signature_on: datetime.date | None = None
    consent_on: datetime.date | None = None
    consent_kind: str = ""
    notes: list = field(default_factory=list)  # footnote numbers on the row


@dataclass
class DepositaryStatement:
    """A declaration, reservation or objection as the record gives it: the paragraphs under
    one heading ("Reservation:", "Upon signature: Declaration:", ...)."""

    participant: str
    heading: str
    line: int
    occasion: str = ""  # "signature", "consent" (upon ratification, accession, ...) or ""
    kind: str = ""  # reservation, declaration, objection
    paragraphs: list = field(default_factory=list)
    article_reference: str = ""
    heading_kinds: set = field(default_factory=set)

    @property
    def text(self):
        return " ".join(self.paragraphs)

    @property
    def damaged(self):
        return any(DAMAGE.search(paragraph) for paragraph in self.paragraphs)


@dataclass
class Record:
    """What a depositary record says, read in full."""

    reference: str = ""  # e.g. "XVIII-12-a"
    chapter_number: int | None = None
    title: str = ""
    conclusion: str = ""
    entry_into_force_on: datetime.date | None = None
    entry_into_force_text: str = ""
    registration: str = ""
    signatories: int | None = None  # the header's status counts
    parties: int | None = None
    treaty_series: str = ""
    participants: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)
    characters_mapped: int = 0  # control characters and bare "&" mapped back

    @property
    def signature_count(self):
        return sum(1 for p in self.participants if p.signature_on)

    @property
    def consent_count(self):
        return sum(1 for p in self.participants if p.consent_kind)

    @property
    def latest_action_on(self):
        """The latest signature or consent in the table: the record is a true account of the
        status at least as at that day."""
        dates = [d for p in self.participants for d in (p.signature_on, p.consent_on) if d]
        return max(dates, default=None)

    @property
    def page_url(self):
        """The depositary's page for the treaty (the citable source); '' when the record does
        not say which entry it is."""
        if not self.reference or self.chapter_number is None:
            return ""
        return (
            "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY"
            f"&mtdsg_no={self.reference}&chapter={self.chapter_number}&lang=en"
        )


# -- the file as the depositary publishes it -------------------------------------------------


def repair(text):
    """(the text with its mangled characters mapped back, how many were mapped)."""
    text, count = CONTROL.subn(lambda match: chr(0x2000 + ord(match.group())), text)
    text, ellipses = BARE_AMPERSAND.subn("\u2026", text)
    # A carriage return on its own (inside a few titles) is no line break: lines are counted as
    # an editor counts them.
    text = re.sub(r"\r(?!\n)", " ", text)
    return text, count + ellipses


def decode(data):
    """The file's text, decoded by the encoding its XML declaration names (UTF-8 if none)."""
    if not data.strip():
        raise RecordError("line 1: the file is empty")
    if len(data) > MAX_RECORD_BYTES:
        raise RecordError(f"the file is larger than {MAX_RECORD_BYTES // (1024 * 1024)} MB")
    head = data[:200].decode("ascii", errors="replace")
    declared = re.match(r"""\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""", head)
    encoding = declared.group(1) if declared else "utf-8"
    try:
        text = data.decode(encoding)
    except LookupError:
        raise RecordError(f"line 1: unknown encoding '{encoding}'") from None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RecordError(f"line {line}: the file is not valid {encoding} text") from None
    text = text.lstrip("\ufeff")
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)


@dataclass
class Node:
    tag: str
    attrs: dict
    line: int
    children: list = field(default_factory=list)
    parts: list = field(default_factory=list)

    @property
    def text(self):
        return "".join(self.parts)

    def find(self, *path):
        node = self
        for tag in path:
            node = next((c for c in node.children if c.tag == tag), None)
            if node is None:
                return None
        return node

    def findall(self, tag):
        return [c for c in self.children if c.tag == tag]

    def text_of(self, *path):
        node = self.find(*path)
        return node.text.strip() if node is not None else ""


def parse_xml(text):
    """The document as a tree of ``Node``s that know their line. A DOCTYPE or an entity
    declaration is refused: a depositary record has none, and they are how XML files attack
    the programs that read them."""
    parser = expat.ParserCreate()
    root = Node("", {}, 0)
    stack = [root]

    def start(tag, attrs):
        node = Node(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(tag):
        stack.pop()

    def characters(data):
        stack[-1].parts.append(data)

    def refuse(*args):
        raise RecordError(
            f"line {parser.CurrentLineNumber}: the file declares a DOCTYPE or entities, which a "
            "depositary record never does"
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise RecordError(
            f"line {error.lineno}: not readable as XML ({expat.ErrorString(error.code)})"
        ) from None
    if not root.children:
        raise RecordError("line 1: the file holds no XML element")
    return root.children[0]


# -- cells, names and texts --------------------------------------------------------------------


def clean(text):
    """Markup (escaped in the depositary's text) removed, spaces made plain and single."""
    text = TAG.sub("", text)
    text = text.replace("\u00a0", " ")
    text = re.sub(r"[\u2000-\u200b]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def split_footnotes(text):
    """(the text without its footnote markers, the note numbers)."""
    notes = [n for n in FOOTNOTE.findall(text) if n]
    return FOOTNOTE.sub("", text), notes


def parse_day(day, month, year):
    number = MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        return datetime.date(int(year), number, int(day))
    except ValueError:
        return None


def consent_markers(label):
    """Marker -> consent kind from the table's heading, e.g. 'Ratification, Acceptance(A),
    Approval(AA), Accession(a), Succession(d)'; the depositary's usual markers otherwise. A
    marker for a kind the knowledge base does not record maps to None."""
    markers = dict(STANDARD_MARKERS)
    for item in label.split(","):
        match = re.match(r"\s*([A-Za-z ]+?)\s*(?:\(\s*([A-Za-z]{1,2})\s*\))?\s*$", item)
        if not match:
            continue
        kind = KIND_WORDS.get(match.group(1).strip().lower())
        if kind is None:
            if match.group(2):
                markers[match.group(2)] = None
            continue
        markers[match.group(2) or ""] = kind
    return markers


def read_cell(text, line, what, markers=None):
    """(date, kind) from a cell such as '15 Aug 2014 a'; (None, '') for an empty cell."""
    text = clean(split_footnotes(text)[0])
    if not text:
        return None, ""
    match = ROW_DATE.match(text)
    day = match and parse_day(*match.group(1, 2, 3))
    if not day:
        raise RecordError(f"line {line}: {what} '{text}' is not a date like '14 Dec 2000'")
    if markers is None:
        return day, ""
    marker = match.group(4) or ""
    if marker not in markers:
        raise RecordError(f"line {line}: {what} '{text}': unknown marker '{marker}'")
    if markers[marker] is None:
        raise RecordError(
            f"line {line}: {what} '{text}': the marker '{marker}' names a kind of consent the "
            "knowledge base does not record"
        )
    return day, markers[marker]


# -- the parts of the record -------------------------------------------------------------------

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman(numeral):
    values = [ROMAN.get(ch) for ch in numeral.upper()]
    if not numeral or None in values:
        return None
    return sum(
        -value if i + 1 < len(values) and values[i + 1] > value else value
        for i, value in enumerate(values)
    )


def read_header(treaty, record):
    header = treaty.find("Header")
    if header is None:
        return
    chapter = clean(header.text_of("Chapter", "Header"))
    numeral = chapter.split()[-1] if chapter else ""
    record.chapter_number = roman(numeral)
    data = header.find("ExternalData")
    if data is None:
        return
    number, sub = clean(data.text_of("Numsect")), clean(data.text_of("Subnumsect"))
    if numeral and number:
        record.reference = "-".join(p for p in (numeral, number, sub) if p)
    record.title = clean(data.text_of("Subtitlesect") or data.text_of("Titlesect"))
    record.conclusion = clean(data.text_of("Conclusion"))
    record.entry_into_force_text = clean(data.text_of("EIF", "Labeltext"))
    found = LONG_DATE.search(record.entry_into_force_text[:60])
    if found:
        record.entry_into_force_on = parse_day(*found.groups())
    record.registration = clean(data.text_of("Registration", "Labeltext"))
    for name in ("Signatories", "Parties"):
        value = clean(data.text_of("Status", name))
        if value:
            if not value.isdigit():
                node = data.find("Status", name)
                raise RecordError(f"line {node.line}: {name} '{value}' is not a number")
            setattr(record, name.lower(), int(value))
    record.treaty_series = clean(data.text_of("TreatyText", "Text"))


def read_participants(treaty, record):
    table = treaty.find("Participants", "Table", "TGroup")
    if table is None:
        raise RecordError(
            f"line {treaty.line}: the record has no participants table (Participants/Table/TGroup)"
        )
    head = table.find("Thead", "Row")
    labels = [clean(e.text) for e in head.findall("Entry")] if head is not None else []
    signature_column = next(
        (i for i, label in enumerate(labels) if re.search(r"\bsignature\b", label, re.I)), None
    )
    consent_column = next(
        (
            i
            for i, label in enumerate(labels)
            if re.search(r"ratification|accession|acceptance|approval", label, re.I)
        ),
        None,
    )
    if consent_column is None:
        line = head.line if head is not None else table.line
        raise RecordError(
            f"line {line}: the participants table has no column of ratifications, acceptances, "
            "approvals or accessions"
        )
    markers = consent_markers(labels[consent_column])
    body = table.find("Tbody")
    rows = body.find("Rows") if body is not None else None
    rows = rows if rows is not None else body
    seen = {}
    for row in rows.findall("Row") if rows is not None else []:
        cells = [e.text for e in row.findall("Entry")]
        cells += [""] * (len(labels) - len(cells))
        name, notes = split_footnotes(cells[0])
        name = clean(name)
        if not name:
            raise RecordError(f"line {row.line}: a row of the participants table has no name")
        if name in seen:
            raise RecordError(f"line {row.line}: {name} is listed twice (see line {seen[name]})")
        seen[name] = row.line
        participation = Participation(name=name, line=row.line, notes=notes)
        if signature_column is not None:
            participation.signature_on, _ = read_cell(
                cells[signature_column], row.line, f"{name}: signature"
            )
        participation.consent_on, participation.consent_kind = read_cell(
            cells[consent_column], row.line, f"{name}: consent", markers
        )
        for cell in cells[1:]:
            participation.notes += [n for n in split_footnotes(cell)[1] if n not in notes]
        record.participants.append(participation)
    if not record.participants:
        raise RecordError(f"line {table.line}: the participants table has no rows")


HEADING_KINDS = (
    ("reservation", "reservation"),
    ("declaration", "declaration"),
    ("understanding", "declaration"),
    ("objection", "objection"),
)
# What makes a statement a reservation whatever it is called: it excludes or limits an
# obligation (fixtures/status/STATEMENTS.md).
BINDING = re.compile(
    r"not consider (?:itself|themselves) (?:bound|obligated)|reserves? the right|"
    r"(?:a|its|her|with a) reservations?\b|expresses reservations|has reservations|"
    r"does not accept|not to be bound",
    re.IGNORECASE,
)


def kinds_in(heading):
    lowered = heading.lower()
    return {kind for word, kind in HEADING_KINDS if word in lowered}


def occasion_in(heading, current):
    lowered = heading.lower()
    if "upon signature" in lowered:
        return "signature"  # "made upon signature and confirmed upon ratification": signature
    if re.search(r"upon (ratification|accession|acceptance|approval|succession)", lowered):
        return "consent"
    return current


def is_heading(item, raw, text):
    """A title, or a paragraph that is a heading itself ('<i>Declaration:</i>')."""
    if item.attrs.get("type") == "title":
        return True
    return bool(
        re.fullmatch(r"\s*<i>[^<]*</i>\s*", raw)
        and text.endswith(":")
        and (kinds_in(text) or occasion_in(text, None))
    )


def read_statements(treaty, record, section, entry, objections=False):
    node = treaty.find(section)
    if node is None:
        return
    statements = []
    for block in node.findall(entry):
        who = block.find("Participant")
        if who is None:
            raise RecordError(f"line {block.line}: a {entry} without its Participant")
        participant = clean(split_footnotes(who.text)[0])
        occasion, current = "", None
        for item in block.findall("text"):
            raw = item.text
            text = clean(raw)
            if not text:
                continue
            if is_heading(item, raw, text):
                if not objections:
                    # An objection's heading names the statement objected to, and its occasion.
                    occasion = occasion_in(text, occasion)
                if objections or kinds_in(text):
                    current = DepositaryStatement(
                        participant=participant,
                        heading=text.rstrip(":"),
                        line=item.line,
                        occasion=occasion,
                        heading_kinds=kinds_in(text),
                    )
                    statements.append(current)
                continue
            if current is None:
                current = DepositaryStatement(
                    participant=participant, heading="", line=item.line, occasion=occasion
                )
                statements.append(current)
            current.paragraphs.append(text)
    for statement in statements:
        if objections:
            statement.kind = "objection"
        elif len(statement.heading_kinds) == 1:
            statement.kind = next(iter(statement.heading_kinds))
        else:
            # No heading, or "Reservation and declaration": what the text does decides.
            statement.kind = "reservation" if BINDING.search(statement.text) else "declaration"
    record.statements += [s for s in statements if s.paragraphs]


def read_notes(treaty, record):
    notes = treaty.find("EndNotes")
    for note in notes.findall("Note") if notes is not None else []:
        index = clean(note.text_of("index"))
        if index:
            record.notes[index] = " ".join(clean(t.text) for t in note.findall("text"))


def read_record(data, treaty_word="Protocol"):
    """The depositary record in ``data`` (the file's bytes). ``treaty_word`` is how the
    treaty's text calls itself ("Protocol", "Convention"), to tell its articles from those of
    other instruments a statement names."""
    text, mapped = repair(decode(data))
    root = parse_xml(text)
    treaty = root if root.tag == "Treaty" else root.find("Treaty")
    if treaty is None:
        raise RecordError(
            f"line {root.line}: not a depositary record (MTDSG): no Treaty element in <{root.tag}>"
        )
    record = Record(characters_mapped=mapped)
    read_header(treaty, record)
    read_participants(treaty, record)
    read_statements(treaty, record, "Declarations", "Declaration")
    read_statements(treaty, record, "Objections", "Objection", objections=True)
    read_notes(treaty, record)
    for statement in record.statements:
        statement.article_reference = ";".join(article_references(statement.text, treaty_word))
    return record


# -- the articles a statement names -----------------------------------------------------------

NUMBER_WORDS = {
    word: str(i)
    for i, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + r")\b"
SUB = r"(?:\s*,?\s*sub-?paragraph\s*\(?([a-z])\)?|\s*\(([a-z])\)|(?<=\d)([a-z])\b)?"
# (pattern, index of the article's group, indexes of the paragraph's groups)
PATTERNS = [
    # article 15, paragraph 2 / Article 5 paragraph (2) Sub-paragraph c / article 6, paragraph 3,
    # subparagraph (a)
    (re.compile(r"\barticles?\s+" + NUM + r"\s*,?\s*paragraph\s*\(?(\d+)\)?" + SUB, re.I), 0),
    # paragraph 2 of article 15 / paragraph 3(d) of Article 6 / paragraph 3d of Article Six
    (
        re.compile(
            r"\bparagraph\s*\(?(\d+)\)?"
            + SUB
            + r"\s+of\s+(?:the\s+same\s+|that\s+)?article\s+"
            + NUM,
            re.I,
        ),
        4,
    ),
    # paragraph 2, Article 15
    (re.compile(r"\bparagraph\s*\(?(\d+)\)?" + SUB + r"\s*,\s*article\s+" + NUM, re.I), 4),
    # paragraph (a) of Article 3
    (re.compile(r"\bparagraph\s*\(([a-z])\)\s+of\s+article\s+" + NUM, re.I), 1),
    # Article 15 (2) / Article 15(2)(b)
    (re.compile(r"\barticles?\s+" + NUM + r"\s*\((\d+)\)(?:\s*\(([a-z])\))?", re.I), 0),
    # paragraph 2 of that article / of the same Article (the article named just before)
    (re.compile(r"\bparagraph\s*\(?(\d+)\)?\s+of\s+(?:that|the\s+same)\s+article\b", re.I), None),
    # Article 13
    (re.compile(r"\barticles?\s+" + NUM, re.I), 0),
]
ENABLING = re.compile(
    r"(\[?i\]?n accordance with|pursuant to|powers referred to in|with respect to the provisions "
    r"of|as provided for in|it is provided in)\s*(the provisions of\s*)?$",
    re.I,
)
SAME_INSTRUMENT = re.compile(r"(said|above-mentioned|same|present|that)\b", re.I)


def another_instrument(after, treaty_word):
    """Whether the words after an article's number make it another instrument's ('of the
    United Nations Convention', 'of the Basic Law', 'thereof')."""
    if re.match(r"\s*thereof\b", after, re.I):
        return True
    of = re.match(r"\s*,?\s*of\s+(?:the\s+|this\s+)?(.{0,60})", after, re.I | re.S)
    if of is None:
        return False
    named = of.group(1)
    return not (treaty_word.lower() in named[:45].lower() or SAME_INSTRUMENT.match(named))


def article_references(text, treaty_word="Protocol"):
    """The provisions of the treaty a statement names, in the order it names them, written as
    the knowledge base writes them: ['15(2)', '6(3)(d)'].

    Left out: provisions of another instrument ('Article 6, paragraph 2 (b) of the United
    Nations Convention', 'Article 138 of the Basic Law'), and the provision that allows a
    reservation when the text names the one reserved ('In accordance with paragraph 3 of
    article 15 ..., not bound by paragraph 2 of article 15' is 15(2))."""
    found, taken = [], []
    for pattern, article_group in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            groups = match.groups()
            article = number(groups[article_group]) if article_group is not None else None
            if article is not None and not article.isdigit():
                continue
            parts = [g for i, g in enumerate(groups) if i != article_group and g]
            paragraph = [p for p in parts if p.isdigit()][:1]
            letter = [p for p in parts if not p.isdigit()][:1]
            taken.append((start, end))
            found.append((start, end, article, paragraph + letter))
    found.sort()
    references, last_article = [], None
    for start, end, article, parts in found:
        article = article or last_article
        if article is None:
            continue
        last_article = article
        if another_instrument(text[end : end + 80], treaty_word):
            continue
        enabling = bool(ENABLING.search(text[max(0, start - 60) : start]))
        references.append((article + "".join(f"({p})" for p in parts), enabling))
    kept = [r for r, enabling in references if not enabling] or [r for r, _ in references]
    return list(dict.fromkeys(kept))


def number(word):
    return NUMBER_WORDS.get(word.lower(), word)
