"""The change feed, ``/api/v1/changes/``: a copy kept in sync through it equals a fresh full pull;
every write path is listed; ``modified_since`` agrees with it; cursors, tombstones, retention."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Change
from provisions import services as provision_services
from tests.admin.test_editing import ratification_data
from tests.api.conftest import token_client
from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from tests.queries import count_queries
from tests.scenarios import build_world
from treaties.models import Participant, Ratification, Statement

pytestmark = pytest.mark.django_db

LISTS = {
    "treaty": ("treaties", "slug"),
    "participant": ("participants", "code"),
    "ratification": ("ratifications", "id"),
    "statement": ("statements", "id"),
    "provision": ("provisions", "id"),
    "pillar": ("pillars", "slug"),
}


def full_pull(client):
    """Every list, whole: {type: {id: row}}."""
    copy = {}
    for kind, (endpoint, key) in LISTS.items():
        response = client.get(f"/api/v1/{endpoint}/", {"page_size": 1000})
        assert response.status_code == 200, response.content
        copy[kind] = {str(row[key]): row for row in response.json()["results"]}
    return copy


def current_cursor(client):
    """The cursor of "now": what a sync notes before its first full pull."""
    response = client.get("/api/v1/changes/", {"since": timezone.now().isoformat()})
    assert response.status_code == 200, response.content
    return response.json()["cursor"]


def sync(client, copy, cursor, page_size=3):
    """Apply the changes after ``cursor`` to ``copy`` (a page at a time); the new cursor."""
    while True:
        response = client.get("/api/v1/changes/", {"since": cursor, "page_size": page_size})
        assert response.status_code == 200, response.content
        page = response.json()
        for change in page["results"]:
            rows = copy[change["type"]]
            if change["action"] == "deleted":
                assert change["url"] is None
                rows.pop(change["id"], None)
                continue
            detail = client.get(change["url"])
            assert detail.status_code == 200, (change, detail.content)
            rows[change["id"]] = detail.json()
        cursor = page["cursor"]
        if not page["more"]:
            return cursor


def assert_same(copy, fresh):
    """The copy holds the same objects as the fresh pull, each with the same values (a detail
    may say more than a list row: a treaty's preamble)."""
    for kind in LISTS:
        assert sorted(copy[kind]) == sorted(fresh[kind]), kind
        for object_id, row in fresh[kind].items():
            kept = copy[kind][object_id]
            assert {name: kept.get(name) for name in row} == row, (kind, object_id)


@pytest.fixture
def world(db):
    untoc = TreatyFactory(slug="untoc", position=1)
    actip = TreatyFactory(slug="asean-actip", position=4)
    prevention = PillarFactory(slug="prevention", position=1)
    protection = PillarFactory(slug="protection", position=2)
    vn, th, fr = (
        ParticipantFactory(code="VN", name="Viet Nam"),
        ParticipantFactory(code="TH", name="Thailand"),
        ParticipantFactory(code="FR", name="France"),
    )
    records = {
        "actip/VN": RatificationFactory(treaty=actip, participant=vn),
        "actip/TH": RatificationFactory(treaty=actip, participant=th),
        "untoc/FR": RatificationFactory(treaty=untoc, participant=fr),
        "untoc/TH": RatificationFactory(treaty=untoc, participant=th),
    }
    five = ProvisionFactory(treaty=untoc, number="5", pillars=[prevention])
    six = ProvisionFactory(treaty=untoc, number="6", pillars=[protection])
    eighteen = ProvisionFactory(treaty=actip, number="18", pillars=[protection])
    five.related.add(eighteen)
    statement = StatementFactory(ratification=records["untoc/FR"], article_reference="5")
    statement.provisions.add(five)
    StatementFactory(ratification=records["untoc/TH"])
    return {
        "untoc": untoc,
        "actip": actip,
        "records": records,
        "five": five,
        "six": six,
        "eighteen": eighteen,
        "statement": statement,
        "prevention": prevention,
        "protection": protection,
        "fr": fr,
    }


def write(api, method, url, data=None, expected=200):
    body = json.dumps(data) if data is not None else None
    response = getattr(api, method)(url, body, content_type="application/json")
    assert response.status_code == expected, response.content
    return response


def edit_everything(world, api):
    """Creates, edits and deletes of records, statements, provisions and tags, by the API and
    by the services the admin and the imports use."""
    # Records: created, edited, deleted (ACTIP's party count goes down).
    ParticipantFactory(code="KH", name="Cambodia")
    new_record = {"treaty": "asean-actip", "participant": "KH", "signature_on": "2015-11-21"}
    write(api, "post", "/api/v1/ratifications/", new_record, 201)
    write(api, "patch", "/api/v1/ratifications/untoc/TH/", {"note": "Checked."})
    write(api, "delete", "/api/v1/ratifications/asean-actip/VN/", expected=204)
    # Statements: created, edited, deleted (the record's statements change).
    new_statement = {
        "treaty": "untoc",
        "participant": "FR",
        "kind": "declaration",
        "article_reference": "6",
        "text": "A declaration.",
    }
    write(api, "post", "/api/v1/statements/", new_statement, 201)
    write(api, "patch", f"/api/v1/statements/{world['statement'].pk}/", {"text": "New text."})
    other = Statement.objects.get(ratification__participant__code="TH")
    write(api, "delete", f"/api/v1/statements/{other.pk}/", expected=204)
    # Provisions: created, renumbered, deleted (with its tags, related article and statement).
    new_article = {
        "treaty": "untoc",
        "number": "7",
        "heading": "New",
        "text": "Text.",
        "pillars": ["prevention"],
    }
    write(api, "post", "/api/v1/provisions/", new_article, 201)
    write(api, "patch", "/api/v1/provisions/untoc/6/", {"number": "6 bis"})
    write(api, "delete", "/api/v1/provisions/untoc/5/", expected=204)
    # Tags, by the services the admin's bulk actions and the tag import use.
    provision_services.add_pillar([world["eighteen"]], world["prevention"])
    provision_services.remove_pillar([world["eighteen"]], world["protection"])
    # A participant renamed (its records show the name), as the admin saves it.
    with transaction.atomic():
        fr = Participant.objects.get(code="FR")
        fr.name = "French Republic"
        fr.save()


def edit_everything_on_real_data(api):
    """Creates, edits and deletes of records, statements, provisions and tags on the shipped
    data (docs/api.md's sync loop is tested with them)."""
    write(api, "delete", "/api/v1/ratifications/asean-actip/VN/", expected=204)
    write(api, "patch", "/api/v1/ratifications/untoc/FR/", {"note": "Checked."})
    new_statement = {
        "treaty": "untoc",
        "participant": "FR",
        "kind": "declaration",
        "article_reference": "5",
        "text": "A declaration.",
    }
    write(api, "post", "/api/v1/statements/", new_statement, 201)
    write(
        api,
        "delete",
        f"/api/v1/statements/{Statement.objects.order_by('pk').first().pk}/",
        expected=204,
    )
    new_article = {"treaty": "untoc", "number": "99", "heading": "New", "text": "Text."}
    write(api, "post", "/api/v1/provisions/", new_article, 201)
    write(api, "patch", "/api/v1/provisions/untoc/5/", {"heading": "Renamed"})
    write(api, "patch", "/api/v1/provisions/untoc/99/", {"pillars": ["protection"]})
    write(api, "delete", "/api/v1/provisions/palermo-protocol/20/", expected=204)


def test_a_copy_synced_through_the_change_feed_equals_a_fresh_pull(client, world, editor):
    cursor = current_cursor(client)
    copy = full_pull(client)
    parties_before = copy["treaty"]["asean-actip"]["party_count"]
    edit_everything(world, token_client(editor))
    cursor = sync(client, copy, cursor)
    fresh = full_pull(client)
    assert_same(copy, fresh)
    # What the issue saw missed: ACTIP's count went down, VN's record is a tombstone.
    assert copy["treaty"]["asean-actip"]["party_count"] == parties_before - 1
    assert "asean-actip/VN" not in copy["ratification"]
    # And nothing is left to do.
    assert client.get("/api/v1/changes/", {"since": cursor}).json()["results"] == []


def test_modified_since_agrees_with_the_feed(client, world, editor):
    before = timezone.now()
    api = token_client(editor)
    assert api.delete("/api/v1/ratifications/asean-actip/VN/").status_code == 204
    assert api.delete(f"/api/v1/statements/{world['statement'].pk}/").status_code == 204
    since = before.isoformat()
    feed = client.get("/api/v1/changes/", {"since": since}).json()["results"]
    listed = {(c["type"], c["id"], c["action"]) for c in feed}
    assert listed == {
        ("ratification", "asean-actip/VN", "deleted"),
        ("treaty", "asean-actip", "updated"),  # its counts
        ("participant", "VN", "updated"),  # its status under ACTIP
        ("statement", str(world["statement"].pk), "deleted"),
        ("ratification", "untoc/FR", "updated"),  # its statements
    }
    for kind, (endpoint, key) in LISTS.items():
        rows = client.get(f"/api/v1/{endpoint}/", {"modified_since": since}).json()["results"]
        updated = {i for (t, i, a) in listed if t == kind and a != "deleted"}
        assert {str(row[key]) for row in rows} == updated, kind
    treaties = client.get("/api/v1/treaties/", {"modified_since": since}).json()["results"]
    assert "asean-actip" in {row["slug"] for row in treaties}
    records = client.get("/api/v1/ratifications/", {"modified_since": since}).json()["results"]
    assert "untoc/FR" in {row["id"] for row in records}


# --- the feed itself ----------------------------------------------------------------------------


def feed(client, **params):
    response = client.get("/api/v1/changes/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_entries_name_type_id_url_action_and_time_in_order(client, world, editor):
    cursor = current_cursor(client)
    write(token_client(editor), "patch", "/api/v1/ratifications/untoc/TH/", {"note": "Checked."})
    page = feed(client, since=cursor)
    record = next(c for c in page["results"] if c["type"] == "ratification")
    assert record == {
        "cursor": record["cursor"],
        "type": "ratification",
        "id": "untoc/TH",
        "url": "http://localhost/api/v1/ratifications/untoc/TH/",
        "action": "updated",
        "time": record["time"],
    }
    cursors = [int(c["cursor"]) for c in page["results"]]
    assert cursors == sorted(cursors) and cursors[0] > int(cursor)
    assert page["cursor"] == str(cursors[-1]) and page["more"] is False
    assert page["next"] == f"http://localhost/api/v1/changes/?since={page['cursor']}"
    # Asked again from its cursor: nothing new, the same cursor.
    again = feed(client, since=page["cursor"])
    assert again["results"] == [] and again["cursor"] == page["cursor"]


def test_a_moment_lists_the_changes_at_or_after_it(client, world):
    before = timezone.now()
    with transaction.atomic():
        world["records"]["untoc/FR"].save()
    listed = feed(client, since=before.isoformat())["results"]
    assert {(c["type"], c["id"]) for c in listed} == {
        ("ratification", "untoc/FR"),
        ("treaty", "untoc"),
        ("participant", "FR"),
    }
    # A date means its start (UTC); everything of today is listed.
    assert len(feed(client, since=timezone.now().date().isoformat(), page_size=1000)["results"]) > 3


def test_pages_of_the_feed_follow_each_other(client, world):
    everything = feed(client, page_size=1000)["results"]
    assert len(everything) > 5
    seen, cursor = [], "0"
    while True:
        page = feed(client, since=cursor, page_size=2)
        seen += page["results"]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert seen == everything


def test_a_deleted_object_is_a_tombstone(client, world):
    cursor = current_cursor(client)
    pk = world["statement"].pk
    with transaction.atomic():
        world["statement"].delete()
    tombstones = [c for c in feed(client, since=cursor)["results"] if c["action"] == "deleted"]
    assert tombstones == [
        {
            "cursor": tombstones[0]["cursor"],
            "type": "statement",
            "id": str(pk),
            "url": None,
            "action": "deleted",
            "time": tombstones[0]["time"],
        }
    ]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"since": "yesterday"}, "'yesterday' is not a timestamp"),
        ({"page_size": "0"}, "'0' is not a valid page size"),
        ({"page_size": "1001"}, "'1001' is not a valid page size"),
        ({"type": "treaty"}, "Unknown query parameter 'type'"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, world, params, message):
    response = client.get("/api/v1/changes/", params)
    assert response.status_code == 400
    [name] = params
    assert message in response.json()["errors"][name][0]


