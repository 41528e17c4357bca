"""Data-integrity findings on the articles (``catalogue.checks`` gathers them with the records'
for ``manage.py check_data`` and the data-quality page)."""

from django.db.models import Q

from treaties.checks import WARNING, Finding

from .models import ConcordanceFinding, Provision, Topic, text_completeness


def findings():
    """Articles without a pillar, and articles whose official text is incomplete."""
    final_or_general = Q(pillars__isnull=True)
    for p in Provision.objects.filter(final_or_general, text_incomplete=False).select_related(
        "treaty"
    ):
        yield Finding(WARNING, "untagged", f"{p}: no pillar.")
    for p in Provision.objects.incomplete().select_related("treaty"):
        yield Finding(WARNING, "text-incomplete", f"{p}: official text incomplete.")
    yield from concordance_findings()


def concordance_findings():
    """Findings of no corresponding provision that the data contradicts: the topic lists an
    article of the instrument, or the instrument's text is not in the knowledge base in full."""
    findings = list(ConcordanceFinding.objects.select_related("topic", "treaty"))
    if not findings:
        return
    listed = set(Topic.provisions.through.objects.values_list("topic_id", "provision__treaty_id"))
    complete = text_completeness({f.treaty for f in findings})
    for finding in findings:
        if (finding.topic_id, finding.treaty_id) in listed:
            yield Finding(
                WARNING,
                "concordance-finding-contradicted",
                f"{finding.topic}: {finding.treaty} has articles listed and a finding that it "
                "has none; the articles are shown.",
            )
        if not complete[finding.treaty_id]:
            yield Finding(
                WARNING,
                "concordance-finding-without-text",
                f"{finding.topic}: a finding that {finding.treaty} has no provision, but its "
                "text is not in the knowledge base in full.",
            )
