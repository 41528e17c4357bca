from django import template

from review import services
from review.models import Proposal, Status

register = template.Library()


@register.simple_tag(takes_context=True)
def review_summary(context):
    """For the admin's index: open proposals (in all and per kind of record), and the signed-in
    user's own proposals decided lately (with the reviewer's comment); None for a user who may
    not see proposals."""
    user = context["request"].user
    if not user.has_perm("review.view_proposal"):
        return None
    total, per_type = services.open_counts()
    mine = list(
        Proposal.objects.filter(author=user)
        .exclude(status=Status.OPEN)
        .select_related("decided_by")
        .order_by("-decided_at")[:5]
    )
    return {
        "total": total,
        "per_type": [
            (model._meta.model_name, model._meta.verbose_name_plural, count)
            for model, count in sorted(per_type.items(), key=lambda item: item[0]._meta.label)
        ],
        "mine_open": Proposal.objects.open().filter(author=user).count(),
        "mine_decided": mine,
    }
