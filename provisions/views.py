"""Reading pages for provisions: the pillars, the side-by-side comparison and search."""

from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView, ListView, TemplateView

from treaties.citations import layout
from treaties.models import Treaty

from .filters import ProvisionFilterSet
from .highlight import excerpt_with_highlights, safe_headline
from .models import Pillar, Provision, Topic, search_words

MAX_QUERY_LENGTH = 200


def ordered_pillars():
    return Prefetch("pillars", queryset=Pillar.objects.order_by("position", "slug"))


def pillar_table(treaties):
    """One row per pillar: the pillar, a cell per treaty (in the order of ``treaties``) with
    the number of its articles tagged with the pillar, and the total. Two queries, whatever the
    number of provisions."""
    counts = {
        (row["pillar_id"], row["provision__treaty_id"]): row["count"]
        for row in Provision.pillars.through.objects.values("pillar_id", "provision__treaty_id")
        .annotate(count=Count("pk"))
        .order_by()
    }
    rows = []
    for pillar in Pillar.objects.order_by("position", "slug"):
        cells = [
            {"treaty": treaty, "count": counts.get((pillar.pk, treaty.pk), 0)}
            for treaty in treaties
        ]
        rows.append(
            {"pillar": pillar, "cells": cells, "total": sum(cell["count"] for cell in cells)}
        )
    return rows


def filter_messages(filterset):
    """Form errors of a FilterSet as sentences naming the parameter, for a notice on the page
    (the FilterSets' own messages name the accepted values)."""
    return [f"{name}: {error}" for name, errors in filterset.errors.items() for error in errors]


class PillarListView(ListView):
    """/pillars/: the four pillars, what they cover, how many articles of each treaty serve them."""

    template_name = "provisions/pillar_list.html"
    context_object_name = "pillars"

    def get_queryset(self):
        return Pillar.objects.order_by("position", "slug")

    def get_context_data(self, **kwargs):
        treaties = list(Treaty.objects.order_by("position", "slug"))
        return super().get_context_data(
            treaties=treaties, pillar_rows=pillar_table(treaties), **kwargs
        )


class PillarDetailView(DetailView):
    """/pillars/<slug>/: every provision tagged with the pillar, grouped by treaty."""

    model = Pillar

    def get_context_data(self, **kwargs):
        pillar = self.object
        tagged = (
            Provision.objects.filter(pillars=pillar)
            .prefetch_related(ordered_pillars())
            .order_by("sort_key")
        )
        treaties = (
            Treaty.objects.order_by("position", "slug")
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
        return super().get_context_data(
            treaties=treaties,
            other_pillars=Pillar.objects.exclude(pk=pillar.pk).order_by("position"),
            **kwargs,
        )


class CompareView(TemplateView):
    """/compare/: two to four instruments side by side, one row per concordance topic."""

    template_name = "provisions/compare.html"

    def get_context_data(self, **kwargs):
        treaties = list(Treaty.objects.order_by("position", "slug"))
        requested = [slug.strip() for slug in self.request.GET.getlist("treaty") if slug.strip()]
        known = {treaty.slug for treaty in treaties}
        messages = [
            f"There is no instrument '{slug}'; use " + ", ".join(t.slug for t in treaties) + "."
            for slug in dict.fromkeys(requested)
            if slug not in known
        ]
        chosen = [treaty for treaty in treaties if treaty.slug in requested]
        if requested and len(chosen) < 2:
            messages.append(
                "Choose at least two instruments to compare; all of them are shown instead."
            )
        if len(chosen) < 2:
            chosen = treaties
        provisions = (
            Provision.objects.filter(treaty__in=chosen)
            .select_related("treaty")
            .prefetch_related(ordered_pillars())
            .order_by("treaty__position", "sort_key")
        )
        topics = Topic.objects.order_by("position", "slug").prefetch_related(
            Prefetch("provisions", queryset=provisions)
        )
        rows, hidden = [], 0
        for topic in topics:
            cells = [
                [provision for provision in topic.provisions.all() if provision.treaty_id == t.pk]
                for t in chosen
            ]
            for provision in topic.provisions.all():
                provision.units = layout(provision.text)
            if not any(cells):
                hidden += 1
                continue
            rows.append({"topic": topic, "cells": list(zip(chosen, cells, strict=True))})
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
        self.messages += filter_messages(self.filterset)
        self.filterset.is_valid()  # cleans the form: invalid filters are left out, not fatal
        cleaned = self.filterset.form.cleaned_data
        self.searching = bool(query or cleaned.get("treaty") or cleaned.get("pillar"))
        if not self.searching:
            return Provision.objects.none()
        queryset = self.filterset.qs
        if not query:
            queryset = queryset.order_by("treaty__position", "sort_key")
        return queryset

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
            messages=self.messages,
            treaties=Treaty.objects.order_by("position", "slug"),
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
