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
        ("membership=nato", "Unknown value &#x27;nato&#x27;. Use one of: coe, asean, eu."),
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


def test_the_filters_offer_other_treaties_only_in_a_larger_collection(client):
    core = [TreatyFactory(slug=f"core-{i}", core=True) for i in range(2)]
    html = client.get("/countries/").content.decode()
    assert "Other treaties" not in html and "at most" not in html
    TreatyFactory(slug="another", core=False)
    html = client.get("/countries/").content.decode()
    assert '<label for="filter-treaties">Other treaties</label>' in html
    assert "at most 12" in html
    assert all(f'value="{t.slug}"' in html for t in core)


def test_the_filters_say_how_many_are_applied_and_stay_open_for_them(client):
    html = client.get("/countries/?membership=coe&region=Europe&page=1").content.decode()
    assert "<summary>Filters <small>(2 applied)</small></summary>" in html
    assert "data-fold-on-phone" not in html
    assert "data-fold-on-phone" in client.get("/countries/").content.decode()


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
        # Every member of the Council of Europe is party to the Protocol today: the page
        # answers the question instead of reporting an empty list.
        assert response.context["paginator"].count == 0
        html = response.content.decode()
        assert "None: all 46 Council of Europe members are party to the Palermo Protocol" in html
        assert 'href="?membership=coe&amp;party_to=palermo-protocol">list them</a>' in html
        assert "No participant matches these filters" not in html

    @pytest.mark.parametrize(
        "query, answer",
        [
            ("membership=coe&not_party_to=palermo-protocol", "(none: all 46 are party)"),
            ("membership=coe&not_party_to=coe-convention", "(none: all 46 are party)"),
            ("membership=eu&not_party_to=palermo-protocol", "(none: all 27 are party)"),
            ("membership=asean&not_party_to=asean-actip", "(none: all 10 are party)"),
            ("party_to=untoc&not_party_to=palermo-protocol", "(12)"),
            ("signatory_to=palermo-protocol", "(2)"),
            ("region=Africa&not_party_to=palermo-protocol", "(4)"),
            ("region=Asia&party_to=untoc", "(47)"),
        ],
    )
    def test_every_quick_question_shows_its_answer(self, client, query, answer):
        response = client.get("/countries/")
        (item,) = [q for q in response.context["quick_questions"] if q.query == query]
        assert f'{item.question} <small class="quick-questions__answer">{answer}</small>' in (
            response.content.decode()
        )
        # The count shown is the list the question links to.
        listed = client.get(f"/countries/?{query}").context["paginator"].count
        assert item.count == listed

    def test_a_question_with_an_answer_counts_it_against_those_asked_about(self, client):
        html = client.get("/countries/?region=Africa&not_party_to=palermo-protocol").content
        text = " ".join(html.decode().split())
        assert "<strong>4</strong> of the 54 participants in Africa are not party to the " in text
        assert "the other 50 are party" in text

    def test_the_filters_offer_no_other_treaties_when_there_are_none(self, client):
        html = client.get("/countries/").content.decode()
        assert "Other treaties" not in html and "at most 12" not in html
        assert 'name="treaty" value="coe-convention"' in html

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
