"""The reading pages on the shipped data: every article renders, the real numbering of the
four instruments gets its anchors, and the gaps in ACTIP's text are shown as gaps."""

import re

import pytest

from provisions.models import Provision, Topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]


def test_every_article_of_every_treaty_renders(client):
    urls = [
        provision.get_absolute_url() for provision in Provision.objects.select_related("treaty")
    ]
    assert len(urls) == 41 + 20 + 47 + 31
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_home_shows_the_real_party_counts(client):
    page = client.get("/").content.decode()
    parties = re.findall(r"<dt>Parties</dt><dd>(\d+)</dd>", page)
    assert parties == ["193", "181", "48", "10"]


@pytest.mark.parametrize(
    ("url", "anchors"),
    [
        ("/treaties/untoc/articles/2/", ["p-a", "p-h", "p-i", "p-j"]),
        ("/treaties/untoc/articles/5/", ["p1-a-i", "p1-a-ii", "p1-a-ii-a", "p1-a-ii-b", "p3"]),
        ("/treaties/coe-convention/articles/4/", ["p-a", "p-e"]),
        ("/treaties/coe-convention/articles/10/", ["p4", "p4-c"]),
        ("/treaties/palermo-protocol/articles/6/", ["p3", "p3-d", "p6"]),
    ],
)
def test_the_real_numbering_gets_its_anchors(client, url, anchors):
    page = client.get(url).content.decode()
    for anchor in anchors:
        assert f'id="{anchor}"' in page, anchor


def test_the_palermo_citation_reads_as_expected(client):
    page = client.get("/treaties/palermo-protocol/articles/6/").content.decode()
    assert (
        'data-citation="Protocol to Prevent, Suppress and Punish Trafficking in Persons, '
        "Especially Women and Children, supplementing the United Nations Convention against "
        "Transnational Organized Crime (adopted 15 November 2000, entered into force "
        '25 December 2003), United Nations, Treaty Series, vol. 2237, p. 319, art. 6(3)"'
    ) in page


def test_actip_gaps_are_shown_as_gaps(client):
    missing = client.get("/treaties/asean-actip/articles/1/").content.decode()
    assert "Official text not yet available." in missing
    assert "Heading not available in accessible sources." in missing
    partial = client.get("/treaties/asean-actip/articles/14/").content.decode()
    assert "Protection of Victims of Trafficking in Persons" in partial
    assert "Text incomplete in our sources." in partial
    complete = client.get("/treaties/asean-actip/articles/18/").content.decode()
    assert "Text incomplete" not in complete
    assert "Heading not available in accessible sources." in complete
    contents = client.get("/treaties/asean-actip/").content.decode()
    assert contents.count("Official text not yet available") == 27


def test_statements_on_a_real_article_are_counted_as_texts_not_as_every_statement(client):
    page = client.get("/treaties/untoc/articles/35/").content.decode()
    assert (
        "Texts in the knowledge base name this article in <strong>2</strong> statements by "
        "<strong>2</strong> participants"
    ) in page
    assert "not necessarily every statement made" in page
    assert "Algeria" in page
    known = page[page.index('id="statement-coverage"') :]
    assert "For <strong>187</strong> nothing is known" in known


def test_the_protocol_art_15_lists_each_statement_once(client):
    response = client.get("/treaties/palermo-protocol/articles/15/")
    rows = response.context["statement_rows"]
    assert len(rows) == len({s.pk for s in rows}) == 34
    names = [s.ratification.participant.name for s in rows]
    # Two participants made two statements each: upon signature and upon ratification.
    assert {n for n in names if names.count(n) > 1} == {"El Salvador", "Saudi Arabia"}
    for name in ("El Salvador", "Saudi Arabia"):
        occasions = sorted(s.occasion for s in rows if s.ratification.participant.name == name)
        assert occasions == ["ratification", "signature"]
    page = " ".join(response.content.decode().split())
    assert "El Salvador made 2 on this article, on different occasions (upon signature; " in page


def test_compare_shows_every_concordance_topic(client):
    page = client.get("/compare/").content.decode()
    assert page.count('<tr id="') == Topic.objects.count()


def test_search_finds_real_texts(client):
    page = client.get("/search/?q=compensation&treaty=coe-convention").content.decode()
    assert "Council of Europe Anti-Trafficking Convention, art. 15" in page
    assert "<mark>" in page
