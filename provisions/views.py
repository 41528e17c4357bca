"""Reading pages for provisions: the pillars, the side-by-side comparison and search."""

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from common.params import filter_errors, page_number
from treaties.currency import statement_coverage
from treaties.models import Statement, StatementKind, Treaty

from . import citations
from .citations import layout
from .filters import ProvisionFilterSet
from .highlight import excerpt_with_highlights, safe_headline
from .models import (
    CellState,
    ConcordanceFinding,
    Pillar,
    Provision,
    Topic,
    attach_cells,
    division_anchor,
    search_words,
)
from .pillars import ordered_pillars, pillar_table

MAX_QUERY_LENGTH = 200
# The search page ranks at most this many matches (PostgreSQL): the core instruments' first.
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
        tagged = (
            Provision.objects.filter(pillars=pillar)
            .prefetch_related(ordered_pillars())
            .order_by("sort_key")
        )
        treaties = (
            Treaty.objects.filter(pk__in=ids)
            .order_by("-core", "position", "slug")
            .annotate(
                article_count=Count("provisions", distinct=True),
                untagged_incomplete_count=Count(
                    "provisions",
                    filter=Q(provisions__text_incomplete=True, provisions__pillars__isnull=True),
                    distinct=True,
                ),
            )
            .prefetch_related(Prefetch("provisions", queryset=tagged, to_attr="tagged"))
        )
        others = (
            Treaty.objects.exclude(pk__in=ids)
            .filter(provisions__pillars=pillar)
            .annotate(tagged_count=Count("provisions"))
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


MAX_COMPARED = 12


class CompareView(TemplateView):
    """/compare/: instruments side by side, one row per concordance topic: the core
    instruments, or those chosen with ``?treaty=`` (two to ``MAX_COMPARED``)."""

    template_name = "provisions/compare.html"

    def get_context_data(self, **kwargs):
        featured = Treaty.objects.featured()
        requested = list(
            dict.fromkeys(s.strip() for s in self.request.GET.getlist("treaty") if s.strip())
        )
        messages = []
        if len(requested) > MAX_COMPARED:
            messages.append(
                f"At most {MAX_COMPARED} instruments can be compared at once; "
                f"the first {MAX_COMPARED} named are shown."
            )
            requested = requested[:MAX_COMPARED]
        found = {
            treaty.slug: treaty
            for treaty in Treaty.objects.filter(slug__in=requested).order_by("position", "slug")
        }
        messages += [
            f"There is no instrument '{slug}'; use " + ", ".join(t.slug for t in featured) + "."
            for slug in requested
            if slug not in found
        ]
        chosen = list(found.values())
        if requested and len(chosen) < 2:
            messages.append(
                "Choose at least two instruments to compare; the core instruments are shown "
                "instead."
            )
        if len(chosen) < 2:
            chosen = featured
        # The checkboxes: the core instruments and any other treaty chosen.
        treaties = [*featured, *(t for t in chosen if t not in featured)]
        provisions = (
            Provision.objects.filter(treaty__in=chosen)
            .select_related("treaty")
            .prefetch_related(ordered_pillars())
            .order_by("treaty__position", "sort_key")
        )
        topics = Topic.objects.order_by("position", "slug").prefetch_related(
            Prefetch("provisions", queryset=provisions),
            Prefetch("findings", queryset=ConcordanceFinding.objects.filter(treaty__in=chosen)),
        )
        rows, hidden = [], []
        for topic in attach_cells(list(topics), chosen):
            for provision in topic.provisions.all():
                provision.units = layout(provision.text)
            if any(cell.state == CellState.LISTED for cell in topic.cells):
                rows.append(topic)
            else:
                hidden.append(topic)
        chosen_slugs = {treaty.slug for treaty in chosen}
        return super().get_context_data(
            treaties=treaties,
            chosen=chosen,
            chosen_slugs=chosen_slugs,
            rows=rows,
            hidden_topics=hidden,
            messages=messages,
            **kwargs,
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
        base = (
            Provision.objects.select_related("treaty")
            .prefetch_related(ordered_pillars())
            .defer("search_vector")
        )
        self.filterset = ProvisionFilterSet(params, queryset=base)
        self.filterset.search_candidates = (
            SEARCH_CANDIDATES if connection.vendor == "postgresql" else None
        )
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

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        words = search_words(self.query)
        results = list(context["results"])
        for provision in results:
            headline = getattr(provision, "headline", None)
            if headline is not None:
                provision.snippet = safe_headline(headline)
                provision.heading_snippet = safe_headline(
                    getattr(provision, "heading_headline", None) or provision.heading
                )
            else:
                provision.snippet = excerpt_with_highlights(provision.text, words)
                provision.heading_snippet = excerpt_with_highlights(
                    provision.heading, words, whole=True
                )
        page = context["page_obj"]
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
            statement_summary=statement_summary(statements),
            statement_coverage=statement_coverage([treaty])[treaty.pk],
            permalink=permalink,
            citation=citations.citation(provision),
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
