"""Compare: instruments side by side, aligned on the concordance, gaps shown as gaps."""

import pytest

from tests.factories import ProvisionFactory, TopicFactory, TreatyFactory
from tests.queries import assert_flat

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional(db):
    return TreatyFactory(slug="regional", short_title="The Regional", position=3)


@pytest.fixture
def concordance(convention, protocol, regional):
    definitions = TopicFactory(slug="definitions", name="Definitions", position=1)
    definitions.provisions.add(
        ProvisionFactory(treaty=convention, number="2", heading="Use of terms"),
        ProvisionFactory(treaty=protocol, number="3", heading="Use of terms in the Protocol"),
    )
    jurisdiction = TopicFactory(slug="jurisdiction", name="Jurisdiction", position=2)
    jurisdiction.provisions.add(
        ProvisionFactory(treaty=convention, number="15", heading="Jurisdiction"),
    )
    return definitions, jurisdiction


def test_all_instruments_are_compared_by_default_row_by_row(client, concordance):
    page = client.get("/compare/").content.decode()
    assert page.count('type="checkbox" name="treaty"') == 3
    assert page.count(" checked>") == 3
    definitions = page[page.index('<tr id="definitions">') : page.index('<tr id="jurisdiction">')]
    assert "Use of terms in the Protocol" in definitions
    assert definitions.count("No corresponding provision") == 1  # the regional treaty
    jurisdiction = page[page.index('<tr id="jurisdiction">') :]
    assert jurisdiction.count("No corresponding provision") == 2


def test_chosen_instruments_only_and_rows_without_any_provision_left_out(client, concordance):
    page = client.get("/compare/?treaty=protocol&treaty=regional").content.decode()
    assert '<th scope="col"><a href="/treaties/convention/">' not in page
    assert 'id="definitions"' in page
    assert 'id="jurisdiction"' not in page
    assert "1 subject of the concordance has no provision in the instruments chosen" in page


def test_unknown_or_too_few_instruments_are_explained(client, concordance):
    page = client.get("/compare/?treaty=protocol&treaty=<atlantis>").content.decode()
    assert "There is no instrument &#x27;&lt;atlantis&gt;&#x27;" in page
    assert "Choose at least two instruments to compare" in page
    assert page.count(" checked>") == 3


def test_the_canonical_url_keeps_the_choice(client, concordance):
    page = client.get("/compare/?treaty=protocol&treaty=regional&ref=x").content.decode()
    assert (
        '<link rel="canonical" href="http://testserver/compare/?treaty=protocol&amp;treaty=regional">'
        in page
    )


def test_compare_query_count_does_not_grow_with_the_data(client, grow, django_assert_num_queries):
    assert_flat(client, grow, "/compare/", django_assert_num_queries)
    assert_flat(
        client, grow, "/compare/?treaty=convention&treaty=protocol", django_assert_num_queries
    )
