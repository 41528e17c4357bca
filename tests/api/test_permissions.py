"""Reads are public; writes need an account with the matching model permission. Anonymous
writes get a 401, writes without permission a 403, and neither changes anything. Writes are
validated by the model (a 400 with field messages, never an integrity error)."""

import pytest
from django.test import Client

from provisions.models import Provision
from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from treaties.models import Ratification, Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    untoc = TreatyFactory(slug="untoc")
    fr = ParticipantFactory(code="FR")
    ParticipantFactory(code="DE")
    record = RatificationFactory(treaty=untoc, participant=fr)
    statement = StatementFactory(ratification=record)
    PillarFactory(slug="protection")
    ProvisionFactory(treaty=untoc, number="6")
    ProvisionFactory(treaty=untoc, number="7")
    ProvisionFactory(treaty=TreatyFactory(slug="palermo-protocol"), number="5")
    return {"statement": statement}


def writes(data):
    """(method, url, body) for every write the API offers."""
    statement = data["statement"].pk
    return [
        (
            "post",
            "/api/v1/ratifications/",
            {"treaty": "untoc", "participant": "DE", "signature_on": "2001-01-01"},
        ),
        ("patch", "/api/v1/ratifications/untoc/FR/", {"note": "Checked."}),
        (
            "put",
            "/api/v1/ratifications/untoc/FR/",
            {"treaty": "untoc", "participant": "FR", "signature_on": "2001-01-01"},
        ),
        ("delete", "/api/v1/ratifications/untoc/FR/", None),
        (
            "post",
            "/api/v1/statements/",
            {"treaty": "untoc", "participant": "FR", "kind": "declaration", "text": "A text."},
        ),
        ("patch", f"/api/v1/statements/{statement}/", {"text": "Another text."}),
        ("delete", f"/api/v1/statements/{statement}/", None),
        (
            "post",
            "/api/v1/provisions/",
            {"treaty": "untoc", "number": "8", "text": "Text.", "pillars": ["protection"]},
        ),
        ("patch", "/api/v1/provisions/untoc/6/", {"pillars": ["protection"]}),
        ("patch", "/api/v1/provisions/untoc/6/", {"related": ["palermo-protocol/5"]}),
        ("delete", "/api/v1/provisions/untoc/6/", None),
    ]


def snapshot():
    return (
        list(Ratification.objects.values_list("participant__code", "note", "signature_on")),
        list(Statement.objects.values_list("pk", "text")),
        list(Provision.objects.values_list("number", "pillars__slug", "related__number")),
    )


def send(api, method, url, body):
    return getattr(api, method)(url, body, format="json")


@pytest.mark.parametrize("index", range(11))
def test_anonymous_writes_are_401_and_change_nothing(client, data, index):
    method, url, body = writes(data)[index]
    before = snapshot()
    response = send(client, method, url, body)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert snapshot() == before


@pytest.mark.parametrize("index", range(11))
def test_writes_without_permission_are_403_and_change_nothing(reader_client, data, index):
    method, url, body = writes(data)[index]
    before = snapshot()
    assert send(reader_client, method, url, body).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("index", range(11))
def test_editors_can_write(editor_client, data, index):
    method, url, body = writes(data)[index]
    response = send(editor_client, method, url, body)
    assert response.status_code in {200, 201, 204}, response.content


def test_reads_are_public_for_every_kind_of_client(client, reader_client, editor_client, data):
    for api in (client, reader_client, editor_client):
        assert api.get("/api/v1/ratifications/untoc/FR/").status_code == 200


