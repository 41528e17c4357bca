"""Reading pages for provisions: the pillars, the side-by-side comparison and search."""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from common.csvfiles import cell, csv_response
from common.params import filter_errors, page_number
from treaties import columns as treaty_columns
from treaties.currency import statement_coverage
from treaties.models import Statement, StatementKind, Treaty, count_of

from . import citations, search
from .compare import Comparison
from .filters import ProvisionFilterSet
from .highlight import excerpt_with_highlights
from .models import (
    Pillar,
    Provision,
    Topic,
    division_anchor,
)
from .pillars import ordered_pillars, pillar_table
from .statements import StatementTable

MAX_QUERY_LENGTH = 200
# The search page ranks at most this many matches (the core instruments' first) and lists no more.
SEARCH_CANDIDATES = 200


class PillarListView(ListView):
    """/pillars/: the four pillars, what they cover, how many articles of each core instrument
    (and of the other treaties together) serve them."""

    template_name = "provisions/pillar_list.html"
    context_object_name = "pillars"

    def get_queryset(self):
        return Pillar.objects.order_by("position", "slug")

    def get_context_data(self, **kwargs):
        treaties = Treaty.objects.featured()
        return super().get_context_data(
            treaties=treaties,
            pillar_rows=pillar_table(treaties),
            other_treaty_count=Treaty.objects.count() - len(treaties),
            **kwargs,
        )


OTHER_TREATIES_PER_PAGE = 25


class PillarDetailView(DetailView):
    """/pillars/<slug>/: every provision of the core instruments tagged with the pillar,
    grouped by treaty; then the other treaties with articles tagged with it, with their
    number, a page at a time (``?page=``)."""

    model = Pillar

    def get_context_data(self, **kwargs):
        pillar = self.object
        featured = Treaty.objects.featured()
        ids = [treaty.pk for treaty in featured]
        # Every count goes through this treaty's or this article's rows (an index lookup), never
        # through every tagged article of the collection: the page costs the same however many
        # other treaties there are.
        links = Provision.pillars.through.objects
        tagged = (
            Provision.objects.filter(
                Exists(links.filter(provision=OuterRef("pk"), pillar=pillar)), treaty__in=ids
            )
            .prefetch_related(ordered_pillars())
            .order_by("sort_key")
        )
        articles = Provision.objects.filter(treaty=OuterRef("pk"))
        treaties = (
            Treaty.objects.filter(pk__in=ids)
            .order_by("-core", "position", "slug")
            .annotate(
                article_count=count_of(articles),
                untagged_incomplete_count=count_of(
                    articles.filter(text_incomplete=True).exclude(
                        Exists(links.filter(provision=OuterRef("pk")))
                    )
                ),
            )
            .prefetch_related(Prefetch("provisions", queryset=tagged, to_attr="tagged"))
        )
        tags_of_treaty = links.filter(provision__treaty=OuterRef("pk"), pillar=pillar)
        others = (
            Treaty.objects.exclude(pk__in=ids)
            .filter(Exists(tags_of_treaty))
            .annotate(tagged_count=count_of(tags_of_treaty))
            .order_by("position", "slug")
        )
        other_count = others.count()
        paginator = Paginator(range(other_count), OTHER_TREATIES_PER_PAGE)
        number = page_number(self.request)
        if not 1 <= number <= paginator.num_pages:
            raise Http404(f"There is no page {number}: this list has {paginator.num_pages}.")
        start = (number - 1) * OTHER_TREATIES_PER_PAGE
        page_obj = paginator.page(number)
        return super().get_context_data(
            treaties=treaties,
            other_treaties=list(others[start : start + OTHER_TREATIES_PER_PAGE]),
            other_count=other_count,
            page_obj=page_obj,
            paginator=paginator,
            page_range=paginator.get_elided_page_range(number, on_each_side=2, on_ends=1),
            other_pillars=Pillar.objects.exclude(pk=pillar.pk).order_by("position"),
            **kwargs,
        )


