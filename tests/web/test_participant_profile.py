"""/countries/<code>/: one participant under every instrument, with texts and a timeline."""

import datetime

import pytest

from tests.factories import (
    ParticipantFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["de", "De", "dE"])
def test_a_lower_case_code_redirects_to_the_canonical_url(client, code):
    ParticipantFactory(code="DE", name="Germany")
    response = client.get(f"/countries/{code}/")
    assert response.status_code == 301
    assert response["Location"] == "/countries/DE/"


@pytest.mark.parametrize("code", ["ZZ", "zz", "DEU", "1", "%20"])
def test_an_unknown_code_is_404(client, code):
    ParticipantFactory(code="DE")
    assert client.get(f"/countries/{code}/").status_code == 404


def test_a_treaty_without_a_record_says_so(client):
    TreatyFactory(slug="lonely", short_title="Lonely Convention")
    ParticipantFactory(code="FR", name="France")
    html = client.get("/countries/FR/").content.decode()
    assert "No signature or consent recorded" in html


def test_statement_text_is_escaped(client):
    statement = StatementFactory(text="<script>alert(1)</script> reservation")
    html = client.get(statement.ratification.participant.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_withdrawal_appears_in_the_timeline(client):
    record = RatificationFactory(
        withdrawal_notified_on=datetime.date(2019, 1, 1),
        withdrawal_effective_on=datetime.date(2020, 1, 1),
    )
    response = client.get(record.participant.get_absolute_url())
    texts = [e.text for e in response.context["events"]]
    assert texts[-2:] == ["Withdrawal notified", "Withdrawal took effect"]
    assert response.context["entries"][-1].status == "withdrawn"


def test_an_undated_consent_comes_before_the_entry_into_force_it_led_to(client):
    record = RatificationFactory(
        signature_on=None,
        consent_kind="ratification",
        consent_on=None,
        entry_into_force_on=datetime.date(2017, 7, 1),
        entry_into_force_basis="stated",
    )
    later = RatificationFactory(
        participant=record.participant, consent_on=datetime.date(2019, 1, 1)
    )
    events = client.get(record.participant.get_absolute_url()).context["events"]
    mine = [(e.date, e.text) for e in events if e.treaty == record.treaty]
    assert mine == [
        (None, "Ratification (consent to be bound)"),
        (datetime.date(2017, 7, 1), "Entry into force"),
    ]
    # ... and in the whole timeline, just before that entry into force, still undated.
    index = [e.text for e in events].index("Entry into force")
    assert events[index - 1].date is None and events[index - 1].treaty == record.treaty
    assert events[-1].treaty == later.treaty


def test_actions_on_the_same_day_follow_the_order_they_happen_in(client):
    day = datetime.date(2004, 5, 5)
    record = RatificationFactory(
        signature_on=day, consent_kind="ratification", consent_on=day, entry_into_force_on=day
    )
    StatementFactory(ratification=record, made_on=day, occasion="ratification")
    StatementFactory(ratification=record, made_on=day, occasion="signature")
    events = client.get(record.participant.get_absolute_url()).context["events"]
    assert [e.kind for e in events] == [
        "signature",
        "statement_on_signature",
        "consent",
        "statement_after_consent",
        "entry_into_force",
    ]


def test_each_timeline_line_holds_its_date_and_its_action(client):
    record = RatificationFactory(signature_on=datetime.date(2001, 2, 3))
    html = client.get(record.participant.get_absolute_url()).content.decode()
    assert (
        f'<span class="timeline__event"><a href="#{record.treaty.slug}">'
        f"{record.treaty.short_title}</a>: Signature</span></li>"
    ) in html


def test_the_profile_makes_as_many_queries_with_3n_statements_as_with_n(client):
    participant = ParticipantFactory(code="NL")
    treaties = [TreatyFactory(slug=f"t{i}") for i in range(3)]
    records = [RatificationFactory(treaty=t, participant=participant) for t in treaties]
    for record in records:
        statement = StatementFactory(ratification=record)
        statement.provisions.add(ProvisionFactory(treaty=record.treaty))
    small = count_queries(client, "/countries/NL/")
    for record in records:
        for statement in StatementFactory.create_batch(2, ratification=record):
            statement.provisions.add(*ProvisionFactory.create_batch(2, treaty=record.treaty))
    assert count_queries(client, "/countries/NL/") == small


# The shipped data set is loaded once for the rest of this module (``real_data`` is
# module-scoped), so these come after the tests that build their own rows.
class TestOnTheShippedData:
    pytestmark = pytest.mark.usefixtures("real_data")

    def test_shows_the_status_under_each_of_the_four_instruments(self, client):
        response = client.get("/countries/DE/")
        assert response.status_code == 200
        entries = response.context["entries"]
        assert [e.treaty.slug for e in entries] == [
            "untoc",
            "palermo-protocol",
            "coe-convention",
            "asean-actip",
        ]
        assert [e.status for e in entries] == ["party", "party", "party", "none"]
        html = response.content.decode()
        assert "<h1>Germany</h1>" in html
        assert "Council of Europe, European Union" in html
        assert "Western Europe" in html

    def test_shows_reservation_texts_with_the_articles_they_concern(self, client):
        html = client.get("/countries/DZ/").content.decode()
        assert "does not consider itself bound by the provisions of article 15" in html
        assert 'href="/treaties/palermo-protocol/articles/15/"' in html

    def test_czechia_ratified_cets_197_before_it_entered_into_force(self, client):
        # The shipped data gives no date for Czechia's ratification of CETS 197 (a news report
        # only); the timeline does not invent one but places it before the entry into force.
        events = client.get("/countries/CZ/").context["events"]
        coe = [(e.kind, e.date) for e in events if e.treaty.slug == "coe-convention"]
        assert ("consent", None) in coe
        kinds = [kind for kind, _ in coe]
        assert kinds.index("consent") < kinds.index("entry_into_force")

    def test_the_timeline_is_in_date_order(self, client):
        events = client.get("/countries/DE/").context["events"]
        dates = [e.date for e in events if e.date]
        assert dates == sorted(dates) and len(dates) >= 6

    def test_a_party_without_a_known_date_is_not_given_one(self, client):
        response = client.get("/countries/SO/")
        untoc = response.context["entries"][0]
        assert untoc.status == "party" and untoc.record.consent_on is None
        assert "date not known" in response.content.decode()
        assert response.context["events"][-1].date is None

    def test_current_and_recorded_names(self, client):
        response = client.get("/countries/SZ/")
        assert "Swaziland" in response.context["recorded_names"]
        assert "Eswatini" in response.content.decode()

    def test_the_european_union_has_a_profile(self, client):
        response = client.get("/countries/EU/")
        assert response.status_code == 200
        assert "no ISO 3166-1 code" in response.content.decode()
