"""Say only what the data knows, on the shipped data: statements in three states, status rules
that follow from the law, counts that say what they count, and every record's source with the
date it stood at. Each case is one a researcher found stated as fact where the data does not
know it."""

import csv
import datetime
import html
import io
import json
import re

import pytest

from treaties.models import Ratification, StatementsKnown, Treaty

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


class TestStatements:
    def test_china_and_the_united_states_are_not_said_to_have_made_none_under_untoc(self, client):
        for code in ("CN", "US"):
            page = text_of(client.get(f"/countries/{code}/"))
            section = page[page.index("UNTOC :") : page.index("Palermo Protocol :")]
            assert "None recorded" not in section
            assert "Not known: no source read lists" in section

    def test_a_protocol_party_absent_from_the_full_depositary_record_made_none_as_at_its_date(
        self, client
    ):
        record = Ratification.objects.select_related("treaty").get(
            treaty__slug="palermo-protocol", participant__code="AR"
        )
        assert record.source_as_at == D(2018, 1, 15) and not record.statements_flagged
        assert record.statements_known == StatementsKnown.NONE
        assert record.statements_known_as_at == D(2018, 1, 15)
        page = text_of(client.get("/countries/AR/"))
        assert "None as at 15 January 2018: the depositary's record of that date" in page

    def test_parties_said_to_have_made_statements_without_texts_are_named_on_the_article_page(
        self, client
    ):
        page = text_of(client.get("/treaties/palermo-protocol/articles/15/"))
        known = page[page.index("What is known of the statements") :]
        for name in ("Pakistan", "Brunei Darussalam", "Nepal"):
            assert name in known
        assert "their texts are not in the knowledge base" in known

    @pytest.mark.parametrize(
        ("treaty", "code", "state"),
        [
            ("untoc", "CN", "unknown"),
            ("untoc", "DE", "reported"),
            ("untoc", "DZ", "recorded"),
            ("palermo-protocol", "AR", "none"),
            ("asean-actip", "TH", "unknown"),
        ],
    )
    def test_the_api_and_the_csv_give_each_record_its_state(self, client, treaty, code, state):
        detail = client.get(f"/api/v1/ratifications/{treaty}/{code}/").json()
        assert detail["statements_known"] == state
        rows = csv.DictReader(
            io.StringIO(
                client.get(
                    f"/api/v1/ratifications/?treaty={treaty}&participant={code}&format=csv"
                ).content.decode()
            )
        )
        assert [row["statements_known"] for row in rows] == [state]

    def test_the_data_page_does_not_claim_every_statement(self, client):
        page = text_of(client.get("/data/"))
        assert (
            "every participant's signature, consent to be bound, entry into force, withdrawal "
            "and statements" not in page
        )
        assert "never as “none”" in page


class TestStatusRules:
    def test_germany_is_not_said_to_be_no_participant_in_cets_197_in_2010(self, client):
        germany = Ratification.objects.select_related("treaty").get(
            treaty__slug="coe-convention", participant__code="DE"
        )
        assert germany.signature_on is None and germany.consent_on == D(2012, 12, 19)
        assert germany.status_at(D(2010, 1, 1)) == "unknown"
        answer = client.get("/api/v1/ratifications/coe-convention/DE/?as_of=2010-01-01").json()
        assert answer["status"] == "unknown"
        matrix = client.get("/matrix/?as_of=2010-01-01").content.decode()
        row = matrix[matrix.index('href="/countries/DE/"') :]
        row = row[: row.index("</tr>")]
        cells = re.findall(r"status-badge--(\w+)", row)
        assert cells[2] == "unknown", cells  # UNTOC, the Protocol, CETS 197, ACTIP

    def test_no_ratifying_state_is_none_in_cets_197_before_its_consent_without_a_signature(self):
        records = Ratification.objects.filter(
            treaty__slug="coe-convention",
            consent_kind="ratification",
            signature_on__isnull=True,
            consent_on__gt=D(2007, 6, 1),
        )
        assert records.exists()
        assert not records.in_status("none", D(2007, 6, 1)).exists()

    def test_nobody_is_anything_under_untoc_before_its_adoption(self, client):
        untoc = Treaty.objects.with_counts(D(2000, 11, 14)).get(slug="untoc")
        assert (untoc.party_count, untoc.unknown_count, untoc.signatory_count) == (0, 0, 0)
        answer = client.get(
            "/api/v1/ratifications/?treaty=untoc&as_of=1900-01-01&status=unknown"
        ).json()
        assert answer["count"] == 0
        page = text_of(client.get("/treaties/untoc/?as_of=2000-11-14"))
        assert "nothing to show. UNTOC was adopted on 15 November 2000" in page

    def test_untoc_the_day_before_it_entered_into_force_had_parties_but_was_in_force_for_none(
        self, client
    ):
        untoc = Treaty.objects.with_counts(D(2003, 9, 28)).get(slug="untoc")
        assert untoc.party_count == 51 and untoc.in_force_count == 0
        assert untoc.in_force_unknown_count == 0
        page = text_of(client.get("/treaties/untoc/?as_of=2003-09-28"))
        assert "in force for 0 (the treaty itself entered into force on 29 September 2003 )" in page
        api = client.get("/api/v1/treaties/untoc/?as_of=2003-09-28").json()
        assert (api["party_count"], api["in_force_count"]) == (51, 0)

    def test_undated_consents_count_as_a_range_in_the_past_not_a_step_today(self, client):
        yesterday = datetime.date.today() - datetime.timedelta(days=1)
        past = Treaty.objects.with_counts(yesterday).get(slug="untoc")
        today = Treaty.objects.with_counts().get(slug="untoc")
        assert today.party_count == 193 and today.unknown_count == 0
        assert past.party_count + past.unknown_count == 193
        assert past.unknown_count == 6  # the six parties whose date of deposit is unknown
        page = text_of(client.get(f"/treaties/untoc/?as_of={yesterday:%Y-%m-%d}"))
        assert "at least 187, up to 193 parties" in page

    def test_actip_cambodia_is_a_party_from_the_date_a_source_says_it_had_deposited(self):
        cambodia = Ratification.objects.select_related("treaty").get(
            treaty__slug="asean-actip", participant__code="KH"
        )
        assert cambodia.status_at(D(2016, 1, 25)) == "party"
        assert cambodia.status_at(D(2016, 1, 24)) == "unknown"
        assert cambodia.entry_into_force_on == D(2017, 3, 8)


