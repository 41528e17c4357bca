"""Articles of the treaties, the four pillars they are tagged with, and the concordance that
links corresponding articles across the instruments."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from common.caching import cached_aggregate
from common.history import TrackedHistory
from treaties.models import Treaty

from . import search as fulltext


class Pillar(models.Model):
    """One of the four "P"s: prevention, protection, prosecution, cooperation."""

    slug = models.SlugField(unique=True, help_text="Stable public identifier, e.g. 'protection'.")
    name = models.CharField(max_length=60, unique=True, help_text="Display name.")
    description = models.TextField(blank=True, help_text="What provisions in this pillar do.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")
    modified_at = models.DateTimeField(
        auto_now=True,
        help_text="Last change to this pillar or to which articles are tagged with it.",
    )

    history = TrackedHistory()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = "pillar"
        verbose_name_plural = "pillars"
        indexes = [models.Index(fields=["modified_at"], name="pillar_modified_idx")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("provisions:pillar_detail", kwargs={"slug": self.slug})


class CellState(models.TextChoices):
    """What the knowledge base knows about one instrument on one topic of the concordance."""

    LISTED = "listed", "Provisions listed"
    NO_PROVISION = "no_provision", "No corresponding provision (an editor's finding)"
    TEXT_NOT_AVAILABLE = (
        "text_not_available",
        "Not known: the text is not available in full in the knowledge base",
    )
    NOT_REVIEWED = "not_reviewed", "Not reviewed: no provision listed and no finding recorded"


@dataclass
class Cell:
    """One instrument on one topic: the provisions listed, or else the editors' finding that
    it has none, or else why the knowledge base cannot say (``state``)."""

    treaty: Treaty
    provisions: list
    finding: "ConcordanceFinding | None"
    text_complete: bool

    @property
    def state(self):
        if self.provisions:
            return CellState.LISTED
        if self.finding is not None:
            return CellState.NO_PROVISION
        if not self.text_complete:
            return CellState.TEXT_NOT_AVAILABLE
        return CellState.NOT_REVIEWED

    @property
    def explanation(self):
        """The state in a sentence about this instrument (pages and CSVs)."""
        name = self.treaty.short_title or self.treaty.slug
        state = self.state
        if state == CellState.LISTED:
            if self.text_complete:
                return ""
            return (
                f"The text of {name} is not available in full in the knowledge base: other "
                "articles may correspond too."
            )
        if state == CellState.NO_PROVISION:
            when = self.finding.recorded_on.isoformat() if self.finding.recorded_on else ""
            return f"Finding of {self.finding.by}" + (f", {when}" if when else "") + "."
        if state == CellState.TEXT_NOT_AVAILABLE:
            return f"The text of {name} is not available in full in the knowledge base."
        return f"No article of {name} is listed, and no editor has recorded that it has none."


def text_completeness(treaties):
    """{treaty pk: whether the knowledge base has its full text} in one query: a treaty has
    it when it has articles and none is marked incomplete."""
    rows = (
        Treaty.objects.filter(pk__in=[t.pk for t in treaties])
        .annotate(
            article_count=Count("provisions"),
            incomplete_count=Count("provisions", filter=Q(provisions__text_incomplete=True)),
        )
        .values_list("pk", "article_count", "incomplete_count")
    )
    complete = {pk: bool(articles) and not incomplete for pk, articles, incomplete in rows}
    return {t.pk: complete.get(t.pk, False) for t in treaties}


def attach_cells(topics, treaties):
    """Give each topic ``cells``: one ``Cell`` per treaty, in the order given. The topics'
    ``provisions`` (with their treaty) and ``findings`` are read prefetched: one more query,
    whatever the number of topics."""
    complete = text_completeness(treaties)
    for topic in topics:
        findings = {finding.treaty_id: finding for finding in topic.findings.all()}
        listed = list(topic.provisions.all())
        topic.cells = [
            Cell(
                treaty=treaty,
                provisions=[p for p in listed if p.treaty_id == treaty.pk],
                finding=findings.get(treaty.pk),
                text_complete=complete[treaty.pk],
            )
            for treaty in treaties
        ]
    return topics


class TopicQuerySet(models.QuerySet):
    def for_csv(self):
        """Topics with their articles, findings and ``cells`` (``attach_cells``) for the core
        instruments and every other instrument with an article listed or a finding recorded:
        what the CSV spec reads (``provisions.columns.TOPIC``), in a fixed number of queries."""
        clone = self.prefetch_related(
            Prefetch(
                "provisions",
                queryset=Provision.objects.select_related("treaty").order_by(
                    "treaty__position", "sort_key"
                ),
            ),
            Prefetch("findings", queryset=ConcordanceFinding.objects.select_related("treaty")),
        )
        clone._with_cells = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_cells = getattr(self, "_with_cells", False)
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if (
            not fetched
            and getattr(self, "_with_cells", False)
            and self._iterable_class is (models.query.ModelIterable)
        ):
            treaties = {t.pk: t for t in Treaty.objects.featured()}
            for topic in self._result_cache:
                for provision in topic.provisions.all():
                    treaties.setdefault(provision.treaty_id, provision.treaty)
                for finding in topic.findings.all():
                    treaties.setdefault(finding.treaty_id, finding.treaty)
            ordered = sorted(treaties.values(), key=lambda t: (t.position, t.slug))
            attach_cells(self._result_cache, ordered)


class Topic(models.Model):
    """A row of the concordance: a subject (definitions, criminalisation, ...) and the
    provisions of each instrument that deal with it."""

    slug = models.SlugField(unique=True, help_text="Stable public identifier, e.g. 'definitions'.")
    name = models.CharField(max_length=120, help_text="Display name.")
    description = models.TextField(blank=True, help_text="What the row covers.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the comparison.")
    provisions = models.ManyToManyField(
        "Provision",
        blank=True,
        related_name="topics",
        help_text="The provisions of every instrument on this subject.",
    )
    modified_at = models.DateTimeField(
        auto_now=True, help_text="Last change to this topic or to the articles it lists."
    )

    objects = TopicQuerySet.as_manager()
    history = TrackedHistory(m2m_fields=["provisions"])

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = "concordance topic"
        verbose_name_plural = "concordance topics"
        indexes = [models.Index(fields=["modified_at"], name="topic_modified_idx")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return f"{reverse('provisions:compare')}#{self.slug}"


class ConcordanceFinding(models.Model):
    """An editor's finding that an instrument has NO provision corresponding to a topic of the
    concordance, with who made it and when. A cell of the comparison says "No corresponding
    provision" only where such a finding is recorded (``provisions.concordance``): an instrument
    merely missing from a topic is "not reviewed", or "not known" when its text is not in the
    knowledge base in full."""

    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        related_name="findings",
        help_text="The subject of the concordance.",
    )
    treaty = models.ForeignKey(
        "treaties.Treaty",
        on_delete=models.CASCADE,
        related_name="concordance_findings",
        help_text="The instrument found to have no provision on the subject.",
    )
    by = models.CharField(
        max_length=200,
        help_text=(
            "Who made the finding, as it is credited, e.g. 'Treaty KB editors (concordance "
            "review, December 2026)'."
        ),
    )
    note = models.TextField(
        blank=True, help_text="What was checked, or the closest provisions and why they differ."
    )
    recorded_on = models.DateField(
        default=timezone.localdate, help_text="When the finding was made."
    )
    modified_at = models.DateTimeField(auto_now=True, help_text="Last change to this finding.")

    history = TrackedHistory()

    class Meta:
        ordering = ["topic__position", "topic__slug", "treaty__position", "treaty__slug"]
        verbose_name = "finding of no corresponding provision"
        verbose_name_plural = "findings of no corresponding provision"
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "treaty"], name="one_concordance_finding_per_topic_and_treaty"
            ),
            models.CheckConstraint(condition=~Q(by=""), name="concordance_finding_has_author"),
        ]
        indexes = [models.Index(fields=["modified_at"], name="finding_modified_idx")]

    def __str__(self):
        return f"{self.treaty}: no provision on {self.topic}"

    def natural_key(self):
        return (*self.topic.natural_key(), *self.treaty.natural_key())

    natural_key.dependencies = ["provisions.topic", "treaties.treaty"]

    def get_absolute_url(self):
        return self.topic.get_absolute_url()

    def clean(self):
        if not (self.by or "").strip():
            raise ValidationError({"by": "Say who made the finding."})


def article_sort_key(number):
    """'6' -> 60, '16 bis' -> 161: numeric order with room for inserted articles."""
    match = re.match(r"\s*(\d+)\s*(\w*)", number or "")
    if not match:
        return 0
    suffixes = {"": 0, "bis": 1, "ter": 2, "quater": 3, "quinquies": 4}
    return int(match.group(1)) * 10 + suffixes.get(match.group(2).lower(), 5)


# "<treaty> [art.|article] <number>", e.g. "CETS 197 art. 12", "palermo-protocol 3".
ARTICLE_REFERENCE = re.compile(
    r"^(?P<treaty>.*?[^\W\d_].*?)[\s,]*(?:\b(?:articles?|arts?)\b\.?\s*)?"
    r"(?P<number>\d+[a-z]?(?:\s+(?:bis|ter|quater))?)\s*$",
    re.IGNORECASE,
)


def reference_words(text):
    """A name as words for matching: lower case, punctuation and "No." left out ("CETS No. 197"
    and "cets 197" are the same; "palermo-protocol" is "palermo protocol")."""
    words = re.sub(r"[^\w]+", " ", (text or "").casefold()).split()
    return " ".join(word for word in words if word != "no")


def treaty_names(treaty):
    return [treaty.slug, treaty.short_title, treaty.full_title, treaty.treaty_series]


class ProvisionQuerySet(models.QuerySet):
    def tagged(self, *pillars):
        """Provisions tagged with any of the given pillars (slugs or Pillar objects)."""
        slugs = [getattr(p, "slug", p) for p in pillars]
        return self.filter(pillars__slug__in=slugs).distinct()

    def untagged(self):
        return self.filter(pillars__isnull=True)

    def incomplete(self):
        return self.filter(text_incomplete=True)

    def in_treaty_order(self):
        return self.order_by("treaty__position", "sort_key")

    def for_display(self):
        return self.select_related("treaty").prefetch_related(
            "pillars",
            Prefetch(
                "related",
                queryset=Provision.objects.select_related("treaty").order_by(
                    "treaty__position", "sort_key"
                ),
            ),
        )

    def with_statement_counts(self):
        return self.annotate(
            statement_count=Count("statements", distinct=True),
            statement_participant_count=Count(
                "statements__ratification__participant", distinct=True
            ),
        )

    def by_reference(self, text):
        """The articles a reference names, as editors write one: "Palermo Protocol art. 3",
        "palermo-protocol 3", "ACTIP 5", "CETS 197 art. 12", "UNTOC article 16 bis" (a treaty
        by its slug, short or full title or treaty series, then the article number). An empty
        queryset when the text is not such a reference."""
        match = ARTICLE_REFERENCE.match(text.strip())
        if not match:
            return self.none()
        named = reference_words(match["treaty"])
        if not named:
            return self.none()
        treaties = [
            treaty.pk
            for treaty in Treaty.objects.only("slug", "short_title", "full_title", "treaty_series")
            if any(named in reference_words(name) for name in treaty_names(treaty))
        ]
        number = " ".join(match["number"].split())
        return self.filter(treaty__in=treaties, number__iexact=number)

    def search(self, query, candidates=None, rest=False):
        """Ranked full-text search over heading and text, best first (``provisions/search.py``):
        the same matches in the same order on SQLite (its FTS5 table) and PostgreSQL (the
        stored tsvector and its GIN index). ``query`` is text as typed or a parsed
        ``search.Query``. Each match is annotated with its ``rank`` and ``search_terms`` (the
        query's terms, for highlighting).

        With ``candidates``, only that many matches are ranked: the core instruments' first,
        then in treaty and article order (found through the index in one query, run at once,
        without ranking); ranking reads every match it ranks, so a common word in a large
        collection costs the same as in a small one. With ``rest`` too, the other matches follow
        the ranked ones, unranked (``rank`` None), in treaty and article order: every match is
        listed and counted."""
        parsed = query if isinstance(query, fulltext.Query) else fulltext.parse(query)
        if not parsed:
            return self.none()
        matches = self.filter(pk__in=SearchMatch(parsed))
        rank = SearchScore(parsed.positive_terms)
        if candidates:
            first = matches.order_by("-treaty__core", "treaty__position", "sort_key")
            ids = list(first.values_list("pk", flat=True)[: candidates + 1])
            if len(ids) <= candidates:
                matches = self.filter(pk__in=ids)  # every match is ranked
            elif rest:
                rank = models.Case(models.When(pk__in=ids[:candidates], then=rank), default=None)
            else:
                matches = self.filter(pk__in=ids[:candidates])
        return matches.annotate(
            rank=rank, search_terms=Value(" ".join(parsed.positive_terms))
        ).order_by(F("rank").desc(nulls_last=True), "treaty__position", "sort_key")

    def search_vocabulary(self):
        """The words of the core instruments' headings and texts with how often they occur
        (``search.vocabulary``), kept for the data version: what a search with no match
        suggests from. The core instruments' only, so its cost does not grow with the
        collection."""

        def build():
            rows = self.filter(treaty__core=True).values_list("heading", "text")
            return fulltext.vocabulary(part for row in rows for part in row)

        return cached_aggregate("search-vocabulary", build)

    def search_counts_by_treaty(self, query):
        """How many articles of each treaty match ``query`` (any filter left out): {treaty id:
        count}, in one query."""
        parsed = query if isinstance(query, fulltext.Query) else fulltext.parse(query)
        if not parsed:
            return {}
        rows = (
            self.filter(pk__in=SearchMatch(parsed))
            .order_by()
            .values("treaty")
            .annotate(n=Count("pk"))
        )
        return {row["treaty"]: row["n"] for row in rows}


class SearchMatch(models.Expression):
    """The ids of the articles that match a parsed query, through the database's index."""

    output_field = models.IntegerField()

    def __init__(self, parsed):
        super().__init__()
        self.tsquery, self.fts5 = parsed.tsquery(), parsed.fts5()

    def as_sql(self, compiler, connection):
        if connection.vendor == "postgresql":
            return (
                f"(SELECT id FROM {fulltext.TABLE} WHERE search_vector @@ CAST(%s AS tsquery))",
                [self.tsquery],
            )
        return (
            f"(SELECT rowid FROM {fulltext.FTS_TABLE} WHERE {fulltext.FTS_TABLE} MATCH %s)",
            [self.fts5],
        )


class SearchScore(models.Func):
    """A match's rank (``search.score``), read from the database's index entry of the row."""

    output_field = models.IntegerField()

    def __init__(self, terms):
        self.terms = tuple(terms)
        super().__init__(F("pk"))

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return (
                "(SELECT treatykb_search_score(s.search_vector, %s) "
                f"FROM {fulltext.TABLE} s WHERE s.id = {pk_sql})",
                [list(self.terms), *pk_params],
            )
        return (
            "(SELECT treatykb_search_score(s.heading, s.topics, s.document, %s) "
            f"FROM {fulltext.FTS_TABLE} s WHERE s.rowid = {pk_sql})",
            [" ".join(self.terms), *pk_params],
        )


class Provision(models.Model):
    """An article of a treaty, with its official text."""

    treaty = models.ForeignKey(
        "treaties.Treaty",
        on_delete=models.CASCADE,
        related_name="provisions",
        help_text="The treaty the article belongs to.",
    )
    number = models.CharField(
        max_length=20, help_text="Article number as written in the treaty, e.g. '6' or '16 bis'."
    )
    sort_key = models.PositiveIntegerField(
        default=0, editable=False, help_text="Order of the article within its treaty."
    )
    heading = models.CharField(max_length=300, blank=True, help_text="Article heading.")
    heading_verified = models.BooleanField(
        default=True,
        help_text="Unticked where the heading could not be checked against an official text.",
    )
    division = models.CharField(
        max_length=300,
        blank=True,
        help_text="The part, chapter or section the article sits in, as the treaty writes it.",
    )
    text = models.TextField(
        blank=True,
        help_text=(
            "Official text. Paragraphs are separated by a blank line, lettered subparagraphs by "
            "a line break."
        ),
    )
    text_incomplete = models.BooleanField(
        default=False,
        help_text="The official text is missing or partial in the knowledge base.",
    )
    pillars = models.ManyToManyField(
        Pillar, blank=True, related_name="provisions", help_text="Pillars the article serves."
    )
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        help_text="Corresponding articles in the other instruments (the concordance).",
    )
    modified_at = models.DateTimeField(auto_now=True, help_text="Last change to this record.")

    objects = ProvisionQuerySet.as_manager()
    history = TrackedHistory(m2m_fields=["pillars", "related"])

    class Meta:
        ordering = ["treaty__position", "sort_key"]
        verbose_name = "provision"
        verbose_name_plural = "provisions"
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "number"], name="one_provision_per_treaty_number"
            ),
            models.CheckConstraint(condition=~Q(number=""), name="provision_has_number"),
            models.CheckConstraint(
                condition=Q(text_incomplete=True) | ~Q(text=""),
                name="provision_empty_text_is_incomplete",
            ),
        ]
        indexes = [
            models.Index(fields=["treaty", "sort_key"], name="provision_treaty_order_idx"),
            models.Index(fields=["modified_at"], name="provision_modified_idx"),
        ]

    def __str__(self):
        heading = f": {self.heading}" if self.heading and self.heading_verified else ""
        return f"{self.treaty} art. {self.number}{heading}"

    def natural_key(self):
        return (*self.treaty.natural_key(), self.number)

    natural_key.dependencies = ["treaties.treaty"]

    def get_absolute_url(self):
        return reverse(
            "provisions:article_detail", kwargs={"slug": self.treaty.slug, "number": self.number}
        )

    @property
    def label(self):
        return f"art. {self.number}"

    @property
    def citation(self):
        return f"{self.treaty.full_title}, art. {self.number}"

    @property
    def paragraphs(self):
        """The text split into paragraphs, each a list of lines (subparagraphs)."""
        return [
            [line for line in block.split("\n") if line.strip()]
            for block in re.split(r"\n\s*\n", self.text or "")
            if block.strip()
        ]

    def clean(self):
        if not self.text.strip() and not self.text_incomplete:
            raise ValidationError(
                {"text_incomplete": "An article without text must be marked incomplete."}
            )

    def save(self, *args, **kwargs):
        """Saves the row; the database's triggers write its full-text index entry in the same
        statement (provisions/search.py)."""
        self.sort_key = article_sort_key(self.number)
        super().save(*args, **kwargs)


def division_anchor(division):
    """The anchor of a division (part, chapter) in a treaty's table of contents."""
    return f"division-{slugify(division)}" if division else ""
