"""Curation wins over the shipped data: an editor's change survives a reload; where the shipped
data changed the same field, an editor decides (catalogue/curation.py)."""

import csv
import datetime
import shutil

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from catalogue import services
from catalogue.loader import load
from catalogue.models import Decision, DecisionState
from common.history import grouped_history
from provisions.models import Pillar, Provision
from treaties.models import Ratification, Statement
from treaties.roles import EDITORS

pytestmark = pytest.mark.django_db
ACTIP_ART_2 = "For the purposes of this Convention: (a) an editor's text."


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="an-editor-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def shipped(tmp_path):
    """A copy of the shipped data set that a test can change, as an upstream correction would."""
    root = tmp_path / "fixtures"
    shutil.copytree(settings.TREATYKB_FIXTURES_DIR, root)
    return root


def record(slug, code):
    return Ratification.objects.select_related("participant").get(
        treaty__slug=slug, participant__code=code
    )


def edit(obj, user, **values):
    with grouped_history(user=user, reason="Checked against the depositary"):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()


def set_status_cell(root, slug, code, column, value):
    path = root / "status" / f"{slug}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    line = next(i for i, row in enumerate(rows, start=2) if row["iso3166_alpha2"] == code)
    rows[line - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return f"fixtures/status/{slug}.csv:{line}"


def test_an_editors_texts_dates_and_notes_survive_a_reload(real_data, editor):
    article = Provision.objects.get(treaty__slug="asean-actip", number="2")
    edit(article, editor, text=ACTIP_ART_2, heading="Use of Terms", text_incomplete=False)
    norway = record("untoc", "NO")
    edit(norway, editor, consent_on=datetime.date(2003, 9, 24), note="Corrected from the UN page.")
    france = record("palermo-protocol", "FR")
    edit(france, editor, note="The French decree of publication gives another date.")

    report = load(settings.TREATYKB_FIXTURES_DIR)

    article.refresh_from_db()
    assert (article.text, article.heading, article.text_incomplete) == (
        ACTIP_ART_2,
        "Use of Terms",
        False,
    )
    norway.refresh_from_db()
    assert norway.consent_on == datetime.date(2003, 9, 24)
    assert norway.note == "Corrected from the UN page."
    france.refresh_from_db()
    assert france.note == "The French decree of publication gives another date."
    assert report.kept >= 6 and report.decisions == 0 and not Decision.objects.exists()
    assert not report.changed  # nothing the editor did was put back
    assert article.history.latest().history_change_reason == "Checked against the depositary"


def test_an_upstream_change_to_an_edited_field_waits_for_an_editor(real_data, editor, shipped):
    norway = record("untoc", "NO")
    edit(norway, editor, consent_on=datetime.date(2003, 9, 24))
    where = set_status_cell(shipped, "untoc", "NO", "consent_date", "2003-09-30")

    load(shipped)
    load(shipped)  # loading twice records the difference once

    norway.refresh_from_db()
    assert norway.consent_on == datetime.date(2003, 9, 24)  # the editor's, never overwritten
    decision = Decision.objects.get()
    assert decision.record == norway and decision.field == "consent_on"
    assert decision.editor_value == "2003-09-24"
    assert decision.shipped_value == "2003-09-30"
    assert decision.loaded_value == "2003-09-23"
    assert decision.source == where
    assert decision.state == DecisionState.OPEN

    services.apply_shipped_value(decision, user=editor)
    norway.refresh_from_db()
    assert norway.consent_on == datetime.date(2003, 9, 30)
    assert norway.history.latest().history_user == editor
    assert load(shipped).decisions == 0  # decided: not raised again
    assert Decision.objects.get().state == DecisionState.APPLIED


def test_keeping_the_editors_value_is_not_asked_again(real_data, editor, shipped):
    norway = record("untoc", "NO")
    edit(norway, editor, consent_on=datetime.date(2003, 9, 24))
    set_status_cell(shipped, "untoc", "NO", "consent_date", "2003-09-30")
    load(shipped)
    services.keep_editor_value(Decision.objects.get(), user=editor)
    assert load(shipped).decisions == 0
    norway.refresh_from_db()
    assert norway.consent_on == datetime.date(2003, 9, 24)
    set_status_cell(shipped, "untoc", "NO", "consent_date", "2003-10-01")  # a newer correction
    assert load(shipped).decisions == 1


def test_a_field_no_editor_touched_takes_the_shipped_value(real_data, shipped):
    set_status_cell(shipped, "untoc", "DE", "consent_date", "2006-06-15")
    report = load(shipped)
    assert record("untoc", "DE").consent_on == datetime.date(2006, 6, 15)
    assert report.changed and not Decision.objects.exists()


def test_a_pillar_tag_an_editor_removed_is_not_added_again(real_data, editor):
    article = Provision.objects.filter(treaty__slug="palermo-protocol", number="6").get()
    removed = article.pillars.order_by("position").first()
    with grouped_history(user=editor):
        article.pillars.remove(removed)
    load(settings.TREATYKB_FIXTURES_DIR)
    assert removed not in article.pillars.all()
    assert Pillar.objects.filter(pk=removed.pk).exists()


def test_a_statement_whose_text_an_editor_corrected_is_not_loaded_twice(real_data, editor):
    statement = Statement.objects.filter(ratification__treaty__slug="palermo-protocol").first()
    count = Statement.objects.count()
    edit(statement, editor, text=statement.text + " [Corrected against the depositary.]")
    load(settings.TREATYKB_FIXTURES_DIR)
    assert Statement.objects.count() == count
    statement.refresh_from_db()
    assert statement.text.endswith("[Corrected against the depositary.]")


def test_the_record_says_a_decision_waits_and_the_admin_takes_it(
    real_data, editor, shipped, client
):
    norway = record("untoc", "NO")
    edit(norway, editor, consent_on=datetime.date(2003, 9, 24))
    set_status_cell(shipped, "untoc", "NO", "consent_date", "2003-09-30")
    load(shipped)
    client.force_login(editor)
    page = client.get(f"/admin/treaties/ratification/{norway.pk}/change/", follow=True)
    assert "The shipped data set changed" in page.content.decode()
    listing = client.get("/admin/catalogue/decision/?state=open").content.decode()
    assert "2003-09-24" in listing and "2003-09-30" in listing
    decision = Decision.objects.get()
    response = client.post(
        "/admin/catalogue/decision/",
        {"action": "keep_editors", "_selected_action": [decision.pk]},
        follow=True,
    )
    assert response.status_code == 200
    decision.refresh_from_db()
    assert decision.state == DecisionState.KEPT and decision.decided_by == editor
