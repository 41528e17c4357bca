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


def citation(provision, unit=None):
    """'<full title>, art. 6(3)': the ready citation of an article or one of its units."""
    locator = unit.locator if unit is not None else ""
    return f"{provision.treaty.full_title}, {article_label(provision.number)}{locator}"


def cited_layout(provision):
    """``layout(provision.text)`` with each citable unit's citation filled in."""
    paragraphs = layout(provision.text)
    for paragraph in paragraphs:
        for unit in paragraph.walk():
            if unit.anchor:
                unit.citation = citation(provision, unit)
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
        parts.append(f"{treaty.adopted_on.day} {treaty.adopted_on:%B %Y}")
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


def bibtex(provision, url, unit=None, accessed=None):
    """A BibTeX (biblatex-compatible) ``@misc`` record for the article or one of its units."""
    treaty = provision.treaty
    accessed = accessed or timezone.localdate()
    locator = unit.locator if unit is not None else ""
    cited = f"{article_label(provision.number)}{locator}"
    fields = [
        ("title", "{" + bibtex_escape(f"{treaty.full_title}, {cited}") + "}"),
        ("shorttitle", "{" + bibtex_escape(f"{treaty.short_title}, {cited}") + "}"),
    ]
    organisation = treaty.get_organisation_display()
    if organisation:
        fields.append(("organization", f"{{{bibtex_escape(organisation)}}}"))
    if treaty.adopted_on:
        fields.append(("date", treaty.adopted_on.isoformat()))
        fields.append(("year", str(treaty.adopted_on.year)))
    published = [part for part in (adoption_note(treaty), treaty.treaty_series) if part]
    if published:
        fields.append(("howpublished", bibtex_escape(". ".join(published))))
    if provision.heading and provision.heading_verified:
        fields.append(("note", bibtex_escape(f"Article {provision.number}: {provision.heading}")))
    fields.append(("url", url))
    fields.append(("urldate", accessed.isoformat()))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation_key(provision, unit)},\n{body}\n}}\n"


def date_parts(value):
    return {"date-parts": [[value.year, value.month, value.day]]}


def csl_json(provision, url, unit=None, accessed=None):
    """A CSL-JSON list with one ``treaty`` item (Zotero, Mendeley, Pandoc citeproc)."""
    treaty = provision.treaty
    accessed = accessed or timezone.localdate()
    locator = unit.locator if unit is not None else ""
    item = {
        "id": citation_key(provision, unit),
        "type": "treaty",
        "title": treaty.full_title,
        "title-short": treaty.short_title,
        "section": f"{article_label(provision.number)}{locator}",
        "URL": url,
        "accessed": date_parts(accessed),
    }
    if treaty.adopted_on:
        item["issued"] = date_parts(treaty.adopted_on)
    if treaty.get_organisation_display():
        item["authority"] = treaty.get_organisation_display()
    if treaty.treaty_series:
        item["container-title"] = treaty.treaty_series
    if treaty.adopted_at:
        item["event-place"] = treaty.adopted_at
    note = adoption_note(treaty)
    if provision.heading and provision.heading_verified:
        note = "; ".join(filter(None, [note, f"Article {provision.number}: {provision.heading}"]))
    if note:
        item["note"] = note
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"
