import csv
import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from provisions.filters import ProvisionFilterSet
from provisions.models import Pillar, Provision
from provisions.views import filter_messages, ordered_pillars, pillar_table

from . import citations, exports
from . import participation as participation_rules
from .caching import cached_aggregate
from .models import Participant, Ratification, Statement, StatementKind, Treaty, count_of
from .participation import ParticipationMixin

RECENT_ACTIONS = 12


class HomeView(TemplateView):
    """The core instruments at a glance, the pillars across them (and across the other
    treaties, together), the latest treaty actions."""

    template_name = "treaties/home.html"

    def get_context_data(self, **kwargs):
        treaties = Treaty.objects.for_display().with_counts().featured()
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


class TreatyListView(ListView):
    """/treaties/: the instruments, the core ones first, with their dates and counts."""

    template_name = "treaties/treaty_list.html"
    context_object_name = "treaties"
    paginate_by = 50

    def get_queryset(self):
        return Treaty.objects.for_display().with_counts().core_first()


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


# -- Participation: participants, profiles, the matrix, data quality and downloads ---------------


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([exports.spreadsheet_safe(value) for value in row] for row in rows)
    return response


def filter_error_response(errors):
    """A CSV asked for with invalid filters: 400 with the messages, never a file of guesses."""
    text = "The filters could not be applied:\n" + "\n".join(f"- {e}" for e in errors) + "\n"
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


class TreatyParticipantsCSVView(View):
    """The treaty page's participants table as CSV, with the same filters and sort."""

    def get(self, request, slug):
        treaty = get_object_or_404(Treaty, slug=slug)
        participation = participation_rules.TreatyParticipation(treaty, request.GET)
        if participation.errors:
            return filter_error_response(participation.errors)
        day = participation.as_of or timezone.localdate()
        return csv_response(
            f"treatykb-{treaty.slug}-participants-{day.isoformat()}.csv",
            participation_rules.TREATY_CSV_COLUMNS,
            participation_rules.treaty_csv_rows(participation),
        )


class ParticipantGridMixin:
    """Participants filtered by the shared ParticipantFilterSet, each with one status cell per
    treaty shown (``TreatyColumns``: the core instruments, or ``?treaties=``; records
    prefetched in one query). Invalid filters or columns give messages and no rows."""

    def setup_filters(self):
        self.columns = participation_rules.TreatyColumns(self.request.GET)
        self.treaties = self.columns.treaties
        featured = self.treaties if self.columns.is_default else Treaty.objects.featured()
        self.featured = featured
        self.filterset = participation_rules.participant_filterset(self.request.GET, featured)
        self.errors = participation_rules.filter_errors(self.filterset) + self.columns.errors
        self.as_of = self.filterset.as_of_date if not self.errors else None
        if self.as_of and self.as_of >= timezone.localdate():
            self.as_of = None

    def filtered_participants(self):
        if self.errors:
            return Participant.objects.none()
        return participation_rules.participants_with_records(
            self.filterset.qs, self.treaties
        ).order_by("name")

    def grid_context(self, participants):
        chosen = {t.slug for t in self.treaties}
        return {
            "filterset": self.filterset,
            "filter_errors": self.errors,
            "as_of": self.as_of,
            "as_of_text": participation_rules.as_of_label(self.as_of),
            "treaties": self.treaties,
            "column_choices": [
                {"treaty": t, "checked": t.slug in chosen}
                for t in [*self.featured, *(t for t in self.treaties if t not in self.featured)]
            ],
            "columns_default": self.columns.is_default,
            "max_columns": participation_rules.MAX_COLUMNS,
            "rows": participation_rules.status_grid(participants, self.treaties, self.as_of),
            "is_filtered": any(
                v
                for k, v in self.request.GET.items()
                if k not in ("page", *participation_rules.COLUMN_PARAMETERS)
            ),
        }


class ParticipantListView(ParticipantGridMixin, ListView):
    """/countries/: every state and organisation, filterable by region, membership and status
    per treaty, with ready-made questions."""

    template_name = "treaties/participant_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.setup_filters()
        return self.filtered_participants()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = self.request.GET.urlencode()
        context.update(self.grid_context(context["object_list"]))
        context["quick_questions"] = [
            {"question": question, "query": query, "active": query == current}
            for question, query in participation_rules.QUICK_QUESTIONS
        ]
        return context


class ParticipantDetailView(DetailView):
    """/countries/<code>/: one participant under the core instruments and every other treaty
    it has a record for (a page at a time), with its timeline. ``?treaty=<slug>`` redirects to
    the page that shows that treaty."""

    model = Participant
    template_name = "treaties/participant_detail.html"
    context_object_name = "participant"

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        if code != code.upper():
            participant = get_object_or_404(Participant, code=code.upper())
            return redirect(participant.get_absolute_url(), permanent=True)
        slug = request.GET.get("treaty", "").strip()
        if slug:
            participant = self.get_object()
            treaty = Treaty.objects.filter(slug=slug).first()
            if treaty is None:
                raise Http404(f"There is no treaty '{slug}'.")
            page = participation_rules.profile_page_of(participant, treaty)
            query = f"?page={page}" if page > 1 else ""
            return redirect(f"{participant.get_absolute_url()}{query}#{treaty.slug}")
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(Participant, code=self.kwargs["code"])

    def page_number(self):
        raw = self.request.GET.get("page", "1")
        try:
            return int(raw)
        except ValueError:
            raise Http404(f"'{raw}' is not a page number.") from None

    def get_context_data(self, **kwargs):
        profile = participation_rules.participant_profile(self.object, self.page_number())
        entries = profile.entries
        names = {e.record.recorded_name for e in entries if e.record} | {self.object.recorded_name}
        recorded_names = sorted(names - {self.object.name, ""})
        return super().get_context_data(
            profile=profile,
            entries=entries,
            events=profile.events,
            page_obj=profile.page_obj,
            paginator=profile.paginator,
            page_range=profile.paginator.get_elided_page_range(
                profile.page_obj.number, on_each_side=2, on_ends=1
            ),
            recorded_names=recorded_names,
            not_known=participation_rules.NOT_KNOWN,
            **kwargs,
        )


