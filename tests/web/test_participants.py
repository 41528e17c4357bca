"""/countries/: every participant, filterable by region, membership and status per treaty."""

import pytest

from tests.factories import ParticipantFactory, RatificationFactory, TreatyFactory
from tests.queries import count_queries
from tests.scenarios import build_participation

pytestmark = pytest.mark.django_db


def test_the_filter_form_has_a_label_for_every_control(client):
    html = client.get("/countries/").content.decode()
    for name in ("region", "membership", "party_to", "not_party_to", "signatory_to"):
        assert f'<label for="id_{name}">' in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("not_party_to=palermo", "Unknown treaty &#x27;palermo&#x27;"),
        ("membership=nato", "Unknown value &#x27;nato&#x27;. Use one or more of: coe, asean, eu."),
        ("as_of=31-12-2010", "is not a date"),
    ],
)
def test_an_invalid_filter_is_explained_and_shows_no_rows(client, query, message):
    TreatyFactory(slug="palermo-protocol")
    response = client.get(f"/countries/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert list(response.context["rows"]) == []


def test_a_page_number_past_the_end_is_404(client):
    ParticipantFactory()
    assert client.get("/countries/?page=99").status_code == 404


def test_region_filter(client):
    ParticipantFactory(name="Alpha", region="Europe")
    ParticipantFactory(name="Beta", region="Africa")
    response = client.get("/countries/?region=Africa")
    assert [p.name for p in response.context["rows"]] == ["Beta"]


def test_party_to_uses_the_derived_status(client):
    treaty = TreatyFactory(slug="t")
    RatificationFactory(treaty=treaty, participant=ParticipantFactory(name="Bound"))
    RatificationFactory(
        treaty=treaty,
        participant=ParticipantFactory(name="Signed"),
        consent_kind="",
        consent_on=None,
    )
    response = client.get("/countries/?party_to=t")
    assert [p.name for p in response.context["rows"]] == ["Bound"]


def test_the_list_makes_as_many_queries_with_3n_participants_as_with_n(client):
    build_participation(8)
    small = count_queries(client, "/countries/?membership=coe")
    build_participation(24)
    assert count_queries(client, "/countries/?membership=coe") == small


# The shipped data set is loaded once for the rest of this module (``real_data`` is
# module-scoped), so these come after the tests that build their own rows.
class TestOnTheShippedData:
    pytestmark = pytest.mark.usefixtures("real_data")

    def test_lists_all_195_participants_on_paginated_pages(self, client):
        response = client.get("/countries/")
        assert response.status_code == 200
        assert response.context["paginator"].count == 195
        assert len(response.context["rows"]) == 50
        assert "195 participants" in response.content.decode()

    def test_each_row_has_a_status_under_each_of_the_four_treaties(self, client):
        response = client.get("/countries/?q=germany")
        (germany,) = response.context["rows"]
        assert [cell.treaty.slug for cell in germany.cells] == [
            "untoc",
            "palermo-protocol",
            "coe-convention",
            "asean-actip",
        ]
        assert [cell.status for cell in germany.cells] == ["party", "party", "party", "none"]

    def test_coe_members_not_party_to_the_palermo_protocol_is_one_url(self, client):
        response = client.get("/countries/?membership=coe&not_party_to=palermo-protocol")
        assert response.status_code == 200
        # Every member of the Council of Europe is party to the Protocol today.
        assert response.context["paginator"].count == 0
        assert "0 participants match these filters" in response.content.decode()

    def test_the_same_question_at_a_past_date_finds_the_members_not_yet_party(self, client):
        response = client.get(
            "/countries/?membership=coe&not_party_to=palermo-protocol&as_of=2005-01-01"
        )
        names = {p.name for p in response.context["rows"]}
        assert "Germany" in names and "Ireland" in names
        assert all(p.coe_member for p in response.context["rows"])

    def test_asean_members_not_party_to_actip(self, client):
        response = client.get("/countries/?membership=asean&not_party_to=asean-actip")
        assert response.context["paginator"].count == 0

    def test_signatories_of_untoc_that_are_not_bound(self, client):
        response = client.get("/countries/?signatory_to=untoc")
        assert {p.code for p in response.context["rows"]} == {"CG", "IR"}

    def test_quick_questions_are_links_to_filtered_lists(self, client):
        html = client.get("/countries/").content.decode()
        assert 'href="?membership=coe&amp;not_party_to=palermo-protocol"' in html
        assert "Council of Europe members not party to the Palermo Protocol" in html

    def test_a_party_without_a_known_date_says_so(self, client):
        html = client.get("/countries/?q=somalia").content.decode()
        assert "date not known" in html

    def test_pagination_keeps_the_filters(self, client):
        html = client.get("/countries/?party_to=untoc").content.decode()
        assert "?party_to=untoc&amp;page=2" in html
