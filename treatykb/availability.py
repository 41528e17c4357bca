"""What Treaty KB does when its database is down or too slow, and the health check.

A request that fails because the database cannot be reached, or because a query ran past
``DATABASE_STATEMENT_TIMEOUT``, gets a 503 with ``Retry-After`` instead of a 500 or a hung
worker: a plain page styled like the site (``templates/503.html``) or, under ``/api/``, a
problem document (``application/problem+json``, RFC 9457). Nothing about the error is shown; it
is logged. Django reconnects on the next request (``conn_health_checks``), so the site recovers
by itself when the database is back, without a restart.

``/healthz`` runs one query on the primary and answers 200 or 503 in JSON, for load balancers
and monitoring (docs/deploy.md, "Health checks").
"""

import logging
import sys

from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error

from common.api.problems import API_PREFIX, problem_response

logger = logging.getLogger("treatykb.availability")

RETRY_AFTER_SECONDS = 30
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
API_MESSAGE = (
    "The service is temporarily unavailable: its database cannot be reached or is too slow. "
    "Please retry later."
)


def is_unavailable_error(exc):
    return isinstance(exc, UNAVAILABLE_ERRORS)


def unavailable_response(request):
    """The 503 answer: a problem document under /api/, the site's page elsewhere. Rendered
    without the request's context processors, so it needs no database."""
    if request.path.startswith(API_PREFIX):
        response = problem_response(request, 503, API_MESSAGE)
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database connection failure or timeout raised by a view (or while rendering its
    template) into the 503 answer. Failures in other middleware reach ``server_error_view``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_unavailable_error(exception):
            return None
        logger.error(
            "Database unavailable: %s %s answered 503",
            request.method,
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        return unavailable_response(request)


def server_error_view(request):
    """``handler500``: the 503 answer when the error being handled is the database's (e.g. a
    middleware that reads the session while the database is down), the 500 page otherwise."""
    exception = sys.exc_info()[1]
    if is_unavailable_error(exception):
        return unavailable_response(request)
    return server_error(request)


@never_cache
def healthz(request):
    """200 ``{"status": "ok"}`` when the primary database answers one query, else 503."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check failed: %s", error)
        response = JsonResponse(
            {"status": "unavailable", "database": "unreachable", "detail": API_MESSAGE},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
