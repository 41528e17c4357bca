"""A reason for a change (optional) on every admin save and every API write, kept in the
history with the change."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.admin.test_editing import provision_form_data
from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from treaties.models import Ratification

pytestmark = pytest.mark.django_db
REASON = "Checked against the depositary notification of 2024"


def test_the_admin_form_offers_a_reason_and_the_history_keeps_it(editor_client, untoc):
    article = ProvisionFactory(treaty=untoc, number="5")
    url = reverse("admin:provisions_provision_change", args=[article.pk])
    page = editor_client.get(url).content.decode()
    assert 'name="_change_reason"' in page and "Reason for this change" in page
    data = provision_form_data(article, heading="Scope", _change_reason=REASON)
    assert editor_client.post(url, data).status_code == 302
    latest = article.history.latest()
    assert latest.history_change_reason == REASON
    assert latest.history_user.username == "editor"
    history = editor_client.get(reverse("admin:provisions_provision_history", args=[article.pk]))
    assert REASON in history.content.decode()


def api_client(user):
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_an_api_write_keeps_its_reason_in_the_history(editor, untoc):
    record = RatificationFactory(treaty=untoc, participant=ParticipantFactory(code="NO"))
    client = api_client(editor)
    response = client.patch(
        "/api/v1/ratifications/untoc/NO/",
        {"note": "Checked."},
        format="json",
        HTTP_X_CHANGE_REASON=REASON,
    )
    assert response.status_code == 200, response.content
    latest = record.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (REASON, editor)
    assert (
        client.delete(
            "/api/v1/ratifications/untoc/NO/", HTTP_X_CHANGE_REASON="A duplicate of another record"
        ).status_code
        == 204
    )
    deletion = Ratification.history.filter(id=record.pk, history_type="-").get()
    assert deletion.history_change_reason == "A duplicate of another record"


def test_a_reason_longer_than_the_history_keeps_is_a_400(editor, untoc):
    RatificationFactory(treaty=untoc, participant=ParticipantFactory(code="NO"))
    response = api_client(editor).patch(
        "/api/v1/ratifications/untoc/NO/",
        {"note": "Checked."},
        format="json",
        HTTP_X_CHANGE_REASON="x" * 101,
    )
    assert response.status_code == 400 and "X-Change-Reason" in response.json()["errors"]
    assert Ratification.objects.get().note == ""
