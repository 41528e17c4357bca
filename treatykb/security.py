"""Who is asking: the client address that login lockouts (django-axes) count failures against."""

from django.shortcuts import render

from common.clients import client_ip  # noqa: F401 (AXES_CLIENT_IP_CALLABLE names it here)


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
