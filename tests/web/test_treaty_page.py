"""The treaty page: metadata, preamble, contents with pillar badges, a pillar filter."""

import datetime

import pytest

from tests.factories import ProvisionFactory, TreatyFactory
from tests.queries import assert_flat

pytestmark = pytest.mark.django_db


def test_treaty_page_shows_the_metadata_with_status_date_and_note(client, convention, protocol):
    convention.depositary = "Secretary-General of the United Nations"
    convention.status_as_at = datetime.date(2024, 5, 4)
    convention.status_note = "Rebuilt from the depositary's table of 2014 & later notices."
    convention.sources = ["https://example.org/text"]
    convention.save()
    page = client.get("/treaties/convention/").content.decode()
    assert "<h1>Convention against Something Serious</h1>" in page
    assert "15 November 2000" in page  # adopted
    assert "12 December 2000" in page  # opened for signature
    assert "29 September 2003" in page  # entry into force
    assert "Secretary-General of the United Nations" in page
    assert "4 May 2024" in page
    assert "2014 &amp; later notices" in page
    assert 'href="https://example.org/text"' in page
    assert "Supplemented by" in page and 'href="/treaties/protocol/"' in page


def test_a_protocol_names_its_parent_instrument(client, protocol):
    page = client.get("/treaties/protocol/").content.decode()
    assert "Supplements" in page and 'href="/treaties/convention/"' in page


def test_a_missing_date_is_a_visible_gap(client, convention):
    convention.entry_into_force_on = None
    convention.status_as_at = None
    convention.save()
    page = client.get("/treaties/convention/").content.decode()
    assert "date not known" in page
    assert "Counts checked against the depositary" not in page  # no date claimed


def test_the_preamble_is_shown_and_marked_when_incomplete(client, convention):
    convention.preamble = "The States Parties,\n\nConsidering […] the need,\n\nHave agreed:"
    convention.preamble_incomplete = True
    convention.save()
    page = client.get("/treaties/convention/").content.decode()
    assert "The preamble is incomplete in our sources" in page
    assert "<p>Considering […] the need,</p>" in page
    assert "Read the preamble (3 paragraphs)" in page


def test_a_missing_preamble_is_said_plainly(client, convention):
    page = client.get("/treaties/convention/").content.decode()
    assert "Our sources give no preamble for this instrument." in page


def test_contents_are_grouped_by_division_with_pillar_badges_on_every_article(
    client, pillars, convention
):
    ProvisionFactory(
        treaty=convention,
        number="1",
        heading="Purpose",
        division="I. General",
        pillars=[pillars[0]],
    )
    ProvisionFactory(
        treaty=convention,
        number="2",
        heading="Victims",
        division="II. Victims",
        pillars=[pillars[1], pillars[3]],
    )
    ProvisionFactory(
        treaty=convention,
        number="3",
        heading="",
        heading_verified=False,
        division="II. Victims",
        text="",
        text_incomplete=True,
    )
    page = client.get("/treaties/convention/").content.decode()
    assert '<h3 class="division" id="division-i-general">I. General</h3>' in page
    assert page.index("I. General</h3>") < page.index("Purpose") < page.index("II. Victims</h3>")
    assert 'href="/treaties/convention/articles/2/"' in page
    second = page[page.index("articles/2/") : page.index("articles/3/")]
    assert "badge--protection" in second and "badge--cooperation" in second
    third = page[page.index("articles/3/") :]
    assert "Heading not available in accessible sources" in third
    assert "Official text not yet available" in third


def test_the_pillar_filter_is_a_plain_link_that_narrows_the_contents(client, pillars, convention):
    ProvisionFactory(treaty=convention, number="1", heading="Prevent it", pillars=[pillars[0]])
    ProvisionFactory(treaty=convention, number="2", heading="Protect them", pillars=[pillars[1]])
    page = client.get("/treaties/convention/").content.decode()
    assert 'href="?pillar=protection#contents"' in page
    filtered = client.get("/treaties/convention/?pillar=protection").content.decode()
    assert "Protect them" in filtered and "Prevent it" not in filtered
    assert "1 of 2 articles tagged <strong>Protection</strong>" in filtered
    assert 'aria-current="true">Protection' in filtered


def test_an_unknown_pillar_is_explained_and_ignored(client, pillars, convention):
    ProvisionFactory(treaty=convention, number="1", heading="Prevent it", pillars=[pillars[0]])
    response = client.get("/treaties/convention/?pillar=<b>nope</b>")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some filters could not be applied" in page
    assert "Use one or more of: prevention, protection, prosecution, cooperation." in page
    assert "<b>nope</b>" not in page
    assert "Prevent it" in page


def test_an_unknown_treaty_is_a_404(client, db):
    response = client.get("/treaties/no-such-treaty/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_canonical_url_drops_the_filter_and_noise(client, convention):
    page = client.get("/treaties/convention/?pillar=protection&fbclid=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/treaties/convention/">' in page


def test_the_participation_section_is_included(client, convention):
    from tests.factories import RatificationFactory

    record = RatificationFactory(treaty=convention)
    page = client.get("/treaties/convention/").content.decode()
    assert record.participant.get_absolute_url() in page


def test_treaty_page_query_count_does_not_grow_with_the_data(
    client, grow, django_assert_num_queries
):
    assert_flat(client, grow, "/treaties/convention/", django_assert_num_queries)
    assert_flat(client, grow, "/treaties/protocol/?pillar=protection", django_assert_num_queries)


def test_other_treaties_articles_do_not_appear(client, convention):
    other = TreatyFactory(slug="other")
    ProvisionFactory(treaty=other, number="1", heading="Elsewhere")
    assert "Elsewhere" not in client.get("/treaties/convention/").content.decode()
