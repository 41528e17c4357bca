"""Who may do what (README, "Editing"): the whole matrix of roles and actions, pinned.

Roles: an Editor, a Trusted editor (an editor who publishes directly), a Reviewer, a
superuser, and staff in no group. Actions on the reviewed content (articles, ratification
records, statements, participants) and on proposals."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from provisions.models import ConcordanceFinding, Pillar, Provision, Topic
from review import services
from tests.factories import ProvisionFactory, TreatyFactory
from treaties.models import Participant, Ratification, Statement, Treaty

from .conftest import member

pytestmark = pytest.mark.django_db

ROLES = ["editor", "trusted", "reviewer", "superuser", "staff"]
# action -> the roles that may take it
MATRIX = {
    "see the content in the admin": {"editor", "trusted", "reviewer", "superuser"},
    "save changes (published or proposed)": {"editor", "trusted", "superuser"},
    "publish directly": {"trusted", "superuser"},
    "save only as proposals": {"editor"},
    "import CSV": {"trusted", "superuser"},
    "see proposals and the review queue": {"editor", "trusted", "reviewer", "superuser"},
    "comment on proposals": {"editor", "trusted", "reviewer", "superuser"},
    "approve or reject proposals": {"reviewer", "superuser"},
    "withdraw or rebase their own proposals": {"editor", "trusted", "reviewer", "superuser"},
    "see the team activity": {"editor", "trusted", "reviewer", "superuser"},
    "issue API keys": {"editor", "trusted", "superuser"},
    "manage users and groups": {"superuser"},
}
REVIEWED = [Provision, Ratification, Statement, Participant]


@pytest.fixture
def users(django_user_model):
    return {
        "editor": member(django_user_model, "editor", "Editors"),
        "trusted": member(django_user_model, "trusted", "Trusted editors"),
        "reviewer": member(django_user_model, "reviewer", "Reviewers"),
        "superuser": member(django_user_model, "root", is_superuser=True),
        "staff": member(django_user_model, "staff"),
    }


def can(user, action, client, article):
    perm = user.has_perm
    if action == "see the content in the admin":
        return all(perm(f"{m._meta.app_label}.view_{m._meta.model_name}") for m in REVIEWED)
    if action == "save changes (published or proposed)":
        return all(perm(f"{m._meta.app_label}.change_{m._meta.model_name}") for m in REVIEWED)
    if action == "publish directly":
        return all(not services.must_propose(user, m) for m in REVIEWED) and can(
            user, "save changes (published or proposed)", client, article
        )
    if action == "save only as proposals":
        return all(services.must_propose(user, m) for m in REVIEWED) and can(
            user, "save changes (published or proposed)", client, article
        )
    if action == "import CSV":
        return client.get(reverse("admin:treaties_ratification_import")).status_code == 200
    if action == "see proposals and the review queue":
        return client.get(reverse("admin:review_proposal_changelist")).status_code == 200
    if action == "comment on proposals":
        return perm("review.add_comment")
    if action == "approve or reject proposals":
        return services.may_decide(user)
    if action == "withdraw or rebase their own proposals":
        proposal, _ = services.propose(target=article, changes={"heading": user.username})
        proposal.author = user
        proposal.save()
        services.withdraw(proposal, user=user)
        return perm("review.view_proposal")
    if action == "see the team activity":
        return client.get(reverse("admin_activity")).status_code == 200
    if action == "issue API keys":
        return client.get(reverse("admin:apikeys_apikey_add")).status_code == 200
    if action == "manage users and groups":
        return client.get(reverse("admin:auth_user_changelist")).status_code == 200
    raise AssertionError(action)


def test_the_whole_matrix_of_roles_and_actions(users, client):
    article = ProvisionFactory(treaty=TreatyFactory(slug="actip"), number="1")
    found = {}
    for role in ROLES:
        client.force_login(users[role])
        for action in MATRIX:
            if can(users[role], action, client, article):
                found.setdefault(action, set()).add(role)
    assert {action: found.get(action, set()) for action in MATRIX} == MATRIX


def test_the_publish_directly_permission_can_be_given_to_one_editor(django_user_model):
    editor = member(django_user_model, "one-editor", "Editors")
    assert services.must_propose(editor, Provision)
    editor.user_permissions.add(Permission.objects.get(codename="publish_directly"))
    editor = django_user_model.objects.get(pk=editor.pk)  # permissions are cached per object
    assert not services.must_propose(editor, Provision)


def test_treaty_metadata_pillars_topics_and_findings_are_not_reviewed(users):
    for model in (Treaty, Pillar, Topic, ConcordanceFinding):
        assert not services.must_propose(users["editor"], model)