class CompareView(TemplateView):
    """/compare/: instruments side by side, one row per concordance subject: the core
    instruments, or those chosen with ``?treaty=`` (two to ``MAX_COMPARED``); every subject, or
    one with ``?subject=`` (``provisions.compare.Comparison``)."""

    template_name = "provisions/compare.html"

    def get_context_data(self, **kwargs):
        comparison = Comparison(self.request.GET)
        subject = comparison.subject
        before, after = comparison.neighbours(subject) if subject else (None, None)
        rows = comparison.rows
        # On a phone the all-subjects view shows one subject at a time: each row links to the
        # rows before and after it.
        for index, row in enumerate(rows):
            row.row_before = rows[index - 1] if index else None
            row.row_after = rows[index + 1] if index + 1 < len(rows) else None
        named = self.request.GET.getlist("treaty") and not any(
            m.startswith("Choose at least two") for m in comparison.messages
        )
        treaty_query = "".join(f"treaty={t.slug}&" for t in comparison.chosen) if named else ""
        return super().get_context_data(
            treaty_query=treaty_query,
            comparison=comparison,
            treaties=comparison.treaties,
            chosen=comparison.chosen,
            chosen_slugs=comparison.chosen_slugs,
            subject=subject,
            previous_subject=before,
            next_subject=after,
            topics=comparison.topics,
            rows=rows,
            hidden_topics=comparison.hidden_topics,
            messages=comparison.messages,
            **kwargs,
        )


class CompareCSVView(View):
    """/compare.csv: the comparison as a grid, a line per subject (every subject, or
    ``?subject=``), per instrument its cell state, the articles listed and, for a finding of no
    corresponding provision, who made it and when. Parameters it cannot use are a 400."""

    def get(self, request):
        comparison = Comparison(request.GET, with_text=False)
        if comparison.messages:
            text = "The comparison could not be made as asked:\n" + "".join(
                f"- {message}\n" for message in comparison.messages
            )
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        name = "-".join(t.slug for t in comparison.chosen)
        if comparison.subject:
            name += f"-{comparison.subject.slug}"
        return csv_response(
            f"treatykb-compare-{name}.csv",
            comparison.csv_header(),
            ([cell(value) for value in line] for line in comparison.csv_rows()),
        )


