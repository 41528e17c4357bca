"""Flat as the data grows: every list endpoint runs the same number of queries with N and
with 3N rows (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import build_world

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/treaties/",
    "/api/v1/provisions/",
    "/api/v1/provisions/?pillar=protection&pillar=prevention",
    "/api/v1/provisions/?q=measures",
    "/api/v1/pillars/",
    "/api/v1/participants/",
    "/api/v1/participants/?party_to=alpha&not_party_to=beta&as_of=2010-01-01",
    "/api/v1/ratifications/",
    "/api/v1/ratifications/?format=csv",
    "/api/v1/ratifications/?has_reservations=true&treaty=alpha",
    "/api/v1/statements/",
    "/api/v1/feeds/treaties/alpha.atom",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response


@pytest.mark.parametrize("url", LISTS)
def test_query_count_is_the_same_for_n_and_3n_rows(client, url):
    build_world(n=2)
    small, first = count_queries(client, url)
    build_world(n=4)  # 3N rows of every kind
    large, second = count_queries(client, url)
    assert large == small, f"{url}: {small} queries with N rows, {large} with 3N"
    if "format=csv" not in url and "feeds" not in url:
        assert (
            second.json()["count"] > first.json()["count"]
            or "pillars" in url
            or ("treaties" in url)
        )


@pytest.mark.parametrize("url", ["/api/v1/download/", "/api/v1/download/?format=json"])
def test_the_download_runs_the_same_queries_for_n_and_3n_rows(client, url):
    build_world(n=2)
    small, first = count_queries(client, url)
    build_world(n=4)  # 3N rows of every kind; the change also retires the cached archive
    large, second = count_queries(client, url)
    assert large == small, f"{url}: {small} queries with N rows, {large} with 3N"
    assert len(second.content) > len(first.content)
