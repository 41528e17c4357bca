"""Who is asking: the client address that login lockouts (django-axes) count failures against."""

from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    """The client's IP address.

    Without a proxy (``TRUSTED_PROXY_COUNT`` 0) it is ``REMOTE_ADDR``. Behind N proxies, each of
    which appends the address it received the request from to ``X-Forwarded-For``, it is the
    N-th address from the right: entries further left were written by the client and can be
    forged. A request with fewer entries than proxies did not come through them all, so its
    ``REMOTE_ADDR`` is used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a login attempt while its user name is locked out at this address: a page
    that says so and for how long (status 429, with ``Retry-After``), never the login form
    again with a misleading "wrong password"."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": minutes,
    }
    response = render(request, "admin/treatykb/locked_out.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
