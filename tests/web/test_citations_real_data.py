"""Citing the shipped data as a reference manager does (Zotero, Mendeley): it reads the page's
Highwire ``citation_*`` meta tags and the CSL-JSON the page links to, and gets a treaty with its
series, volume and page; the BibTeX of every instrument reads as a standard entry. ACTIP, for
which the data records no treaty-series reference, is cited without one."""

import json
from html.parser import HTMLParser

import bibtexparser
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]

CSL_JSON = "application/vnd.citationstyles.csl+json"
SERIES_TAGS = {
    "citation_journal_title",
    "citation_journal_abbrev",
    "citation_volume",
    "citation_firstpage",
    "citation_issue",
}


class HeadReader(HTMLParser):
    """The ``<meta name="citation_...">`` tags and the ``<link rel="alternate">`` addresses."""

    def __init__(self):
        super().__init__()
        self.meta, self.alternates = {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or "").startswith("citation_"):
            assert attrs["name"] not in self.meta, f"{attrs['name']} given twice"
            self.meta[attrs["name"]] = attrs["content"]
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates[attrs["type"]] = attrs["href"]


def read_head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    head = HeadReader()
    head.feed(response.content.decode())
    return head


def reference_manager_import(client, url):
    """What a reference manager saves from an article page: the meta tags, and the CSL-JSON
    item the page links to."""
    head = read_head(client, url)
    (item,) = json.loads(client.get(head.alternates[CSL_JSON]).content)
    return head.meta, item


def test_the_protocol_article_imports_as_a_treaty_in_unts_volume_2237_page_319(client):
    meta, item = reference_manager_import(client, "/treaties/palermo-protocol/articles/3/")
    assert meta["citation_title"].startswith("Protocol to Prevent, Suppress and Punish")
    assert meta["citation_title"].endswith(", art. 3")
    assert meta["citation_publication_date"] == meta["citation_date"] == "2000/11/15"
    assert meta["citation_publisher"] == "United Nations"
    assert meta["citation_journal_title"] == "United Nations, Treaty Series"
    assert (meta["citation_volume"], meta["citation_firstpage"]) == ("2237", "319")
    assert meta["citation_public_url"].endswith("/treaties/palermo-protocol/articles/3/")
    assert item["type"] == "treaty"
    assert item["container-title"] == "United Nations, Treaty Series"
    assert (item["volume"], item["page"]) == ("2237", "319")
    assert item["issued"] == {"date-parts": [[2000, 11, 15]]}
    assert item["section"] == "art. 3"
    # The data gives the Protocol's volume and page but not its registration number.
    assert "number" not in item


def test_untoc_carries_its_registration_number_and_the_coe_convention_its_cets_number(client):
    meta, item = reference_manager_import(client, "/treaties/untoc/articles/5/")
    assert (item["volume"], item["page"], item["number"]) == ("2225", "209", "39574")
    assert "registration" not in item["container-title"]
    assert (meta["citation_volume"], meta["citation_firstpage"]) == ("2225", "209")
    meta, item = reference_manager_import(client, "/treaties/coe-convention/articles/26/")
    assert item["container-title"] == "Council of Europe Treaty Series"
    assert item["number"] == "197"
    assert "volume" not in item and "page" not in item
    assert meta["citation_issue"] == "197"
    assert item["issued"] == {"date-parts": [[2005, 5, 3]]}


def test_actip_is_cited_without_a_series_reference_the_data_does_not_have(client):
    meta, item = reference_manager_import(client, "/treaties/asean-actip/articles/14/")
    assert not SERIES_TAGS & set(meta)
    assert not {"container-title", "volume", "page", "number"} & set(item)
    assert item["issued"] == {"date-parts": [[2015, 11, 21]]}
    bib = client.get("/treaties/asean-actip/articles/14/cite.bib").content.decode()
    assert "howpublished" not in bib
    page = client.get("/treaties/asean-actip/articles/14/").content.decode()
    assert "Our data records no treaty-series reference for this instrument" in page


def test_the_treaty_page_carries_the_treaty_tags_and_its_citation(client):
    head = read_head(client, "/treaties/palermo-protocol/")
    assert head.meta["citation_title"].endswith("against Transnational Organized Crime")
    assert (head.meta["citation_volume"], head.meta["citation_firstpage"]) == ("2237", "319")
    assert head.meta["citation_public_url"].endswith("/treaties/palermo-protocol/")
    page = client.get("/treaties/palermo-protocol/").content.decode()
    assert (
        "(adopted 15 November 2000, entered into force 25 December 2003), "
        "United Nations, Treaty Series, vol. 2237, p. 319</dd>"
    ) in page


@pytest.mark.parametrize(
    "article",
    [
        "untoc/articles/5",
        "palermo-protocol/articles/6",
        "coe-convention/articles/26",
        "asean-actip/articles/18",
    ],
)
def test_every_instrument_reads_in_bibtexparser_and_citeproc(client, article):
    url = f"/treaties/{article}/"
    library = bibtexparser.parse_string(client.get(url + "cite.bib").content.decode())
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.entry_type == "misc"
    assert entry.fields_dict["url"].value == "http://testserver" + url
    items = json.loads(client.get(url + "cite.json").content)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    (rendered,) = [str(text) for text in bibliography.bibliography()]
    assert items[0]["title"] in rendered
