"""The concordance on the shipped data says what is known: ACTIP's cells are "not known" where
its text is missing, its arts. 14 and 16 stand where their paragraphs correspond, and "no
corresponding provision" appears only where the editors recorded that finding, credited, on
the page, in the topics CSV and in the download."""

import csv
import io
import json
import re
import shutil
import zipfile

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import reverse

from catalogue.loader import DataError, DataSet, load
from common.history import grouped_history
from provisions import checks, columns
from provisions.models import ConcordanceFinding, Topic
from treaties.models import Treaty
from treaties.roles import EDITORS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]
CREDIT = "Treaty KB editors (concordance review, December 2026)"


def cells(page, slug):
    row = page[page.index(f'<tr id="{slug}">') :]
    row = row[: row.index("</tr>")]
    return {
        match[1]: (match[2], " ".join(re.sub(r"<[^>]+>", " ", match[3]).split()))
        for match in re.finditer(
            r'<td data-label="([^"]*)" data-state="([^"]*)"[^>]*>(.*?)</td>', row, re.DOTALL
        )
    }


@pytest.fixture
def page(client):
    return client.get("/compare/").content.decode()


@pytest.mark.parametrize(
    "slug", ["purposes", "definitions", "extradition", "settlement-of-disputes"]
)
def test_actip_cells_without_its_text_say_not_known(page, slug):
    state, text = cells(page, slug)["ACTIP"]
    assert state == "text_not_available"
    assert text.startswith("Not known")
    assert "not available in full in the knowledge base" in text
    assert "No corresponding provision" not in text


@pytest.mark.parametrize(
    ("slug", "articles", "paragraphs"),
    [
        ("non-punishment", ["Art. 14"], "ACTIP: art. 14(7)."),
        ("recovery-reflection-residence", ["Art. 14", "Art. 16"], "14(4)"),
        ("protection-in-proceedings", ["Art. 14"], "14(6)"),
        ("criminalisation", ["Art. 16"], "16(2)"),
    ],
)
def test_actip_articles_stand_where_their_paragraphs_correspond(page, slug, articles, paragraphs):
    state, text = cells(page, slug)["ACTIP"]
    assert state == "listed"
    for article in articles:
        assert article in text
    assert "other articles may correspond too" in text
    row = page[page.index(f'<tr id="{slug}">') :]
    assert paragraphs in row[: row.index("</td>")]  # the topic's description


def test_no_corresponding_provision_is_said_only_for_recorded_findings(page):
    states = re.findall(r'data-state="([^"]*)"', page)
    assert states.count("no_provision") == ConcordanceFinding.objects.count() == 15
    assert page.count("No corresponding provision") == 15 + 1  # and once in the legend
    assert not ConcordanceFinding.objects.filter(treaty__slug="asean-actip").exists()
    assert set(ConcordanceFinding.objects.values_list("by", flat=True)) == {CREDIT}
    state, text = cells(page, "extradition")["Palermo Protocol"]
    assert state == "no_provision"
    assert f"Finding of {CREDIT}, 4 December 2026." in text
    assert "art. 1(2) applies the Convention" in text
    assert cells(page, "civil-society")["UNTOC"][0] == "not_reviewed"


def test_the_topics_csv_and_the_download_say_the_same():
    topics = {t.slug: t for t in Topic.objects.for_csv()}
    row = columns.TOPIC.as_dict(topics["non-punishment"])
    assert row["states"] == (
        "untoc=no_provision; palermo-protocol=no_provision; coe-convention=listed; "
        "asean-actip=listed"
    )
    assert row["no_provision_findings"] == (
        f"untoc={CREDIT}, 2026-12-04; palermo-protocol={CREDIT}, 2026-12-04"
    )
    purposes = columns.TOPIC.as_dict(topics["purposes"])
    assert "asean-actip=text_not_available" in purposes["states"]
    assert purposes["no_provision_findings"] == ""


