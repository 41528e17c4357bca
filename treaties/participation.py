"""The participation section of a treaty page: who signed, who is bound, since when.

Owned separately from the rest of the treaty page (metadata, table of contents) so that the two
can grow independently; ``TreatyDetailView`` mixes it in.
"""

from .models import Ratification


class ParticipationMixin:
    """Adds ``ratifications`` (with derived status) for ``self.object``, a Treaty."""

    def get_participation_context(self):
        return {
            "ratifications": Ratification.objects.for_display()
            .with_status()
            .filter(treaty=self.object)
            .order_by("participant__name"),
        }
