"""Citing an article, or one of its paragraphs: the structure of its official text, the
anchors a reader can link to, a ready citation, and BibTeX and CSL-JSON records.

An article's text is stored as the treaties print it (see ``Provision.text``): paragraphs
separated by a blank line, subparagraphs by a line break. The four instruments number their
subdivisions differently, and ``layout()`` turns all of them into one tree:

- numbered paragraphs: ``1. Each State Party shall ...`` (all four instruments);
- lettered subparagraphs: ``(a) ...`` on the next line (UN instruments) or ``a) ...`` as a
  paragraph of its own (Council of Europe), which belongs to the paragraph before it;
- roman-numbered items under a subparagraph: ``(i)``, ``(ii)`` (UNTOC arts. 5, 6, 15, ...),
  told apart from the letter ``(i)`` by what precedes them (UNTOC art. 2 runs (a) to (j));
- a third level ``a.``, ``b.`` (UNTOC art. 5(1)(a)(ii));
- dashed items (CETS 197 art. 32), which are not separately citable;
- closing words after a list (UNTOC art. 3(1) "where the offence ...", CETS 197 art. 30).

Each citable unit gets an anchor: ``p3`` for paragraph 3, ``p3-a`` for its subparagraph (a),
``p1-a-ii`` below that; subparagraphs of an unnumbered opening paragraph are ``p-a``, ``p-b``.
"""

import json
import re
from dataclasses import dataclass, field

from django.utils import timezone

NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$", re.S)
PARENTHESISED = re.compile(r"^\(([a-z]{1,5})\)\s+(.*)$", re.S)
HALF_PARENTHESISED = re.compile(r"^([a-z]{1,5})\)\s+(.*)$", re.S)
DOTTED_LETTER = re.compile(r"^([a-z])\.\s+(.*)$", re.S)
DASHED = re.compile(r"^[–—-]\s+(.*)$", re.S)
ROMAN = re.compile(r"^(?=[ivxl]+$)x{0,3}(ix|iv|v?i{0,3})$")

PARAGRAPH, LETTER, ROMAN_ITEM, THIRD_LEVEL, DASH, UNNUMBERED = (
    "paragraph",
    "letter",
    "roman",
    "third",
    "dash",
    "unnumbered",
)


@dataclass
class Unit:
    """A paragraph, subparagraph or item of an article's text."""

    kind: str
    marker: str = ""  # "3", "a", "ii" (empty for unnumbered paragraphs and dashed items)
    label: str = ""  # the marker as the treaty prints it: "3.", "(a)", "a)", "–"
    text: str = ""
    pinpoint: tuple = ()
    anchor: str = ""
    citation: str = ""
    children: list = field(default_factory=list)
    closing: list = field(default_factory=list)

    @property
    def locator(self):
        """'(3)(a)': the pinpoint as written after the article number."""
        return "".join(f"({part})" for part in self.pinpoint)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def classify(line, siblings):
    """(kind, marker, label, text) for one line of text; kind None when it has no marker.

    ``siblings`` maps a kind to the marker of the last unit of that kind still open, so that
    "(i)" after "(h)" is the letter i and "(i)" after "(a)" opens roman items.
    """
    line = line.strip()
    if match := NUMBERED.match(line):
        return PARAGRAPH, match.group(1), f"{match.group(1)}.", match.group(2)
    for pattern, label in ((PARENTHESISED, "({})"), (HALF_PARENTHESISED, "{})")):
        if match := pattern.match(line):
            marker = match.group(1)
            return item_kind(marker, siblings), marker, label.format(marker), match.group(2)
    if match := DOTTED_LETTER.match(line):
        return THIRD_LEVEL, match.group(1), f"{match.group(1)}.", match.group(2)
    if match := DASHED.match(line):
        return DASH, "", line[0], match.group(1)
    return None, "", "", line


def item_kind(marker, siblings):
    if not ROMAN.match(marker):
        return LETTER
    if len(marker) > 1:
        return ROMAN_ITEM
    previous_letter = siblings.get(LETTER)
    if previous_letter and len(previous_letter) == 1 and ord(marker) == ord(previous_letter) + 1:
        return LETTER
    if siblings.get(ROMAN_ITEM) or previous_letter:
        return ROMAN_ITEM
    return LETTER


