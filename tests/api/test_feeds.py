"""Atom feeds of treaty actions, per treaty and per participant."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.factories import ParticipantFactory, RatificationFactory, TreatyFactory
from treaties.models import Ratification

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


def test_the_newest_act_comes_first_dated_by_the_act_not_the_load(client, records):
    de = ParticipantFactory(code="DE", name="Germany")
    RatificationFactory(
        treaty=records,
        participant=de,
        signature_on=datetime.date(2000, 12, 12),
        consent_on=datetime.date(2006, 6, 14),
    )
    feed = ET.fromstring(client.get("/api/v1/feeds/treaties/alpha.atom").content)
    dated = [
        (e.find(f"{ATOM}title").text, e.find(f"{ATOM}updated").text)
        for e in feed.iter(f"{ATOM}entry")
        if "date not known" not in e.find(f"{ATOM}title").text
    ]
    assert dated[0] == (
        "Germany: ratification of the Alpha, deposited on 2006-06-14",
        "2006-06-14T00:00:00+00:00",
    )
    assert [updated for _, updated in dated] == sorted(
        (updated for _, updated in dated), reverse=True
    )
    assert feed.find(f"{ATOM}updated").text == max(
        e.find(f"{ATOM}updated").text for e in feed.iter(f"{ATOM}entry")
    )


def test_an_act_of_unknown_date_says_so_and_is_dated_by_its_record(client, records):
    feed = ET.fromstring(client.get("/api/v1/feeds/treaties/alpha.atom").content)
    undated = next(
        e for e in feed.iter(f"{ATOM}entry") if "date not known" in e.find(f"{ATOM}title").text
    )
    record = Ratification.objects.get(participant__code="EU")
    assert undated.find(f"{ATOM}published") is None
    assert undated.find(f"{ATOM}updated").text == record.modified_at.isoformat()
    assert "The date of this act is not known" in undated.find(f"{ATOM}summary").text


def test_the_feed_is_valid_atom(client, records):
    """RFC 4287's required elements: feed id, title, updated, author (also each entry's), a
    self link; each entry's id, title, updated and a link or content. feedparser reads it
    without complaint."""
    response = client.get("/api/v1/feeds/treaties/alpha.atom")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{element}").text, element
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Treaty KB"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "http://localhost/api/v1/feeds/treaties/alpha.atom"
    assert links["alternate"].startswith("http://localhost/")
    for entry in feed.iter(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}id").text.startswith("tag:treatykb,2025:")
        assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}author/{ATOM}name").text == "Treaty KB"
        assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/")
        for stamp in ("updated", "published"):
            element = entry.find(f"{ATOM}{stamp}")
            if element is not None:  # RFC 3339 date-time with its offset
                assert datetime.datetime.fromisoformat(element.text).tzinfo is not None
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == 4
    assert parsed.feed.author == "Treaty KB"
    assert all(entry.author == "Treaty KB" and entry.updated_parsed for entry in parsed.entries)


def test_conditional_requests_get_304(client, records):
    first = client.get("/api/v1/feeds/treaties/alpha.atom")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/api/v1/feeds/treaties/alpha.atom", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(
        "/api/v1/feeds/treaties/alpha.atom", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert since.status_code == 304
    RatificationFactory(treaty=records, participant=ParticipantFactory(code="IT", name="Italy"))
    changed = client.get("/api/v1/feeds/treaties/alpha.atom", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_past_a_hundred_entries_the_feed_is_paged(client, records):
    """RFC 5005 paged feed: first, next, previous and last links; no entry lost or repeated."""
    for index in range(60):  # two actions each: 120 more entries
        RatificationFactory(
            treaty=records,
            participant=ParticipantFactory(),
            signature_on=datetime.date(2001, 1, 1) + datetime.timedelta(days=index),
            consent_on=datetime.date(2004, 1, 1) + datetime.timedelta(days=index),
        )
    url = "http://localhost/api/v1/feeds/treaties/alpha.atom"
    first = ET.fromstring(client.get(url).content)
    links = {link.get("rel"): link.get("href") for link in first.findall(f"{ATOM}link")}
    assert links["first"] == url and links["next"] == f"{url}?page=2"
    assert links["last"] == f"{url}?page=2" and "previous" not in links
    second_response = client.get(links["next"])
    second = ET.fromstring(second_response.content)
    links2 = {link.get("rel"): link.get("href") for link in second.findall(f"{ATOM}link")}
    assert links2["previous"] == url and "next" not in links2
    ids = [e.find(f"{ATOM}id").text for page in (first, second) for e in page.iter(f"{ATOM}entry")]
    assert len(first.findall(f"{ATOM}entry")) == 100
    assert len(ids) == len(set(ids)) == 124
    assert client.get(f"{url}?page=3").status_code == 404
    assert client.get(f"{url}?page=x").status_code == 400


@pytest.mark.parametrize(
    "url", ["/api/v1/feeds/treaties/nope.atom", "/api/v1/feeds/participants/ZZ.atom"]
)
def test_an_unknown_code_is_a_404_problem_document(client, records, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "no feed at this address" in response.json()["detail"]


def test_participant_feed(client, records):
    titles = [t for t, _ in entries(client.get("/api/v1/feeds/participants/fr.atom"))]
    assert len(titles) == 2 and all(t.startswith("France") for t in titles)
