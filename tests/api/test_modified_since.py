"""``modified_since`` on every list, and tag-only changes count as changes.

Tagging or untagging an article, or linking it to another, writes only a link row; whichever
way it is done (the admin's form and bulk actions, the API, the tag import from the admin or
the command line, the data loader, a plain ``.add()``), the article (and the pillar, whose
counts change) must then be reported by ``modified_since``."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from catalogue.models import Change
from provisions import services
from provisions.models import Pillar, Provision, Topic
from tests.factories import (
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TopicFactory,
    TreatyFactory,
)
from treaties.models import Ratification, Statement

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
SINCE = "2021-01-01T00:00:00Z"


@pytest.fixture
def world():
    untoc = TreatyFactory(slug="untoc", position=1)
    protocol = TreatyFactory(slug="palermo-protocol", position=2)
    protection = PillarFactory(slug="protection", name="Protection", position=2)
    prevention = PillarFactory(slug="prevention", name="Prevention", position=1)
    six = ProvisionFactory(treaty=untoc, number="6", pillars=[prevention])
    seven = ProvisionFactory(treaty=untoc, number="7")
    nine = ProvisionFactory(treaty=protocol, number="9")
    topic = TopicFactory(slug="definitions")
    statement = StatementFactory(ratification=RatificationFactory(treaty=untoc))
    age_everything()
    return {
        "six": six,
        "seven": seven,
        "nine": nine,
        "protection": protection,
        "prevention": prevention,
        "topic": topic,
        "statement": statement,
    }


# The change feed's cursor when everything was last aged: what a test changes comes after it.
AGED = {}
FEED_TYPES = {
    "provisions": "provision",
    "pillars": "pillar",
    "statements": "statement",
    "ratifications": "ratification",
}


def age_everything():
    """Every row last changed long ago: only what a test changes is newer than SINCE (and
    listed by the change feed after ``AGED["cursor"]``)."""
    for model in (Provision, Pillar, Topic, Statement):
        model.objects.update(modified_at=LONG_AGO)
    AGED["cursor"] = str(Change.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)


def changed(client, endpoint, key="id", feed=True):
    response = client.get(f"/api/v1/{endpoint}/", {"modified_since": SINCE})
    assert response.status_code == 200, response.content
    rows = sorted(row[key] for row in response.json()["results"])
    if not feed:  # a change written behind the signals' back (QuerySet.update)
        return rows
    # The change feed lists the same objects as changed, whichever way the change was made.
    feed = client.get("/api/v1/changes/", {"since": AGED["cursor"], "page_size": 1000}).json()
    listed = {
        c["id"]
        for c in feed["results"]
        if c["type"] == FEED_TYPES[endpoint] and c["action"] != "deleted"
    }
    assert listed == {str(row) for row in rows}
    return rows


def provisions_changed(client):
    return changed(client, "provisions")


def pillars_changed(client):
    return changed(client, "pillars", "slug")


# --- every list takes modified_since -----------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    ["treaties", "provisions", "pillars", "participants", "ratifications", "statements"],
)
def test_every_list_takes_modified_since_and_rejects_a_bad_one(client, world, endpoint):
    assert client.get(f"/api/v1/{endpoint}/", {"modified_since": SINCE}).status_code == 200
    response = client.get(f"/api/v1/{endpoint}/", {"modified_since": "last week"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "modified_since": [
            "'last week' is not a timestamp: use ISO 8601, e.g. 2025-01-31T12:00:00Z or 2025-01-31."
        ]
    }


def test_pillars_carry_modified_at_and_filter_on_it(client, world):
    Pillar.objects.filter(slug="protection").update(
        modified_at=datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC)
    )
    data = client.get("/api/v1/pillars/protection/").json()
    assert data["modified_at"] == "2030-01-01T12:00:00Z"
    assert changed(client, "pillars", "slug", feed=False) == ["protection"]
    # A bare date means its start; an offset is honoured (13:00+02:00 is 11:00 UTC).
    assert client.get("/api/v1/pillars/", {"modified_since": "2030-01-02"}).json()["count"] == 0
    later = client.get("/api/v1/pillars/", {"modified_since": "2030-01-01T13:00:00+02:00"})
    assert later.json()["count"] == 1
    newest = client.get("/api/v1/pillars/", {"ordering": "-modified_at"}).json()["results"]
    assert newest[0]["slug"] == "protection"


def test_saving_a_pillar_or_a_topic_moves_its_modified_at(world):
    world["protection"].description = "Victims first."
    world["protection"].save()
    world["topic"].save()
    assert Pillar.objects.get(slug="protection").modified_at > LONG_AGO
    assert Topic.objects.get().modified_at > LONG_AGO


# --- tag-only changes, every way they are made ------------------------------------------------


def test_tagging_through_the_model_reports_the_article_and_the_pillar(client, world):
    world["seven"].pillars.add(world["protection"])
    assert provisions_changed(client) == ["untoc/7"]
    assert pillars_changed(client) == ["protection"]


def test_tagging_from_the_pillars_side_reports_the_articles(client, world):
    world["protection"].provisions.add(world["seven"], world["nine"])
    assert provisions_changed(client) == ["palermo-protocol/9", "untoc/7"]
    assert pillars_changed(client) == ["protection"]


def test_untagging_and_clearing_report_what_was_tagged(client, world):
    world["six"].pillars.remove(world["prevention"])
    assert provisions_changed(client) == ["untoc/6"]
    assert pillars_changed(client) == ["prevention"]
    world["seven"].pillars.add(world["protection"])
    age_everything()
    world["protection"].provisions.clear()
    assert provisions_changed(client) == ["untoc/7"]
    assert pillars_changed(client) == ["protection"]


def test_adding_a_tag_the_article_has_already_changes_nothing(client, world):
    world["six"].pillars.add(world["prevention"])
    assert provisions_changed(client) == []


def test_linking_related_articles_reports_both(client, world):
    world["six"].related.add(world["nine"])
    assert provisions_changed(client) == ["palermo-protocol/9", "untoc/6"]
    age_everything()
    world["nine"].related.clear()
    assert provisions_changed(client) == ["palermo-protocol/9", "untoc/6"]
    assert pillars_changed(client) == []


def test_a_topics_or_a_statements_articles_change_the_topic_or_the_statement(client, world):
    world["topic"].provisions.add(world["six"])
    assert Topic.objects.get().modified_at > LONG_AGO
    world["statement"].provisions.add(world["seven"])
    assert changed(client, "statements") == [world["statement"].pk]
    # Neither is shown on the article's own record.
    assert provisions_changed(client) == []


def test_the_admin_form(admin_client, client, world):
    six = world["six"]
    data = {
        "heading": six.heading,
        "heading_verified": "on",
        "division": six.division,
        "text": six.text,
        "pillars": [world["protection"].pk],
        "related": [world["nine"].pk],
    }
    url = reverse("admin:provisions_provision_change", args=[six.pk])
    assert admin_client.post(url, data).status_code == 302
    assert provisions_changed(client) == ["palermo-protocol/9", "untoc/6"]
    assert pillars_changed(client) == ["prevention", "protection"]


@pytest.mark.parametrize("verb", ["add", "remove"])
def test_the_admin_bulk_actions(admin_client, client, world, verb):
    pillar = world["prevention"]
    if verb == "add":
        selected = [world["seven"].pk, world["nine"].pk]
        expected = ["palermo-protocol/9", "untoc/7"]
    else:
        selected = [world["six"].pk, world["seven"].pk]
        expected = ["untoc/6"]  # art. 7 was not tagged: nothing changed for it
    admin_client.post(
        reverse("admin:provisions_provision_changelist"),
        {"action": f"{verb}_pillar_prevention", "_selected_action": selected},
    )
    assert provisions_changed(client) == expected
    assert pillars_changed(client) == [pillar.slug]


def test_the_bulk_services_directly(client, world):
    assert services.add_pillar([world["nine"]], world["protection"]) == 1
    assert provisions_changed(client) == ["palermo-protocol/9"]
    assert pillars_changed(client) == ["protection"]


def test_the_api(client, editor_client, world):
    response = editor_client.patch(
        "/api/v1/provisions/untoc/7/",
        {"pillars": ["protection"], "related": ["palermo-protocol/9"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert provisions_changed(client) == ["palermo-protocol/9", "untoc/7"]
    assert pillars_changed(client) == ["protection"]


@pytest.mark.parametrize("mode", ["add", "replace"])
def test_the_tag_import_service(client, world, mode):
    content = "treaty_slug,number,pillars\nuntoc,6,protection\nuntoc,7,\n"
    if mode == "add":
        content = "treaty_slug,number,pillars\nuntoc,6,protection\n"
    report = services.import_provision_tags(content, mode, apply=True)
    assert report.applied
    assert provisions_changed(client) == ["untoc/6"]
    expected = ["protection"] if mode == "add" else ["prevention", "protection"]
    assert pillars_changed(client) == expected


def test_the_tag_import_command(client, world, tmp_path):
    tags = tmp_path / "tags.csv"
    tags.write_text("treaty_slug,number,pillars\nuntoc,7,protection;prevention\n")
    call_command("import_provision_tags", str(tags))
    assert provisions_changed(client) == ["untoc/7"]
    assert pillars_changed(client) == ["prevention", "protection"]


def test_the_admin_tag_import(admin_client, client, world):
    url = reverse("admin:provisions_provision_import")
    upload = SimpleUploadedFile(
        "tags.csv",
        b"treaty_slug,number,pillars\npalermo-protocol,9,protection\n",
        content_type="text/csv",
    )
    preview = admin_client.post(url, {"file": upload, "mode": "add"})
    assert provisions_changed(client) == []  # a preview writes nothing
    admin_client.post(url, {"_confirm": "1", "token": preview.context["token"]})
    assert provisions_changed(client) == ["palermo-protocol/9"]
    assert pillars_changed(client) == ["protection"]


def test_a_statement_saved_or_deleted_reports_its_ratification_record(client, world):
    statement = world["statement"]
    Ratification.objects.update(modified_at=LONG_AGO)
    age_everything()
    assert changed(client, "ratifications") == []
    statement.text = "Corrected against the depositary."
    with transaction.atomic():  # its own write, as every write path makes it
        statement.save()
    record = statement.ratification
    assert changed(client, "ratifications") == [f"{record.treaty.slug}/{record.participant.code}"]
    Ratification.objects.update(modified_at=LONG_AGO)
    age_everything()
    with transaction.atomic():
        statement.delete()
    assert changed(client, "ratifications") == [f"{record.treaty.slug}/{record.participant.code}"]
