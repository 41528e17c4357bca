"""Factories for small, explicit test data (the real data set is loaded only by the tests
that check it, through the ``real_data`` fixture)."""

import datetime

import factory

from provisions.models import Pillar, Provision, Topic
from treaties.models import (
    Organisation,
    Participant,
    Ratification,
    Scope,
    Statement,
    Treaty,
    TreatyKind,
)


class TreatyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Treaty
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"treaty-{n}")
    short_title = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    full_title = factory.LazyAttribute(lambda o: f"Convention {o.slug}")
    kind = TreatyKind.CONVENTION
    organisation = Organisation.UN
    scope = Scope.GLOBAL
    adopted_on = datetime.date(2000, 11, 15)
    opened_for_signature_on = datetime.date(2000, 12, 12)
    entry_into_force_on = datetime.date(2003, 9, 29)
    entry_into_force_rule = "thirtieth_day"
    position = factory.Sequence(lambda n: n + 10)


def _code(n):
    return chr(ord("A") + (n // 26) % 26) + chr(ord("A") + n % 26)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant
        django_get_or_create = ("code",)

    code = factory.Sequence(_code)
    iso_alpha2 = factory.LazyAttribute(lambda o: o.code)
    iso_alpha3 = factory.LazyAttribute(lambda o: o.code + "X")
    name = factory.LazyAttribute(lambda o: f"Country {o.code}")
    recorded_name = factory.LazyAttribute(lambda o: o.name)
    region = "Europe"
    subregion = "Western Europe"


class RatificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ratification

    treaty = factory.SubFactory(TreatyFactory)
    participant = factory.SubFactory(ParticipantFactory)
    signature_on = datetime.date(2001, 1, 10)
    consent_kind = "ratification"
    consent_on = datetime.date(2004, 3, 1)
    source_url = "https://treaties.un.org/"


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    ratification = factory.SubFactory(RatificationFactory)
    kind = "reservation"
    article_reference = "15(2)"
    text = "The State does not consider itself bound by article 15, paragraph 2."


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar
        django_get_or_create = ("slug",)

    slug = factory.Iterator(["prevention", "protection", "prosecution", "cooperation"])
    name = factory.LazyAttribute(lambda o: o.slug.title())


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provision
        skip_postgeneration_save = True

    treaty = factory.SubFactory(TreatyFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    heading = factory.Sequence(lambda n: f"Heading {n}")
    text = "1. Each State Party shall adopt measures.\n\n2. Each State Party shall cooperate."

    @factory.post_generation
    def pillars(self, create, extracted, **kwargs):
        if create and extracted:
            self.pillars.add(*extracted)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())
