import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import ParticipantFactory, RatificationFactory, TreatyFactory


@pytest.mark.django_db
def test_a_protocol_party_not_party_to_the_convention_is_an_error(capsys):
    convention = TreatyFactory(slug="untoc")
    protocol = TreatyFactory(slug="palermo-protocol", parent=convention)
    state = ParticipantFactory(code="XA")
    RatificationFactory(treaty=protocol, participant=state)
    RatificationFactory(treaty=convention, participant=state, consent_kind="", consent_on=None)
    with pytest.raises(CommandError, match="1 error"):
        call_command("check_data")
    assert "party-to-parent" in capsys.readouterr().err

    RatificationFactory(treaty=convention, participant=ParticipantFactory(code="XB"))
    record = state.ratifications.get(treaty=convention)
    record.consent_kind, record.consent_on = "ratification", datetime.date(2003, 1, 1)
    record.save()
    call_command("check_data")
    assert "0 error(s)" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.usefixtures("real_data")
def test_the_shipped_data_has_no_errors(capsys):
    call_command("check_data")
    out = capsys.readouterr().out
    assert "0 error(s)" in out
    assert "consent-date-unknown" in out and "text-incomplete" in out
