"""The gate the admin and the API ask (``common.proposals``): whether a write is published at
once or kept as a proposal, and where a proposal is seen."""

from django.urls import reverse

from . import services


class ReviewGate:
    def must_propose(self, user, model):
        return services.must_propose(user, model)

    def propose(self, **kwargs):
        return services.propose(**kwargs)

    def url(self, proposal):
        return reverse("admin:review_proposal_change", args=[proposal.pk])

    errors = (services.ProposalError,)
    nothing = services.NothingToPropose