# The depth of each kind below a paragraph: a unit closes every open unit at its depth or deeper.
DEPTH = {LETTER: 1, DASH: 1, ROMAN_ITEM: 2, THIRD_LEVEL: 3}


def layout(text):
    """The article's text as a list of top-level ``Unit``s (paragraphs), each with its
    subparagraphs as children, pinpoints and anchors set (anchors are unique within the
    article); citations are filled in by ``cited_layout()``."""
    paragraphs = []
    stack = []  # the open units below the current paragraph, outermost first
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            kind, marker, label, body = classify(line, {unit.kind: unit.marker for unit in stack})
            current = paragraphs[-1] if paragraphs else None
            if kind is None:
                if current is not None and (index > 0 or current.children):
                    # Closing words after a list belong to the paragraph, not its last item.
                    current.closing.append(body)
                else:
                    paragraphs.append(Unit(UNNUMBERED, text=body))
                stack = []
                continue
            if kind == PARAGRAPH:
                paragraphs.append(Unit(PARAGRAPH, marker, label, body, pinpoint=(marker,)))
                stack = []
                continue
            if current is None:
                current = Unit(UNNUMBERED)
                paragraphs.append(current)
            while stack and DEPTH[stack[-1].kind] >= DEPTH[kind]:
                stack.pop()
            parent = stack[-1] if stack else current
            pinpoint = (*parent.pinpoint, marker) if marker else ()
            unit = Unit(kind, marker, label, body, pinpoint=pinpoint)
            parent.children.append(unit)
            stack.append(unit)
    assign_anchors(paragraphs)
    return paragraphs


def anchor_for(pinpoint):
    if not pinpoint:
        return ""
    head, *rest = pinpoint
    if head.isdigit():
        return "-".join([f"p{head}", *rest])
    return "-".join(["p", *pinpoint])


def assign_anchors(paragraphs):
    seen = set()
    for paragraph in paragraphs:
        for unit in paragraph.walk():
            anchor = anchor_for(unit.pinpoint)
            if anchor and anchor not in seen:
                unit.anchor = anchor
                seen.add(anchor)


def article_label(number):
    return f"art. {number}"


def long_date(value):
    return f"{value.day} {value:%B %Y}"


# --- A treaty's place in a treaty series ---------------------------------------------------------

# The series the data names, with their usual abbreviation.
SERIES_ABBREVIATIONS = {
    "United Nations, Treaty Series": "UNTS",
    "Council of Europe Treaty Series": "CETS",
    "European Treaty Series": "ETS",
}
# "United Nations, Treaty Series, vol. 2225, p. 209 (registration No. 39574, 29 September 2003)"
VOLUME_AND_PAGE = re.compile(
    r"^(?P<title>.+?),\s*vol\.\s*(?P<volume>[0-9A-Za-z-]+)"
    r"(?:,\s*pp?\.\s*(?P<page>[0-9A-Za-z-]+))?\s*(?:\((?P<extra>[^)]*)\))?\s*\.?$"
)
REGISTRATION = re.compile(r"registration\s+No\.\s*(?P<number>[0-9]+)", re.I)
# "CETS No. 197"
SERIES_NUMBER = re.compile(r"^(?P<short>CETS|ETS)\s+No\.\s*(?P<number>[0-9]+)\s*\.?$")


@dataclass(frozen=True)
class SeriesReference:
    """Where a treaty is published in a treaty series, read from what the data records
    (``Treaty.treaty_series``): the series' title and abbreviation, the volume and first page,
    and the treaty's number (its number in the series, e.g. CETS No. 197, or its UN
    registration number). A part the record does not give is empty: nothing is looked up or
    guessed. A record in no form known here keeps its whole text as the series' title."""

    recorded: str
    title: str
    short: str = ""
    volume: str = ""
    page: str = ""
    number: str = ""
    series_number: bool = False  # the number is the treaty's number in the series (CETS No. 197)
    cited: str = ""  # the reference as cited: the record without the registration details

    def __str__(self):
        return self.cited or self.recorded


