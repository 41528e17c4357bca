"""What every list endpoint promises, checked on each of them: a total count and next/previous
links (also as headers), a bounded page size, every documented ordering in both directions,
CSV by ``?format=csv`` or ``Accept: text/csv``, and ``modified_since``."""

import csv
import io

import pytest

from provisions.models import Pillar, Provision
from tests.scenarios import build_world
from treaties.models import Participant, Ratification, Statement, Treaty

pytestmark = pytest.mark.django_db

LISTS = {
    "treaties": Treaty,
    "provisions": Provision,
    "pillars": Pillar,
    "participants": Participant,
    "ratifications": Ratification,
    "statements": Statement,
}


@pytest.fixture
def world():
    build_world(n=2)


def url(name):
    return f"/api/v1/{name}/"


@pytest.mark.parametrize("name", LISTS)
def test_paginated_with_total_count_and_links(client, world, name):
    total = LISTS[name].objects.count()
    assert total >= 2
    response = client.get(url(name), {"page_size": 1, "ordering": "-modified_at"})
    data = response.json()
    assert data["count"] == total and len(data["results"]) == 1
    assert data["previous"] is None
    assert "page=2" in data["next"] and "ordering=-modified_at" in data["next"]
    assert response["X-Total-Count"] == str(total)
    assert 'rel="next"' in response["Link"]
    last = client.get(url(name), {"page_size": 1, "page": total}).json()
    assert last["next"] is None and "page_size=1" in last["previous"]
    before_last = client.get(last["previous"]).json()  # the link keeps page_size
    assert len(before_last["results"]) == 1 and f"page={total}" in before_last["next"]


@pytest.mark.parametrize("name", LISTS)
def test_page_size_is_bounded_never_clamped(client, world, name):
    assert client.get(url(name), {"page_size": 1000}).status_code == 200
    response = client.get(url(name), {"page_size": 1001})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def ordering_values(client, name):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = schema["paths"][url(name)]["get"]["parameters"]
    ordering = next(p for p in parameters if p["name"] == "ordering")
    return ordering["schema"]["items"]["enum"]


@pytest.mark.parametrize("name", LISTS)
def test_every_documented_ordering_works_both_ways(client, world, name):
    values = ordering_values(client, name)
    assert "modified_at" in values and "-modified_at" in values
    total = LISTS[name].objects.count()
    for value in values:
        response = client.get(url(name), {"ordering": value})
        assert response.status_code == 200, (value, response.content)
        assert response.json()["count"] == total


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("how", ["query", "accept"])
def test_csv_by_query_or_accept_header(client, world, name, how):
    if how == "query":
        response = client.get(url(name), {"format": "csv"})
    else:
        response = client.get(url(name), HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == LISTS[name].objects.count()
    assert "modified_at" in rows[0]
    assert response["X-Total-Count"] == str(len(rows))


@pytest.mark.parametrize("name", LISTS)
def test_modified_since_in_the_future_is_empty_and_in_the_past_is_everything(client, world, name):
    total = LISTS[name].objects.count()
    assert client.get(url(name), {"modified_since": "2000-01-01"}).json()["count"] == total
    assert client.get(url(name), {"modified_since": "2999-01-01"}).json()["count"] == 0
