"""The statements made on an article, as data: a table (participant, kind, date, paragraph,
text) with each statement once, filtered by kind and sorted on the server (``?kind=``,
``?sort=``), and the same rows as CSV in the statement columns every file and the API use."""

import csv
import datetime
import io

import pytest

from tests.factories import ParticipantFactory, ProvisionFactory, StatementFactory
from tests.queries import count_queries
from treaties.columns import STATEMENT

pytestmark = pytest.mark.django_db

URL = "/treaties/protocol/articles/15/"


@pytest.fixture
def article(protocol):
    return ProvisionFactory(treaty=protocol, number="15", heading="Settlement of disputes")


def state(article, name, kind="reservation", made_on=datetime.date(2004, 3, 18), **fields):
    """A statement by a participant called ``name`` (made once per name) on ``article``."""
    participant = ParticipantFactory(name=name)
    statement = StatementFactory(
        ratification__treaty=article.treaty,
        ratification__participant=participant,
        kind=kind,
        made_on=made_on,
        article_reference=fields.pop("article_reference", "15(2)"),
        **fields,
    )
    statement.provisions.add(article)
    return statement


def add_to_record(statement, **fields):
    other = StatementFactory(ratification=statement.ratification, **fields)
    other.provisions.add(*statement.provisions.all())
    return other


def names(response):
    return [s.ratification.participant.name for s in response.context["statement_rows"]]


def read_csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_each_statement_is_one_row_and_two_occasions_are_said_not_doubled(client, article):
    salvador = state(
        article,
        "El Salvador",
        made_on=datetime.date(2002, 8, 15),
        occasion="signature",
        text="El Salvador does not consider itself bound (signature).",
    )
    add_to_record(
        salvador,
        kind="reservation",
        made_on=datetime.date(2004, 3, 18),
        occasion="ratification",
        article_reference="15(2)",
        text="With respect to article 15, paragraph 3, El Salvador (ratification).",
    )
    state(article, "Algeria", occasion="ratification")
    response = client.get(URL)
    assert names(response) == ["Algeria", "El Salvador", "El Salvador"]
    assert len({s.pk for s in response.context["statement_rows"]}) == 3
    page = " ".join(response.content.decode().split())
    assert "in <strong>3</strong> statements by <strong>2</strong> participants" in page
    assert (
        "Each statement is listed once. El Salvador made 2 on this article, on different "
        "occasions (upon signature; upon ratification)."
    ) in page
    assert page.count("2 statements on this article") == 2
    assert "upon signature" in page and "upon ratification" in page


def test_the_paragraph_is_the_part_of_the_reference_on_this_article(client, article):
    state(article, "Saudi Arabia", article_reference="15(2);6(3)(d);7(1)")
    state(article, "Myanmar", article_reference="15")
    state(article, "Linked", article_reference="")
    rows = {
        s.ratification.participant.name: s.paragraphs
        for s in client.get(URL).context["statement_rows"]
    }
    assert rows == {"Saudi Arabia": ["15(2)"], "Myanmar": ["15"], "Linked": []}
    page = client.get(URL).content.decode()
    assert '<td data-label="Paragraph" data-sort-value="15(2)">art. 15(2)</td>' in page


def test_filtered_by_kind_and_counted_per_kind(client, article):
    state(article, "Reservia", kind="reservation")
    state(article, "Declaria", kind="declaration")
    state(article, "Declarity", kind="declaration")
    response = client.get(URL + "?kind=declaration")
    assert names(response) == ["Declaria", "Declarity"]
    page = response.content.decode()
    assert '<option value="declaration" selected>Declarations (2)</option>' in page
    assert '<option value="reservation">Reservations (1)</option>' in page
    assert '<option value="objection"' not in page  # no objection on this article
    # The summary still counts everything on the article, not only the kind shown.
    assert "in <strong>3</strong> statements" in page


