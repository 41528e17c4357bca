"""Atom feeds of treaty actions, per treaty and per participant."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.factories import ParticipantFactory, RatificationFactory, TreatyFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def records():
    alpha = TreatyFactory(slug="alpha", short_title="Alpha")
    fr = ParticipantFactory(code="FR", name="France")
    eu = ParticipantFactory(code="EU", iso_alpha2=None, iso_alpha3=None, name="European Union")
    RatificationFactory(
        treaty=alpha,
        participant=fr,
        signature_on=datetime.date(2000, 12, 12),
        consent_on=datetime.date(2002, 10, 29),
    )
    RatificationFactory(treaty=alpha, participant=eu, consent_kind="approval", consent_on=None)
    return alpha


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        (e.find(f"{ATOM}title").text, e.find(f"{ATOM}id").text) for e in feed.iter(f"{ATOM}entry")
    ]


def test_treaty_feed_lists_signatures_and_consents(client, records):
    found = entries(client.get("/api/v1/feeds/treaties/alpha.atom"))
    titles = [title for title, _ in found]
    assert "France signed the Alpha on 2000-12-12" in titles
    assert "France: ratification of the Alpha, deposited on 2002-10-29" in titles
    assert "European Union is bound by the Alpha (approval; date not known)" in titles
    assert len({guid for _, guid in found}) == len(found) == 4


def test_the_newest_recorded_action_comes_first(client, records):
    de = ParticipantFactory(code="DE", name="Germany")
    RatificationFactory(
        treaty=records,
        participant=de,
        signature_on=datetime.date(2000, 12, 12),
        consent_on=datetime.date(2006, 6, 14),
    )
    titles = [t for t, _ in entries(client.get("/api/v1/feeds/treaties/alpha.atom"))]
    assert titles[0] == "Germany: ratification of the Alpha, deposited on 2006-06-14"


def test_participant_feed(client, records):
    titles = [t for t, _ in entries(client.get("/api/v1/feeds/participants/fr.atom"))]
    assert len(titles) == 2 and all(t.startswith("France") for t in titles)
