"""Entry into force for each participant: stated by the source when it is, otherwise computed
from the treaty's own rule, and the record says which."""

import datetime

import pytest

from tests.factories import RatificationFactory, TreatyFactory
from treaties.entry_into_force import EntryIntoForceRule, compute_entry_into_force
from treaties.models import Ratification

D = datetime.date


@pytest.mark.parametrize(
    "rule, consent, treaty_in_force, expected",
    [
        (EntryIntoForceRule.THIRTIETH_DAY, D(2004, 5, 21), D(2003, 9, 29), D(2004, 6, 20)),
        (EntryIntoForceRule.THIRTIETH_DAY, D(2003, 6, 1), D(2003, 9, 29), D(2003, 9, 29)),
        (
            EntryIntoForceRule.FIRST_OF_MONTH_AFTER_THREE_MONTHS,
            D(2010, 11, 29),
            D(2008, 2, 1),
            D(2011, 3, 1),
        ),
        (
            EntryIntoForceRule.FIRST_OF_MONTH_AFTER_THREE_MONTHS,
            D(2010, 7, 13),
            D(2008, 2, 1),
            D(2010, 11, 1),
        ),
        (
            EntryIntoForceRule.FIRST_OF_MONTH_AFTER_THREE_MONTHS,
            D(2007, 2, 6),
            D(2008, 2, 1),
            D(2008, 2, 1),
        ),
        (EntryIntoForceRule.NOT_AVAILABLE, D(2016, 7, 24), D(2017, 3, 8), None),
        (EntryIntoForceRule.THIRTIETH_DAY, None, D(2003, 9, 29), None),
    ],
)
def test_rules(rule, consent, treaty_in_force, expected):
    assert compute_entry_into_force(rule, consent, treaty_in_force) == expected


@pytest.mark.django_db
def test_saving_computes_unless_stated():
    treaty = TreatyFactory(entry_into_force_rule="thirtieth_day")
    computed = RatificationFactory(treaty=treaty, consent_on=D(2005, 1, 1))
    assert (computed.entry_into_force_on, computed.entry_into_force_basis) == (
        D(2005, 1, 31),
        "computed",
    )
    stated = RatificationFactory(
        treaty=treaty,
        consent_on=D(2005, 1, 1),
        entry_into_force_on=D(2005, 2, 2),
        entry_into_force_basis="stated",
    )
    assert stated.entry_into_force_on == D(2005, 2, 2)
    unknown = RatificationFactory(treaty=treaty, consent_on=None)
    assert (unknown.entry_into_force_on, unknown.entry_into_force_basis) == (None, "")


@pytest.mark.django_db
@pytest.mark.usefixtures("real_data")
def test_the_eu_approval_of_untoc():
    eu = Ratification.objects.get(treaty__slug="untoc", participant__code="EU")
    assert (eu.consent_kind, eu.consent_on) == ("approval", D(2004, 5, 21))
    assert (eu.entry_into_force_on, eu.entry_into_force_basis) == (D(2004, 6, 20), "computed")


@pytest.mark.django_db
@pytest.mark.usefixtures("real_data")
def test_a_coe_party_in_force_on_the_first_day_of_the_month():
    ukraine = Ratification.objects.get(treaty__slug="coe-convention", participant__code="UA")
    assert ukraine.entry_into_force_basis == "stated"
    assert ukraine.entry_into_force_on == ukraine.computed_entry_into_force() == D(2011, 3, 1)
    andorra = Ratification.objects.get(treaty__slug="coe-convention", participant__code="AD")
    assert (andorra.consent_on, andorra.entry_into_force_on) == (D(2011, 3, 23), D(2011, 7, 1))
    assert andorra.entry_into_force_basis == "computed"


@pytest.mark.django_db
@pytest.mark.usefixtures("real_data")
def test_a_protocol_accession_before_the_protocol_entered_into_force():
    early = Ratification.objects.filter(
        treaty__slug="palermo-protocol", consent_kind="accession", consent_on__lt=D(2003, 11, 25)
    ).select_related("participant")
    assert early.exists()
    for record in early:
        assert record.entry_into_force_on == D(2003, 12, 25), record


@pytest.mark.parametrize(
    "consent, consent_not_after, expected",
    [
        (D(2016, 7, 24), None, D(2017, 3, 8)),  # deposited before: bound from that day
        (None, D(2016, 1, 25), D(2017, 3, 8)),  # undated, but deposited by a date before it
        (D(2017, 3, 8), None, None),  # on the day or later: the rule is in no source
        (D(2019, 1, 1), None, None),
        (None, D(2018, 1, 1), None),
        (None, None, None),
    ],
)
def test_actip_rule_binds_only_the_parties_that_deposited_before_it_entered_into_force(
    consent, consent_not_after, expected
):
    rule = EntryIntoForceRule.FROM_TREATY_ENTRY_INTO_FORCE_ONLY
    assert compute_entry_into_force(rule, consent, D(2017, 3, 8), consent_not_after) == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("real_data")
def test_actip_parties_that_deposited_before_8_march_2017_are_in_force_from_that_day():
    records = Ratification.objects.filter(treaty__slug="asean-actip").select_related(
        "participant", "treaty"
    )
    in_force = {r.participant.code: r for r in records if r.entry_into_force_on}
    assert set(in_force) == {"SG", "TH", "VN", "MM", "PH", "KH"}
    for record in in_force.values():
        assert record.entry_into_force_on == D(2017, 3, 8)
        assert record.entry_into_force_basis == "computed"
    thailand = in_force["TH"]
    assert thailand.consent_on == D(2016, 7, 24)
    cambodia = in_force["KH"]
    assert cambodia.consent_on is None and cambodia.consent_not_after == D(2016, 1, 25)
    # The later parties get nothing: no source gives the rule for them.
    assert all(r.entry_into_force_on is None for r in records if r.participant.code not in in_force)
    treaty = thailand.treaty
    assert treaty.entry_into_force_rule_source.startswith("https://asean.org/")
