"""Every changelist and change form loads, with the same number of queries however many rows
there are; filters, search and the derived status work."""

import pytest
from django.urls import reverse

from tests.factories import ParticipantFactory, RatificationFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "treaties_treaty",
    "treaties_participant",
    "treaties_ratification",
    "treaties_statement",
    "provisions_provision",
    "provisions_pillar",
    "provisions_topic",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_every_changelist_has_a_flat_query_count(admin_client, growing, name):
    url = reverse(f"admin:{name}_changelist")
    few = count_queries(admin_client, url, warm=True) if growing.add(3) else None
    growing.add(6)
    assert count_queries(admin_client, url, warm=True) == few


@pytest.mark.parametrize("name", CHANGELISTS)
def test_every_filtered_changelist_and_export_has_a_flat_query_count(admin_client, growing, name):
    growing.add(3)
    url = reverse(f"admin:{name}_changelist") + "?q=a"
    export = reverse(f"admin:{name}_export") + "?q=a"
    few = (
        count_queries(admin_client, url, warm=True),
        count_queries(admin_client, export, warm=True),
    )
    growing.add(6)
    assert (
        count_queries(admin_client, url, warm=True),
        count_queries(admin_client, export, warm=True),
    ) == few


def change_urls(growing):
    return {
        "treaty": reverse("admin:treaties_treaty_change", args=[growing.treaty.pk]),
        "participant": reverse("admin:treaties_participant_change", args=[growing.participant.pk]),
        "ratification": reverse(
            "admin:treaties_ratification_change", args=[growing.ratification.pk]
        ),
        "statement": reverse(
            "admin:treaties_statement_change", args=[growing.ratification.statements.first().pk]
        ),
        "provision": reverse("admin:provisions_provision_change", args=[growing.provision.pk]),
        "pillar": reverse("admin:provisions_pillar_change", args=[growing.pillars[0].pk]),
        "topic": reverse("admin:provisions_topic_change", args=[growing.topic.pk]),
        "provision history": reverse(
            "admin:provisions_provision_history", args=[growing.provision.pk]
        ),
        "ratification history": reverse(
            "admin:treaties_ratification_history", args=[growing.ratification.pk]
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "treaty",
        "participant",
        "ratification",
        "statement",
        "provision",
        "pillar",
        "topic",
    ],
)
def test_every_change_form_has_a_flat_query_count(admin_client, growing, name):
    growing.add(3)
    few = count_queries(admin_client, change_urls(growing)[name], warm=True)
    growing.add(6)
    assert count_queries(admin_client, change_urls(growing)[name], warm=True) == few


@pytest.mark.parametrize(
    "name",
    ["treaties_treaty", "treaties_participant", "treaties_ratification", "treaties_statement"]
    + ["provisions_provision", "provisions_pillar", "provisions_topic"],
)
def test_every_add_form_loads(admin_client, growing, name):
    growing.add(2)
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200


def test_the_history_pages_load(admin_client, growing):
    growing.add(2)
    for name in ("provision history", "ratification history"):
        assert admin_client.get(change_urls(growing)[name]).status_code == 200


def changelist_rows(response):
    return list(response.context["cl"].result_list)


def test_ratifications_are_filtered_by_derived_status(admin_client, untoc):
    party = RatificationFactory(treaty=untoc)
    signatory = RatificationFactory(treaty=untoc, consent_kind="", consent_on=None)
    url = reverse("admin:treaties_ratification_changelist")
    parties = changelist_rows(admin_client.get(url, {"status": "party"}))
    signatories = changelist_rows(admin_client.get(url, {"status": "signatory"}))
    assert parties == [party]
    assert signatories == [signatory]
    assert "Signatory" in admin_client.get(url, {"status": "signatory"}).content.decode()


def test_ratifications_are_filtered_by_region_and_kind_and_searched_by_name_or_code(
    admin_client, untoc
):
    kenya = RatificationFactory(
        treaty=untoc, participant=ParticipantFactory(code="KE", name="Kenya", region="Africa")
    )
    france = RatificationFactory(
        treaty=untoc,
        participant=ParticipantFactory(code="FR", name="France", region="Europe"),
        consent_kind="approval",
    )
    url = reverse("admin:treaties_ratification_changelist")
    assert changelist_rows(admin_client.get(url, {"region": "Africa"})) == [kenya]
    assert changelist_rows(admin_client.get(url, {"consent_kind__exact": "approval"})) == [france]
    assert changelist_rows(admin_client.get(url, {"q": "kenya"})) == [kenya]
    assert changelist_rows(admin_client.get(url, {"q": "FR"})) == [france]
    assert changelist_rows(admin_client.get(url, {"consent_on__year": "2004"})) == [france, kenya]


def test_provisions_are_filtered_untagged_incomplete_by_pillar_and_searched(admin_client, growing):
    growing.add(2)
    untagged = growing.provision.__class__.objects.filter(pillars__isnull=True)
    assert untagged.exists()
    url = reverse("admin:provisions_provision_changelist")
    rows = changelist_rows(admin_client.get(url, {"completeness": "untagged"}))
    assert set(rows) == set(untagged)
    incomplete = growing.provision
    incomplete.text = ""
    incomplete.text_incomplete = True
    incomplete.save()
    assert changelist_rows(admin_client.get(url, {"completeness": "incomplete"})) == [incomplete]
    protection = growing.pillars[1]
    rows = changelist_rows(admin_client.get(url, {"pillars__id__exact": protection.pk}))
    assert rows and all(protection in row.pillars.all() for row in rows)
    incomplete.heading = "Protection of witnesses"
    incomplete.save()
    assert changelist_rows(admin_client.get(url, {"q": "witnesses"})) == [incomplete]


def test_a_provision_row_links_to_its_public_page(admin_client, growing):
    growing.add(1)
    response = admin_client.get(reverse("admin:provisions_provision_changelist"))
    assert growing.provision.get_absolute_url() in response.content.decode()


def test_a_bad_filter_value_is_not_a_server_error(admin_client, growing):
    growing.add(1)
    url = reverse("admin:treaties_ratification_changelist")
    assert admin_client.get(url, {"consent_on__year": "abc"}).status_code in (200, 302)
    export = reverse("admin:treaties_ratification_export")
    assert admin_client.get(export, {"treaty__id__exact": "abc"}).status_code in (200, 302)
