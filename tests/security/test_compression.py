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
