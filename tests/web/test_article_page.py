"""The article page: the official text laid out by paragraph with anchors, its place in the
treaty, related provisions side by side, statements, and a ready citation with downloads."""

import datetime
import json

import pytest

from provisions.citations import layout
from tests.factories import ProvisionFactory, RatificationFactory, StatementFactory, TopicFactory
from tests.queries import assert_flat

UNTOC_2 = (
    "For the purposes of this Convention:\n"
    '(a) "Organized criminal group" shall mean a structured group;\n'
    '(h) "Predicate offence" shall mean any offence;\n'
    '(i) "Controlled delivery" shall mean the technique;\n'
    '(j) "Regional economic integration organization" shall mean an organization.'
)
UNTOC_5 = (
    "1. Each State Party shall adopt such measures:\n"
    "(a) Either or both of the following:\n"
    "(i) Agreeing with one or more other persons;\n"
    "(ii) Conduct by a person who takes an active part in:\n"
    "a. Criminal activities of the organized criminal group;\n"
    "b. Other activities of the organized criminal group;\n"
    "(b) Organizing, directing, aiding.\n\n"
    "2. The knowledge may be inferred."
)
COE_4 = (
    "For the purposes of this Convention:\n\n"
    'a) "Trafficking in human beings" shall mean the recruitment;\n\n'
    "b) The consent of a victim shall be irrelevant;\n\n"
    'e) "Victim" shall mean any natural person.'
)
COE_30 = (
    "Each Party shall ensure in the course of judicial proceedings:\n\n"
    "a) the protection of victims' private life;\n\n"
    "b) victims' safety and protection from intimidation,\n\n"
    "in accordance with the conditions under its internal law."
)
UNTOC_3 = (
    "1. This Convention shall apply to:\n"
    "(a) The offences established in accordance with articles 5, 6, 8 and 23; and\n"
    "(b) Serious crime as defined in article 2;\n"
    "where the offence is transnational in nature.\n\n"
    "2. For the purpose of paragraph 1, an offence is transnational if:\n"
    "(a) It is committed in more than one State;"
)


def anchors_of(units):
    return [unit.anchor for top in units for unit in top.walk() if unit.anchor]


class TestLayout:
    def test_numbered_paragraphs_split_on_blank_lines_with_lettered_subparagraphs(self):
        units = layout(UNTOC_3)
        assert [u.label for u in units] == ["1.", "2."]
        assert anchors_of(units) == ["p1", "p1-a", "p1-b", "p2", "p2-a"]
        assert units[0].children[1].text == "Serious crime as defined in article 2;"

    def test_closing_words_after_a_list_belong_to_the_paragraph(self):
        units = layout(UNTOC_3)
        assert units[0].closing == ["where the offence is transnational in nature."]
        assert units[0].children[1].closing == []
        coe = layout(COE_30)
        assert len(coe) == 1
        assert coe[0].closing == ["in accordance with the conditions under its internal law."]

    def test_letter_i_after_h_is_a_letter_but_after_a_it_opens_roman_items(self):
        assert anchors_of(layout(UNTOC_2)) == ["p-a", "p-h", "p-i", "p-j"]
        assert anchors_of(layout(UNTOC_5)) == [
            "p1", "p1-a", "p1-a-i", "p1-a-ii", "p1-a-ii-a", "p1-a-ii-b", "p1-b", "p2",
        ]  # fmt: skip

    def test_council_of_europe_subparagraphs_on_their_own_lines_join_the_paragraph(self):
        units = layout(COE_4)
        assert len(units) == 1
        assert units[0].text == "For the purposes of this Convention:"
        assert [child.label for child in units[0].children] == ["a)", "b)", "e)"]
        assert anchors_of(units) == ["p-a", "p-b", "p-e"]

    def test_dashed_items_are_laid_out_but_not_citable(self):
        units = layout("The Parties shall co-operate for:\n\n– preventing;\n\n– protecting.")
        assert [child.text for child in units[0].children] == ["preventing;", "protecting."]
        assert anchors_of(units) == []

    def test_an_empty_text_has_no_paragraphs(self):
        assert layout("") == []


@pytest.fixture
def article(db, pillars, convention, protocol):
    provision = ProvisionFactory(
        treaty=protocol,
        number="6",
        heading="Assistance to and protection of victims",
        division="II. Protection of victims",
        text="1. Each State Party shall protect privacy.\n\n"
        "2. Each State Party shall ensure:\n(a) Information;\n(b) Assistance.\n\n"
        "3. Each State Party shall consider:\n(a) Appropriate housing;\n(b) Counselling.",
        pillars=[pillars[1]],
    )
    ProvisionFactory(treaty=protocol, number="5", heading="Criminalization")
    ProvisionFactory(treaty=protocol, number="7", heading="Status of victims")
    return provision


