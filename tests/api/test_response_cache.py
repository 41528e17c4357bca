"""Anonymous JSON and CSV responses are kept whole under their ETag: the same request asked
again is answered from the cache (after the throttle), and any change to the data is seen at
once. The browsable HTML view and signed-in users always get a fresh response."""

import pytest

from common import caching
from tests.factories import ParticipantFactory, RatificationFactory
from tests.scenarios import build_world
from treaties.models import Ratification

pytestmark = pytest.mark.django_db

LIST = "/api/v1/ratifications/?treaty=alpha&page_size=1"


@pytest.fixture
def shared_cache(settings):
    settings.TREATYKB_SHARED_CACHE = True


@pytest.mark.parametrize(
    "url",
    [LIST, "/api/v1/provisions/?q=trafficking", "/api/v1/participants/", "/api/v1/treaties/alpha/"],
)
def test_a_repeated_anonymous_request_is_replayed_after_the_one_validator_query(
    client, url, django_assert_num_queries
):
    build_world(n=2)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the data fingerprint: another process may have written
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]


def test_with_a_shared_cache_a_repeated_request_runs_no_query(
    client, shared_cache, django_assert_num_queries
):
    build_world(n=2)
    first = client.get(LIST)
    with django_assert_num_queries(0):
        again = client.get(LIST)
    assert again.content == first.content


def test_with_a_shared_cache_a_replay_costs_one_round_trip_to_the_cache(
    client, shared_cache, monkeypatch
):
    """The data version and the kept response come in one request to the cache (Redis)."""
    from tests.perf.test_caching import CountingCache

    build_world(n=2)
    first = client.get(LIST)
    # With a read replica the router reads the version's age first (treatykb/routers.py).
    monkeypatch.setattr("treatykb.routers.replica_configured", lambda: False)
    counting = CountingCache(caching.cache)
    monkeypatch.setattr(caching, "cache", counting)
    again = client.get(LIST)
    assert again.content == first.content
    assert counting.calls == ["get_many"]


def test_a_replayed_page_keeps_its_count_and_links(client):
    build_world(n=2)
    first = client.get(LIST)
    again = client.get(LIST)
    assert again["X-Total-Count"] == first["X-Total-Count"] == "4"
    assert again["Link"] == first["Link"] and 'rel="next"' in again["Link"]
    assert again.json()["next"] == first.json()["next"] is not None


def test_a_replayed_csv_keeps_its_type_and_file_name(client):
    build_world(n=1)
    first = client.get("/api/v1/ratifications/?format=csv")
    again = client.get("/api/v1/ratifications/?format=csv")
    assert again["Content-Type"].startswith("text/csv")
    assert again.get("Content-Disposition") == first.get("Content-Disposition")
    assert again.content == first.content


@pytest.mark.parametrize("shared", [False, True], ids=["per-process cache", "shared cache"])
def test_a_new_ratification_shows_at_once(client, settings, shared):
    settings.TREATYKB_SHARED_CACHE = shared
    alpha, _ = build_world(n=1)
    before = client.get("/api/v1/ratifications/?treaty=alpha").json()["count"]
    RatificationFactory(treaty=alpha, participant=ParticipantFactory(code="NO", name="Norway"))
    after = client.get("/api/v1/ratifications/?treaty=alpha").json()
    assert after["count"] == before + 1
    assert "NO" in {row["participant"] for row in after["results"]}


def test_an_edit_shows_at_once_in_a_replayed_detail(client):
    build_world(n=1)
    record = Ratification.objects.filter(treaty__slug="alpha").first()
    url = f"/api/v1/ratifications/alpha/{record.participant.code}/"
    assert client.get(url).json()["note"] == record.note
    record.note = "The depositary corrected the date."
    record.save()
    assert client.get(url).json()["note"] == "The depositary corrected the date."


def test_replayed_responses_are_still_throttled(client, settings):
    build_world(n=1)
    settings.API_ANON_RATE = "3/minute"
    statuses = [client.get("/api/v1/treaties/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_browsable_view_is_never_replayed(client):
    build_world(n=1)
    client.get("/api/v1/treaties/", HTTP_ACCEPT="text/html")
    again = client.get("/api/v1/treaties/", HTTP_ACCEPT="text/html")
    assert again["Content-Type"].startswith("text/html")
    assert getattr(again, "renderer_context", None) is not None  # rendered by DRF, not replayed


def test_signed_in_users_always_get_a_fresh_response(reader_client):
    build_world(n=1)
    reader_client.get("/api/v1/treaties/")
    again = reader_client.get("/api/v1/treaties/")
    assert again.status_code == 200
    assert getattr(again, "renderer_context", None) is not None


def test_a_bad_request_is_not_kept(client):
    build_world(n=1)
    assert client.get("/api/v1/ratifications/?treaty=nowhere").status_code == 400
    assert client.get("/api/v1/ratifications/?treaty=nowhere").status_code == 400


def test_each_host_gets_links_to_itself(client, settings):
    settings.ALLOWED_HOSTS = ["kb.example.org", "mirror.example.net"]
    build_world(n=2)
    first = client.get(LIST, HTTP_HOST="kb.example.org").json()
    second = client.get(LIST, HTTP_HOST="mirror.example.net").json()
    assert first["next"].startswith("http://kb.example.org/")
    assert second["next"].startswith("http://mirror.example.net/")


def test_a_response_too_large_to_keep_is_served_but_not_kept(
    client, monkeypatch, django_assert_max_num_queries
):
    build_world(n=2)
    monkeypatch.setattr(caching, "MAX_CACHED_BYTES", 100)
    first = client.get(LIST)
    with django_assert_max_num_queries(10) as again:
        second = client.get(LIST)
    assert second.content == first.content
    assert len(again.captured_queries) > 1  # built again, not replayed


def test_a_new_release_neither_replays_nor_matches_what_the_old_one_served(
    client, shared_cache, monkeypatch
):
    build_world(n=1)
    old = client.get(LIST)
    monkeypatch.setattr(caching, "release", lambda: "next-release")
    new = client.get(LIST, HTTP_IF_NONE_MATCH=old["ETag"])
    assert new.status_code == 200
    assert new["ETag"] != old["ETag"]
    assert getattr(new, "renderer_context", None) is not None  # rendered, not replayed
