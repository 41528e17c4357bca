"""Who may do what in the admin: editors change content and nothing else, reviewers see
everything and change nothing, staff without a role see nothing, anonymous users get the login
page."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ProvisionFactory, RatificationFactory
from treaties.roles import EDITORS, REVIEWERS

from .conftest import PASSWORD, staff_user

pytestmark = pytest.mark.django_db

CONTENT = [
    "treaties_treaty",
    "treaties_participant",
    "treaties_ratification",
    "treaties_statement",
    "provisions_provision",
    "provisions_pillar",
    "provisions_topic",
]
ACCOUNTS = ["auth_user", "auth_group"]


@pytest.mark.parametrize("name", CONTENT + ACCOUNTS)
def test_anonymous_users_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_exports_and_imports_need_a_login(client):
    for url in (
        reverse("admin:treaties_ratification_export"),
        reverse("admin:treaties_ratification_import"),
    ):
        assert client.get(url)["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", CONTENT)
def test_editors_can_open_every_content_list(editor_client, name):
    assert editor_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


@pytest.mark.parametrize("name", ACCOUNTS)
def test_editors_cannot_see_users_or_groups(editor_client, name):
    assert editor_client.get(reverse(f"admin:{name}_changelist")).status_code == 403


def test_editors_have_no_permission_on_accounts(editor):
    assert not [p for p in editor.get_all_permissions() if p.startswith("auth.")]
    assert editor.has_perm("treaties.add_ratification")
    assert editor.has_perm("provisions.change_provision")
    assert not editor.has_perm("treaties.delete_treaty")


def test_editors_can_change_a_record(editor_client, untoc):
    record = RatificationFactory(treaty=untoc)
    response = editor_client.get(reverse("admin:treaties_ratification_change", args=[record.pk]))
    assert 'name="_save"' in response.content.decode()


@pytest.mark.parametrize("name", CONTENT)
def test_reviewers_can_view_every_content_list(reviewer_client, name):
    response = reviewer_client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    assert "Import CSV" not in response.content.decode()


def test_reviewers_see_a_record_but_cannot_change_or_add(reviewer_client, untoc):
    record = RatificationFactory(treaty=untoc)
    url = reverse("admin:treaties_ratification_change", args=[record.pk])
    page = reviewer_client.get(url).content.decode()
    assert 'name="_save"' not in page
    assert reviewer_client.post(url, {"signature_on": ""}).status_code == 403
    assert reviewer_client.get(reverse("admin:treaties_ratification_add")).status_code == 403


def test_reviewers_cannot_run_bulk_pillar_actions(reviewer_client, pillars, untoc):
    provision = ProvisionFactory(treaty=untoc)
    response = reviewer_client.get(reverse("admin:provisions_provision_changelist"))
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "add_pillar_protection" not in actions
    assert "export_selected_csv" in actions
    reviewer_client.post(
        reverse("admin:provisions_provision_changelist"),
        {"action": "add_pillar_protection", "_selected_action": [provision.pk]},
    )
    assert not provision.pillars.exists()


def test_reviewers_can_read_the_history_but_not_restore(reviewer_client, untoc):
    record = RatificationFactory(treaty=untoc)
    history = record.history.first()
    url = reverse(
        "admin:treaties_ratification_simple_history", args=[record.pk, history.history_id]
    )
    assert (
        reviewer_client.get(
            reverse("admin:treaties_ratification_history", args=[record.pk])
        ).status_code
        == 200
    )
    assert reviewer_client.get(url).status_code == 200
    data = {"treaty": untoc.pk, "participant": record.participant.pk, "signature_on": "2001-01-10"}
    assert reviewer_client.post(url, data).status_code == 403
    record.refresh_from_db()
    assert record.history.count() == 1


def test_staff_without_a_role_see_nothing(client, django_user_model):
    staff_user(django_user_model, "visitor")
    client.login(username="visitor", password=PASSWORD)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert index.context["app_list"] == []
    for name in CONTENT:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403


def test_the_login_page_logs_editors_in(client, editor):
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_roles_can_be_synced_again_without_change():
    before = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("sync_roles")
    after = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert before == after
    assert set(after) >= {EDITORS, REVIEWERS}


def test_passwords_are_validated(settings):
    from django.contrib.auth.password_validation import get_default_password_validators

    names = {type(v).__name__ for v in get_default_password_validators()}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= names
