"""Admin test helpers: users in each role, a data set that grows, and query counting."""

import itertools

import pytest
from django.contrib.auth.models import Group

from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TopicFactory,
    TreatyFactory,
)
from treaties.roles import EDITORS, REVIEWERS

PASSWORD = "a-long-editorial-password-2024"
PILLAR_SLUGS = ["prevention", "protection", "prosecution", "cooperation"]


def staff_user(django_user_model, username, group=None):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return staff_user(django_user_model, "editor", EDITORS)


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


_counter = itertools.count()


class Growing:
    """A data set that grows: every call adds ``n`` of each kind of row, all linked."""

    def __init__(self, pillars):
        self.pillars = pillars
        self.treaty = TreatyFactory()
        self.other = TreatyFactory()
        self.topic = TopicFactory()
        self.ratification = None
        self.provision = None
        self.participant = None

    def add(self, n):
        for _ in range(n):
            i = next(_counter)
            participant = ParticipantFactory(region=["Europe", "Africa", "Asia"][i % 3])
            treaty = TreatyFactory()
            ratification = RatificationFactory(treaty=self.treaty, participant=participant)
            RatificationFactory(treaty=treaty, participant=participant)
            provision = ProvisionFactory(
                treaty=self.treaty, pillars=self.pillars[: 1 + i % 4], division=f"Part {i % 2}"
            )
            counterpart = ProvisionFactory(treaty=self.other)
            provision.related.add(counterpart)
            self.topic.provisions.add(provision, counterpart)
            self.participant = self.participant or participant
            self.ratification = self.ratification or ratification
            self.provision = self.provision or provision
            # The first record, article and participant grow with the data too.
            statement = StatementFactory(ratification=self.ratification)
            statement.provisions.add(provision)
            self.provision.related.add(counterpart)
            RatificationFactory(treaty=TreatyFactory(), participant=self.participant)
        return self


@pytest.fixture
def growing(db, pillars):
    return Growing(pillars)
