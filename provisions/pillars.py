"""The pillars across treaties: articles with their pillars in order, and the table of how many
articles of each treaty serve each pillar (the home page, the pillars page)."""

from django.db.models import BigIntegerField, Case, Count, F, Prefetch, Value, When

from common.caching import cached_aggregate

from .models import Pillar, Provision


def ordered_pillars():
    return Prefetch("pillars", queryset=Pillar.objects.order_by("position", "slug"))


OTHERS = 0  # the group of every treaty not shown in a column of its own


def pillar_counts(treaties):
    """{(pillar id, treaty id or OTHERS): number of tagged articles}, for ``treaties`` and for
    every other treaty together; one query, cached under the data version."""
    ids = [treaty.pk for treaty in treaties]

    def build():
        group = (
            Case(
                When(provision__treaty_id__in=ids, then=F("provision__treaty_id")),
                default=Value(OTHERS),
                output_field=BigIntegerField(),
            )
            if ids
            else Value(OTHERS)
        )
        rows = (
            Provision.pillars.through.objects.annotate(group=group)
            .values("pillar_id", "group")
            .annotate(count=Count("pk"))
            .order_by()
        )
        return {(row["pillar_id"], row["group"]): row["count"] for row in rows}

    return cached_aggregate("pillar-counts", build, tuple(ids))


def pillar_table(treaties):
    """One row per pillar: the pillar, a cell per treaty (in the order of ``treaties``: the
    featured ones) with the number of its articles tagged with the pillar, the same for every
    other treaty together (``others``), and the total. Two queries at most (the counts are
    cached), whatever the number of treaties and provisions."""
    counts = pillar_counts(treaties)
    rows = []
    for pillar in Pillar.objects.order_by("position", "slug"):
        cells = [
            {"treaty": treaty, "count": counts.get((pillar.pk, treaty.pk), 0)}
            for treaty in treaties
        ]
        others = counts.get((pillar.pk, OTHERS), 0)
        rows.append(
            {
                "pillar": pillar,
                "cells": cells,
                "others": others,
                "total": sum(cell["count"] for cell in cells) + others,
            }
        )
    return rows
