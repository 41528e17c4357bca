"""Contract tests: every endpoint and every filter answers what it promises, on small,
explicit data."""

import datetime

import pytest

from provisions.models import Provision
from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from treaties.models import Participant, Ratification

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    """UNTOC-like 'alpha' and its protocol 'beta'; France a party to both (with a reservation),
    Thailand a signatory of alpha, the EU a party to alpha with no known consent date."""
    alpha = TreatyFactory(slug="alpha", short_title="Alpha", position=1)
    beta = TreatyFactory(slug="beta", short_title="Beta", position=2, parent=alpha)
    fr = ParticipantFactory(
        code="FR",
        name="France",
        region="Europe",
        subregion="Western Europe",
        coe_member=True,
        eu_member=True,
    )
    th = ParticipantFactory(
        code="TH", name="Thailand", region="Asia", subregion="South-eastern Asia", asean_member=True
    )
    eu = ParticipantFactory(
        code="EU",
        iso_alpha2=None,
        iso_alpha3=None,
        name="European Union",
        kind="regional_organisation",
        region="",
        subregion="",
    )
    fr_alpha = RatificationFactory(
        treaty=alpha, participant=fr, signature_on=D(2000, 12, 12), consent_on=D(2002, 10, 29)
    )
    RatificationFactory(
        treaty=beta,
        participant=fr,
        signature_on=D(2000, 12, 12),
        consent_kind="approval",
        consent_on=D(2016, 5, 20),
    )
    RatificationFactory(
        treaty=alpha, participant=th, signature_on=D(2000, 12, 13), consent_kind="", consent_on=None
    )
    RatificationFactory(
        treaty=alpha,
        participant=eu,
        signature_on=D(2000, 12, 12),
        consent_kind="approval",
        consent_on=None,
    )
    StatementFactory(ratification=fr_alpha, kind="reservation", article_reference="35(2)")
    protection = PillarFactory(slug="protection", name="Protection", position=2)
    prevention = PillarFactory(slug="prevention", name="Prevention", position=1)
    a6 = ProvisionFactory(
        treaty=alpha,
        number="6",
        heading="Assistance to victims",
        division="Chapter II",
        pillars=[protection],
        text="Each State Party shall protect the privacy of victims.",
    )
    a9 = ProvisionFactory(
        treaty=alpha,
        number="9",
        heading="Prevention",
        division="Chapter III",
        pillars=[prevention],
        text="States shall establish policies to prevent trafficking.",
    )
    b12 = ProvisionFactory(
        treaty=beta,
        number="12",
        heading="Protection of private life",
        pillars=[protection, prevention],
        text="Each Party shall protect.",
    )
    ProvisionFactory(
        treaty=beta, number="40", heading="Reservations", text="", text_incomplete=True
    )
    a6.related.add(b12)
    return {"alpha": alpha, "beta": beta, "fr": fr, "th": th, "eu": eu, "a6": a6, "a9": a9}


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(data, key="id"):
    return [row[key] for row in data["results"]]


# --- treaties -----------------------------------------------------------------------------


def test_treaties_list_metadata_counts_and_links(client, world):
    data = get(client, "/api/v1/treaties/")
    assert data["count"] == 2
    alpha = data["results"][0]
    assert alpha["slug"] == "alpha"
    assert (alpha["article_count"], alpha["party_count"], alpha["signatory_count"]) == (2, 2, 1)
    assert alpha["provisions_url"].endswith("/api/v1/provisions/?treaty=alpha")
    assert alpha["ratifications_url"].endswith("/api/v1/ratifications/?treaty=alpha")
    assert alpha["feed_url"].endswith("/api/v1/feeds/treaties/alpha.atom")
    assert alpha["html_url"].endswith("/treaties/alpha/")
    assert data["results"][1]["parent"] == "alpha"


def test_treaty_counts_as_of_a_past_date(client, world):
    data = get(client, "/api/v1/treaties/", as_of="2001-01-01")
    alpha = data["results"][0]
    # Nobody had consented yet; the EU's undated consent counts as "unknown", not signatory.
    assert (alpha["party_count"], alpha["signatory_count"]) == (0, 2)


def test_treaty_detail_by_slug_has_the_preamble(client, world):
    data = get(client, "/api/v1/treaties/beta/")
    assert data["slug"] == "beta" and "preamble" in data and data["article_count"] == 2


def test_treaties_ordering(client, world):
    data = get(client, "/api/v1/treaties/", ordering="-position")
    assert ids(data, "slug") == ["beta", "alpha"]


# --- provisions ---------------------------------------------------------------------------


