"""The statements made on one article, as a table: who, what kind, when (and on what occasion),
which paragraph, the text. Filtered by kind (``?kind=``) and sorted (``?sort=``, ``-`` for
descending) on the server, so the page works without a script; the article page and its CSV
read the same rows.

Each statement is one row. A participant can have two rows on one article, and that is not a
duplicate: El Salvador and Saudi Arabia each made a reservation to the Protocol's art. 15(2)
upon signature and another upon ratification (different texts, different dates). The table says
which occasion each was, and the summary names the participants with more than one.
"""

import datetime
from dataclasses import dataclass

from common.params import sort_links
from treaties.models import StatementKind

# The table's columns in order: (sort key, label).
COLUMNS = {
    "participant": "Participant",
    "kind": "Kind",
    "date": "Date",
    "paragraph": "Paragraph",
}
DEFAULT_SORT = "participant"
KIND_ORDER = {value: index for index, value in enumerate(StatementKind.values)}


def paragraphs_on(statement, number):
    """The parts of the statement's reference that name article ``number``: '15(2)' of
    '15(2);6(3)(d);7(1)' on art. 15. Empty when the reference names the article only as part of
    another one, or not at all (an editor linked it)."""
    parts = []
    for part in (statement.article_reference or "").split(";"):
        part = part.strip()
        if part.split("(")[0].strip() == number:
            parts.append(part)
    return parts


def sort_key(name, number):
    """A key for one column; the participant's name, then the date, break ties."""

    def base(statement):
        return (
            statement.ratification.participant.name.casefold(),
            statement.made_on or datetime.date.max,
            statement.pk,
        )

    if name == "kind":
        return lambda s: (KIND_ORDER.get(s.kind, len(KIND_ORDER)), base(s))
    if name == "date":
        # Statements with no date known come last either way (see ``StatementTable.rows``).
        return lambda s: (s.made_on or datetime.date.max, base(s))
    if name == "paragraph":
        return lambda s: (paragraphs_on(s, number), base(s))
    return base


@dataclass
class StatementTable:
    """The statements of one article (a list, in any order, read once) filtered by ``kind`` and
    sorted by ``sort`` from the query parameters; ``errors`` names a parameter that could not be
    used (the table then shows every statement in its default order)."""

    statements: list
    number: str
    kind: str = ""
    sort: str = DEFAULT_SORT
    errors: tuple = ()

    @classmethod
    def from_params(cls, statements, number, params):
        errors = []
        kind = params.get("kind", "").strip()
        if kind and kind not in StatementKind.values:
            errors.append(
                f"Kind (kind): unknown value '{kind}'. Use one of: "
                + ", ".join(StatementKind.values)
                + "."
            )
            kind = ""
        sort = params.get("sort", "").strip() or DEFAULT_SORT
        if sort.lstrip("-") not in COLUMNS:
            errors.append(
                f"Sort (sort): unknown column '{sort}'. Use one of: "
                + ", ".join(COLUMNS)
                + ", each with '-' in front for the reverse order."
            )
            sort = DEFAULT_SORT
        return cls(list(statements), number, kind, sort, tuple(errors))

    @property
    def descending(self):
        return self.sort.startswith("-")

    @property
    def column(self):
        return self.sort.lstrip("-")

    @property
    def rows(self):
        chosen = [s for s in self.statements if not self.kind or s.kind == self.kind]
        key = sort_key(self.column, self.number)
        if self.column == "date":
            dated = sorted((s for s in chosen if s.made_on), key=key, reverse=self.descending)
            return dated + sorted((s for s in chosen if not s.made_on), key=key)
        return sorted(chosen, key=key, reverse=self.descending)

    def annotated_rows(self):
        """The rows, each statement with ``paragraphs`` (the parts of its reference naming this
        article) and ``of_participant`` (how many statements its participant made on it)."""
        per_participant = {}
        for statement in self.statements:
            participant = statement.ratification.participant_id
            per_participant[participant] = per_participant.get(participant, 0) + 1
        rows = self.rows
        for statement in rows:
            statement.paragraphs = paragraphs_on(statement, self.number)
            statement.of_participant = per_participant[statement.ratification.participant_id]
            statement.kind_rank = KIND_ORDER.get(statement.kind, len(KIND_ORDER))
        return rows

    def repeated_participants(self):
        """Participants with more than one statement on the article, each with the occasions of
        its statements in date order, e.g. ('El Salvador', ['upon signature', 'upon
        ratification'])."""
        by_participant = {}
        for statement in sorted(self.statements, key=sort_key("date", self.number)):
            participant = statement.ratification.participant
            by_participant.setdefault(participant.pk, (participant, []))[1].append(statement)
        return [
            (
                participant,
                [
                    s.get_occasion_display().lower() if s.occasion else "occasion not recorded"
                    for s in statements
                ],
            )
            for participant, statements in by_participant.values()
            if len(statements) > 1
        ]

    def kind_choices(self):
        """The kinds present on the article, with how many statements of each."""
        counts = {}
        for statement in self.statements:
            counts[statement.kind] = counts.get(statement.kind, 0) + 1
        return [
            {"value": value, "label": label, "count": counts[value], "selected": value == self.kind}
            for value, label in StatementKind.choices
            if value in counts
        ]

    def sort_links(self):
        """Per column: the ``sort`` value its header link sets and its aria-sort."""
        return sort_links(COLUMNS, self.column, self.descending)
