"""The whole data set as one dated .zip of CSVs or one JSON document."""

import csv
import io
import json
import zipfile

import pytest
from django.utils import timezone

from tests.queries import count_queries
from tests.scenarios import build_participation

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate().isoformat()


def unzip(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {
        name.split("/", 1)[1]: archive.read(name).decode("utf-8") for name in archive.namelist()
    }


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_stable_link_redirects_to_todays_dated_file(client):
    response = client.get("/data/download/treatykb.zip")
    assert response.status_code == 302
    assert response["Location"] == f"/data/download/treatykb-{today()}.zip"


@pytest.mark.parametrize(
    "path",
    [
        "/data/download/treatykb-2024-13-45.zip",
        "/data/download/treatykb-today.zip",
        "/data/download/treatykb.csv",
    ],
)
def test_a_malformed_name_is_404(client, path):
    assert client.get(path).status_code == 404


def test_the_zip_is_named_with_the_export_date(client):
    response = client.get(f"/data/download/treatykb-{today()}.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="treatykb-{today()}.zip"'


def test_the_readme_and_the_document_give_the_licence_and_the_attribution(client, settings):
    settings.SITE_URL = "https://treatykb.example.org"
    files = unzip(client.get(f"/data/download/treatykb-{today()}.zip"))
    readme = files["README.txt"]
    assert "Creative Commons Attribution 4.0 International licence (CC BY 4.0)" in readme
    assert "https://creativecommons.org/licenses/by/4.0/legalcode.en" in readme
    attribution = f"Treaty KB, https://treatykb.example.org/, data as at {today()}, CC BY 4.0"
    assert f"Attribute it as: {attribution}" in readme
    assert "the licence covers\nTreaty KB's compilation and curation" in readme
    document = json.loads(client.get(f"/data/download/treatykb-{today()}.json").content)
    assert document["licence"] == {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
        "legal_code": "https://creativecommons.org/licenses/by/4.0/legalcode.en",
        "attribution": attribution,
    }


def test_the_export_makes_as_many_queries_with_3n_rows_as_with_n(client):
    build_participation(6)
    small_zip = count_queries(client, f"/data/download/treatykb-{today()}.zip")
    small_json = count_queries(client, f"/data/download/treatykb-{today()}.json")
    build_participation(18)
    assert count_queries(client, f"/data/download/treatykb-{today()}.zip") == small_zip
    assert count_queries(client, f"/data/download/treatykb-{today()}.json") == small_json


# The shipped data set is loaded once for the rest of this module (``real_data`` is
# module-scoped), so these come after the tests that build their own rows.
class TestOnTheShippedData:
    pytestmark = pytest.mark.usefixtures("real_data")

    def test_the_zip_holds_every_table_as_csv(self, client):
        files = unzip(client.get(f"/data/download/treatykb-{today()}.zip"))
        assert set(files) == {
            "README.txt",
            "treaties.csv",
            "participants.csv",
            "ratifications.csv",
            "statements.csv",
            "provisions.csv",
            "pillars.csv",
            "topics.csv",
        }
        assert today() in files["README.txt"]
        assert len(read_csv(files["treaties.csv"])) == 4
        assert len(read_csv(files["participants.csv"])) == 195
        assert len(read_csv(files["statements.csv"])) == 62
        assert len(read_csv(files["provisions.csv"])) == 41 + 20 + 47 + 31

    def test_ratifications_carry_the_status_and_the_status_as_at_dates(self, client):
        files = unzip(client.get(f"/data/download/treatykb-{today()}.zip"))
        rows = read_csv(files["ratifications.csv"])
        untoc = [r for r in rows if r["treaty"] == "untoc"]
        assert len(untoc) == 195
        assert sum(r["status"] == "party" for r in untoc) == 193
        assert {r["treaty_status_as_at"] for r in untoc} == {"2024-05-04"}
        assert {r["status_on"] for r in rows} == {today()}
        somalia = next(r for r in untoc if r["participant"] == "SO")
        assert somalia["consent_on"] == "" and somalia["consent_date_note"] == "date not known"
        treaties = {t["slug"]: t for t in read_csv(files["treaties.csv"])}
        assert treaties["palermo-protocol"]["status_as_at"] == "2024-04-20"

    def test_provisions_carry_their_pillars_and_related_articles(self, client):
        files = unzip(client.get(f"/data/download/treatykb-{today()}.zip"))
        provisions = read_csv(files["provisions.csv"])
        assert any(p["pillars"] for p in provisions)
        assert any("untoc/" in p["related"] for p in provisions if p["treaty"] != "untoc")

    def test_the_json_document_holds_the_same_data(self, client):
        response = client.get(f"/data/download/treatykb-{today()}.json")
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"] == f'attachment; filename="treatykb-{today()}.json"'
        document = json.loads(response.content)
        assert document["exported_on"] == today()
        assert document["status_as_at"]["untoc"] == "2024-05-04"
        assert document["status_as_at"]["asean-actip"] is None
        assert len(document["ratifications"]) == 436
        assert len(document["participants"]) == 195
        somalia = next(
            r
            for r in document["ratifications"]
            if r["treaty"] == "untoc" and r["participant"] == "SO"
        )
        assert somalia["consent_on"] is None and somalia["status"] == "party"
        assert isinstance(document["provisions"][0]["pillars"], list)
