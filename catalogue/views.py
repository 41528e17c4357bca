"""Pages that show treaties with their articles: the home page, a treaty's page (metadata,
preamble, the table of contents and participation), and the data page with its downloads."""

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView

from common.caching import cached_aggregate
from common.params import filter_errors, page_number, parse_date
from provisions import citations
from provisions.filters import ProvisionFilterSet
from provisions.models import Pillar, Provision, division_anchor
from provisions.pillars import ordered_pillars, pillar_table
from treaties.currency import (
    Currency,
    attach_currency,
    currency_by_treaty,
    statement_coverage,
)
from treaties.models import (
    DISAGREEMENT,
    IN_FORCE_UNKNOWN,
    UNDATED_CONSENT,
    Ratification,
    Treaty,
    count_of,
)
from treaties.participation import ParticipationMixin

from . import exports, releases
from .gaps import core_gaps
from .models import Release

RECENT_ACTIONS = 12
# Releases listed per page of /data/ (the list grows by at most one a day).
RELEASES_PER_PAGE = 30


class HomeView(TemplateView):
    """The core instruments at a glance, the pillars across them (and across the other
    treaties, together), the latest treaty actions."""

    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        treaties = attach_currency(Treaty.objects.for_display().with_counts().featured())
        recent = (
            Ratification.objects.filter(consent_on__isnull=False)
            .select_related("treaty", "participant")
            .order_by("-consent_on", "treaty__position", "participant__name")[:RECENT_ACTIONS]
        )
        return super().get_context_data(
            treaties=treaties,
            pillar_rows=pillar_table(treaties),
            other_treaty_count=Treaty.objects.count() - len(treaties),
            recent_actions=recent,
            **kwargs,
        )


def preamble_paragraphs(treaty):
    return [block.strip() for block in treaty.preamble.split("\n\n") if block.strip()]


class TreatyDetailView(ParticipationMixin, DetailView):
    """Metadata, preamble, the table of contents (filterable by pillar) and participation."""

    model = Treaty
    template_name = "catalogue/treaty_detail.html"

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
            filter_messages=filter_errors(pillar_filter),
            preamble_paragraphs=preamble_paragraphs(treaty),
            currency=currency_by_treaty([treaty]).get(treaty.pk, Currency()),
            statement_coverage=statement_coverage([treaty])[treaty.pk],
            citation=citations.treaty_citation(treaty),
            citation_tags=citations.highwire_tags(
                treaty, self.request.build_absolute_uri(treaty.get_absolute_url())
            ),
            **self.get_participation_context(),
            **kwargs,
        )


class DataView(TemplateView):
    """/data/: what the data covers, how current it is, every known gap, the downloads and
    every release (newest first, ``RELEASES_PER_PAGE`` to a page).

    The core instruments in full; every other treaty of the collection in totals (the
    downloads hold every row), so the page does not grow with the collection."""

    template_name = "catalogue/data.html"

    def get_context_data(self, **kwargs):
        using = releases.ensure_current_release()
        release_pages = release_list(self.request, using)
        treaties = (
            Treaty.objects.with_counts()
            .annotate(record_count=count_of(Ratification.objects.filter(treaty=OuterRef("pk"))))
            .featured()
        )
        attach_currency(treaties)
        coverage = statement_coverage(treaties)
        for treaty in treaties:
            treaty.statement_coverage = coverage[treaty.pk]
        ids = [treaty.pk for treaty in treaties]
        gaps = core_gaps(treaties)  # the same gaps as the editors' worklist in the admin
        in_force_unknown = gaps.in_force_unknown
        for treaty in treaties:
            treaty.in_force_unknown = in_force_unknown.get(treaty.pk, 0)
        latest = releases.latest(using)
        return super().get_context_data(
            treaties=treaties,
            undated=gaps.undated,
            disagreements=gaps.disagreements,
            texts_missing=gaps.texts_missing,
            incomplete=gaps.incomplete,
            incomplete_preambles=gaps.incomplete_preambles,
            others=other_treaties_summary(ids),
            latest_release=latest,
            attribution=latest and exports.attribution(latest.day),
            zip_url=latest and download_url(latest.day, "zip"),
            json_url=latest and download_url(latest.day, "json"),
            **release_pages,
            **kwargs,
        )


