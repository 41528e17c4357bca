from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from provisions.filters import ProvisionFilterSet
from provisions.models import Pillar, Provision
from provisions.views import filter_messages, ordered_pillars, pillar_table

from . import citations
from .models import Participant, Ratification, Statement, StatementKind, Treaty
from .participation import ParticipationMixin

RECENT_ACTIONS = 12


class HomeView(TemplateView):
    """The four instruments at a glance, the pillars across them, the latest treaty actions."""

    template_name = "treaties/home.html"

    def get_context_data(self, **kwargs):
        treaties = list(Treaty.objects.for_display().with_counts())
        recent = (
            Ratification.objects.filter(consent_on__isnull=False)
            .select_related("treaty", "participant")
            .order_by("-consent_on", "treaty__position", "participant__name")[:RECENT_ACTIONS]
        )
        return super().get_context_data(
            treaties=treaties, pillar_rows=pillar_table(treaties), recent_actions=recent, **kwargs
        )


class TreatyListView(ListView):
    """/treaties/: the instruments, with their dates and counts."""

    template_name = "treaties/treaty_list.html"
    context_object_name = "treaties"

    def get_queryset(self):
        return Treaty.objects.for_display().with_counts()


def preamble_paragraphs(treaty):
    return [block.strip() for block in treaty.preamble.split("\n\n") if block.strip()]


class TreatyDetailView(ParticipationMixin, DetailView):
    """Metadata, preamble, the table of contents (filterable by pillar) and participation."""

    model = Treaty

    def get_queryset(self):
        return Treaty.objects.for_display().with_counts().prefetch_related("supplements")

    def get_context_data(self, **kwargs):
        treaty = self.object
        articles = treaty.provisions.prefetch_related(ordered_pillars()).order_by("sort_key")
        pillar_filter = ProvisionFilterSet(
            {"pillar": self.request.GET.getlist("pillar")}, queryset=articles
        )
        pillar_filter.is_valid()
        chosen = pillar_filter.form.cleaned_data.get("pillar") or []
        provisions = list(pillar_filter.qs)
        for provision in provisions:
            provision.division_anchor = division_anchor(provision.division)
        pillars = Pillar.objects.order_by("position", "slug").annotate(
            article_count=Count("provisions", filter=Q(provisions__treaty=treaty))
        )
        return super().get_context_data(
            provisions=provisions,
            pillars=pillars,
            chosen_pillars=chosen,
            chosen_pillar_slugs={pillar.slug for pillar in chosen},
            filter_messages=filter_messages(pillar_filter),
            preamble_paragraphs=preamble_paragraphs(treaty),
            **self.get_participation_context(),
            **kwargs,
        )


def division_anchor(division):
    return f"division-{slugify(division)}" if division else ""


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
    template_name = "treaties/article_detail.html"
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


class ParticipantListView(ListView):
    model = Participant


class ParticipantDetailView(DetailView):
    model = Participant
    queryset = Participant.objects.for_display()
    slug_field = "code"
    slug_url_kwarg = "code"
