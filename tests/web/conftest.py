"""Shared helpers for the reading pages' tests: a data set that can grow, and query counting."""

import datetime
import itertools

import pytest

from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TopicFactory,
    TreatyFactory,
)

PILLAR_SLUGS = ["prevention", "protection", "prosecution", "cooperation"]


@pytest.fixture
def pillars(db):
    return [
        PillarFactory(slug=slug, name=slug.title(), position=i)
        for i, slug in enumerate(PILLAR_SLUGS)
    ]


@pytest.fixture
def convention(db):
    return TreatyFactory(
        slug="convention",
        short_title="The Convention",
        full_title="Convention against Something Serious",
        position=1,
    )


@pytest.fixture
def protocol(db, convention):
    return TreatyFactory(
        slug="protocol",
        short_title="The Protocol",
        full_title="Protocol supplementing the Convention against Something Serious",
        kind="protocol",
        parent=convention,
        position=2,
    )


@pytest.fixture
def grow(db, pillars, convention, protocol):
    """``grow(n)`` adds n articles to each of two treaties (tagged, related across them, with
    statements and a concordance topic each) and n participants bound by both."""
    counter = itertools.count(1)

    def add(n):
        for _ in range(n):
            i = next(counter)
            pillar = pillars[i % len(pillars)]
            ours = ProvisionFactory(treaty=convention, number=str(100 + i), pillars=[pillar])
            theirs = ProvisionFactory(treaty=protocol, number=str(100 + i), pillars=[pillar])
            ours.related.add(theirs)
            topic = TopicFactory(position=i)
            topic.provisions.add(ours, theirs)
            participant = ParticipantFactory()
            for treaty in (convention, protocol):
                record = RatificationFactory(
                    treaty=treaty,
                    participant=participant,
                    consent_on=datetime.date(2004, 1, 1) + datetime.timedelta(days=i),
                )
            statement = StatementFactory(ratification=record, article_reference="100")
            statement.provisions.add(theirs)

    return add