def test_provisions_in_treaty_and_article_order(client, world):
    assert ids(get(client, "/api/v1/provisions/")) == ["alpha/6", "alpha/9", "beta/12", "beta/40"]


def test_provision_detail_has_text_pillars_and_related(client, world):
    data = get(client, "/api/v1/provisions/alpha/6/")
    assert data["text"] == "Each State Party shall protect the privacy of victims."
    assert data["pillars"] == ["protection"]
    assert data["related"] == ["beta/12"]
    assert data["related_provisions"][0]["heading"] == "Protection of private life"
    assert data["division"] == "Chapter II"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"treaty": "beta"}, ["beta/12", "beta/40"]),
        ({"pillar": "prevention"}, ["alpha/9", "beta/12"]),
        ({"pillar": ["prevention", "protection"]}, ["alpha/6", "alpha/9", "beta/12"]),
        ({"treaty": "alpha", "pillar": "protection"}, ["alpha/6"]),
        ({"division": "chapter iii"}, ["alpha/9"]),
        ({"has_related": "true"}, ["alpha/6", "beta/12"]),
        ({"has_related": "false"}, ["alpha/9", "beta/40"]),
        ({"related_to": "alpha/6"}, ["beta/12"]),
        ({"incomplete": "true"}, ["beta/40"]),
        ({"q": "privacy victims"}, ["alpha/6"]),
        ({"ordering": "-number"}, ["beta/40", "beta/12", "alpha/9", "alpha/6"]),
    ],
)
def test_provision_filters(client, world, params, expected):
    assert ids(get(client, "/api/v1/provisions/", **params)) == expected


def test_provision_search_is_the_web_search(client, world):
    expected = [f"{p.treaty.slug}/{p.number}" for p in Provision.objects.search("protect")]
    assert ids(get(client, "/api/v1/provisions/", q="protect")) == expected


def test_provisions_modified_since(client, world):
    Provision.objects.filter(number="9").update(
        modified_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    assert ids(get(client, "/api/v1/provisions/", modified_since="2029-12-31T23:00:00Z")) == [
        "alpha/9"
    ]


# --- pillars ------------------------------------------------------------------------------


def test_pillars_with_counts_per_treaty(client, world):
    data = get(client, "/api/v1/pillars/")
    assert ids(data, "slug") == ["prevention", "protection"]
    protection = data["results"][1]
    assert protection["counts"] == {"alpha": 1, "beta": 1}
    assert protection["provision_count"] == 2
    assert get(client, "/api/v1/pillars/prevention/")["counts"] == {"alpha": 1, "beta": 1}


# --- participants -------------------------------------------------------------------------


def test_participant_detail_eu_with_status_under_each_treaty(client, world):
    data = get(client, "/api/v1/participants/EU/")
    assert data["code"] == "EU" and data["iso_alpha2"] is None
    assert data["kind"] == "regional_organisation"
    assert data["treaties"]["alpha"]["status"] == "party"
    assert data["treaties"]["alpha"]["consent_on"] is None
    assert data["treaties"]["beta"]["status"] == "none"
    assert get(client, "/api/v1/participants/eu/")["code"] == "EU"


def test_participant_memberships(client, world):
    data = get(client, "/api/v1/participants/FR/")
    assert data["memberships"] == ["coe", "eu"]
    assert (data["coe_member"], data["asean_member"], data["eu_member"]) == (True, False, True)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"region": "Asia"}, ["TH"]),
        ({"subregion": "Western Europe"}, ["FR"]),
        ({"membership": "asean"}, ["TH"]),
        ({"kind": "regional_organisation"}, ["EU"]),
        ({"party_to": "alpha"}, ["EU", "FR"]),
        ({"party_to": "alpha", "not_party_to": "beta"}, ["EU"]),
        ({"signatory_to": "alpha"}, ["TH"]),
        ({"party_to": "beta", "as_of": "2016-01-01"}, []),
        ({"signatory_to": "beta", "as_of": "2016-01-01"}, ["FR"]),
        ({"ordering": "-code"}, ["TH", "FR", "EU"]),
    ],
)
def test_participant_filters(client, world, params, expected):
    assert ids(get(client, "/api/v1/participants/", **params), "code") == expected


def test_participant_status_as_of(client, world):
    data = get(client, "/api/v1/participants/EU/", as_of="2005-01-01")
    assert data["treaties"]["alpha"]["status"] == "unknown"
    data = get(client, "/api/v1/participants/FR/", as_of="2016-01-01")
    assert data["treaties"]["beta"]["status"] == "signatory"


