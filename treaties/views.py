from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from provisions.models import Provision

from .models import Participant, Treaty
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


class ParticipantListView(ListView):
    model = Participant


class ParticipantDetailView(DetailView):
    model = Participant
    queryset = Participant.objects.for_display()
    slug_field = "code"
    slug_url_kwarg = "code"