def series_reference(treaty):
    """The treaty's ``SeriesReference``, or None where the data records no series reference
    (ACTIP has none)."""
    recorded = " ".join((treaty.treaty_series or "").split())
    if not recorded:
        return None
    if match := VOLUME_AND_PAGE.match(recorded):
        title = match["title"].strip()
        registration = REGISTRATION.search(match["extra"] or "")
        cited = f"{title}, vol. {match['volume']}"
        if match["page"]:
            cited += f", p. {match['page']}"
        return SeriesReference(
            recorded,
            title,
            short=SERIES_ABBREVIATIONS.get(title, ""),
            volume=match["volume"],
            page=match["page"] or "",
            number=registration["number"] if registration else "",
            cited=cited,
        )
    if match := SERIES_NUMBER.match(recorded):
        title = {short: title for title, short in SERIES_ABBREVIATIONS.items()}[match["short"]]
        return SeriesReference(
            recorded,
            title,
            short=match["short"],
            number=match["number"],
            series_number=True,
            cited=f"{match['short']} No. {match['number']}",
        )
    return SeriesReference(recorded, recorded, cited=recorded)


def treaty_dates(treaty):
    """'adopted 15 November 2000, entered into force 25 December 2003': the dates the data
    gives, or an empty string."""
    parts = []
    if treaty.adopted_on:
        parts.append(f"adopted {long_date(treaty.adopted_on)}")
    if treaty.entry_into_force_on:
        parts.append(f"entered into force {long_date(treaty.entry_into_force_on)}")
    return ", ".join(parts)


def treaty_citation(treaty):
    """'<full title> (adopted ..., entered into force ...), <series reference>': the treaty as
    cited, with only what the data gives (no series reference where it records none)."""
    text = treaty.full_title
    if dates := treaty_dates(treaty):
        text += f" ({dates})"
    if series := series_reference(treaty):
        text += f", {series}"
    return text


def citation(provision, unit=None, cited_treaty=None):
    """'<treaty citation>, art. 6(3)': the ready citation of an article or one of its units
    (``cited_treaty``: the treaty's citation, when the caller has it already)."""
    locator = unit.locator if unit is not None else ""
    cited_treaty = cited_treaty or treaty_citation(provision.treaty)
    return f"{cited_treaty}, {article_label(provision.number)}{locator}"


def cited_layout(provision):
    """``layout(provision.text)`` with each citable unit's citation filled in."""
    paragraphs = layout(provision.text)
    cited_treaty = treaty_citation(provision.treaty)
    for paragraph in paragraphs:
        for unit in paragraph.walk():
            if unit.anchor:
                unit.citation = citation(provision, unit, cited_treaty)
    return paragraphs


def find_unit(paragraphs, anchor):
    for paragraph in paragraphs:
        for unit in paragraph.walk():
            if unit.anchor and unit.anchor == anchor:
                return unit
    return None


def anchors(paragraphs):
    return [unit.anchor for paragraph in paragraphs for unit in paragraph.walk() if unit.anchor]


# --- Reference-manager records -------------------------------------------------------------


def citation_key(provision, unit=None):
    number = re.sub(r"\W+", "", provision.number)
    key = f"{provision.treaty.slug}-art{number}"
    if unit is not None:
        key += "-" + "-".join(unit.pinpoint)
    return re.sub(r"[^A-Za-z0-9_-]", "", key)


def adoption_note(treaty):
    """'Adopted by ..., New York, 15 November 2000': only what the data states."""
    parts = []
    if treaty.adopted_by:
        parts.append(f"Adopted by {treaty.adopted_by}")
    if treaty.adopted_at:
        parts.append(treaty.adopted_at)
    if treaty.adopted_on:
        parts.append(long_date(treaty.adopted_on))
    note = ", ".join(parts)
    if note and not treaty.adopted_by:
        note = f"Adopted {note}"
    return note


BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(value):
    return "".join(BIBTEX_SPECIALS.get(char, char) for char in str(value))


BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def publication_note(treaty):
    """'Adopted by ..., New York, 15 November 2000; entered into force 25 December 2003'."""
    parts = [adoption_note(treaty)]
    if treaty.entry_into_force_on:
        parts.append(f"entered into force {long_date(treaty.entry_into_force_on)}")
    return "; ".join(part for part in parts if part)


def article_note(provision):
    if provision.heading and provision.heading_verified:
        return f"Article {provision.number}: {provision.heading}"
    return ""