def test_participants_modified_since_counts_their_records(client, world):
    Participant.objects.update(modified_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    Ratification.objects.update(modified_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    Ratification.objects.get(participant__code="TH").save()  # moves its participant too
    data = get(client, "/api/v1/participants/", modified_since="2021-01-01")
    assert ids(data, "code") == ["TH"]


# --- ratifications ------------------------------------------------------------------------


def test_ratification_row(client, world):
    data = get(client, "/api/v1/ratifications/alpha/FR/")
    assert data["id"] == "alpha/FR"
    assert data["consent_kind"] == "ratification" and data["consent_on"] == "2002-10-29"
    assert data["status"] == "party"
    assert data["reservations_count"] == 1 and data["declarations_count"] == 0
    assert data["statements"][0]["article_reference"] == "35(2)"
    assert data["entry_into_force_basis"] == "computed"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"treaty": "beta"}, ["beta/FR"]),
        ({"participant": "fr"}, ["alpha/FR", "beta/FR"]),
        ({"participant": "TH,EU"}, ["alpha/EU", "alpha/TH"]),
        ({"region": "Asia"}, ["alpha/TH"]),
        ({"membership": "eu"}, ["alpha/FR", "beta/FR"]),
        ({"status": "signatory"}, ["alpha/TH"]),
        ({"status": "unknown", "as_of": "2005-01-01"}, ["alpha/EU"]),
        ({"consent_kind": "approval"}, ["alpha/EU", "beta/FR"]),
        ({"consented_after": "2015-01-01"}, ["beta/FR"]),
        ({"consented_before": "2015-01-01"}, ["alpha/FR"]),
        ({"consented_after": "2002-10-29", "consented_before": "2002-10-29"}, ["alpha/FR"]),
        ({"has_reservations": "true"}, ["alpha/FR"]),
        ({"has_reservations": "false"}, ["alpha/EU", "alpha/TH", "beta/FR"]),
        ({"ordering": "-consent_on"}, ["beta/FR", "alpha/FR", "alpha/TH", "alpha/EU"]),
    ],
)
def test_ratification_filters(client, world, params, expected):
    assert ids(get(client, "/api/v1/ratifications/", **params)) == expected


def test_ratification_status_as_of(client, world):
    data = get(client, "/api/v1/ratifications/beta/FR/", as_of="2016-05-19")
    assert data["status"] == "signatory"


def test_ratifications_modified_since_counts_statements(client, world):
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Ratification.objects.update(modified_at=old)
    assert get(client, "/api/v1/ratifications/", modified_since="2029-01-01")["count"] == 0
    Ratification.objects.filter(participant__code="TH").update(
        modified_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    assert ids(get(client, "/api/v1/ratifications/", modified_since="2029-01-01")) == ["alpha/TH"]


# --- statements ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, count",
    [
        ({}, 1),
        ({"treaty": "beta"}, 0),
        ({"participant": "FR"}, 1),
        ({"kind": "declaration"}, 0),
        ({"withdrawn": "false"}, 1),
    ],
)
def test_statement_filters(client, world, params, count):
    assert get(client, "/api/v1/statements/", **params)["count"] == count


# --- pagination and CSV -------------------------------------------------------------------


def test_pagination_total_links_and_headers(client, world):
    response = client.get("/api/v1/ratifications/", {"page_size": 2, "treaty": "alpha"})
    data = response.json()
    assert data["count"] == 3 and len(data["results"]) == 2 and data["previous"] is None
    assert "treaty=alpha" in data["next"] and "page=2" in data["next"]
    assert response["X-Total-Count"] == "3"
    assert 'rel="next"' in response["Link"]
    second = client.get(data["next"]).json()
    assert second["next"] is None and len(second["results"]) == 1
    assert "treaty=alpha" in second["previous"]


def test_api_root_links_every_endpoint_and_the_download(client, world):
    data = get(client, "/api/v1/")
    for name in (
        "treaties",
        "provisions",
        "pillars",
        "participants",
        "ratifications",
        "statements",
        "download",
        "schema",
        "docs",
    ):
        assert client.get(data[name]).status_code == 200, name


def test_browsable_api_stays_on(client, world):
    response = client.get("/api/v1/ratifications/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"<html" in response.content.lower()


def test_a_provision_search_comes_twenty_a_page_unless_asked_otherwise(client):
    treaty = TreatyFactory(slug="searched")
    for number in range(1, 26):
        ProvisionFactory(treaty=treaty, number=str(number), text="Each victim shall be heard.")
    found = client.get("/api/v1/provisions/?q=victim").json()
    assert found["count"] == 25 and len(found["results"]) == 20
    assert len(client.get("/api/v1/provisions/?q=victim&page_size=25").json()["results"]) == 25
    assert len(client.get("/api/v1/provisions/").json()["results"]) == 25
