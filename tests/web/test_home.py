"""The home page: the instruments at a glance, the pillars across them, the latest actions."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from tests.queries import assert_flat

pytestmark = pytest.mark.django_db


def test_home_shows_each_instrument_with_its_year_parties_signatories_and_entry_into_force(
    client, convention, protocol
):
    RatificationFactory(treaty=convention)
    RatificationFactory(treaty=convention, consent_kind="", consent_on=None)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert convention.full_title in page and protocol.full_title in page
    assert 'href="/treaties/convention/"' in page
    card = page[page.index(convention.full_title) :]
    assert "<dt>Parties</dt><dd>1</dd>" in card
    assert "<dt>Signatories not yet bound</dt><dd>1</dd>" in card
    assert "29 Sep 2003" in card
    assert ">2000</time>" in card


def test_home_counts_provisions_per_pillar_and_treaty(client, pillars, convention, protocol):
    protection = pillars[1]
    ProvisionFactory.create_batch(3, treaty=convention, pillars=[protection])
    ProvisionFactory(treaty=protocol, pillars=[protection])
    page = client.get("/").content.decode()
    assert 'href="/pillars/protection/"' in page
    assert '/treaties/convention/?pillar=protection#contents">3<' in page
    assert '/treaties/protocol/?pillar=protection#contents">1<' in page
    # Counted in words for screen readers, singular for one.
    assert '3<span class="visually-hidden"> articles of The Convention tagged' in page
    assert '1<span class="visually-hidden"> article of The Protocol tagged' in page


def test_home_lists_the_latest_consents_newest_first_and_leaves_out_undated_ones(
    client, convention
):
    old = ParticipantFactory(name="Oldland")
    new = ParticipantFactory(name="Newland")
    undated = ParticipantFactory(name="Undatedland")
    RatificationFactory(treaty=convention, participant=old, consent_on=datetime.date(2004, 1, 1))
    RatificationFactory(
        treaty=convention,
        participant=new,
        consent_kind="accession",
        signature_on=None,
        consent_on=datetime.date(2023, 2, 20),
    )
    RatificationFactory(treaty=convention, participant=undated, consent_on=None)
    page = client.get("/").content.decode()
    recent = page[page.index("Latest treaty actions") :]
    assert recent.index("Newland") < recent.index("Oldland")
    assert "Accession" in recent and "20 Feb 2023" in recent
    assert "Undatedland" not in recent


def test_home_has_title_description_canonical_and_navigation(client, convention):
    page = client.get("/?utm_source=newsletter").content.decode()
    assert "<title>Treaty KB: the international treaties against human trafficking</title>" in page
    assert '<meta name="description" content="The four international treaties' in page
    assert '<link rel="canonical" href="http://testserver/">' in page
    for path in [
        "/treaties/",
        "/pillars/",
        "/compare/",
        "/countries/",
        "/matrix/",
        "/search/",
        "/data/",
        "/api/v1/docs/",
    ]:
        assert f'href="{path}"' in page
    assert 'href="/" aria-current="page">Home' in page
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page


def test_home_query_count_does_not_grow_with_the_data(client, grow, django_assert_num_queries):
    assert_flat(client, grow, reverse("catalogue:home"), django_assert_num_queries)


def test_treaty_list_shows_every_instrument(
    client, convention, protocol, grow, django_assert_num_queries
):
    page = client.get("/treaties/").content.decode()
    assert convention.full_title in page and protocol.full_title in page
    assert "supplements The Convention" in page
    assert_flat(client, grow, "/treaties/", django_assert_num_queries)