def test_session_authentication_works_in_the_browser_with_csrf(editor, data):
    browser = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    browser.force_login(editor)
    refused = browser.patch(
        "/api/v1/ratifications/untoc/FR/", '{"note": "x"}', content_type="application/json"
    )
    assert refused.status_code == 403  # no CSRF token
    browser.get("/api/v1/ratifications/untoc/FR/", HTTP_ACCEPT="text/html")
    token = browser.cookies["csrftoken"].value
    accepted = browser.patch(
        "/api/v1/ratifications/untoc/FR/",
        '{"note": "Checked in the browser."}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 200
    assert Ratification.objects.get().note == "Checked in the browser."


def test_created_record_gets_its_entry_into_force_computed(editor_client, data):
    response = editor_client.post(
        "/api/v1/ratifications/",
        {
            "treaty": "untoc",
            "participant": "DE",
            "consent_kind": "accession",
            "consent_on": "2010-03-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "party"
    assert response.json()["entry_into_force_on"] == "2010-03-31"
    assert response.json()["entry_into_force_basis"] == "computed"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"treaty": "untoc", "participant": "FR", "signature_on": "2001-01-01"}, "__all__"),
        ({"treaty": "untoc", "participant": "DE"}, "signature_on"),
        (
            {
                "treaty": "untoc",
                "participant": "DE",
                "signature_on": "2005-01-01",
                "consent_kind": "ratification",
                "consent_on": "2004-01-01",
            },
            "consent_on",
        ),
        (
            {
                "treaty": "untoc",
                "participant": "DE",
                "consent_on": "2004-01-01",
                "signature_on": "2001-01-01",
            },
            "consent_kind",
        ),
        (
            {
                "treaty": "untoc",
                "participant": "DE",
                "consent_kind": "accession",
                "consent_on": "2004-01-01",
                "entry_into_force_on": "2004-02-01",
            },
            "entry_into_force_basis",
        ),
        ({"treaty": "nope", "participant": "DE", "signature_on": "2001-01-01"}, "treaty"),
        ({"treaty": "untoc", "participant": "DE", "signature_on": "2001-13-01"}, "signature_on"),
    ],
)
def test_invalid_writes_are_400_with_field_messages(editor_client, data, body, field):
    before = snapshot()
    response = editor_client.post("/api/v1/ratifications/", body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors or (field == "__all__" and "non_field_errors" in errors), errors
    assert snapshot() == before


def test_a_statement_needs_an_existing_record_and_articles_of_its_treaty(editor_client, data):
    other = TreatyFactory(slug="other")
    ProvisionFactory(treaty=other, number="1")
    response = editor_client.post(
        "/api/v1/statements/",
        {"treaty": "untoc", "participant": "DE", "kind": "declaration", "text": "x"},
        format="json",
    )
    assert response.status_code == 400 and "participant" in response.json()["errors"]
    response = editor_client.post(
        "/api/v1/statements/",
        {
            "treaty": "untoc",
            "participant": "FR",
            "kind": "declaration",
            "text": "x",
            "provisions": ["other/1"],
        },
        format="json",
    )
    assert response.status_code == 400 and "provisions" in response.json()["errors"]


def test_provision_tags_and_related_articles_are_written(editor_client, data):
    response = editor_client.patch(
        "/api/v1/provisions/untoc/6/",
        {"pillars": ["protection"], "related": ["palermo-protocol/5"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    six = Provision.objects.get(treaty__slug="untoc", number="6")
    assert list(six.pillars.values_list("slug", flat=True)) == ["protection"]
    assert list(six.related.values_list("number", flat=True)) == ["5"]
    for wrong in (["untoc/6"], ["untoc/7"]):  # itself; an article of its own treaty
        refused = editor_client.patch(
            "/api/v1/provisions/untoc/6/", {"related": wrong}, format="json"
        )
        assert refused.status_code == 400 and "related" in refused.json()["errors"]
    duplicate = editor_client.post(
        "/api/v1/provisions/", {"treaty": "untoc", "number": "7", "text": "x"}, format="json"
    )
    assert duplicate.status_code == 400
    empty = editor_client.post(
        "/api/v1/provisions/", {"treaty": "untoc", "number": "9", "text": ""}, format="json"
    )
    assert empty.status_code == 400 and "text_incomplete" in empty.json()["errors"]


def test_a_statement_withdrawn_before_it_was_made_is_refused(editor_client, data):
    response = editor_client.patch(
        f"/api/v1/statements/{data['statement'].pk}/",
        {"made_on": "2010-01-01", "withdrawn_on": "2009-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "withdrawn_on" in response.json()["errors"]
    assert Statement.objects.get().withdrawn_on is None


def test_cors_allows_reads_from_any_origin_and_no_credentials(client, data):
    response = client.get("/api/v1/treaties/", HTTP_ORIGIN="https://ngo.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/ratifications/",
        HTTP_ORIGIN="https://ngo.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE",
    )
    assert "DELETE" not in preflight.get("Access-Control-Allow-Methods", "")
    page = client.get("/treaties/untoc/", HTTP_ORIGIN="https://ngo.example.org")
    assert "Access-Control-Allow-Origin" not in page
