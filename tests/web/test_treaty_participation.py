"""The participation section of a treaty page: table, filters, map, chart, CSV."""

import csv
import io
import re

import pytest

from tests.factories import RatificationFactory, TreatyFactory
from tests.queries import count_queries
from tests.scenarios import build_participation
from treaties import columns

pytestmark = pytest.mark.django_db


def shapes_with_class(html, css_class):
    return len(re.findall(rf'<path d="[^"]+" class="map-shape {css_class}"', html))


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_the_csv_of_an_unknown_treaty_is_404(client):
    assert client.get("/treaties/no-such-treaty/participants.csv").status_code == 404


def test_the_section_has_no_inline_script_or_event_handler(client):
    treaty = TreatyFactory(slug="plain")
    RatificationFactory(treaty=treaty)
    html = client.get("/treaties/plain/").content.decode()
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_the_page_makes_as_many_queries_with_3n_participants_as_with_n(client):
    build_participation(6)
    small = count_queries(client, "/treaties/flat-treaty/")
    build_participation(18, slug="flat-treaty")
    assert count_queries(client, "/treaties/flat-treaty/") == small


def test_the_csv_makes_as_many_queries_with_3n_participants_as_with_n(client):
    build_participation(6)
    small = count_queries(client, "/treaties/flat-treaty/participants.csv")
    build_participation(18, slug="flat-treaty")
    assert count_queries(client, "/treaties/flat-treaty/participants.csv") == small


# The shipped data set is loaded once for the rest of this module (``real_data`` is
# module-scoped), so these come after the tests that build their own rows.
class TestOnTheShippedData:
    pytestmark = pytest.mark.usefixtures("real_data")

    def test_the_untoc_page_counts_its_193_parties_today(self, client):
        html = client.get("/treaties/untoc/").content.decode()
        assert "<strong>193</strong> parties" in html
        assert "<strong>2</strong> signatories not (yet) bound" in html

    def test_the_table_lists_every_record_with_sources_and_the_basis_of_entry_into_force(
        self, client
    ):
        response = client.get("/treaties/untoc/")
        html = response.content.decode()
        assert len(response.context["participation"].rows) == 195
        assert "computed (art. 38(2))" in html
        assert ">source</a>" in html and "depositary" in html

    def test_a_party_without_a_consent_date_shows_date_not_known(self, client):
        response = client.get("/treaties/untoc/?region=Africa")
        somalia = next(
            r for r in response.context["participation"].rows if r.participant.code == "SO"
        )
        assert somalia.status == "party" and somalia.consent_on is None
        html = response.content.decode()
        row = html[html.index(">Somalia</a>") :].split("</tr>")[0]
        assert "date not known" in row

    def test_region_and_status_filter_the_table(self, client):
        response = client.get("/treaties/untoc/?region=Europe&status=party")
        rows = response.context["participation"].rows
        assert rows and all(r.participant.region == "Europe" for r in rows)
        assert all(r.status == "party" for r in rows)
        assert "(filtered)" in response.content.decode()

    def test_as_of_shows_the_status_as_it_stood_then(self, client):
        today = client.get("/treaties/palermo-protocol/").context["participation"]
        then = client.get("/treaties/palermo-protocol/?as_of=2003-12-31").context["participation"]
        assert then.counts["party"] < today.counts["party"] == 181
        assert "31 December 2003" in then.as_of_text

    def test_sorting_by_consent_date_descending_puts_the_latest_first(self, client):
        rows = client.get("/treaties/untoc/?sort=-consent").context["participation"].rows
        dates = [r.consent_on for r in rows if r.consent_on]
        assert dates == sorted(dates, reverse=True)

    def test_the_page_takes_the_api_ordering_vocabulary_too(self, client):
        by_page = client.get("/treaties/untoc/?sort=-consent").context["participation"].rows
        by_api = client.get("/treaties/untoc/?ordering=-consent_on").context["participation"]
        assert by_api.sort == "consent" and by_api.sort_descending and not by_api.errors
        assert [r.pk for r in by_api.rows] == [r.pk for r in by_page]

    def test_the_map_colours_more_than_100_countries_as_parties(self, client):
        html = client.get("/treaties/untoc/").content.decode()
        assert shapes_with_class(html, "map-party") > 100
        assert "<title>Germany: party</title>" in html

    def test_the_map_legend_counts_and_lists_states_too_small_to_draw(self, client):
        response = client.get("/treaties/untoc/")
        world_map = response.context["participation"].world_map
        legend = {item["status"]: item["count"] for item in world_map.legend}
        assert legend["party"] == 193
        assert legend["signatory"] == 2
        undrawn = {c.code for c in world_map.undrawn}
        assert {"AD", "MT", "EU", "TV"} <= undrawn
        html = response.content.decode()
        assert ">Andorra</a>:" in html

    def test_the_map_steps_back_in_time(self, client):
        html = client.get("/treaties/untoc/?as_of=2001-12-31").content.decode()
        assert shapes_with_class(html, "map-party") < 10
        assert shapes_with_class(html, "map-signatory") > 100
        assert "as_of=2000-12-31" in html and "as_of=2002-12-31" in html
        assert 'id="world-map-data"' in html

    def test_the_chart_has_a_table_of_parties_per_year(self, client):
        response = client.get("/treaties/coe-convention/")
        chart = response.context["participation"].chart
        assert chart.first_year == 2005
        assert chart.latest.parties == 48
        html = response.content.decode()
        assert "<caption>Parties to" in html and "<td>48</td>" in html
        assert chart.undated == 7

    def test_a_malformed_as_of_is_explained_not_a_crash(self, client):
        response = client.get("/treaties/untoc/?as_of=2020-02-30")
        assert response.status_code == 200
        assert "&#x27;2020-02-30&#x27; is not a date" in response.content.decode()
        assert response.context["participation"].rows == []

    def test_an_unknown_status_or_sort_is_explained(self, client):
        html = client.get("/treaties/untoc/?status=ratified&sort=colour").content.decode()
        assert "Status (status): Unknown value &#x27;ratified&#x27;" in html
        assert "unknown column &#x27;colour&#x27;" in html

    def test_the_csv_has_the_same_filters_and_a_header(self, client):
        response = client.get("/treaties/untoc/participants.csv?region=Europe")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert 'filename="treatykb-ratifications-untoc-' in response["Content-Disposition"]
        rows = csv_rows(response)
        assert rows[0] == columns.RATIFICATION.header  # the columns of every other export
        region = rows[0].index("region")
        assert {row[region] for row in rows[1:]} == {"Europe"}
        everything = csv_rows(client.get("/treaties/untoc/participants.csv"))
        assert len(everything) == 196
        header = everything[0]
        somalia = next(row for row in everything if row[header.index("participant")] == "SO")
        assert somalia[header.index("consent_date_note")] == "date not known"
        assert somalia[header.index("treaty_status_as_at")] == "2024-05-04"

    def test_the_csv_refuses_invalid_filters_with_a_400(self, client):
        response = client.get("/treaties/untoc/participants.csv?as_of=yesterday")
        assert response.status_code == 400
        assert "is not a date" in response.content.decode()
