"""Compare: instruments side by side, aligned on the concordance; every cell says what is known:
articles listed, no corresponding provision (an editor's finding, credited), not known (the
text is not in the knowledge base in full) or not reviewed."""

import csv
import datetime
import io
import re

import pytest

from provisions.models import ConcordanceFinding, Topic
from tests.factories import ProvisionFactory, TopicFactory, TreatyFactory
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional(db):
    return TreatyFactory(slug="regional", short_title="The Regional", position=3)


@pytest.fixture
def concordance(convention, protocol, regional):
    definitions = TopicFactory(slug="definitions", name="Definitions", position=1)
    definitions.provisions.add(
        ProvisionFactory(treaty=convention, number="2", heading="Use of terms"),
        ProvisionFactory(treaty=protocol, number="3", heading="Use of terms in the Protocol"),
    )
    jurisdiction = TopicFactory(slug="jurisdiction", name="Jurisdiction", position=2)
    jurisdiction.provisions.add(
        ProvisionFactory(treaty=convention, number="15", heading="Jurisdiction"),
    )
    return definitions, jurisdiction


def cells(page, slug):
    """{column label: the cell's state and its text} of the row ``slug``."""
    row = page[page.index(f'<tr id="{slug}">') :]
    row = row[: row.index("</tr>")]
    found = {}
    for match in re.finditer(
        r'<td data-label="([^"]*)" data-state="([^"]*)"[^>]*>(.*?)</td>', row, re.DOTALL
    ):
        text = " ".join(re.sub(r"<[^>]+>", " ", match[3]).split())
        found[match[1]] = (match[2], text)
    return found


def test_all_instruments_are_compared_by_default_row_by_row(client, concordance):
    page = client.get("/compare/").content.decode()
    assert page.count('type="checkbox" name="treaty"') == 3
    assert page.count(" checked>") == 3
    definitions = cells(page, "definitions")
    assert definitions["The Protocol"][0] == "listed"
    assert "Use of terms in the Protocol" in definitions["The Protocol"][1]
    # The regional treaty has no article in the knowledge base: not known, never "none".
    assert definitions["The Regional"] == (
        "text_not_available",
        "Not known : the text of The Regional is not available in full in the knowledge base.",
    )
    assert "No corresponding provision" not in page.split("</dl>", 1)[1]


def test_no_corresponding_provision_only_where_an_editor_found_it(client, concordance, protocol):
    _definitions, jurisdiction = concordance
    ConcordanceFinding.objects.create(
        topic=jurisdiction,
        treaty=protocol,
        by="Treaty KB editors (concordance review, December 2026)",
        recorded_on=datetime.date(2026, 12, 4),
        note="Art. 1(2) applies the Convention's art. 15.",
    )
    page = client.get("/compare/").content.decode()
    row = cells(page, "jurisdiction")
    assert row["The Protocol"] == (
        "no_provision",
        "No corresponding provision Finding of Treaty KB editors (concordance review, "
        "December 2026), 4 December 2026. Art. 1(2) applies the Convention&#x27;s art. 15.",
    )
    assert row["The Regional"][0] == "text_not_available"


def test_a_complete_text_without_a_finding_is_not_reviewed(client, concordance, regional):
    ProvisionFactory(treaty=regional, number="1")  # its whole text is in the knowledge base
    page = client.get("/compare/").content.decode()
    assert cells(page, "jurisdiction")["The Regional"] == (
        "not_reviewed",
        "Not reviewed : no article of The Regional is listed here, and no editor has recorded "
        "that it has none.",
    )


def test_a_listed_article_of_an_incomplete_text_says_others_may_correspond(
    client, concordance, regional
):
    definitions, _jurisdiction = concordance
    definitions.provisions.add(
        ProvisionFactory(treaty=regional, number="14"),
        ProvisionFactory(treaty=regional, number="1", text="", text_incomplete=True),
    )
    state, text = cells(client.get("/compare/").content.decode(), "definitions")["The Regional"]
    assert state == "listed"
    assert "Art. 14" in text
    assert "not available in full in the knowledge base: other articles may correspond too" in text


def test_chosen_instruments_only_and_rows_without_any_provision_left_out(
    client, concordance, regional
):
    _definitions, jurisdiction = concordance
    ProvisionFactory(treaty=regional, number="1")
    ConcordanceFinding.objects.create(topic=jurisdiction, treaty=regional, by="An editor")
    page = client.get("/compare/?treaty=protocol&treaty=regional").content.decode()
    assert '<th scope="col"><a href="/treaties/convention/">' not in page
    assert 'id="definitions"' in page
    assert '<tr id="jurisdiction">' not in page
    assert "1 subject of the concordance lists no article of the instruments chosen" in page
    assert "has no provision in the instruments chosen" not in page
    left_out = " ".join(
        re.sub(r"<[^>]+>", " ", page[page.index('<li id="jurisdiction">') :]).split()
    )
    assert left_out.startswith(
        "Jurisdiction : The Protocol: not reviewed; The Regional: no "
        "corresponding provision (finding of An editor,"
    )


def test_unknown_or_too_few_instruments_are_explained(client, concordance):
    page = client.get("/compare/?treaty=protocol&treaty=<atlantis>").content.decode()
    assert "There is no instrument &#x27;&lt;atlantis&gt;&#x27;" in page
    assert "Choose at least two instruments to compare" in page
    assert page.count(" checked>") == 3


def test_the_canonical_url_keeps_the_choice(client, concordance):
    page = client.get("/compare/?treaty=protocol&treaty=regional&ref=x").content.decode()
    assert (
        '<link rel="canonical" href="http://testserver/compare/?treaty=protocol&amp;treaty=regional">'
        in page
    )


