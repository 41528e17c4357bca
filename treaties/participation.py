"""Who signed, who is bound, since when: the participation side of the site.

- ``TreatyParticipation``: a treaty page's participation section (the filtered, sortable
  participants table, the world map and the parties-over-time chart), also behind its CSV.
- ``ParticipationMixin``: mixed into ``TreatyDetailView`` to add that section to the page.
- ``TreatyColumns``: which treaties a participants grid shows (the core instruments by
  default, a selection of at most ``MAX_COLUMNS`` through ``?treaties=``).
- ``status_grid``: participants × those treaties, for the participants list and the matrix.
- ``participant_profile``: one participant's records (the core instruments always, every other
  treaty it has a record for, a page at a time) and their timeline.

Every page stays the same size however many treaties the collection holds: treaties beyond the
core instruments are shown when asked for, or a page at a time.

Status is always derived (``treaties.status``), today or as at a date. Nothing is guessed: a
party whose date of consent is not known shows "date not known".
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, QueryDict

from common.caching import cached_aggregate
from common.params import filter_errors, page_number, sort_links

from . import charts
from . import status as status_rules
from .filters import ParticipantFilterSet, RatificationFilterSet
from .models import MAX_FEATURED, Occasion, Participant, Ratification, Statement, Treaty

NOT_KNOWN = "date not known"

# Ready-made questions on /countries/: (question, query, who is asked about, the treaty named).
# A question "... not party to X" is answered with its count and list, and, when the answer is
# none, with the population it asked about ("None: all 46 Council of Europe members are party
# to the Palermo Protocol").
QUICK_QUESTIONS = [
    (
        "Council of Europe members not party to the Palermo Protocol",
        "membership=coe&not_party_to=palermo-protocol",
        "Council of Europe members",
        "the Palermo Protocol",
    ),
    (
        "Council of Europe members not party to the CoE Convention (CETS No. 197)",
        "membership=coe&not_party_to=coe-convention",
        "Council of Europe members",
        "the CoE Convention",
    ),
    (
        "EU member states not party to the Palermo Protocol",
        "membership=eu&not_party_to=palermo-protocol",
        "EU member states",
        "the Palermo Protocol",
    ),
    (
        "ASEAN members not party to ACTIP",
        "membership=asean&not_party_to=asean-actip",
        "ASEAN members",
        "ACTIP",
    ),
    (
        "Parties to UNTOC not party to the Palermo Protocol",
        "party_to=untoc&not_party_to=palermo-protocol",
        "parties to UNTOC",
        "the Palermo Protocol",
    ),
    (
        "Signatories of the Palermo Protocol not (yet) bound by it",
        "signatory_to=palermo-protocol",
        "participants",
        "",
    ),
    (
        "States in Africa not party to the Palermo Protocol",
        "region=Africa&not_party_to=palermo-protocol",
        "participants in Africa",
        "the Palermo Protocol",
    ),
    ("Parties to UNTOC in Asia", "region=Asia&party_to=untoc", "participants in Asia", ""),
]


@dataclass
class QuickAnswer:
    """A quick question with its answer today: ``count`` participants match; for a question
    "... not party to X", ``asked`` is how many it asked about (the same filters without
    ``not_party_to``) and ``all_query`` lists those that are party, the answer when none is not."""

    question: str
    query: str
    population: str
    count: int
    asked: int | None = None
    treaty_title: str = ""
    all_query: str = ""

    @property
    def everyone_is_party(self):
        return self.count == 0 and bool(self.asked)

    @property
    def party_count(self):
        return (self.asked or 0) - self.count


def quick_answers(featured):
    """Every quick question answered today (two counts each at most, cached with the data)."""

    def build():
        answers = []
        for question, query, population, treaty_title in QUICK_QUESTIONS:
            params = QueryDict(query)
            answer = QuickAnswer(
                question,
                query,
                population,
                participant_filterset(params, featured).qs.count(),
                treaty_title=treaty_title,
            )
            slug = params.get("not_party_to")
            if slug:
                asked = params.copy()
                del asked["not_party_to"]
                answer.asked = participant_filterset(asked, featured).qs.count()
                if "party_to" not in asked:
                    listed = asked.copy()
                    listed["party_to"] = slug
                    answer.all_query = listed.urlencode()
            answers.append(answer)
        return answers

    return cached_aggregate("quick-answers", build, *(t.slug for t in featured))


SORTS = {
    "participant": ["participant__name"],
    "region": ["participant__region", "participant__subregion", "participant__name"],
    "status": ["status_rank", "participant__name"],
    "signature": [F("signature_on").asc(nulls_last=True), "participant__name"],
    "consent": [F("consent_on").asc(nulls_last=True), "participant__name"],
    "in_force": [F("entry_into_force_on").asc(nulls_last=True), "participant__name"],
    "withdrawal": [F("withdrawal_effective_on").asc(nulls_last=True), "participant__name"],
}
SORT_LABELS = {
    "participant": "Participant",
    "region": "Region",
    "status": "Status",
    "signature": "Signature",
    "consent": "Consent to be bound",
    "in_force": "Entry into force",
    "withdrawal": "Withdrawal",
}
DEFAULT_SORT = "participant"
# The API's ``ordering`` names of the same columns (/api/v1/ratifications/), accepted here too,
# with ``?ordering=`` as another name of ``?sort=`` (docs/architecture.md, "One vocabulary").
API_ORDERING = {
    "signature_on": "signature",
    "consent_on": "consent",
    "entry_into_force_on": "in_force",
    "withdrawal_effective_on": "withdrawal",
}


def descending(ordering):
    flipped = []
    for term in ordering:
        if isinstance(term, str):
            flipped.append(term[1:] if term.startswith("-") else f"-{term}")
        else:
            flipped.append(F(term.expression.name).desc(nulls_last=True))
    return flipped


def label_empty_choices(filterset, label="Any"):
    """Show "Any" rather than a row of dashes as the empty choice of every select."""
    for form_field in filterset.form.fields.values():
        if isinstance(form_field, forms.ModelChoiceField):
            form_field.empty_label = label
        elif isinstance(form_field, forms.ChoiceField):
            choices = [c for c in form_field.choices if c[0] not in ("", None)]
            form_field.choices = [("", label), *choices]
    return filterset


def status_rank():
    return Case(
        *[
            When(status=status, then=Value(index))
            for index, status in enumerate(charts.TABLE_ORDER)
        ],
        output_field=IntegerField(),
    )


# -- Which treaties a page shows ----------------------------------------------------------------

MAX_COLUMNS = MAX_FEATURED
COLUMN_PARAMETERS = ("treaty", "treaties")


def requested_treaty_slugs(params):
    """The slugs of ``?treaty=a&treaty=b`` and ``?treaties=a,b`` (both accepted; in the order
    given, without repeats)."""
    slugs = []
    for name in COLUMN_PARAMETERS:
        for value in params.getlist(name):
            slugs += [slug.strip() for slug in value.split(",") if slug.strip()]
    return list(dict.fromkeys(slugs))


class TreatyColumns:
    """The treaties a participants grid (the matrix, the participants list and the matrix CSV)
    shows, one column each: those named by ``?treaties=slug,slug`` (or ``treaty=`` repeated),
    in that order, at most ``MAX_COLUMNS``; by default the core instruments. One query.

    Asking for too many treaties, or for one that does not exist, is an error (a message on the
    page, a 400 for the CSV), never a silently different table."""

    def __init__(self, params):
        self.requested = requested_treaty_slugs(params)
        self.errors = []
        if len(self.requested) > MAX_COLUMNS:
            self.errors.append(
                f"Treaties (treaties): at most {MAX_COLUMNS} treaties can be shown side by "
                f"side; {len(self.requested)} were asked for. Download the CSV once per "
                "selection, or use the API (/api/v1/ratifications/) for more."
            )
            self.treaties = Treaty.objects.featured()
        elif self.requested:
            found = {t.slug: t for t in Treaty.objects.filter(slug__in=self.requested)}
            unknown = [slug for slug in self.requested if slug not in found]
            if unknown:
                self.errors.append(
                    f"Treaties (treaties): no treaty {', '.join(repr(s) for s in unknown)}. "
                    "Name treaties by their slug, e.g. untoc,palermo-protocol (the treaties "
                    "list gives every slug)."
                )
            self.treaties = [found[slug] for slug in self.requested if slug in found]
        else:
            self.treaties = Treaty.objects.featured()

    @property
    def is_default(self):
        return not self.requested


def bound_treaty_choices(filterset, featured, label="Any"):
    """Treaty selects (``party_to``, ``treaty``, ...) offer the featured treaties and the
    one already chosen, not every treaty of the collection; any treaty's slug is still
    accepted in the URL (validation reads the whole table, only the rendering is bounded)."""
    by_slug = {t.slug: t for t in featured}
    for name, form_field in filterset.form.fields.items():
        if not isinstance(form_field, forms.ModelChoiceField):
            continue
        if form_field.queryset.model is not Treaty:
            continue
        options = [(t.slug, t.short_title) for t in featured]
        chosen = filterset.form.data.get(name) if filterset.is_bound else None
        if chosen and chosen not in by_slug:
            options.append((chosen, chosen))
        form_field.widget.choices = [("", label), *options]
    return filterset


# Rows of the treaty page's participants table per page (so that the page stays under 150 KiB
# with the largest treaties, UNTOC's 195 records on three pages; a region's on one); the CSV
# always holds every row that matches.
TABLE_PAGE_SIZE = 75


@dataclass
class TableSource:
    """A source named by number in the participants table (``table_sources``)."""

    number: int
    url: str
    kind: str
    as_at: datetime.date | None
    via_url: str
    count: int = 0


def number_sources(rows):
    """The distinct sources of ``rows``, numbered in order of first use, and each row's
    ``source_number``: the table names a source by its number and the list under it gives it
    once (its address, kind, the date it stood at, the copy read), rather than repeating the
    same addresses on every row."""
    numbered = {}
    for row in rows:
        if not row.source_url:
            row.source_number = None
            continue
        key = (row.source_url, row.source_kind, row.source_as_at, row.via_url)
        if key not in numbered:
            numbered[key] = TableSource(len(numbered) + 1, *key)
        source = numbered[key]
        source.count += 1
        row.source_number = source.number
    return list(numbered.values())


def with_status_labels(rows):
    for row in rows:
        row.status_label = status_rules.LABELS[row.status]
    return rows


def as_of_label(as_of):
    return "today" if as_of is None else as_of.strftime("%-d %B %Y")


class TreatyParticipation:
    """A treaty's participation as the page's GET parameters ask for it.

    Filters (``region``, ``subregion``, ``membership``, ``status``, ``consent_kind``, ``as_of``,
    ...) go through the shared ``RatificationFilterSet``; ``sort`` orders the table
    (a column key, ``-`` in front for descending). Invalid parameters become ``errors``; the
    table is then left empty rather than answering a different question.
    """

    def __init__(self, treaty, params, page=1):
        self.treaty = treaty
        self.params = params
        self.page = page
        self.table_sources = []  # set with the page of the table (table_page)
        self.filterset = label_empty_choices(
            RatificationFilterSet(
                params,
                queryset=Ratification.objects.filter(treaty=treaty).for_display(),
            )
        )
        self.errors = filter_errors(self.filterset)
        self.valid = not self.errors
        self.as_of = self.filterset.as_of_date
        requested = (params.get("sort") or params.get("ordering") or DEFAULT_SORT).strip()
        self.sort_descending = requested.startswith("-")
        self.sort = API_ORDERING.get(requested.lstrip("-"), requested.lstrip("-"))
        if self.sort not in SORTS:
            known = ", ".join(SORTS)
            self.errors.append(f"Sort (sort): unknown column '{requested}'; use one of: {known}.")
            self.sort, self.sort_descending = DEFAULT_SORT, False

    @property
    def as_of_text(self):
        return as_of_label(self.as_of)

    @property
    def is_filtered(self):
        return any(
            self.params.get(name)
            for name in self.filterset.form.fields
            if name not in ("as_of", "treaty")
        )

    @property
    def is_past(self):
        """The page shows a date before today (``?as_of=`` a past date)."""
        return self.as_of is not None

    @property
    def chart_year(self):
        """The chart's bar for the date shown (the last year end on or before it), or None
        for today."""
        if not self.is_past or self.before_the_treaty:
            return None
        day = self.as_of
        return day.year if (day.month, day.day) == (12, 31) else day.year - 1

    @cached_property
    def ordered_rows(self):
        """The table's query: filtered and sorted, with ``status`` as at ``as_of``; None when
        the parameters are invalid."""
        if not self.filterset.is_valid():
            return None
        ordering = SORTS[self.sort]
        if self.sort_descending:
            ordering = descending(ordering)
        return self.filterset.qs.annotate(status_rank=status_rank()).order_by(*ordering)

    @cached_property
    def rows(self):
        """Every row of the table (the CSV; the page reads one page, ``table_page``)."""
        if self.ordered_rows is None:
            return []
        return with_status_labels(list(self.ordered_rows))

    @cached_property
    def records(self):
        """Every record of the treaty (unfiltered), for the counts, the map and the chart."""
        records = list(
            Ratification.objects.filter(treaty=self.treaty)
            .select_related("participant")
            .order_by("participant__name")
        )
        for record in records:
            record.treaty = self.treaty  # the same treaty: not joined and built again per row
        return records

    @cached_property
    def counts(self):
        """Per status as at the date, plus ``in_force`` and ``in_force_unknown``
        (``charts.participation_counts``, the rule the map's year slider uses too)."""
        return charts.participation_counts(self.treaty, self.records, self.as_of)

    @property
    def before_the_treaty(self):
        """The date asked for comes before the treaty was adopted: nothing to show."""
        first = self.treaty.in_existence_from
        return self.as_of is not None and first is not None and self.as_of < first

    @property
    def treaty_not_yet_in_force(self):
        in_force = self.treaty.entry_into_force_on
        day, _current = status_rules.resolve(self.as_of)
        return in_force is not None and day < in_force

    @cached_property
    def undated_parties(self):
        return [r for r in self.records if r.consent_kind and not r.consent_on]

    @cached_property
    def world_map(self):
        # Cached under the data version (common.caching): an edit shows at once.
        def build():
            participants = Participant.objects.values_list("code", "name")
            return charts.build_world_map(
                self.treaty, self.records, participants, self.as_of, self.timeline
            )

        return cached_aggregate("world-map", build, self.treaty.pk, self.as_of)

    @cached_property
    def timeline(self):
        """Every record's status and the page's figures at the end of each year
        (``charts.map_timeline``): the same whatever the date shown, so built once per treaty
        and data version, for the map, its year slider and the chart."""
        return cached_aggregate(
            "map-timeline",
            lambda: charts.map_timeline(self.treaty, self.records),
            self.treaty.pk,
        )

    @cached_property
    def chart(self):
        return cached_aggregate(
            "parties-chart",
            lambda: charts.build_parties_chart(self.treaty, self.records, self.timeline),
            self.treaty.pk,
        )

    @property
    def today_url(self):
        """This page as at today: its address without ``as_of`` (and the page of the table)."""
        params = self.params.copy()
        for name in ("as_of", "page"):
            params.pop(name, None)
        query = params.urlencode()
        return self.treaty.get_absolute_url() + (f"?{query}" if query else "")

    @property
    def csv_query(self):
        """The page's query string without ``page``: the CSV holds every row that matches."""
        params = self.params.copy()
        params.pop("page", None)
        return params.urlencode()

    @cached_property
    def table_page(self):
        """The page of the table asked for (``?page=``, ``TABLE_PAGE_SIZE`` rows; an
        out-of-range page is a 404, like every paged list), its rows numbered by source
        (``table_sources``)."""
        # The query is paged in the database: only the rows shown are read and built.
        rows = self.ordered_rows if self.ordered_rows is not None else []
        paginator = Paginator(rows, TABLE_PAGE_SIZE, allow_empty_first_page=True)
        number = self.page
        if not 1 <= number <= paginator.num_pages:
            raise Http404(f"There is no page {number}: the table fills {paginator.num_pages}.")
        page = paginator.page(number)
        page.object_list = with_status_labels(list(page.object_list))
        self.table_sources = number_sources(page.object_list)
        return page

    def sort_links(self):
        """Per column: the query value that sorts by it (toggling direction) and aria-sort."""
        return sort_links(SORT_LABELS, self.sort, self.sort_descending)


class ParticipationMixin:
    """Adds the participation section for ``self.object``, a Treaty, to a detail view."""

    def get_participation_context(self):
        participation = TreatyParticipation(
            self.object, self.request.GET, page=page_number(self.request)
        )
        return {"participation": participation}


# -- Participants × instruments -----------------------------------------------------------------


@dataclass
class Cell:
    treaty: Treaty
    record: Ratification | None
    status: str

    @property
    def label(self):
        return status_rules.LABELS[self.status]

    @property
    def date(self):
        """The date that matters for the status, or None."""
        r = self.record
        if r is None:
            return None
        if self.status == status_rules.WITHDRAWN:
            return r.withdrawal_effective_on
        if self.status in (status_rules.PARTY, status_rules.UNKNOWN):
            return r.consent_on
        if self.status == status_rules.SIGNATORY:
            return r.signature_on
        return None

    @property
    def date_not_known(self):
        return (
            self.record is not None
            and self.status in (status_rules.PARTY, status_rules.UNKNOWN)
            and not self.record.consent_on
        )

    @property
    def consent_kind_label(self):
        if self.record and self.record.consent_kind and self.status == status_rules.PARTY:
            return self.record.get_consent_kind_display()
        return ""


def participants_with_records(queryset, treaties):
    """Prefetch every participant's records under ``treaties`` in one query (for
    ``status_grid``)."""
    return queryset.prefetch_related(
        Prefetch(
            "ratifications",
            queryset=Ratification.objects.filter(treaty__in=[t.pk for t in treaties]).order_by(
                "treaty__position"
            ),
            to_attr="records",
        )
    )


def status_grid(participants, treaties, as_of=None):
    """Attach ``cells`` (one per treaty, in order) to each participant; returns them."""
    by_pk = {treaty.pk: treaty for treaty in treaties}
    for participant in participants:
        by_treaty = {r.treaty_id: r for r in participant.records}
        for record in participant.records:
            record.treaty = by_pk[record.treaty_id]  # the status rules read its dates
        participant.cells = [
            Cell(
                treaty=treaty,
                record=by_treaty.get(treaty.pk),
                status=(
                    by_treaty[treaty.pk].status_at(as_of)
                    if treaty.pk in by_treaty
                    else status_rules.NONE
                ),
            )
            for treaty in treaties
        ]
    return participants


def participant_filterset(params, featured):
    filterset = label_empty_choices(
        ParticipantFilterSet(params, queryset=Participant.objects.all())
    )
    return bound_treaty_choices(filterset, featured)


# -- One participant -----------------------------------------------------------------------------


@dataclass
class Event:
    date: datetime.date | None
    treaty: Treaty
    text: str
    detail: str = ""
    anchor: str = ""
    kind: str = "statement"  # a key of EVENT_ORDER


@dataclass
class TreatyEntry:
    treaty: Treaty
    record: Ratification | None
    status: str
    statements: list = field(default_factory=list)

    @property
    def status_label(self):
        return status_rules.LABELS[self.status]

    @property
    def computed_in_force(self):
        return bool(self.record and self.record.entry_into_force_basis == "computed")


PROFILE_PAGE_SIZE = 10  # treaties beyond the core instruments, per page of a profile


@dataclass
class Profile:
    """A page of a participant's profile: ``entries`` (per treaty: the record, its status today
    and its statements), their ``events`` (the timeline), and the pagination of the treaties
    beyond the core instruments (``page_obj``, ``paginator``: a page of ``PROFILE_PAGE_SIZE``)."""

    entries: list
    events: list
    featured_count: int
    other_count: int
    page_obj: object
    paginator: object

    @property
    def paginated(self):
        return self.paginator.num_pages > 1


def participant_records(participant, featured):
    """The participant's records, the featured treaties' first, then in treaty order."""
    featured_ids = [t.pk for t in featured]
    first = (
        Case(When(treaty_id__in=featured_ids, then=Value(0)), default=Value(1))
        if featured_ids
        else Value(1)
    )
    return (
        Ratification.objects.filter(participant=participant)
        .annotate(featured_first=first)
        .order_by("featured_first", "treaty__position", "treaty__slug")
    )


def participant_profile(participant, page=1):
    """A page of the participant's profile (see ``Profile``): page 1 holds every core
    instrument (with "not a participant" where there is no record) and the first
    ``PROFILE_PAGE_SIZE`` other treaties the participant has a record for; each next page the
    next ones. Six queries, however many treaties and records there are. An out-of-range page is
    a 404."""
    featured = Treaty.objects.featured()
    featured_ids = [t.pk for t in featured]
    if featured_ids:
        counts = Ratification.objects.filter(participant=participant).aggregate(
            total=Count("pk"), featured=Count("pk", filter=Q(treaty_id__in=featured_ids))
        )
    else:  # no treaty at all, so no record
        counts = {"total": 0, "featured": 0}
    featured_count = counts["featured"]
    other_count = counts["total"] - featured_count
    paginator = Paginator(range(other_count), PROFILE_PAGE_SIZE)
    if not 1 <= page <= paginator.num_pages:
        raise Http404(f"There is no page {page}: this profile has {paginator.num_pages}.")
    page_obj = paginator.page(page)
    start = 0 if page == 1 else featured_count + (page - 1) * PROFILE_PAGE_SIZE
    stop = featured_count + page * PROFILE_PAGE_SIZE
    records = list(
        participant_records(participant, featured)
        .select_related("treaty")
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=Statement.objects.order_by("made_on", "pk").with_articles(),
            )
        )[start:stop]
    )
    by_treaty = {r.treaty_id: r for r in records}
    treaties = featured if page == 1 else []
    treaties = treaties + [r.treaty for r in records if r.treaty_id not in featured_ids]
    entries = []
    for treaty in treaties:
        record = by_treaty.get(treaty.pk)
        if record is not None:
            record.treaty = treaty
            record.participant = participant
        entries.append(
            TreatyEntry(
                treaty=treaty,
                record=record,
                status=record.status_at() if record else status_rules.NONE,
                statements=list(record.statements.all()) if record else [],
            )
        )
    return Profile(
        entries=entries,
        events=timeline(entries),
        featured_count=len(featured),
        other_count=other_count,
        page_obj=page_obj,
        paginator=paginator,
    )


