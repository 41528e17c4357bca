"""Search: ranked full-text search with highlighted, escaped snippets, filters by treaty and
pillar that survive pagination, an empty state and a helpful message on no results (the engine
itself, the same on both databases: tests/provisions/test_search.py)."""

import pytest
from django.db import connection

from provisions.highlight import excerpt_with_highlights
from tests.factories import ProvisionFactory, TopicFactory
from tests.queries import assert_flat

pytestmark = pytest.mark.django_db


def test_without_a_query_the_page_explains_what_it_does(client, db):
    response = client.get("/search/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Search the official text and headings" in page
    assert '<label for="q">Words or phrases</label>' in page
    assert '<ol class="results">' not in page


def test_results_are_ranked_and_highlighted(client, convention, protocol):
    ProvisionFactory(
        treaty=convention,
        number="1",
        heading="General obligations",
        text="1. Each State Party shall ensure that victims may obtain compensation.",
    )
    ProvisionFactory(
        treaty=protocol,
        number="2",
        heading="Compensation",
        text="1. Victims shall have a right to compensation for damage suffered.",
    )
    ProvisionFactory(treaty=protocol, number="3", heading="Other", text="1. Nothing relevant.")
    page = client.get("/search/?q=compensation").content.decode()
    assert "2 articles match “compensation”" in page
    assert "Nothing relevant" not in page
    # The article whose heading matches comes first.
    assert page.index("The Protocol, art. 2") < page.index("The Convention, art. 1")
    assert "<mark>compensation</mark>" in page.lower()


def test_the_query_and_the_texts_are_escaped(client, convention):
    ProvisionFactory(
        treaty=convention,
        number="1",
        heading="Scripts",
        text='1. A <script>alert("x")</script> script in the text.',
    )
    page = client.get('/search/?q=<script>alert("x")</script> script').content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_filters_by_treaty_and_pillar(client, pillars, convention, protocol):
    ProvisionFactory(treaty=convention, number="1", text="1. Victims.", pillars=[pillars[1]])
    ProvisionFactory(treaty=protocol, number="1", text="1. Victims.", pillars=[pillars[1]])
    ProvisionFactory(treaty=protocol, number="2", text="1. Victims.", pillars=[pillars[2]])
    page = client.get("/search/?q=victims&treaty=protocol&pillar=protection").content.decode()
    assert "1 article matches" in page
    assert 'href="/treaties/protocol/articles/1/"' in page
    assert '<option value="protocol" selected>' in page
    assert 'value="protection" id="pillar-protection" checked' in page


def test_filters_alone_browse_the_articles_in_treaty_order(client, pillars, convention):
    ProvisionFactory(treaty=convention, number="2", pillars=[pillars[1]])
    ProvisionFactory(treaty=convention, number="1", pillars=[pillars[1]])
    page = client.get("/search/?pillar=protection").content.decode()
    assert "2 articles" in page
    assert page.index("articles/1/") < page.index("articles/2/")


def test_no_results_gives_a_helpful_message(client, convention):
    ProvisionFactory(treaty=convention, number="1", text="1. Victims.")
    page = client.get("/search/?q=zebra&treaty=convention").content.decode()
    assert "No article matches “zebra” with these filters." in page
    assert 'href="?q=zebra">search all instruments and pillars</a>' in page


def test_no_results_suggest_the_nearest_words_of_the_texts(client, convention):
    convention.core = True
    convention.save()
    ProvisionFactory(treaty=convention, number="1", text="1. Victims of trafficking.")
    page = client.get("/search/?q=trafficing victims").content.decode()
    assert "No article matches “trafficing victims”." in page
    assert "No text has the word “trafficing”." in page
    assert '<a href="?q=trafficking%20victims">trafficking</a>' in page
    assert "No text has the word “victims”" not in page


def test_no_results_under_filters_name_the_instruments_that_have_matches(
    client, pillars, convention, protocol
):
    ProvisionFactory(treaty=convention, number="1", text="1. Compensation.")
    ProvisionFactory(treaty=convention, number="2", text="1. Compensation.")
    ProvisionFactory(treaty=protocol, number="1", text="1. Victims.")
    page = client.get("/search/?q=compensation&treaty=protocol").content.decode()
    assert "No article matches “compensation” with these filters." in page
    assert '<a href="?q=compensation&amp;treaty=convention">The Convention: 2 articles</a>' in page


def test_a_query_of_stop_words_only_says_why_it_finds_nothing(client, convention):
    ProvisionFactory(treaty=convention, number="1", text="1. The victims of trafficking.")
    page = client.get("/search/?q=the+of").content.decode()
    assert "has no word to search for" in page


def test_an_article_found_through_its_concordance_subject_says_so(client, convention):
    article = ProvisionFactory(
        treaty=convention, number="14", heading="Protection", text="1. Not held liable."
    )
    TopicFactory(name="Non-punishment of victims").provisions.add(article)
    page = client.get("/search/?q=non-punishment").content.decode()
    assert "1 article matches “non-punishment”" in page
    assert "Concordance subject: <mark>Non-punishment</mark> of victims" in page


def test_bad_filters_are_explained_and_ignored(client, convention):
    ProvisionFactory(treaty=convention, number="1", text="1. Victims.")
    response = client.get("/search/?q=victims&treaty=atlantis&pillar=nope&page=abc")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown treaty &#x27;atlantis&#x27;" in page
    assert "pillar:" in page
    assert "1 article matches" in page


def test_an_overlong_query_is_shortened_and_said_so(client, convention):
    page = client.get("/search/?q=" + "victims " * 60).content.decode()
    assert "The search was shortened to its first 200 characters." in page


def test_pagination_keeps_the_query_and_filters(client, pillars, convention):
    for number in range(1, 46):
        ProvisionFactory(
            treaty=convention, number=str(number), text="1. Victims.", pillars=[pillars[1]]
        )
    page = client.get("/search/?q=victims&pillar=protection").content.decode()
    assert "45 articles match" in page and "page 1 of 3" in page
    assert 'href="?q=victims&amp;pillar=protection&amp;page=2" rel="next"' in page
    last = client.get("/search/?q=victims&pillar=protection&page=99").content.decode()
    assert "page 3 of 3" in last  # an out-of-range page shows the last one


def test_the_canonical_url_keeps_the_search_but_not_noise(client, db):
    page = client.get("/search/?q=child&utm_source=x&page=1").content.decode()
    assert '<link rel="canonical" href="http://testserver/search/?q=child">' in page


def test_search_query_count_does_not_grow_with_the_data(client, grow, django_assert_num_queries):
    assert_flat(client, grow, "/search/?q=measures&pillar=protection", django_assert_num_queries)
    assert_flat(client, grow, "/search/?q=measures", django_assert_num_queries)
    assert "articles match “measures”" in client.get("/search/?q=measures").content.decode()


def test_a_search_with_no_match_costs_the_same_as_the_data_grows(
    client, grow, django_assert_num_queries
):
    # The suggestions, and the instruments with matches under a filter.
    from tests.factories import TreatyFactory

    TreatyFactory(slug="empty")
    assert_flat(client, grow, "/search/?q=measurs", django_assert_num_queries)
    assert_flat(client, grow, "/search/?q=measures&treaty=empty", django_assert_num_queries)
    response = client.get("/search/?q=measures&treaty=empty")
    assert "The Convention: 18 articles" in response.content.decode()  # 3 + 6 + 3 + 6


def test_snippets_mark_every_form_of_the_words_and_escape_the_text(client, convention):
    ProvisionFactory(
        treaty=convention,
        number="1",
        heading="Victims & witnesses",
        text='1. Protection of "victims" & children < 18 in forced labor who testify.',
    )
    page = client.get("/search/?q=victim+labour").content.decode()
    marked = "&quot;<mark>victims</mark>&quot; &amp; children &lt; 18 in forced <mark>labor</mark>"
    assert marked in page
    assert "<mark>Victims</mark> &amp; witnesses" in page


def test_a_common_word_is_ranked_among_a_bounded_set_of_matches_core_instruments_first(
    client, convention, monkeypatch
):
    from provisions import views
    from tests.factories import TreatyFactory

    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 3)
    core = TreatyFactory(slug="core", short_title="Core", position=50, core=True)
    ProvisionFactory(treaty=core, number="1", text="Every victim shall be assisted.")
    for number in range(1, 6):
        ProvisionFactory(treaty=convention, number=str(number), text="A victim.")
    response = client.get("/search/?q=victim")
    assert response.context["paginator"].count == 3
    assert "core" in {p.treaty.slug for p in response.context["results"]}
    page = response.content.decode()
    assert "3 or more articles match “victim”: the first 3" in page
    assert "Add words, or choose an instrument or a pillar" in page
    narrowed = client.get("/search/?q=victim&treaty=convention")
    assert narrowed.context["paginator"].count == 3
    assert client.get("/search/?q=assisted").context["paginator"].count == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_the_planner_prices_random_reads_for_data_in_memory(db):
    # Else a common word is looked up by reading every search vector (bench/README.md).
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


