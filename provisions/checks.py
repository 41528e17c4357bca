"""Data-integrity findings on the articles (``catalogue.checks`` gathers them with the records'
for ``manage.py check_data`` and the data-quality page)."""

from django.db.models import Q

from treaties.checks import WARNING, Finding

from .models import Provision


def findings():
    """Articles without a pillar, and articles whose official text is incomplete."""
    final_or_general = Q(pillars__isnull=True)
    for p in Provision.objects.filter(final_or_general, text_incomplete=False).select_related(
        "treaty"
    ):
        yield Finding(WARNING, "untagged", f"{p}: no pillar.")
    for p in Provision.objects.incomplete().select_related("treaty"):
        yield Finding(WARNING, "text-incomplete", f"{p}: official text incomplete.")
