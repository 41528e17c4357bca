"""Status is derived from the dates, today and as at any past date, identically in SQL and in
Python."""

import datetime

import pytest

from tests.factories import RatificationFactory, TreatyFactory
from treaties import status
from treaties.models import Ratification, Treaty

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, as_of, expected",
    [
        ({}, None, "party"),
        ({}, D(2004, 3, 1), "party"),
        ({}, D(2004, 2, 29), "signatory"),
        ({}, D(2001, 1, 9), "none"),
        ({"consent_kind": "", "consent_on": None}, None, "signatory"),
        ({"signature_on": None, "consent_kind": "accession"}, D(2003, 1, 1), "none"),
        (
            {"withdrawal_notified_on": D(2010, 1, 1), "withdrawal_effective_on": D(2011, 1, 1)},
            None,
            "withdrawn",
        ),
        (
            {"withdrawal_notified_on": D(2010, 1, 1), "withdrawal_effective_on": D(2011, 1, 1)},
            D(2010, 6, 1),
            "party",
        ),
        # Bound, date of consent unknown: a party today, "unknown" in the past...
        ({"consent_on": None}, None, "party"),
        ({"consent_on": None}, D(2010, 1, 1), "unknown"),
        # ...unless its entry into force is known to have come by then...
        (
            {
                "consent_on": None,
                "entry_into_force_on": D(2008, 2, 1),
                "entry_into_force_basis": "stated",
            },
            D(2010, 1, 1),
            "party",
        ),
        # ...and never before its signature.
        ({"consent_on": None}, D(2000, 1, 1), "none"),
    ],
)
def test_derived_status(fields, as_of, expected):
    record = RatificationFactory(**fields)
    assert record.status_at(as_of) == expected
    annotated = Ratification.objects.with_status(as_of).get(pk=record.pk)
    assert annotated.status == expected


@pytest.mark.django_db
def test_a_future_date_is_judged_like_today():
    record = RatificationFactory(consent_on=None)
    future = datetime.date.today() + datetime.timedelta(days=400)
    assert record.status_at(future) == "party"


@pytest.mark.django_db
def test_counts_follow_the_date():
    treaty = TreatyFactory()
    RatificationFactory(treaty=treaty, consent_on=D(2004, 1, 1))
    RatificationFactory(treaty=treaty, consent_on=D(2006, 1, 1))
    RatificationFactory(treaty=treaty, consent_kind="", consent_on=None)
    counted = Treaty.objects.with_counts(as_of=D(2005, 1, 1)).get(pk=treaty.pk)
    assert (counted.party_count, counted.signatory_count) == (1, 2)
    counted = Treaty.objects.with_counts().get(pk=treaty.pk)
    assert (counted.party_count, counted.signatory_count) == (2, 1)


@pytest.mark.django_db
@pytest.mark.usefixtures("real_data")
@pytest.mark.parametrize(
    "as_of", [None, D(2003, 12, 24), D(2008, 2, 1), D(2016, 7, 24), D(2020, 1, 1)]
)
def test_sql_and_python_agree_on_every_real_record(as_of):
    for record in Ratification.objects.with_status(as_of):
        assert record.status == status.evaluate(record, as_of), record


@pytest.mark.django_db
@pytest.mark.usefixtures("real_data")
def test_real_examples_as_at_past_dates():
    actip = Ratification.objects.filter(treaty__slug="asean-actip")
    # Singapore and Thailand had deposited by the end of 2016, and Cambodia (date unknown) by
    # 25 January 2016, the date of the ASEAN release that says so...
    assert actip.parties(as_of=D(2016, 12, 31)).count() == 3
    assert actip.parties(as_of=D(2016, 1, 24)).filter(participant__code="KH").count() == 0
    assert actip.parties(as_of=D(2016, 1, 25)).filter(participant__code="KH").count() == 1
    # ...and Viet Nam, Myanmar and the Philippines by the Convention's entry into force.
    assert actip.parties(as_of=D(2017, 3, 8)).count() == 6
    assert set(
        actip.in_status("unknown", as_of=D(2017, 3, 8)).values_list("participant__code", flat=True)
    ) == {"BN", "ID", "LA", "MY"}
    untoc = Ratification.objects.filter(treaty__slug="untoc")
    japan = untoc.get(participant__code="JP")
    assert japan.status_at(D(2017, 7, 10)) == "signatory"
    assert japan.status_at(D(2017, 7, 11)) == "party"