class TestSnippets:
    def test_a_snippet_escapes_everything_but_the_marks(self):
        html = excerpt_with_highlights("a <b>child</b> & more", ["child"])
        assert html == "a &lt;b&gt;<mark>child</mark>&lt;/b&gt; &amp; more"

    def test_a_snippet_marks_whole_words_by_their_terms_not_parts_of_words(self):
        html = excerpt_with_highlights("Victims, not victimisation of victims'.", ["victim"])
        assert html == "<mark>Victims</mark>, not victimisation of <mark>victims</mark>&#x27;."

    def test_a_snippet_marks_the_spelling_and_compound_variants(self):
        html = excerpt_with_highlights("The non punishment of organized labor.", ["nonpunish"])
        assert html == "The <mark>non punishment</mark> of organized labor."

    def test_a_snippet_shows_where_the_most_query_words_are(self):
        text = "The use of force. " + " ".join(f"w{i}" for i in range(60)) + " forced labour."
        html = excerpt_with_highlights(text, ["forc", "labour"], size=12)
        assert "<mark>forced</mark> <mark>labour</mark>" in html
        assert "use of" not in html

    def test_a_snippet_starts_near_the_first_hit(self):
        text = " ".join(f"word{i}" for i in range(100)) + " compensation at the end"
        html = excerpt_with_highlights(text, ["compens"], size=12)
        assert html.startswith("… ") and "<mark>compensation</mark>" in html
