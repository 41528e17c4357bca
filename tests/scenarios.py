"""The data sets the tests build, all from the factories (tests/factories.py): the one way to
build test data besides the shipped data set (``real_data``, tests/conftest.py). Each grows on
demand, for the "flat as the data grows" checks."""

import datetime
import itertools

from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TopicFactory,
    TreatyFactory,
)

# -- the API: two treaties and n of every kind of row ------------------------------------------

D = datetime.date


def build_world(n=1):
    """Two treaties, ``n`` of each kind of participant record, provisions with pillars and
    related articles, and statements: enough rows of every kind for any endpoint."""
    alpha = TreatyFactory(slug="alpha", position=1)
    beta = TreatyFactory(slug="beta", position=2)
    protection = PillarFactory(slug="protection", name="Protection")
    prevention = PillarFactory(slug="prevention", name="Prevention")
    start = alpha.provisions.count()
    for i in range(start, start + n):
        party = ParticipantFactory(region="Europe", coe_member=True)
        signatory = ParticipantFactory(region="Asia", subregion="South-eastern Asia")
        record = RatificationFactory(treaty=alpha, participant=party)
        RatificationFactory(treaty=alpha, participant=signatory, consent_kind="", consent_on=None)
        RatificationFactory(treaty=beta, participant=party, consent_on=D(2016, 5, 1))
        StatementFactory(ratification=record)
        StatementFactory(ratification=record, kind="declaration", article_reference="")
        a = ProvisionFactory(treaty=alpha, number=str(100 + i), pillars=[protection])
        b = ProvisionFactory(treaty=beta, number=str(100 + i), pillars=[protection, prevention])
        a.related.add(b)
        record.statements.first().provisions.add(a)
    return alpha, beta


# -- participation pages: a treaty with n participants of every status -------------------------


def build_participation(n, slug="flat-treaty"):
    """A treaty with ``n`` participants: parties, signatories, undated parties, each party with
    a statement; and a second treaty some of them joined. Returns the first treaty."""
    treaty = TreatyFactory(slug=slug, entry_into_force_provision="art. 38(2)")
    other = TreatyFactory(slug=f"{slug}-other")
    for index in range(n):
        participant = ParticipantFactory(coe_member=index % 2 == 0)
        kind = index % 3
        if kind == 0:
            record = RatificationFactory(treaty=treaty, participant=participant)
            statement = StatementFactory(ratification=record)
            statement.provisions.add(ProvisionFactory(treaty=treaty))
        elif kind == 1:
            RatificationFactory(
                treaty=treaty, participant=participant, consent_kind="", consent_on=None
            )
        else:
            RatificationFactory(
                treaty=treaty,
                participant=participant,
                consent_kind="accession",
                consent_on=None,
                signature_on=None,
            )
        RatificationFactory(
            treaty=other, participant=participant, consent_on=datetime.date(2010, 5, 5)
        )
    return treaty


# -- reading pages: two treaties growing together, articles linked across them ---------------


def reading_data(pillars, convention, protocol):
    """A function ``grow(n)`` that adds n articles to each of two treaties (tagged, related
    across them, with statements and a concordance topic each) and n participants bound by
    both."""
    counter = itertools.count(1)

    def add(n):
        for _ in range(n):
            i = next(counter)
            pillar = pillars[i % len(pillars)]
            ours = ProvisionFactory(treaty=convention, number=str(100 + i), pillars=[pillar])
            theirs = ProvisionFactory(treaty=protocol, number=str(100 + i), pillars=[pillar])
            ours.related.add(theirs)
            topic = TopicFactory(position=i)
            topic.provisions.add(ours, theirs)
            participant = ParticipantFactory()
            for treaty in (convention, protocol):
                record = RatificationFactory(
                    treaty=treaty,
                    participant=participant,
                    consent_on=datetime.date(2004, 1, 1) + datetime.timedelta(days=i),
                )
            statement = StatementFactory(ratification=record, article_reference="100")
            statement.provisions.add(theirs)

    return add


# -- the admin: a data set whose every list and change form grows ----------------------------

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
