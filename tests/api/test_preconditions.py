"""Stale writes are refused, not applied: the API honours If-Match on PUT, PATCH and DELETE, and
the ETag of a detail response identifies that record's version."""

import pytest

from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from treaties.models import Ratification

pytestmark = pytest.mark.django_db
RECORD = "/api/v1/ratifications/untoc/NO/"


@pytest.fixture
def record():
    return RatificationFactory(
        treaty__slug="untoc", participant=ParticipantFactory(code="NO", name="Norway")
    )


def test_a_patch_with_the_current_etag_is_applied_and_answers_the_new_one(editor_client, record):
    etag = editor_client.get(RECORD)["ETag"]
    response = editor_client.patch(RECORD, {"note": "Checked."}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    assert Ratification.objects.get().note == "Checked."
    again = editor_client.patch(
        RECORD, {"note": "Checked twice."}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert again.status_code == 200


def test_a_patch_with_a_stale_etag_is_412_with_the_current_etag(editor_client, record):
    stale = editor_client.get(RECORD)["ETag"]
    assert editor_client.patch(RECORD, {"note": "First."}, format="json").status_code == 200
    response = editor_client.patch(
        RECORD, {"note": "Second, from an old copy."}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert "changed since" in response.json()["detail"]
    assert Ratification.objects.get().note == "First."  # never applied
    current = response["ETag"]
    assert current != stale
    retried = editor_client.patch(
        RECORD, {"note": "Second, redone."}, format="json", HTTP_IF_MATCH=current
    )
    assert retried.status_code == 200


def test_a_delete_with_a_stale_etag_is_412_and_deletes_nothing(editor_client, record):
    stale = editor_client.get(RECORD)["ETag"]
    editor_client.patch(RECORD, {"note": "Changed."}, format="json")
    assert editor_client.delete(RECORD, HTTP_IF_MATCH=stale).status_code == 412
    assert Ratification.objects.exists()
    current = editor_client.get(RECORD)["ETag"]
    assert editor_client.delete(RECORD, HTTP_IF_MATCH=current).status_code == 204
    assert not Ratification.objects.exists()


def test_the_detail_etag_follows_the_record_not_the_rest_of_the_data(editor_client, record):
    etag = editor_client.get(RECORD)["ETag"]
    RatificationFactory(treaty=record.treaty)  # another record changes: this one did not
    response = editor_client.patch(RECORD, {"note": "Fine."}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200


def test_an_etag_of_another_record_or_a_weak_one_does_not_match(editor_client, record):
    other = RatificationFactory(treaty=record.treaty, participant=ParticipantFactory(code="SE"))
    theirs = editor_client.get(f"/api/v1/ratifications/untoc/{other.participant.code}/")["ETag"]
    assert (
        editor_client.patch(RECORD, {"note": "x"}, format="json", HTTP_IF_MATCH=theirs).status_code
        == 412
    )
    ours = editor_client.get(RECORD)["ETag"]
    assert (
        editor_client.patch(
            RECORD, {"note": "x"}, format="json", HTTP_IF_MATCH=f"W/{ours}"
        ).status_code
        == 412
    )
    assert (
        editor_client.patch(RECORD, {"note": "x"}, format="json", HTTP_IF_MATCH="*").status_code
        == 200
    )


def test_statements_and_provisions_honour_if_match_too(editor_client, record):
    ProvisionFactory(treaty=record.treaty, number="5")
    stale = editor_client.get("/api/v1/provisions/untoc/5/")["ETag"]
    assert (
        editor_client.patch(
            "/api/v1/provisions/untoc/5/", {"heading": "One"}, format="json"
        ).status_code
        == 200
    )
    assert (
        editor_client.patch(
            "/api/v1/provisions/untoc/5/", {"heading": "Two"}, format="json", HTTP_IF_MATCH=stale
        ).status_code
        == 412
    )
    created = editor_client.post(
        "/api/v1/statements/",
        {"treaty": "untoc", "participant": "NO", "kind": "declaration", "text": "A."},
        format="json",
    ).json()
    url = f"/api/v1/statements/{created['id']}/"
    stale = editor_client.get(url)["ETag"]
    editor_client.patch(url, {"text": "B."}, format="json")
    assert (
        editor_client.patch(url, {"text": "C."}, format="json", HTTP_IF_MATCH=stale).status_code
        == 412
    )


def test_a_conditional_read_of_a_detail_is_still_a_304(client, record):
    etag = client.get(RECORD)["ETag"]
    assert client.get(RECORD, HTTP_IF_NONE_MATCH=etag).status_code == 304