URL = "/treaties/protocol/articles/6/"


@pytest.mark.django_db
class TestArticlePage:
    def test_paragraphs_and_subparagraphs_are_individually_linkable(self, client, article):
        page = client.get(URL).content.decode()
        assert '<h1 id="article-title">' in page
        assert "Assistance to and protection of victims" in page
        for anchor in ["p1", "p2", "p2-a", "p3", "p3-b"]:
            assert f'id="{anchor}"' in page
            assert f'href="#{anchor}"' in page
        assert (
            'data-citation="Protocol supplementing the Convention against Something Serious '
            '(adopted 15 November 2000, entered into force 29 September 2003), art. 6(3)(b)"'
        ) in page

    def test_pillars_division_and_neighbours_are_shown(self, client, article):
        page = client.get(URL).content.decode()
        assert "badge--protection" in page
        assert 'href="/treaties/protocol/#division-ii-protection-of-victims"' in page
        assert 'href="/treaties/protocol/articles/5/" rel="prev"' in page
        assert 'href="/treaties/protocol/articles/7/" rel="next"' in page

    def test_the_citation_permalink_and_downloads_are_ready(self, client, article):
        page = client.get(URL + "?utm_campaign=x").content.decode()
        assert (
            '<p class="citation" id="citation-text">Protocol supplementing the Convention '
            "against Something Serious (adopted 15 November 2000, entered into force "
            "29 September 2003), art. 6</p>"
        ) in page
        assert "Our data records no treaty-series reference for this instrument" in page
        assert 'value="http://testserver/treaties/protocol/articles/6/"' in page
        assert (
            '<link rel="canonical" href="http://testserver/treaties/protocol/articles/6/">' in page
        )
        assert 'href="/treaties/protocol/articles/6/cite.bib"' in page
        assert 'href="/treaties/protocol/articles/6/cite.json"' in page

    def test_related_provisions_of_other_instruments_are_shown_with_their_text(
        self, client, article, convention
    ):
        other = ProvisionFactory(
            treaty=convention,
            number="25",
            heading="Assistance to victims",
            text="1. Each State Party shall take appropriate measures.",
        )
        article.related.add(other)
        topic = TopicFactory(slug="assistance", name="Assistance to victims")
        topic.provisions.add(article, other)
        page = client.get(URL).content.decode()
        related = page[page.index("Corresponding provisions") :]
        assert 'href="/treaties/convention/articles/25/"' in related
        assert "Each State Party shall take appropriate measures." in related
        assert 'id="p1"' not in related  # the related text does not steal the anchors
        assert 'href="/compare/#assistance"' in page

    def test_without_related_provisions_the_gap_is_said(self, client, article):
        page = client.get(URL).content.decode()
        assert "No corresponding provision in the other instruments" in page

    def test_statements_on_the_article_are_listed_and_counted(self, client, article):
        reservation = StatementFactory(
            ratification__treaty=article.treaty,
            ratification__participant__name="Reservia",
            kind="reservation",
            article_reference="6(3)",
            text="Reservia does not consider itself bound by article 6, paragraph 3 <b>.",
        )
        reservation.provisions.add(article)
        declaration = StatementFactory(
            ratification__treaty=article.treaty,
            ratification__participant__name="Declaria",
            kind="declaration",
            article_reference="6",
            made_on=None,
            text="Declaria declares.",
        )
        declaration.provisions.add(article)
        page = client.get(URL).content.decode()
        statements = page[page.index("Reservations and declarations on this article") :]
        assert (
            "Texts in the knowledge base name this article in <strong>2</strong> statements by "
            "<strong>2</strong> participants" in (statements)
        )
        assert "not necessarily every statement made" in statements
        assert "1 with a reservation, 1 with a declaration" in statements
        assert "Reservia" in statements and "art. 6(3)" in statements
        assert "paragraph 3 &lt;b&gt;." in statements
        assert "Declaria" in statements and "date not known" in statements

    def test_what_is_known_of_the_treaty_statements_is_told_in_three_states(self, client, article):
        treaty = article.treaty
        treaty.statements_complete_as_at = datetime.date(2018, 1, 15)
        treaty.statements_flags_source = "the Dutch treaty database's list"
        treaty.save()
        with_text = StatementFactory(ratification__treaty=treaty, kind="reservation")
        with_text.provisions.add(article)
        RatificationFactory(treaty=treaty, participant__name="Flaggia", statements_flagged=True)
        RatificationFactory(treaty=treaty, source_as_at=datetime.date(2018, 1, 15))
        RatificationFactory(treaty=treaty, source_as_at=None)
        RatificationFactory(treaty=treaty, source_as_at=datetime.date(2014, 1, 27))
        page = client.get(URL).content.decode()
        known = page[page.index('id="statement-coverage"') :]
        assert "Texts recorded for <strong>1</strong> of the 5 participants" in known
        assert "<strong>1</strong> more made reservations or declarations according to a " in known
        assert "(the Dutch treaty database&#x27;s list)" in known and "Flaggia" in known
        assert "<strong>1</strong> had made none as at" in known and "15 January 2018" in known
        assert "For <strong>2</strong> nothing is known" in known

    def test_no_text_naming_the_article_is_not_said_to_be_none(self, client, article):
        page = client.get(URL).content.decode()
        statements = page[page.index("Reservations and declarations on this article") :]
        assert "No statement text in the knowledge base names this article" in statements
        assert "That does not mean none was made" in statements

    def test_missing_official_text_and_heading_are_said_plainly(self, client, protocol):
        ProvisionFactory(
            treaty=protocol,
            number="9",
            heading="",
            heading_verified=False,
            text="",
            text_incomplete=True,
        )
        page = client.get("/treaties/protocol/articles/9/").content.decode()
        assert "Official text not yet available." in page
        assert "Heading not available in accessible sources." in page
        assert "<title>The Protocol art. 9 – Treaty KB</title>" in page

    def test_partial_text_is_marked_incomplete(self, client, protocol):
        ProvisionFactory(
            treaty=protocol, number="10", text="1. Each Party shall […]", text_incomplete=True
        )
        page = client.get("/treaties/protocol/articles/10/").content.decode()
        assert "Text incomplete in our sources." in page
        assert "Each Party shall […]" in page

    @pytest.mark.parametrize(
        "url",
        [
            "/treaties/protocol/articles/999/",
            "/treaties/nowhere/articles/6/",
            "/treaties/protocol/articles/6%20bis/",
            "/treaties/protocol/articles/999/cite.bib",
        ],
    )
    def test_unknown_articles_are_404(self, client, article, url):
        assert client.get(url).status_code == 404

    def test_article_page_query_count_does_not_grow_with_the_data(
        self, client, grow, django_assert_num_queries
    ):
        assert_flat(client, grow, "/treaties/protocol/articles/101/", django_assert_num_queries)


