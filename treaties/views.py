import csv
import datetime

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from provisions.models import Provision

from . import exports
from . import participation as participation_rules
from .models import Participant, Ratification, Treaty
from .participation import ParticipationMixin


class HomeView(TemplateView):
    template_name = "treaties/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            treaties=Treaty.objects.for_display().with_counts(), **kwargs
        )


class TreatyDetailView(ParticipationMixin, DetailView):
    model = Treaty
    queryset = Treaty.objects.for_display()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            provisions=self.object.provisions.for_display().in_treaty_order(),
            **self.get_participation_context(),
            **kwargs,
        )


class ArticleDetailView(DetailView):
    model = Provision
    template_name = "treaties/article_detail.html"
    context_object_name = "provision"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Provision.objects.for_display(),
            treaty__slug=self.kwargs["slug"],
            number=self.kwargs["number"],
        )


# -- Participation: participants, profiles, the matrix, data quality and downloads ---------------


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
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
    treaty (records prefetched in one query). Invalid filters give messages and no rows."""

    def setup_filters(self):
        self.filterset = participation_rules.participant_filterset(self.request.GET)
        self.errors = participation_rules.filter_errors(self.filterset)
        self.as_of = self.filterset.as_of_date if not self.errors else None
        if self.as_of and self.as_of >= timezone.localdate():
            self.as_of = None
        self.treaties = list(Treaty.objects.order_by("position", "slug"))

    def filtered_participants(self):
        if self.errors:
            return Participant.objects.none()
        return participation_rules.participants_with_records(self.filterset.qs).order_by("name")

    def grid_context(self, participants):
        return {
            "filterset": self.filterset,
            "filter_errors": self.errors,
            "as_of": self.as_of,
            "as_of_text": participation_rules.as_of_label(self.as_of),
            "treaties": self.treaties,
            "rows": participation_rules.status_grid(participants, self.treaties, self.as_of),
            "is_filtered": any(v for k, v in self.request.GET.items() if k != "page"),
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
    """/countries/<code>/: one participant under every instrument, with its timeline."""

    model = Participant
    template_name = "treaties/participant_detail.html"
    context_object_name = "participant"

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        if code != code.upper():
            participant = get_object_or_404(Participant, code=code.upper())
            return redirect(participant.get_absolute_url(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(Participant, code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        entries, events = participation_rules.participant_profile(self.object)
        names = {e.record.recorded_name for e in entries if e.record} | {self.object.recorded_name}
        recorded_names = sorted(names - {self.object.name, ""})
        return super().get_context_data(
            entries=entries,
            events=events,
            recorded_names=recorded_names,
            not_known=participation_rules.NOT_KNOWN,
            **kwargs,
        )


class MatrixView(ParticipantGridMixin, ListView):
    """/matrix/: participants × instruments, each cell the status and its date.

    All participants fit on one page (about 200); the page size only bounds the list.
    """

    template_name = "treaties/matrix.html"
    paginate_by = 250

    def get_queryset(self):
        self.setup_filters()
        return self.filtered_participants()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.grid_context(context["object_list"]))
        return context


MATRIX_CSV_STATUS = "{slug}_status"


class MatrixCSVView(ParticipantGridMixin, View):
    """/matrix.csv: the matrix with the same filters, one row per participant."""

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
    """/data/: what the data covers, how current it is, every known gap, and the downloads."""

    template_name = "treaties/data.html"

    def get_context_data(self, **kwargs):
        treaties = list(
            Treaty.objects.with_counts()
            .annotate(record_count=Count("ratifications", distinct=True))
            .order_by("position", "slug")
        )
        undated = (
            Ratification.objects.filter(consent_on__isnull=True)
            .exclude(consent_kind="")
            .select_related("treaty", "participant")
            .order_by("treaty__position", "participant__name")
        )
        disagreements = (
            Ratification.objects.exclude(note="")
            .select_related("treaty", "participant")
            .order_by("treaty__position", "participant__name")
        )
        texts_missing = (
            Ratification.objects.filter(statements_flagged=True)
            .annotate(statement_count=Count("statements"))
            .filter(statement_count=0)
            .select_related("treaty", "participant")
            .order_by("treaty__position", "participant__name")
        )
        in_force_unknown = (
            Ratification.objects.exclude(consent_kind="")
            .filter(entry_into_force_on__isnull=True, withdrawal_effective_on__isnull=True)
            .values("treaty")
            .annotate(count=Count("pk"))
        )
        in_force_unknown = {row["treaty"]: row["count"] for row in in_force_unknown}
        for treaty in treaties:
            treaty.in_force_unknown = in_force_unknown.get(treaty.pk, 0)
        incomplete = Provision.objects.incomplete().select_related("treaty").in_treaty_order()
        today = timezone.localdate()
        return super().get_context_data(
            treaties=treaties,
            undated=list(undated),
            disagreements=list(disagreements),
            texts_missing=list(texts_missing),
            incomplete=list(incomplete),
            incomplete_preambles=[t for t in treaties if t.preamble_incomplete],
            export_date=today,
            zip_url=download_url(today, "zip"),
            json_url=download_url(today, "json"),
            **kwargs,
        )


def download_url(day, fmt):
    return reverse("treaties:data_download", kwargs={"date": day.isoformat(), "fmt": fmt})


class DataDownloadView(View):
    """/data/download/treatykb-YYYY-MM-DD.zip (or .json): the whole data set as exported today.

    Only today's export exists: an earlier (or later) date redirects to today's file name, so
    the name of what you get always says when it was exported. ``treatykb.zip`` is a stable
    link to the latest.
    """

    content_types = {"zip": "application/zip", "json": "application/json"}

    def get(self, request, fmt, date=None):
        today = timezone.localdate()
        if date != today.isoformat():
            if date is not None:
                try:
                    datetime.date.fromisoformat(date)
                except ValueError:
                    raise Http404("Not a date in the form YYYY-MM-DD.") from None
            return redirect(download_url(today, fmt))
        data = exports.collect(today)
        body = exports.build_zip(data) if fmt == "zip" else exports.build_json(data)
        response = HttpResponse(body, content_type=self.content_types[fmt])
        response["Content-Disposition"] = f'attachment; filename="treatykb-{date}.{fmt}"'
        return response
