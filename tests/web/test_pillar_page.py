"""Pillar pages: one pillar read across the four instruments."""

import pytest

from tests.factories import ProvisionFactory
from tests.queries import assert_flat

pytestmark = pytest.mark.django_db


def test_pillar_index_lists_the_pillars_with_counts(client, pillars, convention):
    pillars[1].description = "Identification & assistance of victims."
    pillars[1].save()
    ProvisionFactory(treaty=convention, pillars=[pillars[1]])
    page = client.get("/pillars/").content.decode()
    for pillar in pillars:
        assert f'href="/pillars/{pillar.slug}/"' in page
    assert "Identification &amp; assistance of victims." in page
    assert '/treaties/convention/?pillar=protection#contents">1<' in page


def test_a_pillar_page_groups_its_provisions_by_treaty_with_excerpts(
    client, pillars, convention, protocol
):
    ProvisionFactory(
        treaty=convention,
        number="25",
        heading="Victims",
        text="1. Each State Party shall assist victims.",
        pillars=[pillars[1]],
    )
    ProvisionFactory(treaty=protocol, number="6", heading="Assistance", pillars=[pillars[1]])
    ProvisionFactory(treaty=protocol, number="5", heading="Criminal law", pillars=[pillars[2]])
    ProvisionFactory(
        treaty=protocol,
        number="14",
        heading="",
        heading_verified=False,
        text="",
        text_incomplete=True,
        pillars=[pillars[1]],
    )
    page = client.get("/pillars/protection/").content.decode()
    assert "<title>Protection – Pillars – Treaty KB</title>" in page
    convention_part = page[page.index('id="convention"') : page.index('id="protocol"')]
    protocol_part = page[page.index('id="protocol"') :]
    assert "Each State Party shall assist victims." in convention_part
    assert 'href="/treaties/protocol/articles/6/"' in protocol_part
    assert "Criminal law" not in page
    assert "2 of 3 articles tagged Protection" in protocol_part
    assert "Official text not yet available." in protocol_part


def test_a_treaty_without_tagged_provisions_says_so(client, pillars, convention):
    page = client.get("/pillars/prevention/").content.decode()
    assert "No article of this instrument is tagged Prevention in our data." in page


def test_an_unknown_pillar_is_a_404(client, pillars):
    assert client.get("/pillars/persecution/").status_code == 404


def test_pillar_pages_query_counts_do_not_grow_with_the_data(
    client, grow, django_assert_num_queries
):
    assert_flat(client, grow, "/pillars/", django_assert_num_queries)
    assert_flat(client, grow, "/pillars/protection/", django_assert_num_queries)