class SearchView(ListView):
    """/search/?q=: ranked full-text search over headings and texts, with highlighted
    snippets, filtered by treaty and pillar through ``ProvisionFilterSet``."""

    template_name = "provisions/search.html"
    context_object_name = "results"
    paginate_by = 20

    def get_queryset(self):
        params = self.request.GET.copy()
        self.messages = []
        query = params.get("q", "").strip()
        if len(query) > MAX_QUERY_LENGTH:
            self.messages.append(
                f"The search was shortened to its first {MAX_QUERY_LENGTH} characters."
            )
            query = query[:MAX_QUERY_LENGTH]
        params["q"] = query
        self.query = query
        base = Provision.objects.select_related("treaty").prefetch_related(
            ordered_pillars(), Prefetch("topics", queryset=Topic.objects.order_by("position"))
        )
        self.filterset = ProvisionFilterSet(params, queryset=base)
        self.filterset.search_candidates = SEARCH_CANDIDATES
        self.filterset.search_rest = False
        self.messages += filter_errors(self.filterset)
        self.filterset.is_valid()  # cleans the form: invalid filters are left out, not fatal
        cleaned = self.filterset.form.cleaned_data
        self.searching = bool(query or cleaned.get("treaty") or cleaned.get("pillar"))
        if not self.searching:
            return Provision.objects.none()
        queryset = self.filterset.qs
        if not query:
            queryset = queryset.order_by("treaty__position", "sort_key")
        return queryset

    def treaty_choices(self):
        """The instrument select: the core instruments and the treaty searched, if another
        (any treaty's slug works in ``?treaty=``; the select does not list the collection)."""
        featured = Treaty.objects.featured()
        chosen = (self.filterset.form.cleaned_data or {}).get("treaty") or []
        return [*featured, *(treaty for treaty in chosen if treaty not in featured)]

    def no_hit_help(self, parsed):
        """What to try when nothing matches: the nearest words of the texts for each word of
        the query that no text has, and the instruments with matches when filters are set."""
        cleaned = self.filterset.form.cleaned_data or {}
        elsewhere = []
        if parsed and (cleaned.get("treaty") or cleaned.get("pillar")):
            counts = Provision.objects.search_counts_by_treaty(parsed)
            treaties = Treaty.objects.filter(pk__in=counts).core_first()
            elsewhere = [(treaty, counts[treaty.pk]) for treaty in treaties]
        return {
            "suggestions": search.suggestions(self.query, Provision.objects.search_vocabulary()),
            "elsewhere": elsewhere,
            "query_unmatched": not parsed,
        }

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parsed = search.parse(self.query)
        query_terms = parsed.positive_terms
        results = list(context["results"])
        for provision in results:
            provision.snippet = excerpt_with_highlights(provision.text, query_terms)
            provision.heading_snippet = excerpt_with_highlights(
                provision.heading, query_terms, whole=True
            )
            # Found through the subject it is listed under: say which.
            provision.topic_snippets = [
                excerpt_with_highlights(topic.name, query_terms, whole=True)
                for topic in provision.topics.all()
                if search.marks(topic.name, query_terms)
            ]
        page = context["page_obj"]
        if self.query and not results:
            context.update(self.no_hit_help(parsed))
        context.update(
            results=results,
            query=self.query,
            searching=self.searching,
            filterset=self.filterset,
            candidates=self.filterset.search_candidates,
            candidates_full=bool(
                self.query
                and self.filterset.search_candidates
                and page
                and page.paginator.count >= self.filterset.search_candidates
            ),
            messages=self.messages,
            treaties=self.treaty_choices(),
            pillars=Pillar.objects.order_by("position", "slug"),
            selected_treaty=self.request.GET.get("treaty", ""),
            selected_pillars=self.request.GET.getlist("pillar"),
            page_range=(
                page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
                if page
                else []
            ),
        )
        return context


# -- An article and its citations ------------------------------------------------------------------


def article_queryset():
    return Provision.objects.select_related("treaty__parent").prefetch_related(
        ordered_pillars(),
        Prefetch(
            "related",
            queryset=Provision.objects.select_related("treaty")
            .prefetch_related(ordered_pillars())
            .order_by("treaty__position", "sort_key"),
        ),
        Prefetch(
            "statements",
            queryset=Statement.objects.select_related("ratification__participant").order_by(
                "ratification__participant__name", "made_on", "pk"
            ),
        ),
        "topics",
    )


def get_article(slug, number):
    return get_object_or_404(article_queryset(), treaty__slug=slug, number=number)


