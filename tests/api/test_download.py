"""``/api/v1/download/``: the whole data set as one dated archive (zip of CSV files, or JSON),
the same file as the site's download link, with the HTTP behaviour of every other endpoint."""

import csv
import io
import json
import zipfile

import pytest
from django.utils import timezone

from tests.scenarios import build_world
from treaties.models import Ratification, Treaty

pytestmark = pytest.mark.django_db

URL = "/api/v1/download/"


@pytest.fixture
def world():
    alpha, _beta = build_world(n=1)
    Treaty.objects.filter(pk=alpha.pk).update(status_as_at="2025-06-30")
    return alpha


def today():
    return timezone.localdate().isoformat()


def read_csv(archive, name):
    with archive.open(f"treatykb-{today()}/{name}.csv") as member:
        return list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")))


def test_the_default_is_a_dated_zip_of_csv_files(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="treatykb-{today()}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    folder = f"treatykb-{today()}/"
    assert all(name.startswith(folder) for name in archive.namelist())
    assert today() in archive.read(f"{folder}README.txt").decode()
    treaties = {row["slug"]: row for row in read_csv(archive, "treaties")}
    assert treaties["alpha"]["status_as_at"] == "2025-06-30"
    ratifications = read_csv(archive, "ratifications")
    assert len(ratifications) == Ratification.objects.count()
    assert {r["treaty_status_as_at"] for r in ratifications if r["treaty"] == "alpha"} == {
        "2025-06-30"
    }
    assert {r["status_on"] for r in ratifications} == {today()}


def test_format_json_is_one_dated_document(client, world):
    response = client.get(URL, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="treatykb-{today()}.json"'
    document = json.loads(response.content)
    assert document["exported_on"] == today()
    assert document["status_as_at"] == {"alpha": "2025-06-30", "beta": None}
    assert len(document["ratifications"]) == Ratification.objects.count()
    assert {p["slug"] for p in document["pillars"]} == {"protection", "prevention"}


def test_the_api_and_the_site_serve_the_same_file(client, world):
    for fmt in ("zip", "json"):
        site = client.get(f"/data/download/treatykb-{today()}.{fmt}")
        api = client.get(URL, {"format": fmt})
        assert site.status_code == api.status_code == 200
        assert site.content == api.content
        assert site["Content-Disposition"] == api["Content-Disposition"]


def test_an_empty_format_is_the_default_zip(client, world):
    response = client.get(URL, {"format": ""})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


@pytest.mark.parametrize(
    "params, parameter, message",
    [
        ({"format": "csv"}, "format", "Unknown format 'csv'. Use one of: zip, json."),
        (
            {"fmt": "zip"},
            "fmt",
            "Unknown query parameter 'fmt'. Accepted parameters: date, format.",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter_and_the_accepted_values(
    client, world, params, parameter, message
):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {parameter: [message]}


def test_a_matching_etag_gets_304_after_one_query(client, world, django_assert_num_queries):
    first = client.get(URL)
    assert first["ETag"] and first["Last-Modified"] and first["Cache-Control"] == "no-cache"
    with django_assert_num_queries(1):
        again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    # Each format has its own ETag; a change to the data gives a new one and a new file.
    assert client.get(URL, {"format": "json"})["ETag"] != first["ETag"]
    Ratification.objects.first().delete()
    changed = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed.content != first.content


def test_the_archive_is_built_once_per_data_version(client, world, django_assert_num_queries):
    client.get(URL)
    with django_assert_num_queries(2):  # the latest release's file, then its bytes: no build
        assert client.get(URL).status_code == 200


def test_public_read_only(client, editor_client, world):
    response = client.get(URL, HTTP_ORIGIN="https://example.org")
    assert response.status_code == 200
    # A script on another site may read the archive and its dated name.
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Content-Disposition" in response["Access-Control-Expose-Headers"]
    assert client.head(URL).status_code == 200
    for api in (client, editor_client):
        assert api.post(URL, {}).status_code == 405
        assert api.delete(URL).status_code == 405


def test_throttled_like_every_other_endpoint(client, world, settings):
    settings.API_ANON_RATE = "2/minute"
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert int(client.get(URL)["Retry-After"]) > 0


def test_the_api_root_links_to_it(client, world):
    assert client.get("/api/v1/").json()["download"] == f"http://localhost{URL}"


def test_the_readme_describes_every_column_of_every_file(client, world):
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/download/").content))
    folder = f"treatykb-{today()}/"
    readme = archive.read(f"{folder}README.txt").decode()
    columns = readme.split("\nColumns\n-------\n", 1)[1]
    described = {}
    table = None
    for line in columns.splitlines():
        if line.endswith(".csv"):
            table = line[: -len(".csv")]
        elif line.startswith("  ") and not line.startswith("    ") and ": " in line:
            name, text = line.strip().split(": ", 1)
            described.setdefault(table, []).append(name)
            assert text.strip(), (table, name)
    for member in archive.namelist():
        if member.endswith(".csv"):
            name = member[len(folder) : -len(".csv")]
            header = next(csv.reader(io.StringIO(archive.read(member).decode())))
            assert described[name] == header, name
    # The files use the API's names and identifiers: statements carry the API's id.
    statements = read_csv(archive, "statements")
    api = client.get("/api/v1/statements/", {"page_size": 1000}).json()["results"]
    assert sorted(int(row["id"]) for row in statements) == sorted(row["id"] for row in api)
    records = read_csv(archive, "ratifications")
    assert {row["id"] for row in records} == {
        row["id"]
        for row in client.get("/api/v1/ratifications/", {"page_size": 1000}).json()["results"]
    }
