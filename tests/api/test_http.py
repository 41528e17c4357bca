"""HTTP behaviour scripts rely on: conditional requests (ETag, Last-Modified, 304 without
running the list query), anonymous throttling with Retry-After, and CSV."""

import csv
import io
import math
import time

import pytest
from django.utils.http import http_date

from common import caching
from common.caching import bump_data_version
from tests.factories import RatificationFactory
from tests.scenarios import build_world
from treaties import columns
from treaties.models import Participant, Ratification

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/treaties/",
    "/api/v1/treaties/alpha/",
    "/api/v1/provisions/",
    "/api/v1/provisions/alpha/100/",
    "/api/v1/pillars/",
    "/api/v1/participants/",
    "/api/v1/ratifications/?treaty=alpha",
    "/api/v1/statements/",
]
# The detail of a record that can be written names the record's version in its ETag (If-Match,
# tests/api/test_preconditions.py): telling it costs one light query more.
VERSIONED = {"/api/v1/provisions/alpha/100/"}


@pytest.mark.parametrize("url", READS)
def test_a_matching_etag_gets_304_after_one_query(client, url, django_assert_num_queries):
    build_world(n=2)
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    with django_assert_num_queries(2 if url in VERSIONED else 1):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def test_if_modified_since_gets_304_until_the_data_changes(client):
    build_world(n=1)
    first = client.get("/api/v1/ratifications/")
    since = first["Last-Modified"]
    assert client.get("/api/v1/ratifications/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304


def test_with_a_shared_cache_a_304_builds_no_queryset(client, shared_cache, monkeypatch):
    """Nothing on the 304 path asks the view for its queryset (the permission check used to,
    only to find its model): a conditional request costs the validators and nothing else."""
    from treaties.api.views import RatificationViewSet

    build_world(n=2)
    first = client.get("/api/v1/ratifications/?treaty=alpha")
    built = []
    original = RatificationViewSet.get_queryset
    monkeypatch.setattr(
        RatificationViewSet, "get_queryset", lambda view: built.append(1) or original(view)
    )
    again = client.get("/api/v1/ratifications/?treaty=alpha", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert built == []


@pytest.mark.parametrize(
    "change",
    [
        lambda: Ratification.objects.first().save(),
        lambda: Ratification.objects.last().delete(),
        lambda: RatificationFactory(treaty=Ratification.objects.first().treaty),
        lambda: Participant.objects.first().save(),
    ],
    ids=["edit", "delete", "insert", "participant edit"],
)
def test_any_change_to_the_data_changes_the_etag(client, change):
    build_world(n=2)
    etag = client.get("/api/v1/ratifications/")["ETag"]
    change()
    response = client.get("/api/v1/ratifications/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_the_etag_depends_on_the_query_and_the_representation(client):
    build_world(n=1)
    plain = client.get("/api/v1/ratifications/")["ETag"]
    assert client.get("/api/v1/ratifications/?treaty=alpha")["ETag"] != plain
    assert client.get("/api/v1/ratifications/", HTTP_ACCEPT="text/csv")["ETag"] != plain


def test_anonymous_clients_are_throttled_with_retry_after(client, settings):
    build_world(n=1)
    settings.API_ANON_RATE = "3/minute"
    statuses = [client.get("/api/v1/treaties/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/treaties/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_authenticated_clients_are_not_throttled_as_anonymous(reader_client, settings):
    settings.API_ANON_RATE = "1/minute"
    assert [reader_client.get("/api/v1/treaties/").status_code for _ in range(3)] == [200] * 3


def rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("how", ["query", "accept"])
def test_ratifications_as_csv_flat_columns(client, how):
    build_world(n=1)
    url = "/api/v1/ratifications/?treaty=alpha"
    response = (
        client.get(url + "&format=csv")
        if how == "query"
        else client.get(url, HTTP_ACCEPT="text/csv")
    )
    table = rows(response)
    assert len(table) == 2
    for column in (
        "treaty",
        "participant",
        "participant_name",
        "signature_on",
        "consent_kind",
        "consent_on",
        "entry_into_force_on",
        "entry_into_force_basis",
        "status",
        "withdrawal_effective_on",
        "reservations_count",
        "source_url",
    ):
        assert column in table[0], column
    assert "statements" not in table[0]
    party = next(r for r in table if r["status"] == "party")
    assert party["reservations_count"] == "1" and party["treaty"] == "alpha"
    assert response["X-Total-Count"] == "2"


def test_participants_csv_has_one_column_per_treaty_status(client):
    build_world(n=1)
    table = rows(client.get("/api/v1/participants/?format=csv"))
    assert {"treaties.alpha.status", "treaties.beta.status", "memberships"} <= set(table[0])


def test_provisions_csv_joins_pillars_and_related(client):
    build_world(n=1)
    table = rows(client.get("/api/v1/provisions/?format=csv&treaty=beta"))
    assert table[0]["pillars"] == "prevention; protection"
    assert table[0]["related"] == "alpha/100"
    assert "related_provisions" not in table[0]


def test_an_empty_csv_still_has_its_header(client):
    build_world(n=1)
    table = client.get("/api/v1/ratifications/?format=csv&status=withdrawn").content.decode()
    assert table == ",".join(columns.RATIFICATION.header) + "\r\n"


def test_the_default_test_settings_do_not_throttle(client):
    assert all(client.get("/api/v1/").status_code == 200 for _ in range(5))


@pytest.fixture
def shared_cache(settings):
    """The data version is shared by every process (CACHE_URL, Redis, in production)."""
    settings.TREATYKB_SHARED_CACHE = True


@pytest.mark.parametrize("url", READS)
def test_with_a_shared_cache_a_matching_etag_gets_304_without_any_query(
    client, url, shared_cache, django_assert_num_queries
):
    build_world(n=2)
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    with django_assert_num_queries(1 if url in VERSIONED else 0):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize(
    "change",
    [
        lambda: Ratification.objects.first().save(),
        lambda: Ratification.objects.last().delete(),
        lambda: RatificationFactory(treaty=Ratification.objects.first().treaty),
        lambda: Participant.objects.first().save(),
        lambda: Ratification.objects.first().statements.first().provisions.clear(),
        # A bulk write sends no signal: the code that makes it bumps the version itself.
        lambda: (Participant.objects.update(name="Renamed"), bump_data_version()),
    ],
    ids=["edit", "delete", "insert", "participant edit", "link removed", "bulk update"],
)
def test_with_a_shared_cache_any_change_to_the_data_changes_the_etag(client, shared_cache, change):
    build_world(n=2)
    etag = client.get("/api/v1/ratifications/")["ETag"]
    change()
    response = client.get("/api/v1/ratifications/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_with_a_shared_cache_last_modified_moves_with_a_deletion(
    client, shared_cache, monkeypatch, django_assert_num_queries
):
    build_world(n=2)
    first = client.get("/api/v1/ratifications/")
    since = first["Last-Modified"]
    with django_assert_num_queries(0):
        unchanged = client.get("/api/v1/ratifications/", HTTP_IF_MODIFIED_SINCE=since)
    assert unchanged.status_code == 304
    later = time.time() + 60
    monkeypatch.setattr(caching, "now", lambda: later)  # the deletion comes a minute later
    Ratification.objects.last().delete()
    response = client.get("/api/v1/ratifications/", HTTP_IF_MODIFIED_SINCE=since)
    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(math.ceil(later))


def test_the_same_address_asked_with_each_representation_gets_each_one_every_time(client):
    # Content negotiation is remembered per question (common.api.backends): the answers must
    # stay those of the question asked, in any order.
    build_world(n=2)
    url = "/api/v1/ratifications/"
    asked = [
        ({"HTTP_ACCEPT": "application/json"}, "", "application/json"),
        ({"HTTP_ACCEPT": "text/csv"}, "", "text/csv"),
        ({"HTTP_ACCEPT": "application/json"}, "", "application/json"),
        ({"HTTP_ACCEPT": "*/*"}, "?format=csv", "text/csv"),
        ({"HTTP_ACCEPT": "*/*"}, "?format=json", "application/json"),
        ({"HTTP_ACCEPT": "text/html"}, "", "text/html"),
        ({"HTTP_ACCEPT": "text/csv"}, "", "text/csv"),
    ]
    for _round in range(2):
        for headers, query, expected in asked:
            response = client.get(url + query, **headers)
            assert response.status_code == 200, (headers, query, response.content[:300])
            assert response["Content-Type"].startswith(expected), (headers, query)
    for _round in range(2):  # what cannot be satisfied is refused every time
        assert client.get(url + "?format=xml").status_code == 400
        assert client.get(url + "?format=json", HTTP_ACCEPT="text/csv").status_code == 406