def bibtex(provision, url, unit=None, accessed=None):
    """A BibTeX ``@misc`` record for the article or one of its units, in the fields that plain
    BibTeX's standard styles and biblatex both read: ``title``, ``howpublished`` (the treaty
    series reference, where the data records one), ``year`` and ``month`` (adoption), ``note``
    (adoption, entry into force, the article's heading), ``key`` (what plain BibTeX sorts an
    entry without author by); ``url`` and ``urldate`` for biblatex and natbib's styles, which
    plain BibTeX ignores without a warning."""
    treaty = provision.treaty
    accessed = accessed or timezone.localdate()
    locator = unit.locator if unit is not None else ""
    cited = f"{article_label(provision.number)}{locator}"
    fields = [
        ("key", "{" + bibtex_escape(treaty.short_title) + "}"),
        ("title", "{{" + bibtex_escape(f"{treaty.full_title}, {cited}") + "}}"),
    ]
    if series := series_reference(treaty):
        fields.append(("howpublished", "{" + bibtex_escape(str(series)) + "}"))
    if treaty.adopted_on:
        fields.append(("year", "{" + str(treaty.adopted_on.year) + "}"))
        fields.append(("month", BIBTEX_MONTHS[treaty.adopted_on.month - 1]))
    note = ". ".join(part for part in (publication_note(treaty), article_note(provision)) if part)
    if note:
        fields.append(("note", "{" + bibtex_escape(note) + "}"))
    fields.append(("url", "{" + url + "}"))
    fields.append(("urldate", "{" + accessed.isoformat() + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{citation_key(provision, unit)},\n{body}\n}}\n"


def date_parts(value):
    return {"date-parts": [[value.year, value.month, value.day]]}


def csl_item(treaty, url, accessed=None):
    """The CSL ``treaty`` item of a treaty: the series in ``container-title`` and its volume,
    first page and number in ``volume``, ``page`` and ``number``, each only where the data
    records it; adopted (``issued``) where the data gives the date."""
    item = {
        "type": "treaty",
        "title": treaty.full_title,
        "title-short": treaty.short_title,
        "URL": url,
        "accessed": date_parts(accessed or timezone.localdate()),
        "language": "en",
    }
    if treaty.adopted_on:
        item["issued"] = date_parts(treaty.adopted_on)
    if treaty.get_organisation_display():
        item["authority"] = treaty.get_organisation_display()
    if series := series_reference(treaty):
        item["container-title"] = series.title
        if series.short:
            item["container-title-short"] = series.short
        for name in ("volume", "page", "number"):
            if value := getattr(series, name):
                item[name] = value
    if treaty.adopted_at:
        item["event-place"] = treaty.adopted_at
    if note := publication_note(treaty):
        item["note"] = note
    return item


def csl_json(provision, url, unit=None, accessed=None):
    """A CSL-JSON list with one ``treaty`` item (Zotero, Mendeley, Pandoc citeproc): the treaty
    (``csl_item``), the article or paragraph in ``section``."""
    locator = unit.locator if unit is not None else ""
    item = {"id": citation_key(provision, unit), **csl_item(provision.treaty, url, accessed)}
    item["section"] = f"{article_label(provision.number)}{locator}"
    if heading := article_note(provision):
        item["note"] = ". ".join(filter(None, [item.get("note"), heading]))
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def highwire_tags(treaty, url, section=""):
    """The Highwire Press ``citation_*`` meta tags that Zotero, Mendeley and Google Scholar read,
    as (name, content) pairs: the treaty's title, its date (adoption), the organisation as
    publisher, its treaty series as the journal with volume and first page (or, in a series
    that numbers its treaties, the number as the issue), and the page's address. Nothing the
    data does not record. On an article's page the title names the article (``section``)."""
    tags = [("citation_title", f"{treaty.full_title}, {section}" if section else treaty.full_title)]
    if treaty.adopted_on:
        tags.append(("citation_publication_date", f"{treaty.adopted_on:%Y/%m/%d}"))
        tags.append(("citation_date", f"{treaty.adopted_on:%Y/%m/%d}"))
    if organisation := treaty.get_organisation_display():
        tags.append(("citation_publisher", organisation))
    if series := series_reference(treaty):
        tags.append(("citation_journal_title", series.title))
        if series.short:
            tags.append(("citation_journal_abbrev", series.short))
        if series.volume:
            tags.append(("citation_volume", series.volume))
        if series.page:
            tags.append(("citation_firstpage", series.page))
        if series.series_number:
            tags.append(("citation_issue", series.number))
    tags.append(("citation_language", "en"))
    tags.append(("citation_public_url", url))
    tags.append(("citation_abstract_html_url", url))
    return tags