def test_compare_query_count_does_not_grow_with_the_data(
    client, grow, regional, django_assert_num_queries
):
    def grow_with_findings(n):
        grow(n)
        for topic in Topic.objects.filter(findings__isnull=True):
            ConcordanceFinding.objects.create(topic=topic, treaty=regional, by="An editor")

    assert_flat(client, grow_with_findings, "/compare/", django_assert_num_queries)
    assert_flat(
        client,
        grow_with_findings,
        "/compare/?treaty=convention&treaty=protocol",
        django_assert_num_queries,
    )


# -- by subject, and as CSV --------------------------------------------------------------------


def test_one_subject_with_its_neighbours_and_the_way_back(client, concordance):
    TopicFactory(slug="prevention", name="Prevention", position=3)
    response = client.get("/compare/?subject=jurisdiction")
    assert [row.slug for row in response.context["rows"]] == ["jurisdiction"]
    page = response.content.decode()
    assert "<title>Jurisdiction: Compare" in page
    assert '<span class="compare-subject-title">Jurisdiction</span>' in page
    assert 'rel="prev" href="?subject=definitions"' in page
    assert 'rel="next" class="subject-nav__next" href="?subject=prevention"' in page
    assert '(<a href="/compare/">all subjects</a>)' in page
    assert '<option value="jurisdiction" selected>Jurisdiction</option>' in page
    assert '<link rel="canonical" href="http://testserver/compare/?subject=jurisdiction">' in page


def test_a_subject_with_no_article_of_the_instruments_is_listed_with_its_states(
    client, concordance
):
    TopicFactory(slug="prevention", name="Prevention", position=3)
    response = client.get("/compare/?subject=prevention")
    assert response.context["rows"] == []
    assert [t.slug for t in response.context["hidden_topics"]] == ["prevention"]
    assert "<strong>Prevention</strong>: The Convention: not reviewed" in (
        response.content.decode()
    )


def test_a_subject_keeps_the_instruments_chosen(client, concordance):
    page = client.get(
        "/compare/?treaty=protocol&treaty=convention&subject=definitions"
    ).content.decode()
    assert '(<a href="/compare/?treaty=convention&amp;treaty=protocol&amp;">all subjects</a>)' in (
        page
    )
    assert (
        'href="/compare.csv?treaty=convention&amp;treaty=protocol&amp;subject=definitions"' in page
    )


def test_an_unknown_subject_is_explained_and_every_subject_shown(client, concordance):
    response = client.get("/compare/?subject=<atlantis>")
    assert response.status_code == 200
    assert "There is no subject &#x27;&lt;atlantis&gt;&#x27; in the concordance" in (
        response.content.decode()
    )
    assert [row.slug for row in response.context["rows"]] == ["definitions", "jurisdiction"]


def test_every_subject_links_to_its_own_view_and_its_neighbours_rows(client, concordance):
    page = client.get("/compare/").content.decode()
    assert '<a href="?subject=definitions">Definitions</a>' in page
    row = page[page.index('<tr id="definitions">') :]
    row = row[: row.index("</tr>")]
    assert '<a href="#jurisdiction">next subject' in row and "previous subject" not in row


def read_csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_concordance_as_csv_has_every_subject_and_cell_state(client, concordance, protocol):
    TopicFactory(slug="prevention", name="Prevention", position=3)
    ConcordanceFinding.objects.create(
        topic=concordance[1],
        treaty=protocol,
        by="An editor",
        recorded_on=datetime.date(2026, 12, 1),
    )
    response = client.get("/compare.csv")
    assert response.status_code == 200
    assert (
        'filename="treatykb-compare-convention-protocol-regional.csv"'
        in (response["Content-Disposition"])
    )
    rows = read_csv(response)
    assert list(rows[0])[:6] == [
        "subject",
        "subject_name",
        "convention_state",
        "convention_provisions",
        "convention_finding_by",
        "convention_finding_recorded_on",
    ]
    by_subject = {row["subject"]: row for row in rows}
    assert list(by_subject) == ["definitions", "jurisdiction", "prevention"]
    assert by_subject["definitions"]["protocol_state"] == "listed"
    assert by_subject["definitions"]["protocol_provisions"] == "protocol/3"
    assert by_subject["jurisdiction"]["protocol_state"] == "no_provision"
    assert by_subject["jurisdiction"]["protocol_finding_by"] == "An editor"
    assert by_subject["jurisdiction"]["protocol_finding_recorded_on"] == "2026-12-01"
    assert by_subject["jurisdiction"]["regional_state"] == "text_not_available"
    assert by_subject["prevention"]["convention_state"] == "not_reviewed"
    assert by_subject["prevention"]["convention_provisions"] == ""


def test_the_csv_of_one_subject_and_chosen_instruments(client, concordance):
    response = client.get("/compare.csv?treaty=convention&treaty=protocol&subject=jurisdiction")
    (row,) = read_csv(response)
    assert row["subject"] == "jurisdiction" and "regional_state" not in row
    assert row["convention_provisions"] == "convention/15"
    assert row["protocol_state"] == "not_reviewed"


@pytest.mark.parametrize(
    "query, message",
    [("subject=atlantis", "no subject 'atlantis'"), ("treaty=atlantis", "no instrument")],
)
def test_the_csv_with_a_bad_parameter_is_a_400_naming_it(client, concordance, query, message):
    response = client.get(f"/compare.csv?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("path", ["/compare/?subject={slug}", "/compare.csv", "/compare/"])
def test_subject_view_and_csv_query_counts_do_not_grow_with_the_data(client, grow, regional, path):
    grow(3)
    url = path.format(slug=Topic.objects.order_by("position", "slug").first().slug)
    small = count_queries(client, url)
    grow(6)
    assert count_queries(client, url) == small
    assert client.get(url).status_code == 200