def test_the_bulk_download_carries_the_states(client):
    response = client.get("/api/v1/download/")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    name = next(n for n in archive.namelist() if n.endswith("topics.csv"))
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(archive.read(name).decode()))}
    assert "asean-actip=text_not_available" in rows["definitions"]["states"]
    assert "coe-convention=no_provision" in rows["settlement-of-disputes"]["states"]
    assert rows["settlement-of-disputes"]["no_provision_findings"].startswith(
        f"coe-convention={CREDIT}"
    )
    data = json.loads(client.get("/api/v1/download/?format=json").content)
    topics = data["topics"] if isinstance(data["topics"], list) else data["topics"]["rows"]
    assert "asean-actip=text_not_available" in json.dumps(topics)


def test_a_finding_an_editor_deleted_is_not_loaded_again_and_notes_survive():
    editor = User.objects.create_user("concordance-editor", password="x-long-password-12345")
    editor.groups.add(Group.objects.get(name=EDITORS))
    deleted = ConcordanceFinding.objects.get(topic__slug="extradition")
    edited = ConcordanceFinding.objects.get(topic__slug="jurisdiction")
    with grouped_history(user=editor, reason="Reviewed again"):
        deleted.delete()
        edited.note = "An editor's note."
        edited.save()
    report = load(settings.TREATYKB_FIXTURES_DIR)
    assert not ConcordanceFinding.objects.filter(topic__slug="extradition").exists()
    edited.refresh_from_db()
    assert edited.note == "An editor's note."
    assert report.decisions == 0
    assert edited.history.count() >= 2


def test_a_shipped_finding_for_an_instrument_without_its_full_text_is_refused(tmp_path):
    root = tmp_path / "fixtures"
    shutil.copytree(settings.TREATYKB_FIXTURES_DIR, root)
    path = root / "curation" / "concordance.json"
    data = json.loads(path.read_text())
    purposes = next(t for t in data["topics"] if t["slug"] == "purposes")
    purposes["no_provision"] = {"asean-actip": "Guessed."}
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match="the text of asean-actip is not in the data in full"):
        DataSet(root)


def test_an_editor_records_a_finding_in_the_admin_and_it_is_checked(client):
    editor = User.objects.create_user(
        "finding-editor", password="x-long-password-12345", is_staff=True
    )
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    topic = Topic.objects.get(slug="civil-society")
    untoc, actip = Treaty.objects.get(slug="untoc"), Treaty.objects.get(slug="asean-actip")
    url = reverse("admin:provisions_concordancefinding_add")
    values = {"topic": topic.pk, "by": "An editor", "recorded_on": "2026-12-04", "note": ""}
    refused = client.post(url, {**values, "treaty": actip.pk})
    assert refused.status_code == 200
    assert "is not available in full in the knowledge base" in refused.content.decode()
    listed = client.post(
        url, {**values, "topic": topic.pk, "treaty": Treaty.objects.get(slug="coe-convention").pk}
    )
    assert "remove the articles first" in listed.content.decode()
    saved = client.post(url, {**values, "treaty": untoc.pk})
    assert saved.status_code == 302
    finding = ConcordanceFinding.objects.get(topic=topic, treaty=untoc)
    assert finding.history.first().history_user == editor
    page = client.get("/compare/").content.decode()
    assert cells(page, "civil-society")["UNTOC"][0] == "no_provision"


def test_check_data_reports_findings_the_data_contradicts(client):
    topic = Topic.objects.get(slug="non-punishment")
    ConcordanceFinding.objects.create(
        topic=topic, treaty=Treaty.objects.get(slug="asean-actip"), by="Someone"
    )
    page = cells(client.get("/compare/").content.decode(), "non-punishment")
    assert page["ACTIP"][0] == "listed"  # the articles win over a contradicted finding
    rules = {finding.rule for finding in checks.concordance_findings()}
    assert rules == {"concordance-finding-contradicted", "concordance-finding-without-text"}
