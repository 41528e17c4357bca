"""Small participation data sets for the web tests' "flat as the data grows" checks."""

import datetime

from tests.factories import (
    ParticipantFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)


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