def release_list(request, using=None):
    """One page of the releases, newest first, with their files' sizes and checksums."""
    listed = Release.objects.db_manager(using).latest_first().with_files()
    paginator = Paginator(listed, RELEASES_PER_PAGE)
    number = page_number(request)
    if not 1 <= number <= paginator.num_pages:
        raise Http404(f"There is no page {number}: the releases fill {paginator.num_pages}.")
    page_obj = paginator.page(number)
    return {
        "releases": list(page_obj.object_list),
        "release_count": paginator.count,
        "page_obj": page_obj,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(number, on_each_side=2, on_ends=1),
    }


def other_treaties_summary(featured_ids):
    """Totals for every treaty not in ``featured_ids``: treaties, records, parties without a
    date of consent, parties whose entry into force is not known, flagged statements not in the
    knowledge base, disagreements between sources, articles, incomplete articles. Four
    queries, cached under the data version."""

    def build():
        records = Ratification.objects.exclude(treaty__in=featured_ids)
        totals = records.aggregate(
            records=Count("pk"),
            undated=Count("pk", filter=UNDATED_CONSENT),
            in_force_unknown=Count("pk", filter=IN_FORCE_UNKNOWN),
            disagreements=Count("pk", filter=DISAGREEMENT),
        )
        # On its own: as an anti-join it reads the statements once, not once per record.
        totals["texts_missing"] = records.texts_missing().count()
        totals.update(
            Provision.objects.exclude(treaty__in=featured_ids).aggregate(
                articles=Count("pk"), incomplete=Count("pk", filter=Q(text_incomplete=True))
            )
        )
        totals["treaties"] = Treaty.objects.exclude(pk__in=featured_ids).count()
        return totals

    return cached_aggregate("other-treaties-summary", build, tuple(featured_ids))


def download_url(day, fmt):
    return reverse("catalogue:data_download", kwargs={"date": day.isoformat(), "fmt": fmt})


class DataDownloadView(View):
    """/data/download/treatykb-YYYY-MM-DD.zip (or .json): the release of that day, byte for
    byte, with its checksum (``catalogue.releases``): immutable once its day is over. A date
    with no release is a 404 naming the nearest releases before and after it.

    ``treatykb.zip`` (or ``.json``) is a stable link to the latest release: a redirect to its
    dated address, so that the name of what you get always says when it was exported.
    """

    def get(self, request, fmt, date=None):
        if date is None:
            using = releases.ensure_current_release()
            latest = releases.latest_file(fmt, using)
            if latest is None:  # every release deleted since this day's check
                return release_missing(request, fmt)
            return redirect(latest.get_absolute_url())
        try:
            day = parse_date(date)
        except ValueError as error:
            return release_missing(request, fmt, message=str(error))
        using = releases.ensure_current_release() if day == timezone.localdate() else None
        release_file = releases.file_of(day, fmt, using)
        if release_file is None:
            return release_missing(request, fmt, day=day)
        return releases.file_response(request, release_file)


def release_missing(request, fmt, day=None, message=""):
    """The 404 for a dated download that does not exist, naming the nearest releases."""
    earlier, later = releases.nearest(day) if day else (None, None)
    context = {
        "day": day,
        "fmt": fmt,
        "message": message,
        "earlier": earlier,
        "earlier_url": earlier and download_url(earlier.day, fmt),
        "later": later,
        "later_url": later and download_url(later.day, fmt),
    }
    return TemplateResponse(request, "catalogue/release_missing.html", context, status=404)
