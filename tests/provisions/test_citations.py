"""Citations that reference managers read: the treaty-series reference read from the data, the
ready citation with the treaty's dates and series, CSL-JSON that a CSL processor (citeproc-py)
renders with its volume, page and number, BibTeX that bibtexparser reads as a standard
``@misc`` entry, and the Highwire ``citation_*`` meta tags. Nothing is invented: a treaty whose
data records no series reference is cited without one."""

import datetime
import json

import bibtexparser
import pytest
from bibtexparser.model import Entry
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from provisions import citations
from tests.factories import ProvisionFactory, TreatyFactory

UNTOC_SERIES = (
    "United Nations, Treaty Series, vol. 2225, p. 209 (registration No. 39574, 29 September 2003)"
)
PROTOCOL_SERIES = "United Nations, Treaty Series, vol. 2237, p. 319"

# A CSL style that cites a treaty as the United Nations does ("<title>, <series>, vol. <volume>,
# p. <page>, No. <number>, art. <section> (<year>)"): it prints each variable only when the item
# has it, so that what citeproc-py renders shows what it read.
UN_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info>
    <title>Treaty test</title><id>treaty-test</id><updated>2026-01-01T00:00:00+00:00</updated>
  </info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout>
    <group delimiter=", ">
      <text variable="title"/>
      <text variable="container-title"/>
      <group delimiter=" "><text value="vol."/><text variable="volume"/></group>
      <group delimiter=" "><text value="p."/><text variable="page"/></group>
      <group delimiter=" "><text value="No."/><text variable="number"/></group>
      <text variable="section"/>
    </group>
    <date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date>
  </layout></bibliography>