def profile_page_of(participant, treaty):
    """The page of the participant's profile that shows ``treaty`` (1 when it is a featured
    treaty or has no record)."""
    featured = Treaty.objects.featured()
    if treaty in featured:
        return 1
    before = (
        participant_records(participant, featured)
        .filter(featured_first=1)
        .filter(
            Q(treaty__position__lt=treaty.position)
            | Q(treaty__position=treaty.position, treaty__slug__lt=treaty.slug)
        )
    )
    if not Ratification.objects.filter(participant=participant, treaty=treaty).exists():
        return 1
    return 1 + before.count() // PROFILE_PAGE_SIZE


def statement_event_kind(statement):
    if statement.occasion == Occasion.SIGNATURE:
        return "statement_on_signature"
    return "statement_after_consent" if statement.occasion else "statement"


def timeline(entries):
    events = []
    for entry in entries:
        r, treaty = entry.record, entry.treaty
        if r is None:
            continue
        anchor = treaty.slug
        if r.signature_on:
            events.append(
                Event(r.signature_on, treaty, "Signature", anchor=anchor, kind="signature")
            )
        if r.consent_kind:
            events.append(
                Event(
                    r.consent_on,
                    treaty,
                    f"{r.get_consent_kind_display()} (consent to be bound)",
                    detail="" if r.consent_on else NOT_KNOWN,
                    anchor=anchor,
                    kind="consent",
                )
            )
        if r.entry_into_force_on:
            basis = (
                f"computed under {treaty.entry_into_force_provision}"
                if r.entry_into_force_basis == "computed" and treaty.entry_into_force_provision
                else r.get_entry_into_force_basis_display().lower()
            )
            events.append(
                Event(
                    r.entry_into_force_on,
                    treaty,
                    "Entry into force",
                    basis,
                    anchor=anchor,
                    kind="entry_into_force",
                )
            )
        if r.withdrawal_notified_on:
            events.append(
                Event(
                    r.withdrawal_notified_on,
                    treaty,
                    "Withdrawal notified",
                    anchor=anchor,
                    kind="withdrawal_notified",
                )
            )
        if r.withdrawal_effective_on:
            events.append(
                Event(
                    r.withdrawal_effective_on,
                    treaty,
                    "Withdrawal took effect",
                    anchor=anchor,
                    kind="withdrawal_effective",
                )
            )
        for statement in entry.statements:
            where = f" on art. {statement.article_reference}" if statement.article_reference else ""
            if statement.made_on:
                events.append(
                    Event(
                        statement.made_on,
                        treaty,
                        f"{statement.get_kind_display()}{where}",
                        statement.get_occasion_display().lower() if statement.occasion else "",
                        anchor=f"statement-{statement.pk}",
                        kind=statement_event_kind(statement),
                    )
                )
            if statement.withdrawn_on:
                events.append(
                    Event(
                        statement.withdrawn_on,
                        treaty,
                        f"{statement.get_kind_display()}{where} withdrawn",
                        anchor=f"statement-{statement.pk}",
                        kind="statement_withdrawn",
                    )
                )
    return in_timeline_order(events)


