"""The shipped data set loads completely, exactly as the shared tables hold it, and
idempotently."""

import csv
import shutil
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from catalogue.loader import DataError, load
from provisions.models import Provision
from treaties.models import Participant, Ratification, Statement, Treaty

FIXTURES = settings.TREATYKB_FIXTURES_DIR
SLUGS = ["untoc", "palermo-protocol", "coe-convention", "asean-actip"]


def status_table(slug):
    with open(FIXTURES / "status" / f"{slug}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def statements_table():
    with open(FIXTURES / "status" / "statements.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


pytestmark = pytest.mark.usefixtures("real_data")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug, articles",
    [("untoc", 41), ("palermo-protocol", 20), ("coe-convention", 47), ("asean-actip", 31)],
)
def test_every_article_is_loaded(slug, articles):
    assert Provision.objects.filter(treaty__slug=slug).count() == articles


@pytest.mark.django_db
def test_the_four_treaties_are_the_core_instruments_in_their_order():
    core = Treaty.objects.filter(core=True).order_by("position")
    assert [t.slug for t in core] == SLUGS
    assert Treaty.objects.featured() == list(core)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_every_participant_row_is_a_ratification_record(slug):
    rows = status_table(slug)
    records = Ratification.objects.filter(treaty__slug=slug)
    assert records.count() == len(rows)
    assert records.parties().count() == sum(1 for r in rows if r["consent_type"])
    assert records.filter(signature_on__isnull=False).count() == sum(
        1 for r in rows if r["signature_date"]
    )
    by_code = {r.participant.code: r for r in records.select_related("participant")}
    for row in rows:
        record = by_code[row["iso3166_alpha2"] or "EU"]
        assert str(record.consent_on or "") == row["consent_date"]
        assert record.consent_kind == row["consent_type"]
        assert record.source_url == row["source_url"]


@pytest.mark.django_db
def test_party_counts_are_those_of_the_tables():
    counts = {t.slug: t.party_count for t in Treaty.objects.with_counts()}
    assert counts == {
        "untoc": 193,
        "palermo-protocol": 181,
        "coe-convention": 48,
        "asean-actip": 10,
    }


@pytest.mark.django_db
def test_parties_with_unknown_consent_date_are_parties():
    palau = Ratification.objects.get(treaty__slug="palermo-protocol", participant__code="PW")
    assert palau.consent_on is None
    assert palau.status_at() == "party"
    assert Ratification.objects.parties().filter(pk=palau.pk).exists()


@pytest.mark.django_db
def test_every_statement_is_loaded_and_linked():
    rows = statements_table()
    assert Statement.objects.count() == len(rows) == 62
    per_treaty = Counter(Statement.objects.values_list("ratification__treaty__slug", flat=True))
    assert per_treaty == Counter(r["treaty_slug"] for r in rows)
    art_15 = Provision.objects.get(treaty__slug="palermo-protocol", number="15")
    # 32 exclusions of art. 15(2), Myanmar's on "Article 15", and the ones naming 15(2) among others
    named = sum(
        1
        for r in rows
        if r["treaty_slug"] == "palermo-protocol"
        and "15" in [p.split("(")[0] for p in r["article"].split(";")]
    )
    assert art_15.statements.count() == named >= 33


@pytest.mark.django_db
def test_the_european_union_is_a_participant_without_iso_code():
    eu = Participant.objects.get(code="EU")
    assert eu.iso_alpha2 is None and eu.iso_alpha3 is None
    assert eu.kind == "regional_organisation"
    assert set(eu.ratifications.values_list("treaty__slug", flat=True)) == {
        "untoc",
        "palermo-protocol",
    }


@pytest.mark.django_db
def test_names_are_current_and_recorded_names_are_kept():
    eswatini = Participant.objects.get(code="SZ")
    assert eswatini.name == "Eswatini"
    assert eswatini.recorded_name == "Swaziland"
    macedonia = Participant.objects.get(code="MK")
    assert macedonia.name == "North Macedonia"
    assert macedonia.recorded_name == "The former Yugoslav Republic of Macedonia"


@pytest.mark.django_db
def test_regions_and_memberships_come_from_the_country_data():
    france = Participant.objects.get(code="FR")
    assert (france.region, france.subregion) == ("Europe", "Western Europe")
    assert france.coe_member and france.eu_member and not france.asean_member
    assert Participant.objects.filter(coe_member=True).count() == 46
    assert Participant.objects.filter(eu_member=True).count() == 27
    assert Participant.objects.filter(asean_member=True).count() == 10
    assert not Participant.objects.get(code="BY").coe_member


@pytest.mark.django_db
def test_actip_gaps_stay_visible():
    actip = Provision.objects.filter(treaty__slug="asean-actip")
    assert actip.filter(text_incomplete=True).count() == 30
    assert actip.filter(text="").count() == 27
    art_18 = actip.get(number="18")
    assert not art_18.text_incomplete and not art_18.heading_verified


@pytest.mark.django_db
def test_texts_are_loaded_exactly():
    import json

    with open(FIXTURES / "treaties" / "palermo-protocol.json", encoding="utf-8") as handle:
        source = {a["number"]: a for a in json.load(handle)["articles"]}
    for provision in Provision.objects.filter(treaty__slug="palermo-protocol"):
        assert provision.text == source[provision.number]["text"]
        assert provision.heading == source[provision.number]["heading"]


@pytest.mark.django_db
def test_every_substantive_article_has_a_pillar():
    untagged = Provision.objects.untagged().filter(text_incomplete=False)
    numbers = {(p.treaty.slug, p.number) for p in untagged.select_related("treaty")}
    final_clauses = (
        {("untoc", str(n)) for n in range(35, 42)}
        | {("palermo-protocol", str(n)) for n in [1, *range(15, 21)]}
        | {("coe-convention", str(n)) for n in range(39, 48)}
    )
    assert numbers <= final_clauses


@pytest.mark.django_db
def test_concordance_links_are_symmetrical_and_across_instruments():
    definition = Provision.objects.get(treaty__slug="palermo-protocol", number="3")
    related = {(p.treaty.slug, p.number) for p in definition.related.all()}
    assert related == {("untoc", "2"), ("coe-convention", "4")}
    coe_4 = Provision.objects.get(treaty__slug="coe-convention", number="4")
    assert definition in coe_4.related.all()
    assert not Provision.objects.filter(related__treaty=F("treaty")).exists()


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = list(Ratification.objects.order_by("pk").values())
    report = load(FIXTURES)
    assert report.changed == 0
    assert list(Ratification.objects.order_by("pk").values()) == before


@pytest.fixture
def broken_fixtures(tmp_path):
    root = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, root)
    return root