class ArticleDetailView(DetailView):
    """An article: its text laid out by paragraph, its pillars and place in the treaty, the
    corresponding articles of the other instruments, the statements made on it, and how to
    cite it."""

    model = Provision
    template_name = "provisions/article_detail.html"
    context_object_name = "provision"

    def get_object(self, queryset=None):
        return get_article(self.kwargs["slug"], self.kwargs["number"])

    def get_context_data(self, **kwargs):
        provision = self.object
        treaty = provision.treaty
        units = citations.cited_layout(provision)
        neighbours = Provision.objects.filter(treaty=treaty).only(
            "number", "heading", "heading_verified", "sort_key", "treaty_id"
        )
        previous = neighbours.filter(sort_key__lt=provision.sort_key).order_by("-sort_key").first()
        following = neighbours.filter(sort_key__gt=provision.sort_key).order_by("sort_key").first()
        for neighbour in (previous, following):
            if neighbour is not None:
                neighbour.treaty = treaty
        statements = list(provision.statements.all())
        table = StatementTable.from_params(statements, provision.number, self.request.GET)
        related = list(provision.related.all())
        related_groups = {}
        for other in related:
            other.units = citations.layout(other.text)
            related_groups.setdefault(other.treaty, []).append(other)
        permalink = self.request.build_absolute_uri(provision.get_absolute_url())
        return super().get_context_data(
            treaty=treaty,
            units=units,
            previous=previous,
            following=following,
            division_anchor=division_anchor(provision.division),
            related_groups=list(related_groups.items()),
            statements=statements,
            statement_table=table,
            statement_rows=table.annotated_rows(),
            statement_summary=statement_summary(statements),
            statement_coverage=statement_coverage([treaty])[treaty.pk],
            permalink=permalink,
            citation=citations.citation(provision),
            series=citations.series_reference(treaty),
            citation_tags=citations.highwire_tags(
                treaty, permalink, section=citations.article_label(provision.number)
            ),
            **kwargs,
        )


def statement_summary(statements):
    """How many participants made reservations, and declarations, on the article."""
    by_kind = {}
    for statement in statements:
        by_kind.setdefault(statement.kind, set()).add(statement.ratification.participant_id)
    return {
        "reservations": len(by_kind.get(StatementKind.RESERVATION, ())),
        "declarations": len(by_kind.get(StatementKind.DECLARATION, ())),
        "participants": len({s.ratification.participant_id for s in statements}),
        "other": sum(
            1
            for s in statements
            if s.kind not in (StatementKind.RESERVATION, StatementKind.DECLARATION)
        ),
    }


class ArticleStatementsCSVView(View):
    """The article page's statements table as CSV: the same rows, filter (``?kind=``) and order
    (``?sort=``), in the statement columns every file and the API use
    (``treaties.columns.STATEMENT``)."""

    def get(self, request, slug, number):
        provision = get_object_or_404(
            Provision.objects.select_related("treaty"), treaty__slug=slug, number=number
        )
        statements = Statement.objects.for_csv().filter(provisions=provision)
        table = StatementTable.from_params(statements, provision.number, request.GET)
        if table.errors:
            text = "The statements could not be listed:\n" + "".join(
                f"- {error}\n" for error in table.errors
            )
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        kind = f"-{table.kind}s" if table.kind else ""
        return csv_response(
            f"treatykb-{provision.treaty.slug}-art{provision.number}-statements{kind}.csv",
            treaty_columns.STATEMENT.header,
            treaty_columns.STATEMENT.rows(table.rows),
        )


class ArticleCitationView(View):
    """The article (or, with ``?paragraph=p3-a``, one of its paragraphs) as a BibTeX or
    CSL-JSON record for a reference manager."""

    formats = {
        "bib": ("application/x-bibtex; charset=utf-8", citations.bibtex),
        "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", citations.csl_json),
    }

    def get(self, request, slug, number, fmt):
        provision = get_object_or_404(
            Provision.objects.select_related("treaty"), treaty__slug=slug, number=number
        )
        content_type, render = self.formats[fmt]
        url = request.build_absolute_uri(provision.get_absolute_url())
        unit = None
        anchor = request.GET.get("paragraph", "").strip().lstrip("#")
        if anchor:
            units = citations.layout(provision.text)
            unit = citations.find_unit(units, anchor)
            if unit is None:
                known = ", ".join(citations.anchors(units)) or "none"
                return HttpResponseBadRequest(
                    f"Art. {provision.number} of {provision.treaty.short_title} has no paragraph "
                    f"'{anchor}'. Its paragraphs: {known}.\n",
                    content_type="text/plain; charset=utf-8",
                )
            url = f"{url}#{unit.anchor}"
        response = HttpResponse(render(provision, url, unit), content_type=content_type)
        filename = citations.citation_key(provision, unit)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
        return response
