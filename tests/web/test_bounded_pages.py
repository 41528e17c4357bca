"""Pages stay the same size however many treaties the collection holds: the core instruments
are shown in full and by default, every other treaty when asked for or a page at a time."""

import csv
import io

import pytest

from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from tests.queries import count_queries
from treaties.models import Treaty
from treaties.participation import MAX_COLUMNS, PROFILE_PAGE_SIZE

pytestmark = pytest.mark.django_db

CORE = ["untoc", "palermo-protocol", "coe-convention", "asean-actip"]


@pytest.fixture
def core():
    return [
        TreatyFactory(slug=slug, short_title=f"Core {i}", position=i, core=True)
        for i, slug in enumerate(CORE, start=1)
    ]


def add_other_treaties(n, participant=None, start=0):
    """``n`` treaties that are not core instruments, each with a record for ``participant``
    (when given)."""
    treaties = []
    for index in range(start, start + n):
        treaty = TreatyFactory(
            slug=f"other-{index:03d}", short_title=f"Other Convention {index:03d}", position=100
        )
        if participant is not None:
            RatificationFactory(treaty=treaty, participant=participant)
        treaties.append(treaty)
    return treaties


def test_the_core_instruments_come_first(core):
    add_other_treaties(3)
    assert [t.slug for t in Treaty.objects.featured()] == CORE
    assert [t.slug for t in Treaty.objects.core_first()][:4] == CORE


def test_without_core_instruments_the_first_four_treaties_are_featured():
    treaties = add_other_treaties(6)
    assert Treaty.objects.featured() == treaties[:4]


# -- The participant profile -----------------------------------------------------------------


def test_the_profile_shows_every_core_instrument_and_only_the_other_treaties_with_a_record(
    client, core
):
    france = ParticipantFactory(code="FR", name="France")
    RatificationFactory(treaty=core[0], participant=france)
    joined = add_other_treaties(2, participant=france)
    add_other_treaties(5, start=10)  # no record for France
    response = client.get("/countries/FR/")
    slugs = [entry.treaty.slug for entry in response.context["entries"]]
    assert slugs == [*CORE, *(t.slug for t in joined)]
    statuses = [entry.status for entry in response.context["entries"]]
    assert statuses == ["party", "none", "none", "none", "party", "party"]
    html = response.content.decode()
    assert html.count("No signature or consent recorded") == 3
    assert "Other Convention 010" not in html
    assert "has a record under <strong>2</strong> other treaties" in html
    assert 'href="/api/v1/ratifications/?participant=FR&amp;format=csv"' in html


def test_the_other_treaties_of_a_profile_come_a_page_at_a_time(client, core):
    france = ParticipantFactory(code="FR", name="France")
    others = add_other_treaties(PROFILE_PAGE_SIZE + 3, participant=france)
    first = client.get("/countries/FR/")
    assert len(first.context["entries"]) == len(CORE) + PROFILE_PAGE_SIZE
    assert 'href="?page=2#other-treaties"' in first.content.decode()
    second = client.get("/countries/FR/?page=2")
    assert [e.treaty for e in second.context["entries"]] == others[PROFILE_PAGE_SIZE:]
    assert "(the treaties on this page)" in second.content.decode()
    events = {event.treaty for event in second.context["events"]}
    assert events == set(others[PROFILE_PAGE_SIZE:])


@pytest.mark.parametrize("page", ["3", "0", "two"])
def test_a_profile_page_that_does_not_exist_is_404(client, core, page):
    france = ParticipantFactory(code="FR")
    add_other_treaties(PROFILE_PAGE_SIZE + 1, participant=france)
    assert client.get(f"/countries/FR/?page={page}").status_code == 404