def test_a_kind_with_no_statement_says_so(client, article):
    state(article, "Reservia", kind="reservation")
    page = client.get(URL + "?kind=objection").content.decode()
    assert "No objection names this article in the texts on file." in page


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("", ["Alpha", "Beta", "Gamma", "Undated"]),
        ("participant", ["Alpha", "Beta", "Gamma", "Undated"]),
        ("-participant", ["Undated", "Gamma", "Beta", "Alpha"]),
        ("date", ["Gamma", "Alpha", "Beta", "Undated"]),
        # The reverse order still leaves a statement whose date is not known at the end.
        ("-date", ["Beta", "Alpha", "Gamma", "Undated"]),
        ("kind", ["Alpha", "Gamma", "Beta", "Undated"]),
        ("paragraph", ["Undated", "Beta", "Alpha", "Gamma"]),
    ],
)
def test_sorted_on_the_server(client, article, sort, expected):
    state(article, "Alpha", made_on=datetime.date(2005, 1, 1), article_reference="15(2)")
    state(
        article,
        "Beta",
        kind="declaration",
        made_on=datetime.date(2010, 1, 1),
        article_reference="15(1)",
    )
    state(article, "Gamma", made_on=datetime.date(2001, 1, 1), article_reference="15(3)")
    state(article, "Undated", kind="objection", made_on=None, article_reference="15")
    response = client.get(URL + (f"?sort={sort}" if sort else ""))
    assert names(response) == expected


def test_column_headers_sort_keeping_the_kind_and_say_how_they_sort(client, article):
    state(article, "Alpha")
    page = client.get(URL + "?kind=reservation&sort=date").content.decode()
    assert '<th scope="col" aria-sort="ascending" data-sort-key="date">' in page
    assert 'href="?kind=reservation&amp;sort=-date#statements-heading"' in page
    assert 'href="?kind=reservation&amp;sort=participant#statements-heading"' in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("kind=protest", "Kind (kind): unknown value &#x27;protest&#x27;"),
        ("sort=colour", "Sort (sort): unknown column &#x27;colour&#x27;"),
    ],
)
def test_a_bad_filter_or_order_is_explained_and_everything_shown(client, article, query, message):
    state(article, "Alpha")
    state(article, "Beta", kind="declaration")
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert names(response) == ["Alpha", "Beta"]


def test_the_csv_has_the_table_rows_in_the_statement_columns(client, article):
    first = state(article, "Alpha", made_on=datetime.date(2005, 1, 1), occasion="ratification")
    add_to_record(
        first,
        kind="reservation",
        made_on=datetime.date(2001, 1, 1),
        occasion="signature",
        article_reference="15(2)",
        text="=SUM(A1)",
    )
    state(article, "Beta", kind="declaration", made_on=None)
    response = client.get(URL + "statements.csv?kind=reservation&sort=-date")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="treatykb-protocol-art15-statements-reservations.csv"'
        in (response["Content-Disposition"])
    )
    rows = read_csv(response)
    assert list(rows[0]) == STATEMENT.header
    assert {
        "participant",
        "participant_name",
        "kind",
        "made_on",
        "article_reference",
        "text",
    } <= set(rows[0])
    assert [(r["participant_name"], r["made_on"], r["occasion"]) for r in rows] == [
        ("Alpha", "2005-01-01", "ratification"),
        ("Alpha", "2001-01-01", "signature"),
    ]
    assert rows[1]["text"] == "'=SUM(A1)"
    assert rows[0]["provisions"] == "protocol/15"
    everything = read_csv(client.get(URL + "statements.csv"))
    assert [r["participant_name"] for r in everything] == ["Alpha", "Alpha", "Beta"]
    assert everything[2]["made_on"] == ""


def test_the_page_links_its_csv_with_the_same_filters(client, article):
    state(article, "Alpha")
    page = client.get(URL + "?kind=reservation&sort=-date").content.decode()
    csv_link = "/treaties/protocol/articles/15/statements.csv?kind=reservation&amp;sort=-date"
    assert f'href="{csv_link}" download>Download this table as CSV</a>' in page


@pytest.mark.parametrize("query", ["kind=protest", "sort=colour"])
def test_the_csv_with_a_bad_parameter_is_a_400_naming_it(client, article, query):
    state(article, "Alpha")
    response = client.get(f"{URL}statements.csv?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert query.split("=")[1] in response.content.decode()


def test_the_csv_of_an_unknown_article_is_404(client, article):
    assert client.get("/treaties/protocol/articles/99/statements.csv").status_code == 404


@pytest.mark.parametrize(
    "path", ["", "?kind=reservation&sort=-date", "statements.csv", "statements.csv?sort=kind"]
)
def test_the_table_and_its_csv_cost_as_many_queries_with_3n_statements_as_with_n(
    client, article, path
):
    def grow(n, start):
        for i in range(start, start + n):
            statement = state(article, f"State {i}", kind=["reservation", "declaration"][i % 2])
            add_to_record(statement, made_on=None, occasion="signature")

    grow(3, 0)
    small = count_queries(client, URL + path)
    grow(6, 3)
    assert count_queries(client, URL + path) == small
