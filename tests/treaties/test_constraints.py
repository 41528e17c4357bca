"""Absolute rules are database constraints, mirrored in clean() for forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from treaties.models import Participant, Ratification

D = datetime.date


def rejected_by_database(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


@pytest.mark.django_db
def test_one_record_per_treaty_and_participant():
    record = RatificationFactory()
    rejected_by_database(
        lambda: Ratification.objects.create(
            treaty=record.treaty, participant=record.participant, signature_on=D(2001, 1, 1)
        )
    )
    duplicate = Ratification(
        treaty=record.treaty, participant=record.participant, signature_on=D(2001, 1, 1)
    )
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, field",
    [
        ({"signature_on": D(2005, 1, 1), "consent_on": D(2004, 1, 1)}, "consent_on"),
        ({"consent_kind": "", "consent_on": D(2004, 1, 1)}, "consent_kind"),
        ({"signature_on": None, "consent_kind": "", "consent_on": None}, "signature_on"),
        (
            {"consent_kind": "", "consent_on": None, "withdrawal_notified_on": D(2010, 1, 1)},
            "withdrawal_notified_on",
        ),
        (
            {"withdrawal_notified_on": D(2010, 1, 1), "withdrawal_effective_on": D(2009, 1, 1)},
            "withdrawal_effective_on",
        ),
    ],
)
def test_bad_ratification_records(fields, field):
    record = RatificationFactory.build(
        treaty=RatificationFactory().treaty, participant=ParticipantFactory(), **fields
    )
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert field in error.value.message_dict
    rejected_by_database(record.save)


@pytest.mark.django_db
def test_participant_codes_are_unique_and_iso_where_possible():
    ParticipantFactory(code="FR")
    rejected_by_database(lambda: Participant.objects.create(code="FR", name="x", recorded_name="x"))
    rejected_by_database(lambda: Participant.objects.create(code="fr", name="y", recorded_name="y"))
    rejected_by_database(
        lambda: Participant.objects.create(code="DE", iso_alpha2="AT", name="z", recorded_name="z")
    )
    eu = Participant.objects.create(code="EU", name="European Union", recorded_name="EU")
    other = Participant.objects.create(code="XZ", name="Other", recorded_name="Other")
    assert eu.iso_alpha2 is None and other.iso_alpha2 is None  # several NULLs are fine


@pytest.mark.django_db
def test_one_provision_per_treaty_and_number():
    provision = ProvisionFactory(number="6")
    rejected_by_database(lambda: ProvisionFactory(treaty=provision.treaty, number="6"))


@pytest.mark.django_db
def test_an_article_without_text_must_be_marked_incomplete():
    provision = ProvisionFactory.build(treaty=ProvisionFactory().treaty, number="99", text="")
    with pytest.raises(ValidationError):
        provision.full_clean()
    rejected_by_database(provision.save)
    provision.text_incomplete = True
    provision.full_clean()