def test_a_link_to_a_record_finds_the_page_that_shows_it(client, core):
    france = ParticipantFactory(code="FR")
    others = add_other_treaties(PROFILE_PAGE_SIZE + 2, participant=france)
    record = others[-1].ratifications.get()
    assert record.get_absolute_url() == f"/countries/FR/?treaty={others[-1].slug}#{others[-1].slug}"
    response = client.get(record.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"/countries/FR/?page=2#{others[-1].slug}"
    core_record = RatificationFactory(treaty=core[1], participant=france)
    assert core_record.get_absolute_url() == "/countries/FR/#palermo-protocol"
    assert client.get("/countries/FR/?treaty=nowhere").status_code == 404


def test_the_profile_costs_the_same_queries_with_many_records(client, core):
    france = ParticipantFactory(code="FR")
    record = RatificationFactory(treaty=core[0], participant=france)
    StatementFactory(ratification=record).provisions.add(ProvisionFactory(treaty=core[0]))
    add_other_treaties(2, participant=france)
    few = count_queries(client, "/countries/FR/")
    for treaty in add_other_treaties(3 * PROFILE_PAGE_SIZE, participant=france, start=50):
        StatementFactory(ratification=treaty.ratifications.get())
    assert count_queries(client, "/countries/FR/") == few
    assert count_queries(client, "/countries/FR/?page=3") <= few


# -- The matrix and the participants list ---------------------------------------------------


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_the_matrix_shows_the_core_instruments_by_default(client, core):
    add_other_treaties(20, participant=ParticipantFactory(code="FR"))
    response = client.get("/matrix/")
    assert [t.slug for t in response.context["treaties"]] == CORE
    html = response.content.decode()
    assert "Other Convention" not in html
    header = csv_rows(client.get("/matrix.csv"))[0]
    assert [h for h in header if h.endswith("_status")] == [f"{slug}_status" for slug in CORE]


@pytest.mark.parametrize(
    "query",
    [
        "treaties=other-002,untoc",
        "treaty=other-002&treaty=untoc",
        "treaty=other-002&treaties=untoc",
    ],
)
def test_the_matrix_shows_the_treaties_asked_for_in_that_order(client, core, query):
    others = add_other_treaties(3, participant=ParticipantFactory(code="FR", name="France"))
    response = client.get(f"/matrix/?{query}")
    assert response.context["treaties"] == [others[2], core[0]]
    france = next(row for row in response.context["rows"] if row.code == "FR")
    assert [cell.status for cell in france.cells] == ["party", "none"]
    html = response.content.decode()
    assert 'name="treaty" value="other-002" id="column-other-002" checked' in html
    rows = csv_rows(client.get(f"/matrix.csv?{query}"))
    assert [h for h in rows[0] if h.endswith("_status")] == ["other-002_status", "untoc_status"]


def test_too_many_or_unknown_treaties_are_explained_and_the_csv_is_a_400(client, core):
    others = add_other_treaties(MAX_COLUMNS + 1)
    too_many = ",".join(t.slug for t in others)
    response = client.get(f"/matrix/?treaties={too_many}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"at most {MAX_COLUMNS} treaties can be shown side by side; 13 were asked for" in html
    assert list(response.context["rows"]) == []
    assert client.get(f"/matrix.csv?treaties={too_many}").status_code == 400
    unknown = client.get("/countries/?treaties=untoc,atlantis")
    assert "no treaty &#x27;atlantis&#x27;" in unknown.content.decode()
    assert client.get("/matrix.csv?treaties=atlantis").status_code == 400


def test_the_treaty_selects_of_the_filters_do_not_list_the_collection(client, core):
    add_other_treaties(30)
    html = client.get("/countries/?party_to=other-007").content.decode()
    select = html[
        html.index('id="id_party_to"') : html.index("</select>", html.index('id="id_party_to"'))
    ]
    assert select.count("<option") == 1 + len(CORE) + 1  # Any, the core, the one chosen
    assert 'value="other-007" selected' in select
    assert "Other Convention 008" not in html


def test_the_grid_fetches_only_the_records_of_the_treaties_shown(client, core):
    france = ParticipantFactory(code="FR")
    RatificationFactory(treaty=core[0], participant=france)
    add_other_treaties(10, participant=france)
    rows = client.get("/matrix/").context["rows"]
    france_row = next(row for row in rows if row.code == "FR")
    assert len(france_row.records) == 1


def test_the_matrix_costs_the_same_queries_with_more_treaties(client, core):
    france = ParticipantFactory(code="FR")
    add_other_treaties(3, participant=france)
    default = count_queries(client, "/matrix/")
    chosen = count_queries(client, "/matrix/?treaties=other-000,untoc")
    add_other_treaties(30, participant=france, start=10)
    assert count_queries(client, "/matrix/") == default
    assert count_queries(client, "/matrix/?treaties=other-000,untoc") == chosen


# -- Lists and aggregate pages ---------------------------------------------------------------


def test_the_home_page_shows_the_core_instruments_and_counts_the_others(client, core):
    protection = PillarFactory(slug="protection", name="Protection")
    others = add_other_treaties(7)
    ProvisionFactory.create_batch(2, treaty=others[0], pillars=[protection])
    html = client.get("/").content.decode()
    assert html.count('class="card"') == len(CORE)
    assert "also holds 7 other treaties" in html
    assert '<th scope="col">Other treaties <small>(7)</small></th>' in html
    assert 'href="/pillars/protection/#other-treaties">2<' in html


def test_the_treaty_list_is_paginated_with_the_core_instruments_first(client, core):
    add_other_treaties(60)
    first = client.get("/treaties/")
    assert [t.slug for t in first.context["treaties"]][:4] == CORE
    assert len(first.context["treaties"]) == 50
    assert len(client.get("/treaties/?page=2").context["treaties"]) == 14
    assert client.get("/treaties/?page=3").status_code == 404


def test_the_pillar_page_lists_the_other_treaties_a_page_at_a_time(client, core):
    protection = PillarFactory(slug="protection", name="Protection")
    ProvisionFactory(treaty=core[0], heading="Core article", pillars=[protection])
    for treaty in add_other_treaties(30):
        ProvisionFactory(treaty=treaty, heading="Other article", pillars=[protection])
    first = client.get("/pillars/protection/")
    html = first.content.decode()
    assert "Core article" in html and "Other article" not in html
    assert "30 other treaties have articles tagged Protection; page 1 of 2" in html
    assert len(first.context["other_treaties"]) == 25
    assert 'href="?page=2#other-treaties"' in html
    assert len(client.get("/pillars/protection/?page=2").context["other_treaties"]) == 5
    assert client.get("/pillars/protection/?page=3").status_code == 404


def test_the_data_page_details_the_core_instruments_and_totals_the_others(client, core):
    RatificationFactory(treaty=core[0], consent_on=None, participant__name="Undatedland")
    other = add_other_treaties(3)[0]
    RatificationFactory(treaty=other, consent_on=None, participant__name="Elsewhereland")
    RatificationFactory(treaty=other, note="Two sources disagree.")
    ProvisionFactory(treaty=other, text="", text_incomplete=True)
    response = client.get("/data/")
    html = response.content.decode()
    assert [t.slug for t in response.context["treaties"]] == CORE
    assert "Undatedland" in html and "Elsewhereland" not in html
    assert "holds <strong>3</strong> other treaties, with 2 ratification records" in html
    others = response.context["others"]
    assert (others["undated"], others["disagreements"], others["incomplete"]) == (1, 1, 1)


def test_compare_offers_the_core_instruments_and_the_ones_chosen(client, core):
    add_other_treaties(20)
    html = client.get("/compare/").content.decode()
    assert html.count('type="checkbox" name="treaty"') == len(CORE)
    chosen = client.get("/compare/?treaty=untoc&treaty=other-005").content.decode()
    assert chosen.count('type="checkbox" name="treaty"') == len(CORE) + 1
    assert "Other Convention 006" not in chosen


def test_the_search_form_offers_the_core_instruments_and_the_treaty_searched(client, core):
    add_other_treaties(20)
    ProvisionFactory(treaty=Treaty.objects.get(slug="other-004"), text="Victims shall be helped.")
    response = client.get("/search/?q=victims&treaty=other-004")
    html = response.content.decode()
    select = html[
        html.index('<select id="treaty"') : html.index(
            "</select>", html.index('<select id="treaty"')
        )
    ]
    assert select.count("<option") == 1 + len(CORE) + 1
    assert 'value="other-004" selected' in select
    assert response.context["paginator"].count == 1


def test_an_unknown_treaty_in_a_filter_names_a_few_slugs_not_the_whole_collection(client, core):
    add_other_treaties(40)
    response = client.get("/api/v1/ratifications/?treaty=atlantis")
    assert response.status_code == 400
    message = response.json()["errors"]["treaty"][0]
    assert message.startswith("Unknown treaty 'atlantis'. Use a treaty's slug, e.g. untoc,")
    assert "other-039" not in message and "/api/v1/treaties/" in message