def test_a_cursor_no_change_ever_had_is_a_404(client, world):
    response = client.get("/api/v1/changes/", {"since": "999999"})
    assert response.status_code == 404
    assert "Unknown cursor '999999'" in response.json()["detail"]


def test_an_empty_since_starts_from_the_oldest_change_kept(client, world):
    assert feed(client, since="")["results"] == feed(client)["results"] != []


def test_changes_are_kept_a_year_and_older_ones_are_gone(client, world):
    old = Change.objects.order_by("pk").first()
    Change.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=400))
    kept_year = Change.objects.filter(pk=old.pk + 1)
    kept_year.update(at=timezone.now() - datetime.timedelta(days=360))
    call_command("prune_changes")
    assert not Change.objects.filter(pk=old.pk).exists()
    assert Change.objects.filter(pk=old.pk + 1).exists()  # younger than the retention
    # A cursor whose change is no longer kept, or a moment older than the retention, is a 410.
    response = client.get("/api/v1/changes/", {"since": "1" if old.pk > 1 else str(old.pk)})
    if old.pk == 1:
        assert response.status_code == 410
    too_old = (timezone.now() - datetime.timedelta(days=400)).isoformat()
    response = client.get("/api/v1/changes/", {"since": too_old})
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"
    assert "kept 366 days" in response.json()["errors"]["since"][0]