def break_line(path, line_number, old, new):
    with open(path, encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\r\n")
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("\r\n".join(lines))


@pytest.mark.django_db
def test_a_malformed_date_aborts_the_load_with_its_line_and_writes_nothing(broken_fixtures):
    table = broken_fixtures / "status" / "coe-convention.csv"
    break_line(table, 3, "2011-03-23", "2011-23-03")
    Ratification.objects.filter(treaty__slug="coe-convention", participant__code="AD").update(
        consent_on=None, consent_kind="ratification"
    )
    with pytest.raises(DataError) as error:
        load(broken_fixtures)
    assert any("coe-convention.csv:3:" in p and "2011-23-03" in p for p in error.value.problems)
    andorra = Ratification.objects.get(treaty__slug="coe-convention", participant__code="AD")
    assert andorra.consent_on is None


@pytest.mark.django_db
def test_consent_before_signature_is_rejected_with_its_line(broken_fixtures):
    table = broken_fixtures / "status" / "coe-convention.csv"
    break_line(table, 2, "2007-02-06", "2004-02-06")
    with pytest.raises(DataError) as error:
        load(broken_fixtures)
    assert [p for p in error.value.problems if "coe-convention.csv:2:" in p and "before" in p]


@pytest.mark.django_db
def test_the_command_exits_non_zero_and_names_the_line(broken_fixtures, capsys):
    table = broken_fixtures / "status" / "untoc.csv"
    break_line(table, 4, "ratification", "ratifcation")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_treaty_data", path=broken_fixtures)
    assert "untoc.csv:4: consent_type 'ratifcation'" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_command_reports_no_changes_on_a_second_run(capsys):
    call_command("load_treaty_data")
    assert "no changes" in capsys.readouterr().out
