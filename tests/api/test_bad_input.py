"""Bad input is a 400 that names the parameter and the accepted values; an unknown object is
a 404; nothing is a 500."""

import pytest

from tests.factories import ParticipantFactory, PillarFactory, ProvisionFactory, TreatyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data():
    treaty = TreatyFactory(slug="untoc")
    ParticipantFactory(code="FR")
    PillarFactory(slug="protection")
    ProvisionFactory(treaty=treaty, number="6")


@pytest.mark.parametrize(
    "url, parameter, accepted",
    [
        ("/api/v1/ratifications/?treaty=untok", "treaty", "untoc"),
        ("/api/v1/participants/?party_to=nope", "party_to", "untoc"),
        ("/api/v1/participants/?not_party_to=nope", "not_party_to", "untoc"),
        ("/api/v1/participants/?signatory_to=nope", "signatory_to", "untoc"),
        ("/api/v1/provisions/?treaty=nope", "treaty", "untoc"),
        ("/api/v1/statements/?treaty=nope", "treaty", "untoc"),
        ("/api/v1/ratifications/?as_of=2020-02-30", "as_of", "YYYY-MM-DD"),
        ("/api/v1/participants/?as_of=31/01/2020", "as_of", "YYYY-MM-DD"),
        ("/api/v1/treaties/?as_of=yesterday", "as_of", "YYYY-MM-DD"),
        ("/api/v1/ratifications/?consented_after=2015", "consented_after", "YYYY-MM-DD"),
        ("/api/v1/ratifications/?consented_before=x", "consented_before", "YYYY-MM-DD"),
        ("/api/v1/ratifications/?status=ratified", "status", "party, signatory"),
        ("/api/v1/ratifications/?consent_kind=signed", "consent_kind", "accession"),
        ("/api/v1/ratifications/?membership=nato", "membership", "coe, asean, eu"),
        ("/api/v1/participants/?region=Atlantis", "region", "Europe"),
        ("/api/v1/participants/?kind=city", "kind", "state"),
        ("/api/v1/ratifications/?participant=XX", "participant", "ISO 3166-1"),
        ("/api/v1/ratifications/?has_reservations=perhaps", "has_reservations", "true or false"),
        ("/api/v1/provisions/?has_related=2", "has_related", "true or false"),
        ("/api/v1/provisions/?pillar=protection&pillar=pursuit", "pillar", "protection"),
        ("/api/v1/provisions/?related_to=untoc/99", "related_to", "<treaty-slug>/"),
        ("/api/v1/provisions/?modified_since=last-week", "modified_since", "ISO 8601"),
        ("/api/v1/ratifications/?page_size=1001", "page_size", "1 to 1000"),
        ("/api/v1/ratifications/?page_size=0", "page_size", "1 to 1000"),
        ("/api/v1/ratifications/?page_size=ten", "page_size", "1 to 1000"),
        ("/api/v1/ratifications/?page=-1", "page", "1 or more"),
        ("/api/v1/ratifications/?ordering=date", "ordering", "consent_on"),
        ("/api/v1/ratifications/?tretay=untoc", "tretay", "treaty"),
        ("/api/v1/participants/?partyto=untoc", "partyto", "party_to"),
        ("/api/v1/pillars/?treaty=untoc", "treaty", "ordering"),
        ("/api/v1/treaties/untoc/?page=2", "page", "as_of"),
        ("/api/v1/ratifications/?status=%25s", "status", "party"),
        ("/api/v1/ratifications/?format=xml", "format", "json, api, csv"),
        ("/api/v1/pillars/?format=xlsx", "format", "json, api, csv"),
        ("/api/v1/provisions/untoc/6/?format=pdf", "format", "json, api, csv"),
        ("/api/v1/pillars/?page_size=1001", "page_size", "1 to 1000"),
        ("/api/v1/pillars/?ordering=count", "ordering", "modified_at"),
        ("/api/v1/pillars/?modified_since=soon", "modified_since", "ISO 8601"),
    ],
)
def test_invalid_input_is_a_400_naming_the_parameter_and_the_accepted_values(
    client, url, parameter, accepted
):
    response = client.get(url)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    messages = response.json()["errors"][parameter]
    assert any(accepted in message for message in messages), messages


def test_invalid_input_asked_as_csv_is_answered_in_the_one_error_shape(client):
    response = client.get("/api/v1/ratifications/?format=csv&status=ratified")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["status"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/treaties/nope/",
        "/api/v1/provisions/untoc/999/",
        "/api/v1/provisions/nope/6/",
        "/api/v1/pillars/nope/",
        "/api/v1/participants/ZZ/",
        "/api/v1/ratifications/untoc/ZZ/",
        "/api/v1/ratifications/untoc/FR/",
        "/api/v1/statements/999999/",
        "/api/v1/statements/null,null/",
        "/api/v1/statements/0.5/",
        "/api/v1/feeds/treaties/nope.atom",
        "/api/v1/feeds/participants/ZZ.atom",
        "/api/v1/ratifications/?page=99",
    ],
)
def test_unknown_objects_are_404_problem_documents(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404 and problem["instance"] == url
    assert problem["type"] == "http://localhost/api/v1/problems/not-found/"


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing-here/", "/api/v1/treaties/untoc/extra/", "/api/v2/", "/api/"]
)
def test_an_unknown_address_under_the_api_is_a_404_problem_not_a_page(client, url):
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"
    assert "/api/v1/" in response.json()["detail"]


def test_a_value_with_a_percent_sign_is_a_400_not_a_server_error(client):
    response = client.get("/api/v1/treaties/", {"as_of": "B\\%é"})
    assert response.status_code == 400
    assert "is not a date" in response.json()["errors"]["as_of"][0]


def test_every_problem_type_is_described_at_its_address(client):
    problem = client.get("/api/v1/ratifications/?status=ratified").json()
    described = client.get(problem["type"])
    assert described.status_code == 200
    assert described.json()["status"] == 400 and described.json()["title"] == problem["title"]
    assert client.get("/api/v1/problems/nope/").status_code == 404
