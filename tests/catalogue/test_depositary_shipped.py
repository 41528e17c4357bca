"""The Protocol's depositary record of January 2018 (fixtures/depositary) against the shipped
data set, as on a fresh ``make run`` database: 175 participants read, every one of them
confirmed, nothing published changed; with --propose the review queue holds what differs and
approving a proposal publishes it with its source and date; the profile, the treaty page, the
API and the CSV then say when each record was confirmed."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command

from review import services as review
from review.models import Proposal
from treaties.models import Ratification, Statement
from treaties.roles import REVIEWERS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]

RECORD = str(settings.BASE_DIR / "fixtures" / "depositary" / "XVIII-12-a.en.xml")
COPY = (
    "https://github.com/allucinaria/XML/blob/9682127411a97c811e67eb2110739334c2b67f10/"
    "XVIII-12-a.en.xml"
)


def run(*args):
    out = io.StringIO()
    call_command("import_depositary", RECORD, "--treaty", "palermo-protocol", *args, stdout=out)
    return out.getvalue()


def protocol_rows():
    return list(
        Ratification.objects.filter(treaty__slug="palermo-protocol")
        .order_by("pk")
        .values_list("signature_on", "consent_kind", "consent_on", "source_as_at", "modified_at")
    )


def test_a_dry_run_on_the_shipped_data_reads_175_and_changes_nothing():
    before = protocol_rows()
    output = run()
    assert "175 participants read." in output
    assert "The record's status: 117 signatories, 173 parties" in output
    assert "175 records confirmed" in output
    assert "0 changed dates or kinds of consent." in output
    assert "0 new participants" in output
    # The rows updated after January 2018 are reported, never 'corrected' back.
    assert "Bhutan: its consent (2023-02-20) is later than the record" in output
    assert "8 participants the knowledge base has that the record lacks" in output
    assert "4 statements not proposed: their text is damaged in the record." in output
    assert "Dry run: nothing was written." in output
    assert protocol_rows() == before
    assert not Proposal.objects.exists()


def test_propose_fills_the_queue_and_an_approval_publishes_it(client, django_user_model):
    output = run("--propose", "--as-at", "2018-01-15", "--copy-url", COPY)
    assert "Written: 1 proposals for review, 0 already open, 175 records confirmed." in output
    (proposal,) = Proposal.objects.all()
    assert proposal.kind == "create" and proposal.content_type.model == "statement"
    assert proposal.changes["text"].startswith("Unless otherwise notified by the Government")
    assert proposal.source_as_at == datetime.date(2018, 1, 15) and proposal.copy_read == COPY
    assert "1 already open" in run("--propose", "--as-at", "2018-01-15")
    assert Proposal.objects.count() == 1

    reviewer = django_user_model.objects.create_user("rev", password="x" * 20, is_staff=True)
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    review.approve(proposal, reviewer=reviewer)
    statement = Statement.objects.get(pk=Proposal.objects.get().object_id)
    assert statement.ratification.participant.code == "CN"
    assert statement.source_url == proposal.source_url
    assert (statement.kind, statement.occasion) == ("declaration", "accession")
    assert statement.made_on == datetime.date(2010, 2, 8)

    albania = Ratification.objects.get(treaty__slug="palermo-protocol", participant__code="AL")
    assert albania.depositary_confirmed_as_at == datetime.date(2018, 1, 15)
    profile = client.get("/countries/AL/").content.decode()
    assert (
        'its record as at <time datetime="2018-01-15">15 January 2018</time> gives the same'
        in profile
    )
    table = client.get("/treaties/palermo-protocol/").content.decode()
    assert "confirmed by the depositary's record as at 15 Jan 2018" in table
    api = client.get("/api/v1/ratifications/palermo-protocol/AL/").json()
    assert api["depositary_confirmed_as_at"] == "2018-01-15"
    rows = csv.DictReader(
        io.StringIO(
            client.get("/api/v1/ratifications/?treaty=palermo-protocol&format=csv").content.decode()
        )
    )
    confirmed = {row["participant"]: row["depositary_confirmed_as_at"] for row in rows}
    assert confirmed["AL"] == "2018-01-15" and confirmed["BT"] == ""
