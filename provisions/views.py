from django.views.generic import DetailView, TemplateView

from treaties.models import Treaty

from .models import Pillar, Topic


class PillarDetailView(DetailView):
    model = Pillar

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            provisions=self.object.provisions.for_display().in_treaty_order(), **kwargs
        )


class CompareView(TemplateView):
    template_name = "provisions/compare.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            treaties=Treaty.objects.all(),
            topics=Topic.objects.prefetch_related("provisions__treaty"),
            **kwargs,
        )
