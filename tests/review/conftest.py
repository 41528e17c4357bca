"""Users in each role (treaties/roles.py) for the review tests."""

import pytest
from django.contrib.auth.models import Group

from treaties.roles import EDITORS, REVIEWERS, TRUSTED_EDITORS

PASSWORD = "a-long-editorial-password-2024"


def member(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(
        username, password=PASSWORD, is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return member(django_user_model, "editor", EDITORS)


@pytest.fixture
def trusted(db, django_user_model):
    return member(django_user_model, "trusted", TRUSTED_EDITORS)


@pytest.fixture
def reviewer(db, django_user_model):
    return member(django_user_model, "reviewer", REVIEWERS)


@pytest.fixture
def superuser(db, django_user_model):
    return member(django_user_model, "root", is_superuser=True)