@pytest.mark.django_db
class TestCitationDownloads:
    def test_bibtex_names_the_article(self, client, article):
        response = client.get(URL + "cite.bib")
        assert response["Content-Type"].startswith("application/x-bibtex")
        assert 'filename="protocol-art6.bib"' in response["Content-Disposition"]
        body = response.content.decode()
        assert body.startswith("@misc{protocol-art6,")
        assert (
            "title = {{Protocol supplementing the Convention against Something Serious, art. 6}}"
            in body
        )
        assert "year = {2000}" in body
        assert "month = nov" in body
        assert "url = {http://testserver/treaties/protocol/articles/6/}" in body

    def test_a_paragraph_can_be_cited(self, client, article):
        body = client.get(URL + "cite.bib?paragraph=p3-a").content.decode()
        assert "art. 6(3)(a)}}" in body
        assert "url = {http://testserver/treaties/protocol/articles/6/#p3-a}" in body

    def test_an_unknown_paragraph_is_a_400_that_lists_the_paragraphs(self, client, article):
        response = client.get(URL + "cite.json?paragraph=p9")
        assert response.status_code == 400
        assert "p1, p2, p2-a, p2-b, p3, p3-a, p3-b" in response.content.decode()

    def test_csl_json_is_a_treaty_item(self, client, article):
        response = client.get(URL + "cite.json?paragraph=p2")
        assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
        (item,) = json.loads(response.content)
        assert item["type"] == "treaty"
        assert item["title"] == "Protocol supplementing the Convention against Something Serious"
        assert item["section"] == "art. 6(2)"
        assert item["issued"] == {"date-parts": [[2000, 11, 15]]}
        assert item["URL"] == "http://testserver/treaties/protocol/articles/6/#p2"

    def test_bibtex_special_characters_are_escaped(self, client, article):
        article.treaty.full_title = "Convention on 50% of {things} & more"
        article.treaty.save()
        body = client.get(URL + "cite.bib").content.decode()
        assert r"Convention on 50\% of \{things\} \& more, art. 6" in body
