"""Fixtures of the admin tests: users in each role, and a data set that grows (tests.scenarios)."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import (
    PillarFactory,
    TreatyFactory,
)
from tests.scenarios import Growing
from treaties.roles import EDITORS, REVIEWERS, TRUSTED_EDITORS

PASSWORD = "a-long-editorial-password-2024"
PILLAR_SLUGS = ["prevention", "protection", "prosecution", "cooperation"]


def staff_user(django_user_model, username, group=None):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db, django_user_model):
    """A trusted editor: an editor who may also publish directly, so that a save is public at
    once (the tests of editing itself). An editor without that permission proposes instead:
    ``proposing_editor``, and tests/review."""
    return staff_user(django_user_model, "editor", TRUSTED_EDITORS)


@pytest.fixture
def proposing_editor(db, django_user_model):
    """An editor (the Editors group): a save of published content is a proposal for review."""
    return staff_user(django_user_model, "proposer", EDITORS)


@pytest.fixture
def reviewer(db, django_user_model):
    return staff_user(django_user_model, "reviewer", REVIEWERS)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def pillars(db):
    return [
        PillarFactory(slug=slug, name=slug.title(), position=i)
        for i, slug in enumerate(PILLAR_SLUGS)
    ]


@pytest.fixture
def untoc(db):
    return TreatyFactory(slug="untoc", short_title="UNTOC", position=1)


@pytest.fixture
def protocol(db, untoc):
    return TreatyFactory(
        slug="palermo-protocol",
        short_title="Palermo Protocol",
        kind="protocol",
        parent=untoc,
        position=2,
    )


@pytest.fixture
def growing(db, pillars):
    return Growing(pillars)
