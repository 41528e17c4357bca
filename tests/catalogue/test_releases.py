"""Citable releases: every day on which the data changed keeps its download, byte for byte, at
its dated address, with its checksum; /data/ lists the releases; a date with no release is a
404 naming the nearest ones."""

import base64
import datetime
import gzip
import hashlib
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue import exports, releases
from catalogue.models import Release, ReleaseFile
from tests.factories import RatificationFactory, TreatyFactory
from tests.queries import count_queries
from tests.scenarios import build_participation

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2025, 3, 3)
TUESDAY = MONDAY + datetime.timedelta(days=1)
WEDNESDAY = MONDAY + datetime.timedelta(days=2)
THURSDAY = MONDAY + datetime.timedelta(days=3)


@pytest.fixture
def on_day(monkeypatch):
    """``on_day(date)``: the site's calendar (``timezone.localdate()``) says ``date``."""

    def go(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return go


@pytest.fixture
def treaty():
    treaty = TreatyFactory(slug="alpha")
    RatificationFactory(treaty=treaty)
    return treaty


def change_the_data(treaty):
    RatificationFactory(treaty=treaty)


def dated(day, fmt="json"):
    return f"/data/download/treatykb-{day.isoformat()}.{fmt}"


def release_on(on_day, client, day):
    """Make ``day``'s release the way a reader does: asking for the current download."""
    on_day(day)
    response = client.get("/data/download/treatykb.json")
    assert response.status_code == 302
    return response["Location"]


# -- kept byte for byte ----------------------------------------------------------------------------


def test_yesterdays_release_is_served_byte_for_byte_after_the_data_changes_today(
    client, on_day, treaty
):
    assert release_on(on_day, client, MONDAY) == dated(MONDAY)
    mondays = {fmt: client.get(dated(MONDAY, fmt)).content for fmt in exports.FORMATS}
    assert json.loads(mondays["json"])["exported_on"] == "2025-03-03"

    on_day(TUESDAY)
    change_the_data(treaty)
    assert client.get("/data/download/treatykb.json")["Location"] == dated(TUESDAY)
    tuesdays = client.get(dated(TUESDAY))
    assert tuesdays.status_code == 200
    assert len(json.loads(tuesdays.content)["ratifications"]) == 2

    for fmt, body in mondays.items():
        response = client.get(dated(MONDAY, fmt))
        assert response.status_code == 200
        assert response.content == body
        assert (
            response["Content-Disposition"] == f'attachment; filename="treatykb-2025-03-03.{fmt}"'
        )
    assert len(json.loads(mondays["json"])["ratifications"]) == 1


def test_the_checksum_headers_name_the_bytes_sent(client, treaty):
    client.get("/data/download/treatykb.zip")
    today = timezone.localdate()
    for fmt in exports.FORMATS:
        response = client.get(dated(today, fmt), HTTP_ACCEPT_ENCODING="gzip")
        digest = hashlib.sha256(response.content).digest()
        assert response["ETag"] == f'"{digest.hex()}"'
        assert response["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
        assert not response.has_header("Content-Encoding")  # never gzipped: the checksum holds
        assert ReleaseFile.objects.get(release__day=today, format=fmt).sha256 == digest.hex()


def test_a_past_days_release_is_immutable_and_todays_is_cached_briefly(client, on_day, treaty):
    release_on(on_day, client, MONDAY)
    assert client.get(dated(MONDAY))["Cache-Control"] == "public, max-age=60"
    on_day(TUESDAY)
    assert client.get(dated(MONDAY))["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_repeated_request_with_the_checksum_is_not_modified(client, treaty):
    url = dated(timezone.localdate())
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


# -- made when the data changes, once a day --------------------------------------------------------


def test_todays_release_is_replaced_when_the_data_changes_and_not_duplicated(client, treaty):
    client.get("/data/")
    release = Release.objects.get()
    before = {f.format: f.sha256 for f in release.files.all()}

    client.get("/data/")
    assert releases.make_release() == (release, releases.UNCHANGED)
    assert Release.objects.get().updated_at == release.updated_at

    change_the_data(treaty)
    client.get("/data/")
    replaced = Release.objects.get()
    assert replaced.day == release.day
    after = {f.format: f.sha256 for f in replaced.files.all()}
    assert after["json"] != before["json"] and after["zip"] != before["zip"]
    assert ReleaseFile.objects.count() == 2


def test_make_release_twice_makes_one_release(treaty, capsys):
    call_command("make_release")
    release = Release.objects.get()
    call_command("make_release")
    assert Release.objects.get().updated_at == release.updated_at
    assert ReleaseFile.objects.count() == 2
    output = capsys.readouterr().out
    assert "made" in output and "unchanged: the data equals the latest release's" in output
    assert release.files.get(format="json").sha256 in output


def test_a_day_on_which_the_data_did_not_change_has_no_release(client, on_day, treaty):
    release_on(on_day, client, MONDAY)
    on_day(TUESDAY)
    assert client.get("/data/download/treatykb.json")["Location"] == dated(MONDAY)
    call_command("make_release")
    assert list(Release.objects.values_list("day", flat=True)) == [MONDAY]
    assert client.get(dated(TUESDAY)).status_code == 404


def test_the_same_data_exported_on_two_days_has_the_same_digest(treaty):
    monday_digest, monday = exports.build(MONDAY)
    tuesday_digest, tuesday = exports.build(TUESDAY)
    assert monday["json"] != tuesday["json"]  # the date, the statuses' date, the attribution
    assert monday_digest == tuesday_digest


def test_a_release_costs_the_same_queries_made_or_replaced(treaty, django_assert_num_queries):
    with CaptureQueriesContext(connection) as made:
        assert releases.make_release()[1] == releases.MADE
    change_the_data(treaty)
    with django_assert_num_queries(len(made)):
        assert releases.make_release()[1] == releases.REPLACED


def test_the_current_download_checks_for_a_change_once_per_data_version(
    client, treaty, django_assert_num_queries
):
    client.get("/data/download/treatykb.json")
    with django_assert_num_queries(1):  # the latest file; the check is remembered
        assert client.get("/data/download/treatykb.json").status_code == 302


def test_the_dated_download_costs_the_same_queries_whatever_the_size_of_the_data(client, on_day):
    on_day(MONDAY)
    build_participation(6)
    client.get("/data/download/treatykb.json")
    small = count_queries(client, dated(MONDAY))
    on_day(TUESDAY)
    build_participation(18, slug="bigger")
    client.get("/data/download/treatykb.json")
    assert count_queries(client, dated(TUESDAY)) == small
    assert count_queries(client, dated(MONDAY)) == small


# -- no release that day ---------------------------------------------------------------------------


@pytest.fixture
def monday_and_thursday(client, on_day, treaty):
    release_on(on_day, client, MONDAY)
    on_day(THURSDAY)
    change_the_data(treaty)
    release_on(on_day, client, THURSDAY)


def test_a_date_with_no_release_is_a_404_naming_the_nearest_releases(client, monday_and_thursday):
    response = client.get(dated(WEDNESDAY, "zip"))
    assert response.status_code == 404
    html = response.content.decode()
    assert "No release of 5 March 2025" in html
    assert f'href="{dated(MONDAY, "zip")}"' in html
    assert f'href="{dated(THURSDAY, "zip")}"' in html


def test_before_the_first_release_only_a_later_one_is_named(client, monday_and_thursday):
    html = client.get(dated(datetime.date(2024, 1, 1))).content.decode()
    assert f'href="{dated(MONDAY)}"' in html and "before it" not in html


def test_a_malformed_date_is_a_404_that_says_so(client):
    response = client.get("/data/download/treatykb-2024-13-45.zip")
    assert response.status_code == 404
    assert "&#x27;2024-13-45&#x27; is not a date" in response.content.decode()


def test_the_api_serves_a_release_by_date_and_names_the_nearest_when_there_is_none(
    client, monday_and_thursday
):
    site = client.get(dated(MONDAY, "zip"))
    api = client.get("/api/v1/download/", {"date": "2025-03-03"})
    assert api.status_code == 200 and api.content == site.content
    assert api["ETag"] == site["ETag"] and api["Repr-Digest"] == site["Repr-Digest"]

    missing = client.get("/api/v1/download/", {"date": "2025-03-05", "format": "json"})
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    problem = missing.json()
    assert problem["type"] == "http://testserver/api/v1/problems/no-release/"
    assert {key: problem[key] for key in ("detail", "earlier", "later")} == {
        "detail": "There is no release of 2025-03-05: a release is made only on the days the "
        "data changes.",
        "earlier": {
            "date": "2025-03-03",
            "url": "http://testserver/api/v1/download/?date=2025-03-03&format=json",
        },
        "later": {
            "date": "2025-03-06",
            "url": "http://testserver/api/v1/download/?date=2025-03-06&format=json",
        },
    }


@pytest.mark.parametrize("value", ["2025-02-30", "yesterday"])
def test_the_api_answers_a_malformed_date_with_a_400(client, treaty, value):
    response = client.get("/api/v1/download/", {"date": value})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "date": [f"'{value}' is not a date; use the form YYYY-MM-DD, e.g. 2010-12-31."]
    }


# -- listed on /data/ ------------------------------------------------------------------------------


def test_the_data_page_lists_the_releases_newest_first(client, monday_and_thursday):
    html = client.get("/data/").content.decode()
    listed = re.findall(r'id="release-(\d{4}-\d{2}-\d{2})"', html)
    assert listed == ["2025-03-06", "2025-03-03"]
    for file in ReleaseFile.objects.select_related("release"):
        assert f'href="{file.get_absolute_url()}"' in html
        assert file.sha256 in html
    assert 'href="/data/download/treatykb-2025-03-06.json"' in html  # the latest, to download


def fake_release(day):
    body = day.isoformat().encode()
    release = Release.objects.create(day=day, digest="0" * 64)
    ReleaseFile.objects.create(
        release=release,
        format="json",
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        content=gzip.compress(body),
    )


def test_the_list_of_releases_is_paged(client, treaty):
    first = datetime.date(2020, 1, 1)
    for n in range(40):
        fake_release(first + datetime.timedelta(days=n))
    page_one = client.get("/data/").content.decode()
    assert len(re.findall(r'id="release-', page_one)) == 30
    page_two = client.get("/data/?page=2").content.decode()
    assert len(re.findall(r'id="release-', page_two)) == 11  # and today's on the first page
    assert 'id="release-2020-01-01"' in page_two
    assert client.get("/data/?page=3").status_code == 404


class TestOnTheShippedData:
    pytestmark = pytest.mark.usefixtures("real_data")

    def test_a_load_keeps_todays_release(self):
        call_command("load_treaty_data")
        release = Release.objects.get(day=timezone.localdate())
        document = json.loads(release.files.get(format="json").data())
        assert len(document["treaties"]) == 4


def test_an_empty_date_on_the_api_is_the_latest_release(client, monday_and_thursday):
    latest = client.get("/api/v1/download/")
    empty = client.get("/api/v1/download/", {"date": ""})
    assert empty.status_code == 200 and empty.content == latest.content
