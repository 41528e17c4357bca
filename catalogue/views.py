"""Pages that show treaties with their articles: the home page, a treaty's page (metadata,
preamble, the table of contents and participation), and the data page with its downloads."""

import datetime

from django.db.models import Count, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView

from common.caching import cached_aggregate
from common.params import filter_errors
from provisions.filters import ProvisionFilterSet
from provisions.models import Pillar, Provision, division_anchor
from provisions.pillars import ordered_pillars, pillar_table
from treaties.currency import Currency, attach_currency, currency_by_treaty
from treaties.models import (
    DISAGREEMENT,
    IN_FORCE_UNKNOWN,
    UNDATED_CONSENT,
    Ratification,
    Treaty,
    count_of,
)
from treaties.participation import ParticipationMixin

from . import exports
from .gaps import core_gaps

RECENT_ACTIONS = 12


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
            **self.get_participation_context(),
            **kwargs,
        )


class DataView(TemplateView):
    """/data/: what the data covers, how current it is, every known gap, and the downloads.

    The core instruments in full; every other treaty of the collection in totals (the
    downloads hold every row), so the page does not grow with the collection."""

    template_name = "catalogue/data.html"

    def get_context_data(self, **kwargs):
        treaties = (
            Treaty.objects.with_counts()
            .annotate(record_count=count_of(Ratification.objects.filter(treaty=OuterRef("pk"))))
            .featured()
        )
        attach_currency(treaties)
        ids = [treaty.pk for treaty in treaties]
        gaps = core_gaps(treaties)  # the same gaps as the editors' worklist in the admin
        in_force_unknown = gaps.in_force_unknown
        for treaty in treaties:
            treaty.in_force_unknown = in_force_unknown.get(treaty.pk, 0)
        today = timezone.localdate()
        return super().get_context_data(
            treaties=treaties,
            undated=gaps.undated,
            disagreements=gaps.disagreements,
            texts_missing=gaps.texts_missing,
            incomplete=gaps.incomplete,
            incomplete_preambles=gaps.incomplete_preambles,
            others=other_treaties_summary(ids),
            export_date=today,
            zip_url=download_url(today, "zip"),
            json_url=download_url(today, "json"),
            **kwargs,
        )


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
    """/data/download/treatykb-YYYY-MM-DD.zip (or .json): the whole data set as exported today.

    Only today's export exists: an earlier (or later) date redirects to today's file name, so
    the name of what you get always says when it was exported. ``treatykb.zip`` is a stable
    link to the latest.
    """

    def get(self, request, fmt, date=None):
        today = timezone.localdate()
        if date != today.isoformat():
            if date is not None:
                try:
                    datetime.date.fromisoformat(date)
                except ValueError:
                    raise Http404("Not a date in the form YYYY-MM-DD.") from None
            return redirect(download_url(today, fmt))
        return exports.archive_response(fmt, today)
