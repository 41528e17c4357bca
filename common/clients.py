"""Who is asking: the client's address, as login lockouts (django-axes) and the API's quota per
address (``common.api.quotas``) count it."""

from django.conf import settings


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
