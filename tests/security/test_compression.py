"""Public answers are compressed for clients that accept gzip; nothing that carries a secret
is (common/compression.py); conditional requests and If-Match keep working."""

import gzip
import json

import pytest
from django.urls import reverse

from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from tests.scenarios import build_world

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, br"}


@pytest.fixture
def world():
    build_world(n=3)
    ProvisionFactory(treaty__slug="untoc", number="5", text="Each State Party shall " * 50)


@pytest.mark.parametrize(
    "url, content_type",
    [
        ("/treaties/alpha/", "text/html"),
        ("/api/v1/ratifications/", "application/json"),
        ("/api/v1/ratifications/?format=csv", "text/csv"),
        ("/treaties/alpha/participants.csv", "text/csv"),
        ("/api/v1/feeds/treaties/alpha.atom", "application/atom+xml"),
    ],
)
def test_public_answers_are_gzipped_for_clients_that_accept_it(client, world, url, content_type):
    plain = client.get(url)
    packed = client.get(url, **GZIP)
    assert packed.status_code == 200 and packed["Content-Type"].startswith(content_type)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert "Content-Encoding" not in plain


def test_a_compressed_answer_and_its_etag_still_give_a_304(client, world):
    url = "/api/v1/ratifications/"
    packed = client.get(url, **GZIP)
    assert packed["ETag"].startswith('W/"')
    again = client.get(url, HTTP_IF_NONE_MATCH=packed["ETag"], **GZIP)
    assert again.status_code == 304
    plain = client.get(url, HTTP_IF_NONE_MATCH=packed["ETag"])
    assert plain.status_code == 304  # the same representation, compressed or not


def test_no_compressed_answer_carries_a_csrf_token(client, admin_client, world):
    login = client.get(reverse("admin:login"), **GZIP)
    assert "csrfmiddlewaretoken" in login.content.decode()
    assert "Content-Encoding" not in login
    page = admin_client.get("/treaties/alpha/", **GZIP)  # a signed-in user's page
    assert "Content-Encoding" not in page
    for url in ("/", "/search/?q=measures", "/treaties/alpha/", "/countries/"):
        public = client.get(url, **GZIP)
        if public.get("Content-Encoding") == "gzip":
            assert b"csrfmiddlewaretoken" not in gzip.decompress(public.content)


def test_a_writable_records_detail_keeps_its_strong_etag_for_if_match(client, world):
    record = RatificationFactory(participant=ParticipantFactory(code="NO"))
    url = f"/api/v1/ratifications/{record.treaty.slug}/NO/"
    response = client.get(url, **GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert response["ETag"].startswith('"') and "." in response["ETag"]
    assert json.loads(response.content)["participant"] == "NO"


def compressions(monkeypatch):
    """Count the bodies gzipped (by the middleware or for the cache)."""
    from django.middleware import gzip as django_gzip

    from common import compression

    made = []
    original = compression.compress_string

    def counted(content, **kwargs):
        made.append(len(content))
        return original(content, **kwargs)

    monkeypatch.setattr(compression, "compress_string", counted)
    monkeypatch.setattr(django_gzip, "compress_string", counted)
    return made


@pytest.mark.parametrize("url", ["/treaties/alpha/", "/api/v1/ratifications/"])
def test_a_kept_answer_is_gzipped_once_and_replayed_compressed(client, world, monkeypatch, url):
    made = compressions(monkeypatch)
    first = client.get(url, **GZIP)
    again = client.get(url, **GZIP)
    assert len(made) == 1  # the replay sent the body gzipped when it was kept
    assert again["Content-Encoding"] == "gzip" and "Accept-Encoding" in again["Vary"]
    assert again.content == first.content
    assert again["Content-Length"] == str(len(again.content))
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    assert gzip.decompress(again.content) == plain.content
    assert len(made) == 1


def test_an_answer_kept_for_a_plain_client_is_gzipped_once_for_the_next_ones(
    client, world, monkeypatch
):
    made = compressions(monkeypatch)
    url = "/api/v1/ratifications/"
    plain = client.get(url)
    assert made == []  # nobody asked for gzip yet
    packed = [client.get(url, **GZIP) for _ in range(3)]
    assert len(made) == 1
    assert all(gzip.decompress(p.content) == plain.content for p in packed)
    assert packed[0]["ETag"] == packed[2]["ETag"] == "W/" + plain["ETag"]


def test_an_edit_is_not_hidden_by_a_kept_compressed_page(client, world):
    from treaties.models import Treaty

    url = "/treaties/alpha/"
    client.get(url, **GZIP)
    treaty = Treaty.objects.get(slug="alpha")
    treaty.status_note = "A note typed by an editor."
    treaty.save()
    again = client.get(url, **GZIP)
    assert b"A note typed by an editor." in gzip.decompress(again.content)
