"""API writes follow the same rules as the admin: an editor who may not publish directly gets
202 Accepted and a proposal (its address in Location); nothing is published, and the API, the
pages, the feeds and the download show the change only once a reviewer approves it."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from rest_framework.test import APIClient

from review import services
from review.models import Kind, Proposal, Status
from tests.api.conftest import EDITING, token_client
from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from treaties.models import Ratification, Statement

pytestmark = pytest.mark.django_db
RECORD = "/api/v1/ratifications/asean-actip/BN/"
ARTICLE = "/api/v1/provisions/asean-actip/18/"


@pytest.fixture
def proposer():
    user = User.objects.create_user("proposer", password="proposer-password-1")
    user.user_permissions.add(*Permission.objects.filter(codename__in=EDITING))
    return user


@pytest.fixture
def api(proposer):
    return token_client(proposer)


@pytest.fixture
def publisher_api():
    """The same permissions, and the permission to publish directly."""
    user = User.objects.create_user("publisher", password="publisher-password-1")
    codenames = [*EDITING, "publish_directly"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return token_client(user)


@pytest.fixture
def reader_api():
    return token_client(User.objects.create_user("reader", password="reader-password-1"))


@pytest.fixture
def anonymous():
    return APIClient(HTTP_HOST="localhost")


@pytest.fixture
def record():
    return RatificationFactory(
        treaty__slug="asean-actip",
        treaty__short_title="ACTIP",
        participant=ParticipantFactory(code="BN", name="Brunei Darussalam"),
        signature_on=datetime.date(2015, 11, 21),
        consent_on=datetime.date(2016, 6, 1),
        source_url="https://asean.org/old",
    )


@pytest.fixture
def article(record):
    return ProvisionFactory(treaty=record.treaty, number="18", text="Old text.")


def test_a_patch_is_a_proposal_answered_202_with_its_location(api, record, proposer):
    response = api.patch(
        RECORD,
        {"note": "Checked against the release."},
        format="json",
        HTTP_X_CHANGE_REASON="ASEAN release",
        HTTP_X_CHANGE_SOURCE="https://asean.org/release",
    )
    assert response.status_code == 202, response.content
    proposal = Proposal.objects.get()
    assert response["Location"].endswith(proposal.get_absolute_url())
    body = response.json()
    assert body["proposal"] == proposal.pk and body["status"] == "open"
    assert body["changes"] == {"note": "Checked against the release."}
    assert proposal.author == proposer and proposal.origin == "api"
    assert proposal.reason == "ASEAN release" and proposal.source_url == "https://asean.org/release"
    record.refresh_from_db()
    assert record.note == ""
    assert api.get(RECORD).json()["note"] == ""


def test_put_post_and_delete_are_proposals_too(api, record, article):
    full = api.get(ARTICLE).json()
    full["text"] = "New text."
    for name in ("id", "url", "html_url", "related_provisions", "citation", "modified_at"):
        full.pop(name)
    assert api.put(ARTICLE, full, format="json").status_code == 202
    assert Proposal.objects.get(kind=Kind.UPDATE).changes == {"text": "New text."}
    created = api.post(
        "/api/v1/statements/",
        {"treaty": "asean-actip", "participant": "BN", "kind": "declaration", "text": "A."},
        format="json",
    )
    assert created.status_code == 202
    assert not Statement.objects.exists()
    assert api.delete(RECORD).status_code == 202
    assert Ratification.objects.exists()
    assert Proposal.objects.filter(kind=Kind.DELETE, object_id=record.pk).exists()


def test_a_write_that_changes_nothing_answers_the_record(api, record):
    response = api.patch(RECORD, {"note": ""}, format="json")
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_bad_input_is_a_400_with_field_messages_not_a_proposal(api, record):
    response = api.patch(RECORD, {"consent_on": "2010-01-01"}, format="json")
    assert response.status_code == 400
    assert "consent_on" in response.json()["errors"]
    bad_source = api.patch(
        RECORD, {"note": "x"}, format="json", HTTP_X_CHANGE_SOURCE="not an address"
    )
    assert bad_source.status_code == 400
    assert "X-Change-Source" in bad_source.json()["errors"]
    assert not Proposal.objects.exists()


def test_if_match_is_honoured_for_proposals(api, record, publisher_api):
    stale = api.get(RECORD)["ETag"]
    assert publisher_api.patch(RECORD, {"note": "First."}, format="json").status_code == 200
    response = api.patch(RECORD, {"note": "Second."}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert not Proposal.objects.exists()
    current = api.get(RECORD)["ETag"]
    assert (
        api.patch(RECORD, {"note": "Second."}, format="json", HTTP_IF_MATCH=current).status_code
        == 202
    )


def test_a_user_who_may_publish_directly_writes_at_once(publisher_api, record):
    assert publisher_api.patch(RECORD, {"note": "Now."}, format="json").status_code == 200
    assert not Proposal.objects.exists()


def test_anonymous_and_readers_still_cannot_write(anonymous, reader_api, record):
    assert anonymous.patch(RECORD, {"note": "x"}, format="json").status_code in (401, 403)
    assert reader_api.patch(RECORD, {"note": "x"}, format="json").status_code == 403
    assert not Proposal.objects.exists()


def test_nothing_shows_until_approved_and_a_rejection_never_shows(
    api, anonymous, record, article, django_user_model
):
    """The API, the public pages, the Atom feed and the download."""
    reviewer = django_user_model.objects.create_user("reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    api.patch(ARTICLE, {"text": "Proposed text."}, format="json")
    api.patch(RECORD, {"source_url": "https://asean.org/proposed"}, format="json")
    rejected = api.patch(RECORD, {"note": "A placeholder."}, format="json").json()["proposal"]

    def visible():
        return {
            "api": "Proposed text." in anonymous.get(ARTICLE).content.decode(),
            "page": "Proposed text."
            in anonymous.get("/treaties/asean-actip/articles/18/").content.decode(),
            "feed": "asean.org/proposed"
            in anonymous.get("/api/v1/feeds/treaties/asean-actip.atom").content.decode(),
            "download": b"Proposed text." in anonymous.get("/api/v1/download/?format=json").content,
            "rejected": "A placeholder." in anonymous.get(RECORD).content.decode(),
        }

    assert not any(visible().values())
    services.reject(Proposal.objects.get(pk=rejected), reviewer=reviewer, comment="No.")
    for proposal in Proposal.objects.open():
        services.approve(proposal, reviewer=reviewer)
    assert visible() == {
        "api": True,
        "page": True,
        "feed": True,
        "download": True,
        "rejected": False,
    }
    assert Proposal.objects.get(pk=rejected).status == Status.REJECTED
