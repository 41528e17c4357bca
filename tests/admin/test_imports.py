"""CSV imports of ratification records and pillar tags: a preview first, then all or nothing,
from the admin and from the command line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from provisions.models import Provision
from provisions.services import import_provision_tags
from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from treaties.models import Ratification
from treaties.services import import_ratifications

pytestmark = pytest.mark.django_db

HEADER = (
    "treaty_slug,participant,iso3166_alpha2,signature_date,consent_date,consent_type,"
    "entry_into_force_date,reservations_or_declarations,source_url\n"
)
SOURCE = "https://treaties.un.org/Pages/ViewDetails.aspx"


@pytest.fixture
def countries(db):
    return {
        code: ParticipantFactory(code=code, name=name)
        for code, name in [("KE", "Kenya"), ("FR", "France"), ("PE", "Peru")]
    }


@pytest.fixture
def kenya_record(untoc, countries):
    return RatificationFactory(
        treaty=untoc,
        participant=countries["KE"],
        signature_on="2000-12-13",
        consent_kind="",
        consent_on=None,
    )


def good_file():
    return HEADER + (
        f"untoc,Kenya,KE,2000-12-13,2004-06-16,accession,,,{SOURCE}\n"
        f"untoc,France,FR,2000-12-12,2002-10-29,approval,,yes,{SOURCE}\n"
    )


def test_a_good_file_previews_then_applies(untoc, kenya_record, countries):
    preview = import_ratifications(good_file())
    assert preview.ok and not preview.applied
    assert [row.action for row in preview.rows] == ["change", "create"]
    assert preview.rows[0].changes == [
        ("recorded name", "–", "Kenya"),
        ("consent kind", "–", "accession"),
        ("consent on", "–", "2004-06-16"),
        ("entry into force on", "–", "2004-07-16"),
        ("entry into force basis", "–", "computed"),
        ("source url", "https://treaties.un.org/", SOURCE),
        ("source kind", "–", "depositary"),
    ]
    assert Ratification.objects.count() == 1
    report = import_ratifications(good_file(), apply=True, reason="Depositary notice")
    assert report.applied
    kenya_record.refresh_from_db()
    assert kenya_record.status_at() == "party"
    france = Ratification.objects.get(participant__code="FR")
    assert france.statements_flagged and france.consent_kind == "approval"
    assert france.history.first().history_change_reason == "Depositary notice"
    again = import_ratifications(good_file(), apply=True)
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]


@pytest.mark.parametrize(
    "bad_row, message",
    [
        (f"untoc,Atlantis,XA,,2004-06-16,accession,,,{SOURCE}", "unknown participant 'XA'"),
        (f"untoc,Peru,PE,2000-14-12,,,,,{SOURCE}", "signature_date: '2000-14-12' is not a date"),
        (
            f"untoc,Peru,PE,2003-01-01,2002-01-01,ratification,,,{SOURCE}",
            "consent_on: Consent cannot come before signature.",
        ),
        (f"untoc,Peru,PE,,2002-01-01,,,,{SOURCE}", "consent_kind: A consent date needs"),
        (f"untoc,Peru,PE,,,adhesion,,,{SOURCE}", "consent_type 'adhesion' is not one of"),
        (f"nowhere,Peru,PE,2000-12-12,,,,,{SOURCE}", "unknown treaty_slug 'nowhere'"),
        (f"untoc,Kenya,KE,2000-12-12,,,,,{SOURCE}", "a second row for this record (see line 2)"),
    ],
)
def test_a_file_with_one_bad_row_applies_nothing_and_names_the_line(
    untoc, kenya_record, countries, bad_row, message
):
    content = good_file() + bad_row + "\n"
    report = import_ratifications(content, apply=True)
    assert not report.applied
    problems = report.problems()
    assert problems and all(problem.startswith("line 4: ") for problem in problems)
    assert any(message in problem for problem in problems)
    kenya_record.refresh_from_db()
    assert kenya_record.consent_kind == ""
    assert not Ratification.objects.filter(participant__code="FR").exists()


def test_a_file_with_wrong_columns_is_refused(untoc):
    report = import_ratifications("participant,code\nKenya,KE\n")
    assert report.problems()[0].startswith("line 1: missing column(s): iso3166_alpha2")


def test_an_organisation_without_a_code_is_found_by_name(untoc):
    eu = ParticipantFactory(code="EU", iso_alpha2=None, iso_alpha3=None, name="European Union")
    content = HEADER + f"untoc,European Union,,2000-12-12,2004-05-21,approval,,yes,{SOURCE}\n"
    assert import_ratifications(content, apply=True).applied
    assert Ratification.objects.get(participant=eu).consent_kind == "approval"


def test_a_protocol_party_not_party_to_untoc_is_a_warning_not_a_rejection(
    untoc, protocol, countries
):
    content = HEADER + f"palermo-protocol,Peru,PE,,2002-01-23,ratification,,,{SOURCE}\n"
    report = import_ratifications(content)
    assert report.ok
    assert report.warnings == ["line 2: Peru would be party to Palermo Protocol but not to UNTOC"]


def test_the_treaty_can_be_chosen_instead_of_a_column(untoc, countries):
    content = HEADER.replace("treaty_slug,", "") + f"Peru,PE,2000-12-14,,,,,{SOURCE}\n"
    assert import_ratifications(content, untoc, apply=True).applied
    assert Ratification.objects.get(participant__code="PE").treaty == untoc


def test_tags_import_adds_or_replaces(pillars, untoc):
    article = ProvisionFactory(treaty=untoc, number="16 bis", pillars=[pillars[0]])
    content = "treaty_slug,number,pillars\nuntoc,16 bis,protection;cooperation\n"
    preview = import_provision_tags(content, "add")
    assert preview.rows[0].changes == [
        ("pillars", "Prevention", "Prevention, Protection, Cooperation")
    ]
    import_provision_tags(content, "add", apply=True)
    assert {p.slug for p in article.pillars.all()} == {"prevention", "protection", "cooperation"}
    import_provision_tags(content, "replace", apply=True)
    assert {p.slug for p in article.pillars.all()} == {"protection", "cooperation"}


def test_tags_import_with_one_bad_row_applies_nothing(pillars, untoc):
    article = ProvisionFactory(treaty=untoc, number="5")
    content = (
        "treaty_slug,number,pillars\n"
        "untoc,5,prosecution\n"
        "untoc,99,prosecution\n"
        "untoc,5,punishment\n"
    )
    report = import_provision_tags(content, "add", apply=True)
    assert report.problems() == [
        "line 3: untoc has no article '99'",
        "line 4: unknown pillar(s) punishment (one of cooperation, prevention, prosecution, "
        "protection)",
    ]
    assert not article.pillars.exists()


def test_the_commands_exit_non_zero_with_line_numbers(tmp_path, untoc, countries, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"untoc,Peru,PE,2000-12-12,1999-01-01,ratification,,,{SOURCE}\n")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_ratifications", str(bad))
    assert "line 2: consent_on: Consent cannot come before signature." in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(good_file())
    call_command("import_ratifications", str(good), "--dry-run")
    assert not Ratification.objects.exists()
    call_command("import_ratifications", str(good))
    assert Ratification.objects.count() == 2


def test_the_tags_command_exits_non_zero_on_a_bad_file(tmp_path, pillars, untoc):
    ProvisionFactory(treaty=untoc, number="5")
    bad = tmp_path / "tags.csv"
    bad.write_text("treaty_slug,number,pillars\nuntoc,6,protection\n")
    with pytest.raises(CommandError):
        call_command("import_provision_tags", str(bad), "--mode", "replace")
    good = tmp_path / "good.csv"
    good.write_text("treaty_slug,number,pillars\nuntoc,5,protection\n")
    call_command("import_provision_tags", str(good))
    assert Provision.objects.get(number="5").pillars.get().slug == "protection"


def upload(content, name="status.csv"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def test_the_admin_import_previews_then_applies_on_confirmation(
    editor_client, untoc, kenya_record, countries
):
    url = reverse("admin:treaties_ratification_import")
    assert editor_client.get(url).status_code == 200
    preview = editor_client.post(url, {"file": upload(good_file()), "_preview": "1"})
    page = preview.content.decode()
    assert "1 to create, 1 to change, 0 unchanged, 0 rejected" in page
    assert "2004-06-16" in page
    assert Ratification.objects.count() == 1
    token = preview.context["token"]
    done = editor_client.post(url, {"_confirm": "1", "token": token})
    assert done.status_code == 302
    assert Ratification.objects.count() == 2
    kenya_record.refresh_from_db()
    record = kenya_record.history.first()
    assert record.history_user.username == "editor"
    assert record.history_change_reason == "Imported from status.csv"
    again = editor_client.post(url, {"_confirm": "1", "token": token}, follow=True)
    assert "expired" in again.content.decode()


def test_the_admin_import_shows_rejections_and_offers_no_confirmation(
    editor_client, untoc, countries
):
    url = reverse("admin:treaties_ratification_import")
    content = good_file() + "untoc,Peru,PE,2000-02-30,,,,,\n"
    response = editor_client.post(url, {"file": upload(content), "_preview": "1"})
    page = response.content.decode()
    assert "1 row rejected" in page
    assert "&#x27;2000-02-30&#x27; is not a date" in page
    assert "token" not in response.context
    assert not Ratification.objects.exists()


def test_the_admin_tags_import(editor_client, pillars, untoc):
    article = ProvisionFactory(treaty=untoc, number="7")
    url = reverse("admin:provisions_provision_import")
    content = "treaty_slug,number,pillars\nuntoc,7,protection\n"
    preview = editor_client.post(url, {"file": upload(content), "mode": "replace"})
    editor_client.post(url, {"_confirm": "1", "token": preview.context["token"]})
    assert [p.slug for p in article.pillars.all()] == ["protection"]


def test_a_reviewer_cannot_import(reviewer_client, untoc):
    assert reviewer_client.get(reverse("admin:treaties_ratification_import")).status_code == 403


def test_the_source_date_and_the_copy_read_are_imported_with_the_shared_tables_columns(
    untoc, countries
):
    copy = "https://github.com/zmjones/untreaties/blob/b85e1e2/treaties/18-12.csv"
    content = HEADER.replace("source_url\n", "source_url,source_as_at,via_url\n") + (
        f"untoc,Kenya,KE,2000-12-13,2004-06-16,accession,,,{SOURCE},2014-01-27,{copy}\n"
    )
    assert import_ratifications(content, apply=True).applied
    kenya = Ratification.objects.get(participant__code="KE")
    assert (kenya.source_as_at.isoformat(), kenya.via_url) == ("2014-01-27", copy)
    # A file in the older format keeps them while the source is the same...
    older = HEADER + f"untoc,Kenya,KE,2000-12-13,2004-06-16,accession,,,{SOURCE}\n"
    assert import_ratifications(older, apply=True).applied
    kenya.refresh_from_db()
    assert kenya.via_url == copy
    # ...and clears them when the source changes: they belonged to the other source.
    newer = older.replace(SOURCE, "https://example.org/gazette")
    assert import_ratifications(newer, apply=True).applied
    kenya.refresh_from_db()
    assert (kenya.source_as_at, kenya.via_url) == (None, "")


def test_a_bad_source_date_names_its_line(untoc, countries):
    content = HEADER.replace("source_url\n", "source_url,source_as_at,via_url\n") + (
        f"untoc,Kenya,KE,2000-12-13,2004-06-16,accession,,,{SOURCE},Jan 2018,\n"
    )
    report = import_ratifications(content, apply=True)
    assert not report.applied
    assert report.problems()[0].startswith("line 2: source_as_at:")