class MatrixView(ParticipantGridMixin, ListView):
    """/matrix/: participants × treaties (the core instruments, or at most ``MAX_COLUMNS``
    chosen with ``?treaties=``), each cell the status and its date.

    The real data's participants (about 200) fit on one page; the page size bounds the rest.
    """

    template_name = "treaties/matrix.html"
    paginate_by = 200

    def get_queryset(self):
        self.setup_filters()
        return self.filtered_participants()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.grid_context(context["object_list"]))
        return context


MATRIX_CSV_STATUS = "{slug}_status"


class MatrixCSVView(ParticipantGridMixin, View):
    """/matrix.csv: the matrix with the same filters and treaties, one row per participant
    (every page)."""

    def get(self, request):
        self.setup_filters()
        if self.errors:
            return filter_error_response(self.errors)
        rows = self.grid_context(list(self.filtered_participants()))["rows"]
        day = (self.as_of or timezone.localdate()).isoformat()
        header = ["participant_code", "participant", "region", "subregion", "memberships"]
        for treaty in self.treaties:
            header += [
                f"{treaty.slug}_status",
                f"{treaty.slug}_signature_on",
                f"{treaty.slug}_consent_kind",
                f"{treaty.slug}_consent_on",
                f"{treaty.slug}_withdrawal_effective_on",
            ]
        header.append("status_as_of")

        def lines():
            for participant in rows:
                line = [
                    participant.code,
                    participant.name,
                    participant.region,
                    participant.subregion,
                    "; ".join(participant.memberships),
                ]
                for cell in participant.cells:
                    r = cell.record
                    line += [
                        cell.status,
                        exports.iso(r.signature_on) if r else "",
                        r.consent_kind if r else "",
                        (exports.iso(r.consent_on) or participation_rules.NOT_KNOWN)
                        if r and r.consent_kind
                        else "",
                        exports.iso(r.withdrawal_effective_on) if r else "",
                    ]
                line.append(day)
                yield line

        return csv_response(f"treatykb-matrix-{day}.csv", header, lines())


class DataView(TemplateView):
    """/data/: what the data covers, how current it is, every known gap, and the downloads.

    The core instruments in full; every other treaty of the collection in totals (the
    downloads hold every row), so the page does not grow with the collection."""

    template_name = "treaties/data.html"

    def get_context_data(self, **kwargs):
        treaties = (
            Treaty.objects.with_counts()
            .annotate(record_count=count_of(Ratification.objects.filter(treaty=OuterRef("pk"))))
            .featured()
        )
        ids = [treaty.pk for treaty in treaties]
        records = Ratification.objects.filter(treaty__in=ids)
        undated = (
            records.filter(consent_on__isnull=True)
            .exclude(consent_kind="")
            .select_related("treaty", "participant")
            .order_by("treaty__position", "participant__name")
        )
        disagreements = (
            records.exclude(note="")
            .select_related("treaty", "participant")
            .order_by("treaty__position", "participant__name")
        )
        texts_missing = (
            records.filter(statements_flagged=True)
            .annotate(statement_count=Count("statements"))
            .filter(statement_count=0)
            .select_related("treaty", "participant")
            .order_by("treaty__position", "participant__name")
        )
        in_force_unknown = (
            records.exclude(consent_kind="")
            .filter(entry_into_force_on__isnull=True, withdrawal_effective_on__isnull=True)
            .values("treaty")
            .annotate(count=Count("pk"))
        )
        in_force_unknown = {row["treaty"]: row["count"] for row in in_force_unknown}
        for treaty in treaties:
            treaty.in_force_unknown = in_force_unknown.get(treaty.pk, 0)
        incomplete = (
            Provision.objects.incomplete()
            .filter(treaty__in=ids)
            .select_related("treaty")
            .in_treaty_order()
        )
        today = timezone.localdate()
        return super().get_context_data(
            treaties=treaties,
            undated=list(undated),
            disagreements=list(disagreements),
            texts_missing=list(texts_missing),
            incomplete=list(incomplete),
            incomplete_preambles=[t for t in treaties if t.preamble_incomplete],
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
        bound = ~Q(consent_kind="")
        totals = records.aggregate(
            records=Count("pk"),
            undated=Count("pk", filter=bound & Q(consent_on__isnull=True)),
            in_force_unknown=Count(
                "pk",
                filter=bound
                & Q(entry_into_force_on__isnull=True, withdrawal_effective_on__isnull=True),
            ),
            disagreements=Count("pk", filter=~Q(note="")),
        )
        # On its own: as an anti-join it reads the statements once, not once per record.
        totals["texts_missing"] = (
            records.filter(statements_flagged=True)
            .exclude(Exists(Statement.objects.filter(ratification=OuterRef("pk"))))
            .count()
        )
        totals.update(
            Provision.objects.exclude(treaty__in=featured_ids).aggregate(
                articles=Count("pk"), incomplete=Count("pk", filter=Q(text_incomplete=True))
            )
        )
        totals["treaties"] = Treaty.objects.exclude(pk__in=featured_ids).count()
        return totals

    return cached_aggregate("other-treaties-summary", build, tuple(featured_ids))


def download_url(day, fmt):
    return reverse("treaties:data_download", kwargs={"date": day.isoformat(), "fmt": fmt})


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