# Under one treaty, the order in which a record's actions happen, for events on the same day and
# for placing an action whose date is not known: a signature, a statement made upon signature,
# the consent, a statement made upon consent or later, the entry into force, a withdrawal.
EVENT_ORDER = {
    "signature": 0,
    "statement_on_signature": 1,
    "consent": 2,
    "statement_after_consent": 3,
    "statement": 3,  # its occasion is not recorded: it may precede the consent
    "entry_into_force": 4,
    "withdrawal_notified": 5,
    "withdrawal_effective": 6,
    "statement_withdrawn": 7,
}
# Events whose place is not certain do not place others.
UNORDERED = {"statement", "statement_withdrawn"}


def in_timeline_order(events):
    """Events by date, then by ``EVENT_ORDER`` (a ratification before the entry into force
    falling on the same day), then by treaty. An event with no date is placed, still undated,
    just before the first dated event of its treaty that must follow it (Czechia's ratification
    of CETS 197, date not known, before its entry into force of 1 July 2017); with none, at the
    end. No date is invented: the event keeps ``date=None``."""

    def key(event):
        date = event.date
        if date is None:
            date = min(
                (
                    e.date
                    for e in events
                    if e.date
                    and e.treaty == event.treaty
                    and e.kind not in UNORDERED
                    and EVENT_ORDER[e.kind] > EVENT_ORDER[event.kind]
                ),
                default=None,
            )
        return (
            date is None,
            date or datetime.date.min,
            EVENT_ORDER[event.kind],
            event.treaty.position,
        )

    return sorted(events, key=key)
