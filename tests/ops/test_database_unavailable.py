"""When the database cannot be reached or is too slow, readers get a clear 503 (a page styled
like the site, or JSON under /api/) with Retry-After, never a traceback; /healthz says so too.
A real outage and recovery on PostgreSQL: tests/ops/test_database_outage.py."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from tests.factories import TreatyFactory
from treatykb.availability import server_error_view, unavailable_response

pytestmark = pytest.mark.django_db

DRIVER_MESSAGE = 'connection to server at "10.0.0.5", port 5432 failed: Connection refused'


@contextmanager
def database_down(error=OperationalError):
    """Every query fails as it does when the server is unreachable."""

    def fail(*args, **kwargs):
        raise error(DRIVER_MESSAGE)

    with (
        mock.patch.object(CursorWrapper, "execute", fail),
        mock.patch.object(CursorWrapper, "executemany", fail),
    ):
        yield


@pytest.fixture
def client():
    # The 503 must be a response, not an exception escaping the view.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("url", ["/treaties/", "/treaties/untoc/", "/countries/"])
def test_a_page_gets_a_clear_503_when_the_database_is_unreachable(client, url, error):
    TreatyFactory(slug="untoc")
    with database_down(error):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "<title>Temporarily unavailable – Treaty KB</title>" in page
    assert "cannot reach its database" in page
    assert "css/site.css" in page  # styled like the rest of the site
    assert "Traceback" not in page
    assert "10.0.0.5" not in page


@pytest.mark.parametrize("url", ["/api/v1/treaties/", "/api/v1/ratifications/?treaty=untoc"])
def test_the_api_answers_503_as_a_problem_document(client, url):
    with database_down():
        response = client.get(url)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "type": "http://testserver/api/v1/problems/unavailable/",
        "title": "Service unavailable",
        "status": 503,
        "detail": "The service is temporarily unavailable: its database cannot be reached or "
        "is too slow. Please retry later.",
        "instance": url,
    }


def test_the_failure_is_logged_with_its_cause(client, caplog):
    with database_down():
        client.get("/treaties/")
    record = next(r for r in caplog.records if r.name == "treatykb.availability")
    assert "GET /treaties/ answered 503" in record.getMessage()
    assert DRIVER_MESSAGE in str(record.exc_info[1])


def test_other_errors_are_still_a_500(client):
    with mock.patch("treaties.views.TreatyListView.get_queryset", side_effect=ValueError("bug")):
        response = client.get("/treaties/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_a_database_error_outside_a_view_reaches_the_503_through_the_error_handler(rf):
    try:
        raise OperationalError(DRIVER_MESSAGE)
    except OperationalError:
        response = server_error_view(rf.get("/treaties/"))
    assert response.status_code == 503
    try:
        raise KeyError("not the database")
    except KeyError:
        response = server_error_view(rf.get("/treaties/"))
    assert response.status_code == 500


@pytest.mark.django_db(databases=[])
def test_the_503_page_needs_no_database(rf):
    # No database access is allowed here: rendering must not touch it.
    response = unavailable_response(rf.get("/"))
    assert response.status_code == 503
    assert "Treaty KB is temporarily unavailable" in response.content.decode()


def test_the_health_check_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_health_check_answers_503_when_the_database_does_not(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response["Retry-After"] == "30"


def test_the_health_check_costs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200


def test_a_load_balancer_may_probe_the_health_check_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # as production sets it
    assert client.get("/healthz").status_code == 200
    assert client.get("/treaties/").status_code == 301
