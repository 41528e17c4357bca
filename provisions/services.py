"""Writes on articles that span rows: tagging an article (the data loader), tagging many
articles with a pillar (the admin's bulk actions, the API), and importing pillar tags from CSV
(the admin's import page and ``manage.py import_provision_tags``).

Every write runs in one transaction and is recorded in the change history (one record per
article, with its author and a reason).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from common.history import grouped_history
from common.imports import CHANGE, REJECT, UNCHANGED, ImportReport, RowOutcome, read_csv
from common.tracking import add_links

from .models import Pillar, Provision, text_completeness

TAG_COLUMNS = ["treaty_slug", "number", "pillars"]
ADD, REPLACE = "add", "replace"
MODES = (ADD, REPLACE)


def related_problems(provision, others, treaty=None):
    """Why ``others`` cannot be ``provision``'s related articles (the concordance links an
    article to its counterparts in the OTHER instruments): the article itself, or another
    article of its own treaty. The admin's form and the API check it."""
    treaty_id = treaty.pk if treaty is not None else provision.treaty_id
    problems = []
    for other in others:
        if provision.pk and other.pk == provision.pk:
            problems.append("An article cannot be related to itself.")
        elif other.treaty_id == treaty_id:
            problems.append(
                f"{other} is an article of the same treaty: related articles are the "
                "corresponding articles of the other instruments."
            )
    return problems


def finding_problems(topic, treaty):
    """Why an editor cannot record that ``treaty`` has no provision on ``topic``: the topic
    lists an article of it, or its text is not in the knowledge base in full (a finding of
    absence needs the whole text read). The admin's forms and ``check_data`` ask it."""
    problems = []
    listed = topic.provisions.filter(treaty=treaty).order_by("sort_key")
    if listed:
        names = ", ".join(f"art. {p.number}" for p in listed)
        problems.append(
            f"{topic} lists {names} of {treaty.short_title}: remove the articles first, or "
            "record no finding."
        )
    if not text_completeness([treaty])[treaty.pk]:
        problems.append(
            f"The text of {treaty.short_title} is not available in full in the knowledge base: "
            "a finding that it has no corresponding provision needs the whole text read."
        )
    return problems


def record_provision(provision, *, pillars=None, related=None, user=None, reason=""):
    """Save an article (text, heading, ...) after ``full_clean()``, with ``pillars`` and
    ``related`` (when given) as its only pillars and related articles: one transaction, one
    history record. An approved proposal is written through it."""
    with transaction.atomic(), grouped_history(user=user, reason=reason):
        provision.full_clean()
        provision.save()
        if pillars is not None:
            provision.pillars.set(pillars)
        if related is not None:
            problems = related_problems(provision, related)
            if problems:
                raise ValidationError({"related": problems})
            provision.related.set(related)
    return provision


def tag(provision, pillars):
    """Tag one article with the pillars it is not tagged with yet (never untags: an editor's
    tags are kept); returns those added. The data loader tags through it."""
    return add_links(provision.pillars, pillars)


def add_pillar(provisions, pillar, *, user=None, reason=""):
    """Tag the provisions with the pillar; returns how many were not tagged with it before."""
    with transaction.atomic(), grouped_history(user=user, reason=reason):
        untagged = list(
            Provision.objects.filter(pk__in=[p.pk for p in provisions]).exclude(pillars=pillar)
        )
        pillar.provisions.add(*untagged)
    return len(untagged)


def remove_pillar(provisions, pillar, *, user=None, reason=""):
    """Untag the provisions; returns how many were tagged with it before."""
    with transaction.atomic(), grouped_history(user=user, reason=reason):
        tagged = list(Provision.objects.filter(pk__in=[p.pk for p in provisions], pillars=pillar))
        pillar.provisions.remove(*tagged)
    return len(tagged)


def pillar_names(slugs, pillars_by_slug):
    return (
        ", ".join(
            pillars_by_slug[slug].name
            for slug in sorted(slugs, key=lambda s: pillars_by_slug[s].position)
        )
        or "–"
    )


def import_provision_tags(content, mode=ADD, *, apply=False, user=None, reason=""):
    """Check (and with ``apply``, write) a CSV of pillar tags.

    Columns: ``treaty_slug``, ``number`` (the article number as written, e.g. '16 bis') and
    ``pillars`` (pillar slugs separated by semicolons, e.g. 'protection;cooperation'). Mode
    ``add`` adds the pillars to those an article has; ``replace`` makes them its only pillars
    (an empty cell then untags it). Nothing is written unless every row is valid."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    report = ImportReport(kind="pillar tags")
    rows, report.errors = read_csv(content, TAG_COLUMNS)
    if report.errors:
        return report
    pillars = {p.slug: p for p in Pillar.objects.all()}
    provisions = {
        (p.treaty.slug, p.number): p
        for p in Provision.objects.select_related("treaty").prefetch_related("pillars")
    }
    treaty_slugs = {slug for slug, _ in provisions}
    seen, pending = {}, []
    for line, row in rows:
        errors = []
        slug, number = row["treaty_slug"], row["number"]
        provision = provisions.get((slug, number))
        if slug not in treaty_slugs:
            errors.append(f"unknown treaty_slug '{slug}'")
        elif provision is None:
            errors.append(f"{slug} has no article '{number}'")
        wanted = [s.strip() for s in row["pillars"].split(";") if s.strip()]
        unknown = [s for s in wanted if s not in pillars]
        if unknown:
            errors.append(
                f"unknown pillar(s) {', '.join(unknown)} (one of {', '.join(sorted(pillars))})"
            )
        if not wanted and mode == ADD:
            errors.append("no pillar to add")
        label = str(provision) if provision else f"{slug} art. {number}"
        if not errors and (slug, number) in seen:
            errors.append(f"a second row for this article (see line {seen[(slug, number)]})")
        if errors:
            report.rows.append(RowOutcome(line, REJECT, label, errors=errors))
            continue
        seen[(slug, number)] = line
        before = {p.slug for p in provision.pillars.all()}
        after = set(wanted) if mode == REPLACE else before | set(wanted)
        changes = []
        if after != before:
            changes = [("pillars", pillar_names(before, pillars), pillar_names(after, pillars))]
        outcome = RowOutcome(line, CHANGE if changes else UNCHANGED, label, changes=changes)
        report.rows.append(outcome)
        pending.append((outcome, provision, [pillars[s] for s in after]))
    if apply and report.ok:
        with transaction.atomic(), grouped_history(user=user, reason=reason or "CSV import"):
            for outcome, provision, wanted in pending:
                if outcome.action == CHANGE:
                    provision.pillars.set(wanted)
        report.applied = True
    return report
