"""Pages of participation: the treaty list, the participants list and profiles, the matrix,
and the treaty page's participants as CSV."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView

from common.csvfiles import csv_response, iso
from common.params import filter_errors, page_number

from . import columns
from . import participation as participation_rules
from .models import Participant, Treaty


class TreatyListView(ListView):
    """/treaties/: the instruments, the core ones first, with their dates and counts."""

    template_name = "treaties/treaty_list.html"
    context_object_name = "treaties"
    paginate_by = 50

    def get_queryset(self):
        return Treaty.objects.for_display().with_counts().core_first()


# -- Participation: participants, profiles, the matrix, data quality and downloads ---------------


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
            f"treatykb-ratifications-{treaty.slug}-{day.isoformat()}.csv",
            columns.RATIFICATION.header,
            columns.RATIFICATION.rows(participation.rows, day=day),
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
        self.errors = filter_errors(self.filterset) + self.columns.errors
        self.as_of = self.filterset.as_of_date if not self.errors else None

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

    def get_context_data(self, **kwargs):
        profile = participation_rules.participant_profile(self.object, page_number(self.request))
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
                        iso(r.signature_on) if r else "",
                        r.consent_kind if r else "",
                        (iso(r.consent_on) or participation_rules.NOT_KNOWN)
                        if r and r.consent_kind
                        else "",
                        iso(r.withdrawal_effective_on) if r else "",
                    ]
                line.append(day)
                yield line

        return csv_response(f"treatykb-matrix-{day}.csv", header, lines())
