import datetime

from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)

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
