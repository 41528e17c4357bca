"""As at a date means the whole page (issue 17): with ``?as_of=`` the title, the header's
figures, the banner, the map, the chart, the tables and the CSV link all say that date; the
figures the map's year slider shows are the server's figures for each year; today's page has
no banner to see. The matrix and the participants list say it too."""

import datetime

import pytest
from django.http import QueryDict

from treaties import charts
from treaties.models import Treaty
from treaties.participation import TreatyParticipation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]


def header_parties(html):
    """The 'Parties' entry of the page's About list."""
    start = html.index("<dt>Parties")
    return html[start : html.index("</div>", start)]


def test_the_whole_treaty_page_says_the_date(client):
    response = client.get("/treaties/untoc/?as_of=2010-01-01")
    html = response.content.decode()
    counts = response.context["participation"].counts
    assert (counts["party"], counts["unknown"]) == (152, 6)
    assert "<title>UNTOC as at 1 January 2010 – Treaty KB</title>" in html
    start = html.index('id="as-of-banner"')
    banner = html[start : html.index("</div>", start)]
    assert "data-as-of-banner>" in banner  # shown, not hidden
    assert "This page shows the past:" in banner and "1 January 2010" in banner
    assert 'href="/treaties/untoc/" data-today-link>Show UNTOC today</a>' in banner
    header = header_parties(html)
    assert "as at <span data-as-of-text>1 January 2010</span>" in header
    assert "at least 152, up to 158" in header and "193" not in header
    assert "Map: status under UNTOC as at <span data-map-date>1 January 2010</span>" in html
    assert "Participants, as at <span data-as-of-text>1 January 2010</span>" in html
    assert 'href="/treaties/untoc/participants.csv?as_of=2010-01-01"' in html
    # The chart's bar for the date: the last year end on or before it.
    assert 'data-year="2009" class="parties-chart__shown"' in html
    assert html.count("parties-chart__shown") == 1


def test_the_description_gives_the_count_as_at_the_date(client):
    html = client.get("/treaties/coe-convention/?as_of=2010-01-01").content.decode()
    description = html[html.index('<meta name="description"') :].split(">")[0]
    assert "as at 1 January 2010" in description
    assert "(48)" not in description


def test_the_page_as_at_today_shows_no_banner_and_todays_figures(client):
    html = client.get("/treaties/coe-convention/").content.decode()
    assert "<title>Council of Europe Anti-Trafficking Convention – Treaty KB</title>" in html
    assert "data-as-of-banner hidden>" in html  # there for the slider, not shown
    header = header_parties(html)
    assert '<span data-count="party+unknown">48</span>' in header
    assert "data-past-only hidden" in header
    assert "parties-chart__shown" not in html.split("</svg>", 2)[1]  # no bar marked


def test_a_future_date_is_today(client):
    html = client.get("/treaties/untoc/?as_of=2999-01-01").content.decode()
    assert "data-as-of-banner hidden>" in html


def test_the_link_back_to_today_keeps_the_other_filters(client):
    html = client.get("/treaties/untoc/?as_of=2010-01-01&region=Europe&page=1").content.decode()
    assert 'href="/treaties/untoc/?region=Europe" data-today-link>' in html


@pytest.mark.parametrize("slug", ["untoc", "palermo-protocol", "coe-convention", "asean-actip"])
def test_the_sliders_figures_are_the_servers_figures_for_each_year(client, slug):
    treaty = Treaty.objects.get(slug=slug)
    world_map = client.get(f"/treaties/{slug}/").context["participation"].world_map
    figures = world_map.script_data["figures"]
    for index, iso in enumerate(world_map.script_data["dates"]):
        day = datetime.date.fromisoformat(iso)
        as_of = None if day >= datetime.date.today() else iso
        counts = TreatyParticipation(treaty, QueryDict(f"as_of={as_of}" if as_of else "")).counts
        for key, value in counts.items():
            assert figures[key][index] == value, (slug, iso, key)
        in_force = treaty.entry_into_force_on
        assert figures["not_in_force"][index] == int(in_force is not None and day < in_force)


def test_the_table_statuses_the_slider_shows_are_the_servers(client):
    world_map = client.get("/treaties/untoc/").context["participation"].world_map
    data = world_map.script_data
    index = data["years"].index(2002)
    then = client.get("/treaties/untoc/?as_of=2002-12-31").context["participation"]
    letters = {status: letter for letter, status in data["classes"].items()}
    for row in then.rows:
        assert data["codes"][row.participant.code][index] == letters[row.status]
        assert data["ranks"][letters[row.status]] == charts.TABLE_ORDER.index(row.status)


@pytest.mark.parametrize(
    ("url", "what"),
    [("/matrix/", "the matrix"), ("/countries/", "the participants list")],
)
def test_the_matrix_and_the_participants_list_say_they_show_the_past(client, url, what):
    html = client.get(f"{url}?as_of=2010-01-01&region=Europe").content.decode()
    assert f"<strong>This page shows the past:</strong> {what} as it stood on" in html
    assert f'href="{url}?region=Europe" data-today-link>Show {what} today</a>' in html
    assert "as at 1 January 2010 – Treaty KB</title>" in html
    assert "as-of-banner" not in client.get(url).content.decode()
