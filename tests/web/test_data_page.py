"""/data/: what the data covers, how current it is, every known gap, and the downloads."""

import pytest

from tests.factories import ProvisionFactory, RatificationFactory, TreatyFactory
from tests.queries import count_queries
from tests.scenarios import build_participation

pytestmark = pytest.mark.django_db


def test_links_to_todays_dated_downloads(client, settings):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    html = client.get("/data/").content.decode()
    assert f'href="/data/download/treatykb-{today}.zip"' in html
    assert f'href="/data/download/treatykb-{today}.json"' in html


def test_lists_an_undated_party_a_disagreement_and_an_incomplete_article(client):
    treaty = TreatyFactory(slug="d", short_title="D Convention")
    RatificationFactory(treaty=treaty, consent_on=None, participant__name="Undatedland")
    RatificationFactory(treaty=treaty, note="Source A says 1 May; source B says 2 May.")
    ProvisionFactory(treaty=treaty, number="9", text="", text_incomplete=True)
    html = client.get("/data/").content.decode()
    assert "Undatedland" in html
    assert "Source A says 1 May; source B says 2 May." in html
    assert "D Convention, art. 9" in html


def test_the_page_makes_as_many_queries_with_3n_rows_as_with_n(client):
    build_participation(6)
    small = count_queries(client, "/data/")
    build_participation(18)
    assert count_queries(client, "/data/") == small


# The shipped data set is loaded once for the rest of this module (``real_data`` is
# module-scoped), so these come after the tests that build their own rows.
class TestOnTheShippedData:
    pytestmark = pytest.mark.usefixtures("real_data")

    def test_says_how_current_each_treaty_is(self, client):
        response = client.get("/data/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "4 May 2024" in html  # UNTOC
        assert "20 April 2024" in html  # the Protocol
        counts = {t.slug: (t.party_count, t.record_count) for t in response.context["treaties"]}
        assert counts["untoc"] == (193, 195)
        assert counts["asean-actip"][0] == 10

    def test_lists_every_party_without_a_consent_date(self, client):
        undated = client.get("/data/").context["undated"]
        assert len(undated) == 25
        names = {(r.treaty.slug, r.participant.code) for r in undated}
        assert ("untoc", "SO") in names and ("untoc", "PS") in names

    def test_lists_the_disagreements_between_sources(self, client):
        response = client.get("/data/")
        assert len(response.context["disagreements"]) == 16
        assert "12 Dec 2006 per whatconvention" in response.content.decode()

    def test_lists_incomplete_texts(self, client):
        response = client.get("/data/")
        incomplete = response.context["incomplete"]
        assert incomplete and all(p.text_incomplete for p in incomplete)
        assert any(p.treaty.slug == "asean-actip" for p in incomplete)
