"""Quotas that fit NGOs: a free API key has its own quota (5,000 an hour by default), a client
without one the quota of its address; a 304 consumes neither; every answer says where the
client stands (RateLimit, RateLimit-Policy); a browser dashboard may send conditional requests
and the key (CORS)."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from apikeys.models import ApiKey
from tests.scenarios import build_world
from treaties.roles import sync_roles

pytestmark = pytest.mark.django_db
URL = "/api/v1/treaties/"


def issue(rate="3/minute", name="Anti-Slavery NGO"):
    key = ApiKey(name=name, contact_email="data@example.org", rate=rate)
    secret = key.issue()
    key.full_clean()
    key.save()
    return key, secret


@pytest.fixture
def world():
    build_world(n=1)


def test_an_anonymous_client_has_the_quota_of_its_address(client, world, settings):
    settings.API_ANON_RATE = "2/minute"
    first, second, third = (client.get(URL) for _ in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 429]
    assert first["RateLimit-Policy"] == '"anonymous";q=2;w=60'
    assert first["RateLimit"].startswith('"anonymous";r=1;t=')
    assert second["RateLimit"].startswith('"anonymous";r=0;t=')
    assert third["Content-Type"] == "application/problem+json"
    assert third.json()["status"] == 429 and int(third["Retry-After"]) > 0
    other = client.get(URL, REMOTE_ADDR="192.0.2.7")  # another office: a quota of its own
    assert other.status_code == 200


def test_a_key_has_its_own_quota_apart_from_its_address(client, world, settings):
    settings.API_ANON_RATE = "1/minute"
    _key, secret = issue(rate="3/minute")
    with_key = [client.get(URL, HTTP_X_API_KEY=secret) for _ in range(4)]
    assert [r.status_code for r in with_key] == [200, 200, 200, 429]
    assert with_key[0]["RateLimit-Policy"] == '"key";q=3;w=60'
    assert with_key[2]["RateLimit"].startswith('"key";r=0;')
    # The address's own quota was not touched by the key's requests, nor the key's by it.
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429


def test_the_default_key_rate_is_five_thousand_an_hour(client, world):
    key = ApiKey(name="Research group", contact_email="r@example.org")
    secret = key.issue()
    key.save()
    assert key.rate == "5000/hour"
    response = client.get(URL, HTTP_X_API_KEY=secret)
    assert response["RateLimit-Policy"] == '"key";q=5000;w=3600'


@pytest.mark.parametrize("header", ["If-None-Match", "If-Modified-Since"])
def test_a_304_consumes_neither_quota(client, world, settings, header):
    settings.API_ANON_RATE = "2/minute"
    _key, secret = issue(rate="2/minute")
    for extra in ({}, {"HTTP_X_API_KEY": secret}):
        first = client.get(URL, **extra)
        validator = first["ETag"] if header == "If-None-Match" else first["Last-Modified"]
        meta = {"HTTP_" + header.upper().replace("-", "_"): validator, **extra}
        revalidations = [client.get(URL, **meta) for _ in range(5)]
        assert {r.status_code for r in revalidations} == {304}
        assert all(
            r["RateLimit"].startswith(f'"{p}";r=1;')
            for r in revalidations
            for p in ["key" if extra else "anonymous"]
        )
        assert client.get(URL, **extra).status_code == 200  # the second counted request
        assert client.get(URL, **extra).status_code == 429


def test_an_unknown_or_revoked_key_is_a_401_problem(client, world):
    key, secret = issue()
    assert client.get(URL, HTTP_X_API_KEY=secret).status_code == 200
    key.revoked_at = key.created_at
    key.save()
    for sent in (secret, "tkb_made-up"):
        response = client.get(URL, HTTP_X_API_KEY=sent)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"] == "X-API-Key"


def test_only_a_digest_of_the_key_is_kept(world):
    key, secret = issue()
    stored = ApiKey.objects.values().get(pk=key.pk)
    assert secret not in str(stored) and secret.startswith(key.prefix)


def test_every_api_answer_carries_the_ratelimit_headers(client, world, settings):
    settings.API_ANON_RATE = "100/minute"
    for url in (URL, "/api/v1/treaties.csv", "/api/v1/nothing/", "/api/v1/ratifications/?x=1"):
        response = client.get(url)
        assert response["RateLimit-Policy"] == '"anonymous";q=100;w=60', url
        assert response["RateLimit"].startswith('"anonymous";r='), url
    assert "RateLimit" not in client.get("/treaties/")  # the site's pages have no quota


def test_a_browser_dashboard_may_send_conditional_requests_and_the_key(client, world):
    preflight = client.options(
        URL,
        HTTP_ORIGIN="https://dashboard.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match,if-modified-since,x-api-key",
    )
    allowed = preflight["Access-Control-Allow-Headers"].lower()
    assert {"if-none-match", "if-modified-since", "x-api-key"} <= set(allowed.split(", "))
    response = client.get(URL, HTTP_ORIGIN="https://dashboard.example.org")
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "link", "x-total-count", "ratelimit", "ratelimit-policy", "retry-after"} <= (
        exposed
    )


def test_an_editor_issues_a_key_in_the_admin_and_sees_it_once(client, db):
    sync_roles()
    editor = User.objects.create_user("ed", password="pw-editor-1", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.post(
        reverse("admin:apikeys_apikey_add"),
        {"name": "Anti-Slavery NGO", "contact_email": "data@example.org", "rate": "5000/hour"},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("tkb_") and secret in response.content.decode()
    key = ApiKey.objects.get()
    assert key.created_by == editor and key.prefix == secret[:10]
    page = client.get(reverse("admin:apikeys_apikey_change", args=[key.pk])).content.decode()
    assert secret not in page  # never shown again
    client.logout()
    assert client.get(URL, HTTP_X_API_KEY=secret).status_code == 200


def test_a_rate_that_is_not_a_rate_is_a_form_error(client, db):
    sync_roles()
    editor = User.objects.create_user("ed", password="pw-editor-1", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.post(
        reverse("admin:apikeys_apikey_add"),
        {"name": "X", "contact_email": "x@example.org", "rate": "lots"},
    )
    assert response.status_code == 200 and "is not a rate" in response.content.decode()
    assert not ApiKey.objects.exists()
