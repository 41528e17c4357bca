"""How current and how complete each treaty's participant data is: the statements' coverage
(``statement_coverage``), and how current the records are, computed from them rather than stated:
how many records come from which source as at which date (the depositary's record as at
15 January 2018, its copy of 2014, ...), how many from sources dated only by their publication
(news reports counted apart), and the latest event those record.

A treaty's ``status_as_at`` (curated) is the date of the depositary count the data was checked
against; it is not the date of every row, which is what this module tells."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef
from django.db.models.functions import Coalesce

from .models import (
    Participant,
    Ratification,
    SourceKind,
    Statement,
    StatementsKnown,
    statements_known,
)


@dataclass
class SourceDate:
    as_at: object  # a date
    records: int


@dataclass
class Currency:
    records: int = 0
    dated: list = field(default_factory=list)  # SourceDate, newest first
    undated: int = 0  # records from sources dated by their publication
    news: int = 0  # of which from a news report only
    latest_undated_event: object = None
    no_source: int = 0

    @property
    def main(self):
        """The source date most records stand at (None when most have none)."""
        best = max(self.dated, key=lambda d: d.records, default=None)
        return best if best and best.records * 2 > self.records else None

    @property
    def short(self):
        """For a card: 'most records as at 15 January 2018 (the depositary's record), 19 from
        other sources'."""
        main = self.main
        if main is None:
            return self.summary
        rest = self.records - main.records
        text = f"most records as at {main.as_at:%-d %B %Y} (the depositary's record)"
        return f"{text}, {rest} from other sources" if rest else text

    @property
    def summary(self):
        """In words: '164 records as at 15 January 2018, 6 as at 27 January 2014; 13 from
        other sources (4 of them news reports), the latest event they record on 8 May 2023'."""
        parts = []
        for index, dated in enumerate(self.dated):
            noun = "record" if dated.records == 1 else "records"
            words = f"{dated.records} {noun}" if index == 0 else str(dated.records)
            parts.append(f"{words} as at {dated.as_at:%-d %B %Y}")
        text = " and ".join(parts) + (" (the depositary's record)" if parts else "")
        if self.undated:
            noun = "" if parts else (" record" if self.undated == 1 else " records")
            other = f"{self.undated}{noun} from sources dated by their publication"
            if self.news:
                other += f" ({self.news} of them news reports only)"
            if self.latest_undated_event:
                other += f", the latest event they record on {self.latest_undated_event:%-d %B %Y}"
            text = f"{text}; {other}" if text else other
        if self.no_source:
            text += f"; {self.no_source} without a source"
        return text or "no records"


def currency_by_treaty(treaties):
    """{treaty pk: Currency} for ``treaties``, in one query."""
    currencies = defaultdict(Currency)
    rows = (
        Ratification.objects.filter(treaty__in=treaties)
        .order_by()
        .values("treaty", "source_kind", "source_as_at")
        .annotate(records=Count("pk"), latest=Max(Coalesce("consent_on", "signature_on")))
    )
    for row in rows:
        currency = currencies[row["treaty"]]
        currency.records += row["records"]
        if row["source_as_at"]:
            currency.dated.append(SourceDate(row["source_as_at"], row["records"]))
        elif not row["source_kind"]:
            currency.no_source += row["records"]
        else:
            currency.undated += row["records"]
            if row["source_kind"] == SourceKind.NEWS:
                currency.news += row["records"]
            latest = row["latest"]
            if latest and (
                currency.latest_undated_event is None or latest > currency.latest_undated_event
            ):
                currency.latest_undated_event = latest
    for currency in currencies.values():
        currency.dated.sort(key=lambda d: d.as_at, reverse=True)
    return currencies


def attach_currency(treaties):
    """Set ``currency`` on each treaty of the list (one query); returns the list."""
    treaties = list(treaties)
    currencies = currency_by_treaty(treaties)
    for treaty in treaties:
        treaty.currency = currencies.get(treaty.pk, Currency())
    return treaties


@dataclass
class StatementCoverage:
    """What the knowledge base knows of a treaty's reservations and declarations, over its
    records: texts recorded; made according to a source, texts missing (``reported``, listed);
    none according to a source that lists every statement; not known."""

    treaty: object
    recorded: int = 0
    reported: list = field(default_factory=list)  # Ratification rows, with participant
    none: int = 0
    unknown: int = 0

    @property
    def records(self):
        return self.recorded + len(self.reported) + self.none + self.unknown

    @property
    def complete(self):
        """Every record's statements are known (texts, or none)."""
        return not self.reported and not self.unknown


def statement_coverage(treaties):
    """{treaty pk: StatementCoverage} for ``treaties`` (loaded Treaty objects), in one query.

    Read as plain values: a treaty has a record per participant, and only the few reported
    ones become (light) records, with the participant's code and name, for the lists that
    name them."""
    by_pk = {treaty.pk: treaty for treaty in treaties}
    coverage = {pk: StatementCoverage(treaty) for pk, treaty in by_pk.items()}
    statements = Statement.objects.filter(ratification=OuterRef("pk"))
    rows = (
        Ratification.objects.filter(treaty__in=list(by_pk))
        .annotate(has_texts=Exists(statements))
        .order_by("participant__name")
        .values_list(
            "pk",
            "treaty_id",
            "has_texts",
            "statements_flagged",
            "source_as_at",
            "participant__code",
            "participant__name",
        )
    )
    for pk, treaty_pk, has_texts, flagged, source_as_at, code, name in rows:
        treaty = by_pk[treaty_pk]
        entry = coverage[treaty_pk]
        known = statements_known(has_texts, flagged, source_as_at, treaty.statements_complete_as_at)
        if known == StatementsKnown.REPORTED:
            record = Ratification(pk=pk, treaty=treaty, statements_flagged=flagged)
            record.participant = Participant(code=code, name=name)
            entry.reported.append(record)
        else:
            setattr(entry, known.value, getattr(entry, known.value) + 1)
    return coverage
