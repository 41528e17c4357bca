"""Fixtures of the reading pages' tests: pillars, two treaties, a data set that grows."""

import pytest

from tests.factories import (
    PillarFactory,
    TreatyFactory,
)
from tests.scenarios import reading_data

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
    """``grow(n)``: see ``tests.scenarios.reading_data``."""
    return reading_data(pillars, convention, protocol)
