"""Two editors on one record: the second save, made from the form opened before the first one,
is refused and shows what the first changed; nothing is overwritten (common/admin.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin.conftest import staff_user
from tests.admin.test_editing import provision_form_data, ratification_data
from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from treaties.roles import TRUSTED_EDITORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor_client(django_user_model):
    client = Client()
    client.force_login(staff_user(django_user_model, "editor-b", TRUSTED_EDITORS))
    return client


def opened(client, url):
    """The form as an editor opens it: the version it was opened on."""
    form = client.get(url).context["adminform"].form
    return form.initial["record_version"]


def test_a_save_from_a_form_opened_before_a_colleagues_save_is_refused(
    editor_client, second_editor_client, pillars, untoc
):
    article = ProvisionFactory(treaty=untoc, number="5", heading="", text="", text_incomplete=True)
    url = reverse("admin:provisions_provision_change", args=[article.pk])
    mine, theirs = opened(editor_client, url), opened(second_editor_client, url)
    assert mine == theirs
    response = second_editor_client.post(
        url,
        provision_form_data(
            article,
            text="1. Each State Party shall adopt measures.",
            text_incomplete="",
            pillars=[pillars[2].pk],
            record_version=theirs,
        ),
    )
    assert response.status_code == 302
    response = editor_client.post(
        url, provision_form_data(article, heading="Criminalization", record_version=mine)
    )
    assert response.status_code == 200  # the form again, not "changed successfully"
    page = response.content.decode()
    assert "This record was changed since you opened it" in page
    assert "editor-b saved it at" in page
    assert "Text" in page and "Pillars" in page
    article.refresh_from_db()
    assert article.text == "1. Each State Party shall adopt measures."  # not overwritten
    assert article.heading == ""
    form = response.context["adminform"].form
    assert form.data["heading"] == "Criminalization"  # the editor's entry is kept
    # Merged by hand and saved again: against the current version now, so it is applied.
    merged = provision_form_data(
        article,
        heading="Criminalization",
        text=article.text,
        text_incomplete="",
        pillars=[pillars[2].pk],
        record_version=form.data["record_version"],
    )
    assert editor_client.post(url, merged).status_code == 302
    article.refresh_from_db()
    assert (article.heading, article.text) == (
        "Criminalization",
        "1. Each State Party shall adopt measures.",
    )


def test_a_ratification_note_is_not_lost_either(editor_client, second_editor_client, untoc):
    record = RatificationFactory(treaty=untoc, participant=ParticipantFactory(name="France"))
    url = reverse("admin:treaties_ratification_change", args=[record.pk])
    mine, theirs = opened(editor_client, url), opened(second_editor_client, url)
    values = {"signature_on": "2001-01-10", "consent_kind": "ratification"}
    values["consent_on"] = "2004-03-01"
    first = ratification_data(untoc, record.participant, **values, note="From the decree.")
    first["record_version"] = theirs
    assert second_editor_client.post(url, first).status_code == 302
    second = ratification_data(untoc, record.participant, **values, note="My note.")
    second["record_version"] = mine
    response = editor_client.post(url, second)
    assert response.status_code == 200
    assert "changing: Note" in response.content.decode()
    record.refresh_from_db()
    assert record.note == "From the decree."


def test_a_save_from_the_current_version_goes_through(editor_client, untoc):
    article = ProvisionFactory(treaty=untoc, number="7")
    url = reverse("admin:provisions_provision_change", args=[article.pk])
    data = provision_form_data(article, heading="Scope", record_version=opened(editor_client, url))
    assert editor_client.post(url, data).status_code == 302
