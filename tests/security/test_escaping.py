"""What people type is shown as text, never run: statements, notes, descriptions, article text,
names and search queries, on the public pages and in the admin."""

import pytest
from django.urls import reverse

from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TopicFactory,
    TreatyFactory,
)

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
RAW = ["<script>alert(1)", "<img src=x"]
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMAGE = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def assert_shown_as_text(page, *escaped):
    for raw in RAW:
        assert raw not in page
    for text in escaped:
        assert text in page


@pytest.fixture
def hostile(db):
    """Every field an editor or importer types, each with markup in it."""
    pillar = PillarFactory(slug="protection", name="Protection", description=f"Victims {SCRIPT}")
    treaty = TreatyFactory(
        slug="convention", short_title="The Convention", status_note=f"Current {IMAGE}"
    )
    provision = ProvisionFactory(
        treaty=treaty,
        number="1",
        heading="Purpose",
        text=f"1. Each State Party shall protect victims {SCRIPT} and {IMAGE}.",
        pillars=[pillar],
    )
    topic = TopicFactory(slug="victims", name="Victims", description=f"Care {IMAGE}")
    topic.provisions.add(provision)
    participant = ParticipantFactory(code="UT", iso_alpha2="UT", name="Utopia")
    record = RatificationFactory(treaty=treaty, participant=participant, note=f"Dates {IMAGE}")
    for text in (f"Reservation {SCRIPT}", f"Declaration {IMAGE}"):
        statement = StatementFactory(ratification=record, article_reference="1", text=text)
        statement.provisions.add(provision)
    return {"treaty": treaty, "provision": provision, "participant": participant, "record": record}


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_article_page_escapes_its_text_and_its_statements(client, hostile):
    page = get(client, hostile["provision"].get_absolute_url())
    assert_shown_as_text(page, ESCAPED_SCRIPT, ESCAPED_IMAGE, f"Reservation {ESCAPED_SCRIPT}")


def test_the_participant_profile_escapes_statements_and_notes(client, hostile):
    page = get(client, hostile["participant"].get_absolute_url())
    assert_shown_as_text(page, f"Reservation {ESCAPED_SCRIPT}", f"Dates {ESCAPED_IMAGE}")


def test_the_treaty_page_escapes_the_participation_table_and_status_note(client, hostile):
    page = get(client, hostile["treaty"].get_absolute_url())
    assert "Utopia" in page
    assert_shown_as_text(page, f"Dates {ESCAPED_IMAGE}", f"Current {ESCAPED_IMAGE}")


def test_the_data_quality_page_escapes_notes(client, hostile):
    assert_shown_as_text(get(client, reverse("catalogue:data")), f"Dates {ESCAPED_IMAGE}")


def test_pillar_and_compare_pages_escape_descriptions(client, hostile):
    assert_shown_as_text(get(client, "/pillars/protection/"), f"Victims {ESCAPED_SCRIPT}")
    assert_shown_as_text(get(client, "/compare/"), f"Care {ESCAPED_IMAGE}")


@pytest.mark.parametrize("query", [SCRIPT, IMAGE, f"victims {SCRIPT}"])
def test_search_results_escape_the_query_and_the_matches(client, hostile, query):
    page = get(client, f"/search/?q={query}")
    for raw in RAW:
        assert raw not in page
    assert "&lt;" in page


def test_search_snippets_escape_the_text_around_the_highlight(client, hostile):
    page = get(client, "/search/?q=victims")
    assert "<mark>victims</mark>" in page
    # The snippet is the text itself (on both databases), every character of it escaped.
    assert_shown_as_text(page, "&quot;&gt;&lt;img src=x onerror=alert")
    assert f"<mark>victims</mark> {ESCAPED_SCRIPT} and" in page


@pytest.mark.parametrize(
    ("changelist", "shown"),
    [
        ("treaties_statement", [f"Reservation {ESCAPED_SCRIPT}", f"Declaration {ESCAPED_IMAGE}"]),
        ("provisions_pillar", [f"Victims {ESCAPED_SCRIPT}"]),
        ("treaties_ratification", []),
        ("provisions_provision", []),
        ("provisions_topic", []),
    ],
)
def test_the_admin_lists_escape_what_editors_typed(admin_client, hostile, changelist, shown):
    page = get(admin_client, reverse(f"admin:{changelist}_changelist"))
    assert_shown_as_text(page, *shown)


def test_the_admin_change_form_escapes_the_statement_text(admin_client, hostile):
    statement = hostile["record"].statements.get(text__startswith="Reservation")
    page = get(admin_client, reverse("admin:treaties_statement_change", args=[statement.pk]))
    assert_shown_as_text(page, ESCAPED_SCRIPT)


def test_the_api_returns_text_as_data_not_html(client, hostile):
    response = client.get("/api/v1/statements/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    texts = {s["text"] for s in response.json()["results"]}
    assert f"Reservation {SCRIPT}" in texts
    browsable = get(client, "/api/v1/statements/?format=api")
    assert "Reservation &lt;script&gt;" in browsable
    for raw in RAW:
        assert raw not in browsable
