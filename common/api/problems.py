"""Every error of the API in one shape: RFC 9457 problem details (``application/problem+json``).

``{"type", "title", "status", "detail", "instance"}``, plus ``errors`` (field messages: each
parameter or field named, with a list of sentences) on a 400. Whatever the representation asked
for (JSON, CSV, the browsable view), an error is answered in this shape, by DRF's exception
handler (``common.api.exceptions``) for the endpoints, and by ``ProblemMiddleware`` for every
other error under ``/api/``: an unknown address, a feed of an unknown code, a failed
precondition on a read, the database being unavailable, a server error.

Each ``type`` is an address of this API (``/api/v1/problems/<name>/``) that answers with the
problem type's description, so a client can look up what a type means.
"""

import json
from http import HTTPStatus

from django.core.exceptions import DisallowedHost
from django.http import Http404, HttpResponse
from django.urls import reverse

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"

# name: (status, title, what it means). One entry per kind of problem the API answers with.
TYPES = {
    "invalid-request": (
        400,
        "Invalid request",
        "A query parameter, header or field is invalid, or unknown to the endpoint: 'errors' "
        "names each one with its messages (and the accepted values).",
    ),
    "unauthorized": (
        401,
        "Not authenticated",
        "A write without credentials, or an API key or token that is unknown or revoked.",
    ),
    "forbidden": (403, "Forbidden", "The account may not make this change."),
    "not-found": (
        404,
        "Not found",
        "No API endpoint, object or page at this address (a code or slug that does not exist, "
        "a page past the last).",
    ),
    "no-release": (
        404,
        "No release of that date",
        "A release is made only on the days the data changes: 'earlier' and 'later' name the "
        "nearest releases (date and url, or null).",
    ),
    "method-not-allowed": (
        405,
        "Method not allowed",
        "The address does not answer this HTTP method: the Allow header lists the ones it does.",
    ),
    "not-acceptable": (
        406,
        "Not acceptable",
        "No representation of the answer matches the Accept header: use application/json or "
        "text/csv.",
    ),
    "gone": (
        410,
        "Gone",
        "What the request asks for is no longer kept (changes older than their retention): "
        "'errors' says what to do instead.",
    ),
    "precondition-failed": (
        412,
        "Precondition failed",
        "The record has changed since the version named in If-Match (or since "
        "If-Unmodified-Since): read it again (its current ETag is in the answer) and redo the "
        "change.",
    ),
    "unsupported-media-type": (
        415,
        "Unsupported media type",
        "Send the request body as application/json.",
    ),
    "quota-exceeded": (
        429,
        "Too many requests",
        "The quota of the client (its API key, or its address when it has none) is used up: "
        "Retry-After says in how many seconds to try again, RateLimit and RateLimit-Policy "
        "describe the quota.",
    ),
    "server-error": (500, "Server error", "The server failed to answer; the error is logged."),
    "unavailable": (
        503,
        "Service unavailable",
        "The database cannot be reached or is too slow: retry after Retry-After seconds.",
    ),
}
BY_STATUS = {}
for _name, (_status, _title, _description) in TYPES.items():
    BY_STATUS.setdefault(_status, _name)


def type_uri(request, name):
    path = reverse("api:problem", kwargs={"name": name})
    try:
        return request.build_absolute_uri(path)
    except DisallowedHost:  # the 400 for a Host not allowed: the type relative to this site
        return path


def problem(request, status, detail, name=None, **extensions):
    """The problem document (a dict) for ``status``; ``name`` picks a type other than the
    status's usual one."""
    name = name or BY_STATUS.get(status)
    if name is None:  # a status with no type of its own: RFC 9457's plain HTTP problem
        uri, title = "about:blank", HTTPStatus(status).phrase
    else:
        uri, title = type_uri(request, name), TYPES[name][1]
    document = {
        "type": uri,
        "title": title,
        "status": status,
        "detail": str(detail),
        "instance": request.get_full_path(),
    }
    document.update(extensions)
    return document


def problem_response(request, status, detail, name=None, headers=None, **extensions):
    response = HttpResponse(
        json.dumps(problem(request, status, detail, name, **extensions)),
        status=status,
        content_type=MEDIA_TYPE,
    )
    for header, value in (headers or {}).items():
        response[header] = value
    return response


def is_problem(response):
    return response.get("Content-Type", "").startswith(MEDIA_TYPE)


GENERIC_DETAILS = {
    400: "The request is malformed.",
    403: "The request is refused.",
    404: "There is nothing at this address of the API: its root, /api/v1/, links to every "
    "endpoint.",
    405: "The address does not answer this method.",
    412: "The precondition of the request (If-Match or If-Unmodified-Since) does not hold: "
    "read the resource again (its current ETag is in the answer).",
    500: "The server failed to answer; the error is logged.",
}
# Headers of the original answer that its problem version keeps.
KEPT_HEADERS = (
    "Allow",
    "Retry-After",
    "ETag",
    "Last-Modified",
    "WWW-Authenticate",
    "Vary",
    "RateLimit",
    "RateLimit-Policy",
)


class ProblemMiddleware:
    """Under ``/api/``, an error answer that is not yet a problem document becomes one (the
    address unknown, Django's 404 or 500 page, a 412 from a conditional read), keeping the
    headers that matter (``KEPT_HEADERS``). An ``Http404`` raised by a view keeps its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or is_problem(response)
        ):
            return response
        detail = getattr(request, "_treatykb_not_found", None) or GENERIC_DETAILS.get(
            response.status_code, "The request failed."
        )
        extensions = {"errors": {}} if response.status_code == 400 else {}  # no field at fault
        replacement = problem_response(request, response.status_code, detail, **extensions)
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and request.path.startswith(API_PREFIX):
            message = str(exception)
            if message and not message.startswith("{"):
                request._treatykb_not_found = message
        return None


def problem_type_view(request, name):
    """``/api/v1/problems/<name>/``: what a problem type means (the ``type`` of an error)."""
    if name not in TYPES:
        return problem_response(
            request, 404, f"There is no problem type '{name}': the types are {', '.join(TYPES)}."
        )
    status, title, description = TYPES[name]
    document = {
        "type": type_uri(request, name),
        "title": title,
        "status": status,
        "description": description,
    }
    return HttpResponse(json.dumps(document), content_type="application/json")