def test_the_prune_command_refuses_to_keep_less_than_a_year():
    with pytest.raises(CommandError, match="at least 366 days"):
        call_command("prune_changes", "--days", "30")


def test_the_feed_sees_every_change_through_the_response_cache(client, world):
    first = feed(client)
    assert feed(client) == first  # answered from the cache
    with transaction.atomic():
        world["records"]["untoc/FR"].save()
    assert len(feed(client)["results"]) == len(first["results"]) + 3
    etag = client.get("/api/v1/changes/").headers["ETag"]
    assert client.get("/api/v1/changes/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    with transaction.atomic():
        world["records"]["untoc/FR"].delete()
    assert client.get("/api/v1/changes/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_feed_costs_the_same_queries_with_more_changes(client, django_assert_num_queries):
    build_world(n=2)
    small = count_queries(client, "/api/v1/changes/?page_size=1000")
    build_world(n=4)
    with django_assert_num_queries(small):
        response = client.get("/api/v1/changes/?page_size=1000")
    assert len(response.json()["results"]) > 20
    cursor = response.json()["results"][5]["cursor"]
    small = count_queries(client, f"/api/v1/changes/?since={cursor}")
    build_world(n=2)
    assert count_queries(client, f"/api/v1/changes/?since={cursor}") == small


# --- every write path is listed -----------------------------------------------------------------


def listed_since(client, cursor):
    return {
        (c["type"], c["id"], c["action"])
        for c in feed(client, since=cursor, page_size=1000)["results"]
    }


def test_the_admin_form(admin_client, client, world):
    cursor = current_cursor(client)
    record = world["records"]["untoc/FR"]
    url = reverse("admin:treaties_ratification_change", args=[record.pk])
    data = ratification_data(
        world["untoc"], world["fr"], signature_on="2001-01-01", note="Checked."
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert {
        ("ratification", "untoc/FR", "updated"),
        ("treaty", "untoc", "updated"),
        ("participant", "FR", "updated"),
    } <= listed_since(client, cursor)


def test_the_admin_delete_and_restore(admin_client, client, world):
    record = world["records"]["untoc/FR"]
    pk = record.pk
    cursor = current_cursor(client)
    url = reverse("admin:treaties_ratification_delete", args=[pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert ("ratification", "untoc/FR", "deleted") in listed_since(client, cursor)
    assert ("statement", str(world["statement"].pk), "deleted") in listed_since(client, cursor)
    cursor = current_cursor(client)
    row = admin_client.get(reverse("admin:treaties_ratification_deleted")).context["rows"][0]
    form = admin_client.get(row["previous_url"]).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"treaty": world["untoc"].pk, "signature_on": "2001-01-10", "consent_on": ""})
    response = admin_client.post(row["previous_url"], data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Ratification.objects.filter(pk=pk).exists()
    restored = listed_since(client, cursor)
    assert ("ratification", "untoc/FR", "created") in restored
    assert ("statement", str(world["statement"].pk), "created") in restored  # restored with it


def test_the_import_command(client, world, tmp_path):
    cursor = current_cursor(client)
    ParticipantFactory(code="KE", name="Kenya")
    status = tmp_path / "status.csv"
    status.write_text(
        "treaty_slug,participant,iso3166_alpha2,signature_date,consent_date,consent_type,"
        "entry_into_force_date,reservations_or_declarations,source_url\n"
        "untoc,Kenya,KE,2000-12-13,2004-06-16,accession,,,https://treaties.un.org/\n"
    )
    call_command("import_ratifications", str(status))
    assert {("ratification", "untoc/KE", "created"), ("treaty", "untoc", "updated")} <= (
        listed_since(client, cursor)
    )


def test_the_tag_import_command_and_the_admin_bulk_action(admin_client, client, world, tmp_path):
    cursor = current_cursor(client)
    tags = tmp_path / "tags.csv"
    tags.write_text("treaty_slug,number,pillars\nuntoc,6,prevention\n")
    call_command("import_provision_tags", str(tags))
    assert {("provision", "untoc/6", "updated"), ("pillar", "prevention", "updated")} <= (
        listed_since(client, cursor)
    )
    cursor = current_cursor(client)
    admin_client.post(
        reverse("admin:provisions_provision_changelist"),
        {"action": "add_pillar_protection", "_selected_action": [world["five"].pk]},
    )
    assert listed_since(client, cursor) == {
        ("provision", "untoc/5", "updated"),
        ("pillar", "protection", "updated"),
    }


def test_the_loader_lists_every_object_it_created(real_data, client):
    created = {
        (c.kind, c.object_id)
        for c in Change.objects.filter(action="created").only("kind", "object_id")
    }
    shipped = full_pull(client)
    for kind, rows in shipped.items():
        assert {(kind, object_id) for object_id in rows} <= created, kind