class TestSources:
    def test_every_record_in_the_api_and_csv_has_its_source_date_and_copy(self, client):
        answer = client.get("/api/v1/ratifications/?treaty=palermo-protocol&page_size=500").json()
        assert answer["count"] == 183
        for record in answer["results"]:
            assert "source_as_at" in record and "via_url" in record
        as_at = {r["source_as_at"] for r in answer["results"]}
        assert {"2018-01-15", "2014-01-27", None} <= as_at
        rows = list(
            csv.DictReader(
                io.StringIO(
                    client.get(
                        "/api/v1/ratifications/?treaty=untoc&format=csv&page_size=500"
                    ).content.decode()
                )
            )
        )
        assert len(rows) == 195
        afghanistan = next(r for r in rows if r["participant"] == "AF")
        assert afghanistan["source_as_at"] == "2014-01-27"
        assert afghanistan["via_url"].startswith("https://github.com/zmjones/untreaties/")
        assert afghanistan["source_url"].startswith("https://treaties.un.org/")

    def test_a_profile_names_the_source_with_its_date_and_the_copy_read(self, client):
        page = text_of(client.get("/countries/AR/"))
        assert "the depositary's record, as at 15 January 2018" in page
        assert "copy read:" in page

    def test_a_record_whose_only_source_is_a_news_item_is_flagged(self, client):
        czechia = Ratification.objects.get(treaty__slug="coe-convention", participant__code="CZ")
        assert czechia.source_kind == "news"
        page = text_of(client.get("/countries/CZ/"))
        assert "a news report only: to be confirmed by the depositary" in page

    def test_the_protocol_card_says_how_much_is_as_at_which_date(self, client):
        page = text_of(client.get("/"))
        assert "recorded to 20 April 2024" not in page
        treaty_page = text_of(client.get("/treaties/palermo-protocol/"))
        assert (
            "164 records as at 15 January 2018 and 6 as at 27 January 2014 "
            "(the depositary's record)" in treaty_page
        )
        assert "13 from sources dated by their publication (3 of them news reports only)" in (
            treaty_page
        )


class TestCoverage:
    def test_the_treaty_page_and_the_data_page_give_each_treaty_its_statement_coverage(
        self, client
    ):
        treaty_page = text_of(client.get("/treaties/untoc/"))
        assert (
            "Reservations and declarations of the 195 participants: texts recorded for 3 ; "
            "made according to a source" in treaty_page
        )
        assert "not known for 187 (no source read lists them)" in treaty_page
        data_page = text_of(client.get("/data/"))
        assert (
            "none as at 15 January 2018 (the depositary's record of that date lists every "
            "statement) for 126" in data_page
        )
        assert (
            "Reservations and declarations of the 10 participants: texts recorded for 0 ; "
            "not known for 10" in data_page
        )

    def test_an_actip_profile_says_where_its_computed_entry_into_force_comes_from(self, client):
        page = text_of(client.get("/countries/TH/"))
        assert "8 March 2017 (computed from the treaty's own entry into force" in page
        assert "the rule its source gives" in page


def test_the_download_carries_the_sources_dates_and_the_statements_states(client):
    response = client.get("/data/download/treatykb.json", follow=True)
    assert response.status_code == 200
    document = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert document["licence"]["name"].startswith("CC")
    records = {(r["treaty"], r["participant"]): r for r in document["ratifications"]}
    assert records[("palermo-protocol", "AR")]["statements_known"] == "none"
    assert records[("palermo-protocol", "AR")]["source_as_at"] == "2018-01-15"
    assert records[("untoc", "CN")]["statements_known"] == "unknown"
    assert records[("asean-actip", "KH")]["consent_not_after"] == "2016-01-25"
