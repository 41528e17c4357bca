"""Flat as the data grows: every list endpoint runs the same number of queries with N and
with 3N rows (no N+1)."""

import pytest

from tests.queries import count_queries
from tests.scenarios import build_world

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


# Lists whose rows stay the same as the data grows (two treaties, two pillars): their counts
# of parties, articles, ... grow instead.
FIXED_ROWS = {"/api/v1/treaties/", "/api/v1/pillars/"}


@pytest.mark.parametrize("url", LISTS)
def test_query_count_is_the_same_for_n_and_3n_rows(client, url):
    build_world(n=2)
    small, first = count_queries(client, url, with_response=True)
    build_world(n=4)  # 3N rows of every kind
    large, second = count_queries(client, url, with_response=True)
    assert large == small, f"{url}: {small} queries with N rows, {large} with 3N"
    # The second answer shows the grown data: the same number of queries read more.
    assert second.content != first.content
    if "format=csv" in url or "feeds" in url:
        assert len(second.content) > len(first.content)
    elif url in FIXED_ROWS:
        assert second.json()["count"] == first.json()["count"]
    else:
        assert second.json()["count"] > first.json()["count"]


@pytest.mark.parametrize("url", ["/api/v1/download/", "/api/v1/download/?format=json"])
def test_the_download_runs_the_same_queries_for_n_and_3n_rows(client, url):
    build_world(n=2)
    small, first = count_queries(client, url, with_response=True)
    build_world(n=4)  # 3N rows of every kind; the change also retires the cached archive
    large, second = count_queries(client, url, with_response=True)
    assert large == small, f"{url}: {small} queries with N rows, {large} with 3N"
    assert len(second.content) > len(first.content)
