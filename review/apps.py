from django.apps import AppConfig

from common import proposals


class ReviewConfig(AppConfig):
    """Review before publication: an editor's change to published content (an article, a
    ratification record, a statement, a participant) waits as a proposal until a reviewer
    approves it (``review.services``); and the team's activity, read from the history, the
    loader's decisions and the proposals (``review.activity``)."""

    name = "review"
    verbose_name = "Review and activity"

    def ready(self):
        from .gate import ReviewGate

        # The admin and the API (``common``) ask the gate whether a write is published or
        # proposed; it lives here, above the content apps.
        proposals.install(ReviewGate())
