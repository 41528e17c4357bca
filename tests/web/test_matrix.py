"""/matrix/: participants × instruments, each cell the status and its date; and its CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ParticipantFactory, RatificationFactory, TreatyFactory
from tests.queries import count_queries
from tests.scenarios import build_participation

pytestmark = pytest.mark.django_db


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_a_cell_holds_the_status_and_the_date_behind_it(client):
    treaty = TreatyFactory(slug="m", short_title="M Convention")
    RatificationFactory(
        treaty=treaty,
        participant=ParticipantFactory(code="QA", name="Qatar"),
        consent_on=datetime.date(2004, 3, 1),
    )
    html = client.get("/matrix/").content.decode()
    assert "M Convention" in html
    assert "1 Mar 2004" in html and "Ratification" in html


def test_the_csv_has_one_row_per_participant_and_columns_per_treaty(client):
    treaty = TreatyFactory(slug="m")
    RatificationFactory(treaty=treaty, participant=ParticipantFactory(code="QA"))
    RatificationFactory(
        treaty=treaty,
        participant=ParticipantFactory(code="QB"),
        consent_kind="",
        consent_on=None,
    )
    response = client.get("/matrix.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="treatykb-matrix-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:2] == ["participant_code", "participant"]
    assert "m_status" in rows[0] and rows[0][-1] == "status_as_of"
    statuses = {row[0]: row[rows[0].index("m_status")] for row in rows[1:]}
    assert statuses == {"QA": "party", "QB": "signatory"}


def test_invalid_filters_are_explained_on_the_page_and_400_for_the_csv(client):
    response = client.get("/matrix/?as_of=2010-02-31")
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()
    assert client.get("/matrix.csv?region=Atlantis").status_code == 400


def test_the_matrix_makes_as_many_queries_with_3n_participants_as_with_n(client):
    build_participation(8)
    small = count_queries(client, "/matrix/")
    build_participation(24)
    assert count_queries(client, "/matrix/") == small
    assert count_queries(client, "/matrix.csv") <= small


def test_the_records_are_fetched_in_one_query_not_one_per_cell(client):
    build_participation(10)
    with CaptureQueriesContext(connection) as context:
        client.get("/matrix/")
    record_queries = [q for q in context.captured_queries if "treaties_ratification" in q["sql"]]
    assert len(record_queries) == 1


# The shipped data set is loaded once for the rest of this module (``real_data`` is
# module-scoped), so these come after the tests that build their own rows.
class TestOnTheShippedData:
    pytestmark = pytest.mark.usefixtures("real_data")

    def test_all_195_participants_against_the_four_instruments(self, client):
        response = client.get("/matrix/")
        assert response.status_code == 200
        rows = response.context["rows"]
        assert len(rows) == 195
        assert [t.slug for t in response.context["treaties"]] == [
            "untoc",
            "palermo-protocol",
            "coe-convention",
            "asean-actip",
        ]
        parties = [
            sum(c.status == "party" for c in col)
            for col in zip(*(r.cells for r in rows), strict=True)
        ]
        assert parties == [193, 181, 48, 10]

    def test_filtered_by_membership(self, client):
        response = client.get("/matrix/?membership=asean")
        assert len(response.context["rows"]) == 10
        assert all(cell.status == "party" for r in response.context["rows"] for cell in r.cells[:1])

    def test_as_of_shows_the_matrix_as_it_stood_then(self, client):
        rows = client.get("/matrix/?membership=asean&as_of=2016-01-01").context["rows"]
        actip = [r.cells[3].status for r in rows]
        assert actip.count("party") < 10

    def test_the_csv_with_filters(self, client):
        rows = csv_rows(client.get("/matrix.csv?region=Europe"))
        header = rows[0]
        assert len(rows) > 40
        assert {row[header.index("region")] for row in rows[1:]} == {"Europe"}
        germany = next(row for row in rows if row[0] == "DE")
        assert germany[header.index("coe-convention_status")] == "party"
