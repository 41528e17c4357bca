"""Counting the queries a request runs: the one helper every query-count test uses."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url, *, warm=False, with_response=False):
    """The number of queries a GET of ``url`` runs (and the response, with ``with_response``).

    ``warm`` requests the page once first, so that what every request of a signed-in user reads
    once and keeps (content types, the session) is not counted. Anonymous pages are kept whole
    in the response cache after their first request: count them after a change to the data, or
    the first time."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return (len(context), response) if with_response else len(context)


def assert_flat(client, grow, url, django_assert_num_queries):
    """The page costs the same number of queries with N and with 3N rows (``grow(n)`` adds n
    rows of every kind; the change also retires the page's cached copy)."""
    grow(3)
    queries = count_queries(client, url)
    grow(6)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return queries