</style>
"""

# What plain BibTeX's standard styles read in a @misc entry (plain.bst: title, howpublished,
# month, year, note, and key to sort an entry without author), and the two biblatex fields that
# plain BibTeX ignores without a warning.
BIBTEX_MISC_FIELDS = {"key", "title", "howpublished", "month", "year", "note"}
BIBLATEX_ONLY_FIELDS = {"url", "urldate"}


def render_bibliography(items, style):
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def un_style(tmp_path):
    path = tmp_path / "treaty-test.csl"
    path.write_text(UN_STYLE, encoding="utf-8")
    return CitationStylesStyle(str(path), validate=False)


def parse_bibtex(text):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert all(isinstance(block, Entry) for block in library.blocks)
    (entry,) = library.entries
    return entry


@pytest.fixture
def protocol(db):
    return TreatyFactory(
        slug="palermo-protocol",
        short_title="Palermo Protocol",
        full_title="Protocol to Prevent Trafficking",
        adopted_on=datetime.date(2000, 11, 15),
        adopted_at="New York",
        adopted_by="General Assembly resolution 55/25 (annex II)",
        entry_into_force_on=datetime.date(2003, 12, 25),
        treaty_series=PROTOCOL_SERIES,
    )


@pytest.fixture
def article(protocol):
    return ProvisionFactory(
        treaty=protocol,
        number="6",
        heading="Assistance to and protection of victims",
        heading_verified=True,
        text="1. Privacy.\n\n2. Information.\n\n3. Recovery:\n(a) Housing;\n(b) Counselling.",
    )


class TestSeriesReference:
    def test_a_un_treaty_series_reference_gives_volume_page_and_registration_number(self):
        series = citations.series_reference(TreatyFactory.build(treaty_series=UNTOC_SERIES))
        assert series.title == "United Nations, Treaty Series"
        assert series.short == "UNTS"
        assert (series.volume, series.page, series.number) == ("2225", "209", "39574")
        assert str(series) == "United Nations, Treaty Series, vol. 2225, p. 209"

    def test_the_protocol_has_volume_and_page_and_no_number_the_data_does_not_give(self):
        series = citations.series_reference(TreatyFactory.build(treaty_series=PROTOCOL_SERIES))
        assert (series.volume, series.page, series.number) == ("2237", "319", "")

    def test_a_cets_number_is_the_treaty_number_in_the_council_of_europe_series(self):
        series = citations.series_reference(TreatyFactory.build(treaty_series="CETS No. 197"))
        assert series.title == "Council of Europe Treaty Series"
        assert (series.short, series.number, series.series_number) == ("CETS", "197", True)
        assert (series.volume, series.page) == ("", "")
        assert str(series) == "CETS No. 197"

    def test_no_recorded_reference_is_none(self):
        assert citations.series_reference(TreatyFactory.build(treaty_series="")) is None

    def test_a_reference_in_another_form_is_kept_whole_as_the_series(self):
        series = citations.series_reference(TreatyFactory.build(treaty_series="ASEAN Doc 12/2015"))
        assert series.title == "ASEAN Doc 12/2015"
        assert (series.volume, series.page, series.number) == ("", "", "")


@pytest.mark.django_db
class TestReadyCitation:
    def test_the_citation_gives_the_dates_and_the_series(self, article):
        paragraphs = citations.cited_layout(article)
        unit = citations.find_unit(paragraphs, "p3-a")
        assert unit.citation == (
            "Protocol to Prevent Trafficking (adopted 15 November 2000, entered into force "
            "25 December 2003), United Nations, Treaty Series, vol. 2237, p. 319, art. 6(3)(a)"
        )

    def test_without_a_series_reference_or_an_entry_into_force_none_is_invented(self, db):
        treaty = TreatyFactory(
            full_title="Regional Convention",
            treaty_series="",
            adopted_on=datetime.date(2015, 11, 21),
            entry_into_force_on=None,
        )
        provision = ProvisionFactory(treaty=treaty, number="14")
        assert citations.citation(provision) == (
            "Regional Convention (adopted 21 November 2015), art. 14"
        )


@pytest.mark.django_db
class TestCslJson:
    def test_the_series_volume_page_and_date_are_csl_variables(self, article):
        (item,) = json.loads(citations.csl_json(article, "http://x/treaties/p/articles/6/"))
        assert item["type"] == "treaty"
        assert item["container-title"] == "United Nations, Treaty Series"
        assert item["container-title-short"] == "UNTS"
        assert (item["volume"], item["page"]) == ("2237", "319")
        assert "number" not in item
        assert item["issued"] == {"date-parts": [[2000, 11, 15]]}
        assert "entered into force 25 December 2003" in item["note"]

    def test_citeproc_renders_the_treaty_with_its_series_volume_page_and_number(
        self, article, tmp_path
    ):
        untoc = TreatyFactory(
            slug="untoc", full_title="Convention against Crime", treaty_series=UNTOC_SERIES
        )
        coe = TreatyFactory(slug="coe", full_title="CoE Convention", treaty_series="CETS No. 197")
        actip = TreatyFactory(slug="actip", full_title="ASEAN Convention", treaty_series="")
        items = [
            json.loads(citations.csl_json(provision, "http://x/"))[0]
            for provision in (
                article,
                ProvisionFactory(treaty=untoc, number="5"),
                ProvisionFactory(treaty=coe, number="26"),
                ProvisionFactory(treaty=actip, number="14"),
            )
        ]
        rendered = render_bibliography(items, un_style(tmp_path))
        assert sorted(rendered) == sorted(
            [
                "Protocol to Prevent Trafficking, United Nations, Treaty Series, vol. 2237, "
                "p. 319, art. 6 (2000)",
                "Convention against Crime, United Nations, Treaty Series, vol. 2225, p. 209, "
                "No. 39574, art. 5 (2000)",
                "CoE Convention, Council of Europe Treaty Series, No. 197, art. 26 (2000)",
                "ASEAN Convention, art. 14 (2000)",
            ]
        )

    def test_a_shipped_style_renders_the_item_too(self, article):
        items = json.loads(citations.csl_json(article, "http://x/a/"))
        style = CitationStylesStyle("harvard-cite-them-right", validate=False)
        (entry,) = render_bibliography(items, style)
        assert "Protocol to Prevent Trafficking" in entry
        assert "United Nations, Treaty Series" in entry
        assert "(2000)" in entry


@pytest.mark.django_db
class TestBibtex:
    def test_a_standard_misc_entry_that_bibtexparser_reads(self, article):
        paragraph = citations.find_unit(citations.layout(article.text), "p3-a")
        text = citations.bibtex(
            article, "http://x/articles/6/#p3-a", paragraph, datetime.date(2026, 1, 2)
        )
        entry = parse_bibtex(text)
        assert entry.entry_type == "misc"
        assert entry.key == "palermo-protocol-art6-3-a"
        fields = entry.fields_dict
        assert set(fields) <= BIBTEX_MISC_FIELDS | BIBLATEX_ONLY_FIELDS
        assert set(fields) >= BIBTEX_MISC_FIELDS
        assert fields["title"].value == "{Protocol to Prevent Trafficking, art. 6(3)(a)}"
        assert fields["howpublished"].value == PROTOCOL_SERIES
        assert (fields["year"].value, fields["month"].value) == ("2000", "nov")
        assert fields["note"].value == (
            "Adopted by General Assembly resolution 55/25 (annex II), New York, "
            "15 November 2000; entered into force 25 December 2003. Article 6: Assistance to "
            "and protection of victims"
        )
        assert fields["url"].value == "http://x/articles/6/#p3-a"
        assert fields["urldate"].value == "2026-01-02"
        assert "month = nov," in text  # BibTeX's month macro, read by BibTeX and biblatex alike

    def test_no_biblatex_only_field_carries_what_plain_bibtex_needs(self, article):
        text = citations.bibtex(article, "http://x/")
        for name in ("date", "shorttitle", "organization", "institution"):
            assert f"  {name} = " not in text

    def test_without_a_series_reference_there_is_no_howpublished(self, db):
        provision = ProvisionFactory(treaty=TreatyFactory(treaty_series=""), number="1")
        entry = parse_bibtex(citations.bibtex(provision, "http://x/"))
        assert "howpublished" not in entry.fields_dict


class TestHighwireTags:
    def test_the_tags_name_the_series_volume_and_first_page(self):
        treaty = TreatyFactory.build(
            full_title="Protocol to Prevent Trafficking",
            treaty_series=PROTOCOL_SERIES,
            adopted_on=datetime.date(2000, 11, 15),
        )
        tags = citations.highwire_tags(treaty, "http://x/a/", section="art. 6")
        assert tags == [
            ("citation_title", "Protocol to Prevent Trafficking, art. 6"),
            ("citation_publication_date", "2000/11/15"),
            ("citation_date", "2000/11/15"),
            ("citation_publisher", "United Nations"),
            ("citation_journal_title", "United Nations, Treaty Series"),
            ("citation_journal_abbrev", "UNTS"),
            ("citation_volume", "2237"),
            ("citation_firstpage", "319"),
            ("citation_language", "en"),
            ("citation_public_url", "http://x/a/"),
            ("citation_abstract_html_url", "http://x/a/"),
        ]

    def test_a_numbered_series_gives_the_number_as_the_issue(self):
        tags = dict(citations.highwire_tags(TreatyFactory.build(treaty_series="CETS No. 197"), "u"))
        assert tags["citation_journal_title"] == "Council of Europe Treaty Series"
        assert tags["citation_issue"] == "197"
        assert "citation_volume" not in tags and "citation_firstpage" not in tags

    def test_no_series_no_series_tags(self):
        tags = dict(citations.highwire_tags(TreatyFactory.build(treaty_series=""), "u"))
        assert not {"citation_journal_title", "citation_volume", "citation_firstpage"} & set(tags)
