"""``manage.py import_depositary`` and the admin's upload: a depositary record compared with what
is published. A dry run reports and writes nothing; ``--propose`` stores each difference as a
proposal for review (source, date, copy read; never twice; never over a value whose source is
more recent) and marks what agrees as confirmed; approving a proposal publishes it with its
source and date. Tests never touch the network: the opener is replaced."""

import datetime
import io
import socket
import urllib.error
from email.message import Message

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import depositary
from catalogue.models import AsAtBasis, DepositaryImport
from review import services as review
from review.models import Proposal, Status
from tests.catalogue.test_depositary_record import mtdsg
from tests.factories import (
    ParticipantFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from treaties.models import Ratification, Statement, TreatyKind
from treaties.roles import EDITORS, REVIEWERS, TRUSTED_EDITORS

pytestmark = pytest.mark.django_db

PAGE = (
    "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-12-a"
    "&chapter=18&lang=en"
)
COPY = "https://github.com/example/XML/blob/0123/XVIII-12-a.en.xml"
AS_AT = datetime.date(2018, 1, 15)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to reach the network fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def protocol():
    return TreatyFactory(
        slug="palermo-protocol",
        short_title="Trafficking Protocol",
        kind=TreatyKind.PROTOCOL,
        entry_into_force_on=datetime.date(2003, 12, 25),
    )


@pytest.fixture
def kb(protocol):
    """Arcadia agrees with the record, Utopia's consent date differs, Lilliput has no record
    yet, Erewhon is in the knowledge base but not in the record."""
    arcadia, utopia, lilliput, erewhon = (
        ParticipantFactory(code=code, name=name, recorded_name=name)
        for code, name in (
            ("XA", "Arcadia"),
            ("XU", "Utopia"),
            ("XL", "Lilliput"),
            ("XE", "Erewhon"),
        )
    )
    records = {
        "arcadia": RatificationFactory(
            treaty=protocol,
            participant=arcadia,
            signature_on=datetime.date(2000, 12, 12),
            consent_kind="ratification",
            consent_on=datetime.date(2004, 3, 1),
            source_url=PAGE,
            source_as_at=datetime.date(2014, 1, 27),
        ),
        "utopia": RatificationFactory(
            treaty=protocol,
            participant=utopia,
            signature_on=None,
            consent_kind="accession",
            consent_on=datetime.date(2014, 8, 14),
            source_url="https://whatconvention.org/en/ratifications/317",
            source_as_at=None,
        ),
        "erewhon": RatificationFactory(
            treaty=protocol,
            participant=erewhon,
            signature_on=None,
            consent_kind="accession",
            consent_on=datetime.date(2023, 2, 20),
            source_url="https://www.unodc.org/bhutan",
        ),
    }
    return {"participants": (arcadia, utopia, lilliput, erewhon), **records}


ROWS = [
    ("Arcadia", "12 Dec 2000", "1 Mar 2004"),
    ("Utopia", "", "15 Aug 2014 a"),
    ("Lilliput", "14 Dec 2000", "2 Feb 2005 A"),
]


def write(tmp_path, data, name="XVIII-12-a.en.xml"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def run(*args):
    out = io.StringIO()
    call_command("import_depositary", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_what_differs_and_writes_nothing(kb, tmp_path):
    path = write(tmp_path, mtdsg(ROWS))
    output = run(path, "--treaty", "palermo-protocol")
    assert "3 participants read." in output
    assert "1 records confirmed" in output
    assert "1 new participants (no record under this treaty)." in output
    assert "Lilliput: new record" in output
    assert "1 changed dates or kinds of consent." in output
    assert "Utopia: consent (consent_on: 2014-08-14 -> 2014-08-15)" in output
    assert "1 participants the knowledge base has that the record lacks" in output
    assert "Erewhon: its consent (2023-02-20) is later than the record" in output
    assert "As at: 2014-08-15 (the latest action it lists" in output
    assert "Dry run: nothing was written." in output
    assert not Proposal.objects.exists()
    assert not DepositaryImport.objects.exists()
    assert Ratification.objects.filter(depositary_confirmed_as_at__isnull=False).count() == 0
    kb["utopia"].refresh_from_db()
    assert kb["utopia"].consent_on == datetime.date(2014, 8, 14)


def test_propose_stores_each_difference_with_its_source_date_and_copy(kb, tmp_path):
    path = write(tmp_path, mtdsg(ROWS))
    output = run(
        path,
        "--treaty",
        "palermo-protocol",
        "--propose",
        "--as-at",
        "2018-01-15",
        "--copy-url",
        COPY,
    )
    assert "Written: 2 proposals for review, 0 already open, 1 records confirmed." in output
    proposals = {p.target_label: p for p in Proposal.objects.all()}
    utopia = proposals["Utopia – Trafficking Protocol"]
    assert utopia.status == Status.OPEN and utopia.origin == "import_depositary"
    assert utopia.object_id == kb["utopia"].pk
    assert (utopia.source_url, utopia.source_as_at, utopia.copy_read) == (PAGE, AS_AT, COPY)
    assert utopia.changes["consent_on"] == "2014-08-15"
    assert utopia.base["consent_on"] == "2014-08-14"
    assert "(line 6)" in utopia.reason and "whatconvention" not in utopia.reason
    new = next(p for p in proposals.values() if p.kind == "create")
    assert new.changes["participant"] == kb["participants"][2].pk
    assert new.changes["consent_kind"] == "acceptance"
    assert new.changes["signature_on"] == "2000-12-14"
    # Nothing published changed: the proposals wait for review.
    kb["utopia"].refresh_from_db()
    assert kb["utopia"].consent_on == datetime.date(2014, 8, 14)
    assert not Ratification.objects.filter(participant=kb["participants"][2]).exists()
    run_record = DepositaryImport.objects.get()
    assert (run_record.participants_read, run_record.proposed, run_record.confirmed) == (3, 2, 1)
    assert (run_record.record_as_at, run_record.as_at_basis) == (AS_AT, AsAtBasis.GIVEN)
    assert run_record.source_url == PAGE and run_record.copy_read == COPY


def test_running_twice_proposes_nothing_twice(kb, tmp_path):
    path = write(tmp_path, mtdsg(ROWS))
    run(path, "--treaty", "palermo-protocol", "--propose")
    output = run(path, "--treaty", "palermo-protocol", "--propose")
    assert "Written: 0 proposals for review, 2 already open, 0 records confirmed." in output
    assert Proposal.objects.count() == 2
    assert DepositaryImport.objects.count() == 2


def test_approving_a_proposal_publishes_it_with_its_source_and_date(kb, tmp_path, reviewer):
    path = write(tmp_path, mtdsg(ROWS))
    run(
        path,
        "--treaty",
        "palermo-protocol",
        "--propose",
        "--as-at",
        "2018-01-15",
        "--copy-url",
        COPY,
    )
    proposal = Proposal.objects.get(object_id=kb["utopia"].pk)
    review.approve(proposal, reviewer=reviewer)
    utopia = Ratification.objects.get(pk=kb["utopia"].pk)
    assert utopia.consent_on == datetime.date(2014, 8, 15)
    assert (utopia.source_url, utopia.source_as_at, utopia.via_url) == (PAGE, AS_AT, COPY)
    assert utopia.source_kind == "depositary"
    latest = utopia.history.latest()
    assert (
        latest.history_user == reviewer and "the depositary import" in latest.history_change_reason
    )
    created = Proposal.objects.get(kind="create")
    review.approve(created, reviewer=reviewer)
    lilliput = Ratification.objects.get(participant=kb["participants"][2])
    assert (lilliput.consent_kind, lilliput.consent_on) == ("acceptance", datetime.date(2005, 2, 2))
    assert (lilliput.recorded_name, lilliput.source_as_at) == ("Lilliput", AS_AT)


def test_agreeing_records_are_confirmed_and_never_moved_back(kb, tmp_path):
    path = write(tmp_path, mtdsg(ROWS))
    run(path, "--treaty", "palermo-protocol", "--propose", "--as-at", "2018-01-15")
    arcadia = Ratification.objects.get(pk=kb["arcadia"].pk)
    assert arcadia.depositary_confirmed_as_at == AS_AT
    assert arcadia.history.latest().history_change_reason == (
        "Imported from the depositary's record as at 2018-01-15: confirmed, it agrees"
    )
    assert Ratification.objects.get(pk=kb["utopia"].pk).depositary_confirmed_as_at is None
    run(path, "--treaty", "palermo-protocol", "--propose", "--as-at", "2016-05-01")
    assert Ratification.objects.get(pk=kb["arcadia"].pk).depositary_confirmed_as_at == AS_AT


def test_a_record_older_than_ours_is_never_proposed(kb, tmp_path, protocol):
    """The Protocol's rows updated to 2024 are not 'corrected' back to 2018."""
    utopia = kb["utopia"]
    utopia.source_url, utopia.source_as_at = PAGE, datetime.date(2024, 4, 20)
    utopia.save()
    later = RatificationFactory(
        treaty=protocol,
        participant=ParticipantFactory(code="XR", name="Ruritania", recorded_name="Ruritania"),
        signature_on=None,
        consent_kind="accession",
        consent_on=datetime.date(2019, 6, 3),
        source_url="https://example.org/news",
    )
    path = write(tmp_path, mtdsg([*ROWS[:2], ("Ruritania", "3 Jan 2018", "")]))
    output = run(path, "--treaty", "palermo-protocol", "--propose", "--as-at", "2018-01-15")
    assert "its source stood at 2024-04-20, later than the record (2018-01-15)" in output
    assert "Ruritania: the record gives" in output and "its consent (2019-06-03) is later" in output
    assert not Proposal.objects.filter(object_id__in=[utopia.pk, later.pk]).exists()
    utopia.refresh_from_db()
    assert (
        utopia.consent_on == datetime.date(2014, 8, 14)
        and utopia.depositary_confirmed_as_at is None
    )


def test_a_party_of_unknown_date_the_record_does_not_show_is_kept(kb, tmp_path):
    utopia = kb["utopia"]
    utopia.consent_on = None
    utopia.save()
    path = write(tmp_path, mtdsg([ROWS[0], ("Utopia", "12 Dec 2000", "")]))
    output = run(path, "--treaty", "palermo-protocol", "--propose")
    assert "its consent has no known date, so it may be later than the record" in output
    assert not Proposal.objects.filter(object_id=utopia.pk).exists()


def test_a_party_of_unknown_date_gets_the_records_date_proposed(kb, tmp_path):
    utopia = kb["utopia"]
    utopia.consent_on, utopia.consent_not_after = None, datetime.date(2016, 1, 1)
    utopia.save()
    run(write(tmp_path, mtdsg(ROWS[:2])), "--treaty", "palermo-protocol", "--propose")
    proposal = Proposal.objects.get(object_id=utopia.pk)
    assert proposal.changes["consent_on"] == "2014-08-15"
    assert proposal.changes["consent_not_after"] is None


def test_a_renamed_participant_is_found_by_its_former_name(kb, tmp_path):
    arcadia = kb["participants"][0]
    arcadia.name = arcadia.recorded_name = "New Arcadia"
    arcadia.save()  # the history keeps 'Arcadia'
    output = run(write(tmp_path, mtdsg(ROWS)), "--treaty", "palermo-protocol")
    assert (
        "'Arcadia' is a former name of New Arcadia (a name it had in the knowledge base)" in output
    )
    assert "1 records confirmed" in output
    assert "names matched to no participant" not in output


def test_a_participant_is_found_by_the_country_names_iso_knows(protocol, tmp_path):
    eswatini = ParticipantFactory(
        code="SZ", iso_alpha3="SWZ", name="Eswatini", recorded_name="Eswatini"
    )
    record = RatificationFactory(
        treaty=protocol,
        participant=eswatini,
        signature_on=None,
        consent_kind="accession",
        consent_on=datetime.date(2012, 9, 24),
    )
    output = run(
        write(
            tmp_path,
            mtdsg(
                [
                    ("Swaziland", "", "24 Sep 2012 a"),
                    ("Atlantis", "", "1 Jan 2010 a"),
                    ("SWZ", "", "24 Sep 2012 a"),
                ]
            ),
        ),
        "--treaty",
        "palermo-protocol",
        "--propose",
    )
    assert "'Swaziland' is Eswatini (ISO SZ) by the country names ISO knows" in output
    assert "'SWZ' is Eswatini, as is 'Swaziland' (line 5)" in output
    assert "1 names matched to no participant" in output and "Atlantis" in output
    record.refresh_from_db()
    assert record.depositary_confirmed_as_at == datetime.date(2012, 9, 24)
    output = run(
        write(tmp_path, mtdsg([("SWZ", "", "24 Sep 2012 a")])), "--treaty", "palermo-protocol"
    )
    assert "'SWZ' is the ISO code of Eswatini" in output


def test_statements_new_changed_found_and_damaged(kb, tmp_path):
    utopia = kb["utopia"]
    StatementFactory(
        ratification=utopia,
        kind="reservation",
        text="Utopia does not consider itself bound by paragraph 2 of article 15.",
    )
    StatementFactory(
        ratification=kb["arcadia"],
        kind="declaration",
        article_reference="",
        text="Arcadia declares that the Protocol applies to its whole territory, islands included.",
    )
    declarations = (
        '<Declaration><Participant>Utopia</Participant><text type="title">Reservation:</text>'
        '<text type="para">\x1cUtopia does not consider itself bound by paragraph 2 of article '
        '15.\x1d</text><text type="title">Declaration:</text><text type="para">Utopia '
        "declares that article 6, paragraph 3, subparagraph (a) is applied as its law allows."
        "</text></Declaration>"
        '<Declaration><Participant>Arcadia</Participant><text type="title">Declaration:</text>'
        '<text type="para">Arcadia declares that the Protocol applies to its whole territory, '
        'its islands included.</text><text type="title">Reservation:</text><text type="para">'
        "Arcadia is not bound by article?5.</text></Declaration>"
    )
    output = run(
        write(tmp_path, mtdsg(ROWS, declarations)), "--treaty", "palermo-protocol", "--propose"
    )
    assert "1 of 4 statements found in the knowledge base." in output
    assert "1 statements not proposed: their text is damaged in the record." in output
    new = Proposal.objects.get(content_type__model="statement", kind="create")
    assert new.changes["ratification"] == utopia.pk
    assert new.changes["kind"] == "declaration"
    assert new.changes["article_reference"] == "6(3)(a)"
    assert (new.changes["occasion"], new.changes["made_on"]) == ("accession", "2014-08-15")
    assert new.changes["source_url"] == PAGE
    changed = Proposal.objects.get(content_type__model="statement", kind="update")
    assert changed.changes["text"].endswith("its islands included.")
    assert Statement.objects.count() == 2  # nothing published


def test_an_unreadable_file_exits_non_zero_with_its_line_and_writes_nothing(kb, tmp_path):
    rows = [*ROWS, ("Ruritania", "", "3 Janvier 2018")]
    path = write(tmp_path, mtdsg(rows))
    with pytest.raises(CommandError, match=r"line 8: Ruritania: consent '3 Janvier 2018'"):
        run(path, "--treaty", "palermo-protocol", "--propose")
    with pytest.raises(CommandError, match=r"cannot read .*missing.xml: No such file"):
        run(str(tmp_path / "missing.xml"), "--treaty", "palermo-protocol", "--propose")
    with pytest.raises(CommandError, match="--as-at: '15/01/2018' is not a date"):
        run(path, "--treaty", "palermo-protocol", "--as-at", "15/01/2018")
    with pytest.raises(CommandError, match="--timeout: give a number of seconds greater than 0"):
        run("https://treaties.un.org/x.xml", "--treaty", "palermo-protocol", "--timeout", "0")
    with pytest.raises(CommandError, match="unknown treaty 'palermo'"):
        run(path, "--treaty", "palermo")
    with pytest.raises(CommandError, match="line 1: not readable as XML"):
        run(write(tmp_path, b"Service unavailable", "x.xml"), "--treaty", "palermo-protocol")
    assert not Proposal.objects.exists() and not DepositaryImport.objects.exists()
    assert not Ratification.objects.filter(depositary_confirmed_as_at__isnull=False).exists()


def test_a_failing_proposal_writes_nothing_at_all(kb, tmp_path, monkeypatch):
    """All or nothing: a proposal refused halfway undoes the proposals and confirmations made
    before it in the same run."""
    real = review.propose
    calls = []

    def propose_then_fail(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise review.ProposalError("refused")
        return real(**kwargs)

    monkeypatch.setattr(review, "propose", propose_then_fail)
    with pytest.raises(CommandError, match="refused; nothing was written"):
        run(write(tmp_path, mtdsg(ROWS)), "--treaty", "palermo-protocol", "--propose")
    assert len(calls) == 2
    assert not Proposal.objects.exists() and not DepositaryImport.objects.exists()
    assert not Ratification.objects.filter(depositary_confirmed_as_at__isnull=False).exists()


# -- fetching from the depositary (the opener replaced) ----------------------------------------


class Response(io.BytesIO):
    def __init__(self, data, last_modified=None):
        super().__init__(data)
        self.headers = Message()
        if last_modified:
            self.headers["Last-Modified"] = last_modified


def test_fetching_by_address_uses_a_timeout_and_the_servers_date(kb, monkeypatch):
    seen = {}

    def opener(request, timeout):
        seen.update(url=request.full_url, timeout=timeout)
        return Response(mtdsg(ROWS), "Mon, 15 Jan 2018 09:00:00 GMT")

    url = (
        "https://treaties.un.org/doc/Publication/MTDSG/Volume%20I/Chapter%20XVIII/XVIII-12-a.en.xml"
    )
    monkeypatch.setattr("urllib.request.urlopen", opener)
    output = run(url, "--treaty", "palermo-protocol", "--timeout", "12")
    assert seen == {"url": url, "timeout": 12.0}
    assert "As at: 2018-01-15 (the day the depositary's server last changed the file)" in output
    assert f"Copy read: {url}" in output


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (urllib.error.URLError(OSError("Name or service not known")), "cannot fetch .*no network"),
        (TimeoutError("timed out"), "cannot fetch .*timed out .*within 30 seconds"),
        (
            urllib.error.HTTPError("https://x", 404, "Not Found", Message(), None),
            "the server answered 404 Not Found",
        ),
    ],
)
def test_offline_or_refused_the_fetch_says_so_and_writes_nothing(kb, monkeypatch, failure, message):
    def opener(request, timeout):
        raise failure

    monkeypatch.setattr("urllib.request.urlopen", opener)
    with pytest.raises(CommandError, match=message):
        run("https://treaties.un.org/x.xml", "--treaty", "palermo-protocol", "--propose")
    assert not Proposal.objects.exists()


def test_the_fetch_helper_takes_an_opener():
    source = depositary.fetch(
        "https://example.org/r.xml", opener=lambda request, timeout: Response(b"<x/>")
    )
    assert source.data == b"<x/>" and source.last_modified is None


# -- the admin's upload --------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "ed", password="a-long-password-2024", is_staff=True
    )
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user(
        "rev", password="a-long-password-2024", is_staff=True
    )
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


def upload(client, data, protocol, **extra):
    file = io.BytesIO(data)
    file.name = "XVIII-12-a.en.xml"
    return client.post(
        reverse("admin:catalogue_depositaryimport_upload"),
        {"file": file, "treaty": protocol.pk, "_preview": "1", **extra},
    )


def test_an_editor_uploads_a_record_previews_it_and_confirms(client, editor, kb, protocol):
    client.force_login(editor)
    changelist = client.get(reverse("admin:catalogue_depositaryimport_changelist"))
    assert b"Import a depositary record" in changelist.content
    assert client.get(reverse("admin:catalogue_depositaryimport_upload")).status_code == 200
    preview = upload(client, mtdsg(ROWS), protocol, as_at="2018-01-15", copy_url=COPY)
    assert preview.status_code == 200
    assert "3 participants read." in preview.content.decode()
    assert not Proposal.objects.exists()  # a preview writes nothing
    done = client.post(
        reverse("admin:catalogue_depositaryimport_upload"),
        {"token": preview.context["token"], "_confirm": "1"},
    )
    run_record = DepositaryImport.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse(
        "admin:catalogue_depositaryimport_change", args=[run_record.pk]
    )
    assert run_record.run_by == editor and run_record.proposed == 2
    assert set(Proposal.objects.values_list("author", flat=True)) == {editor.pk}
    assert client.get(done["Location"]).status_code == 200


def test_an_unreadable_upload_is_a_form_error_and_writes_nothing(client, editor, kb, protocol):
    client.force_login(editor)
    response = upload(client, b"<Document><Treaty>", protocol)
    assert response.status_code == 200
    assert "The record cannot be read, so nothing was written" in response.content.decode()
    assert "line 1: not readable as XML" in response.content.decode()
    assert "token" not in response.context


def test_reviewers_see_the_runs_but_do_not_upload(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin:catalogue_depositaryimport_changelist")).status_code == 200
    assert client.get(reverse("admin:catalogue_depositaryimport_upload")).status_code == 403


def test_the_team_activity_page_lists_the_import(client, editor, kb, protocol):
    """The confirmations are history records "Imported from the depositary's record ...", the
    differences proposals by whoever ran it: the activity page lists both."""
    client.force_login(editor)
    preview = upload(client, mtdsg(ROWS), protocol, as_at="2018-01-15")
    client.post(
        reverse("admin:catalogue_depositaryimport_upload"),
        {"token": preview.context["token"], "_confirm": "1"},
    )
    activity = client.get(reverse("admin_activity"), {"user": editor.pk})
    assert activity.status_code == 200
    kinds = [event.kind for event in activity.context["events"]]
    assert kinds.count("import") == 1  # Arcadia, confirmed
    assert kinds.count("proposal") == 2  # Utopia's date, Lilliput's new record


def test_the_comparison_and_the_confirmations_cost_the_same_queries_as_the_record_grows(
    protocol, tmp_path
):
    """Flat as the data grows: reading 3 or 9 participants (with a statement each), comparing
    and confirming them costs the same number of queries."""

    def record_of(n, start):
        rows, declarations = [], []
        for i in range(start, start + n):
            name = f"Country {i:03d}"
            participant = ParticipantFactory(code=f"Q{chr(65 + i)}", name=name, recorded_name=name)
            record = RatificationFactory(
                treaty=protocol,
                participant=participant,
                signature_on=datetime.date(2001, 1, 10),
                consent_on=datetime.date(2004, 3, 1),
            )
            StatementFactory(ratification=record, text=f"{name} is not bound by article 15(2).")
            rows.append((name, "10 Jan 2001", "1 Mar 2004"))
            declarations.append(
                f'<Declaration><Participant>{name}</Participant><text type="title">Reservation:'
                f'</text><text type="para">{name} is not bound by article 15(2).</text>'
                "</Declaration>"
            )
        return mtdsg(rows, "".join(declarations))

    def queries(data):
        source = depositary.Source(data=data, name="record.xml")
        with CaptureQueriesContext(connection) as context:
            comparison = depositary.compare(protocol, source)
            depositary.confirm(comparison)
        assert comparison.statements_confirmed == len(comparison.record.participants)
        return len(context)

    small = queries(record_of(3, 0))
    Ratification.objects.filter(treaty=protocol).delete()
    assert queries(record_of(9, 3)) == small


def test_the_records_admin_page_shows_when_the_depositary_confirmed_it(
    client, editor, kb, tmp_path
):
    run(
        write(tmp_path, mtdsg(ROWS)),
        "--treaty",
        "palermo-protocol",
        "--propose",
        "--as-at",
        "2018-01-15",
    )
    client.force_login(editor)
    page = client.get(reverse("admin:treaties_ratification_change", args=[kb["arcadia"].pk]))
    assert page.status_code == 200
    field = page.content.decode().split("field-depositary_confirmed_as_at", 1)[1]
    assert '<div class="readonly">15 Jan 2018</div>' in field.split("</fieldset>", 1)[0]


def test_a_country_the_knowledge_base_lacks_is_proposed_as_a_participant(
    protocol, tmp_path, reviewer
):
    path = write(tmp_path, mtdsg([("Swaziland", "", "24 Sep 2012 a")]))
    output = run(path, "--treaty", "palermo-protocol", "--propose", "--as-at", "2018-01-15")
    assert "1 participants new to the knowledge base." in output
    assert "Eswatini: new participant (named 'Swaziland')" in output
    proposal = Proposal.objects.get()
    assert proposal.content_type.model == "participant"
    assert proposal.changes["code"] == "SZ" and proposal.changes["iso_alpha3"] == "SWZ"
    assert proposal.changes["recorded_name"] == "Swaziland"
    review.approve(proposal, reviewer=reviewer)
    # Once the participant is published, the next import proposes its record.
    output = run(path, "--treaty", "palermo-protocol", "--propose", "--as-at", "2018-01-15")
    assert "Eswatini: new record" in output
    created = Proposal.objects.get(status="open")
    assert created.changes["consent_on"] == "2012-09-24"


def test_who_imports_a_depositary_record_and_who_sees_the_runs(client, django_user_model):
    """README, "Editing": editors and trusted editors import (the differences are proposals),
    reviewers see the runs, staff in no group see neither."""
    users = {
        "editor": EDITORS,
        "trusted": TRUSTED_EDITORS,
        "reviewer": REVIEWERS,
        "staff": None,
    }
    found = {}
    for name, group in [*users.items(), ("root", "superuser")]:
        user = django_user_model.objects.create_user(
            name, password="a-long-password-2024", is_staff=True, is_superuser=group == "superuser"
        )
        if group in users.values() and group:
            user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        found[name] = (
            client.get(reverse("admin:catalogue_depositaryimport_upload")).status_code,
            client.get(reverse("admin:catalogue_depositaryimport_changelist")).status_code,
        )
    assert found == {
        "editor": (200, 200),
        "trusted": (200, 200),
        "reviewer": (403, 200),
        "staff": (403, 403),
        "root": (200, 200),
    }
