"""The API's quotas (``common.api.quotas``), applied to every answer under ``/api/``.

- ``X-API-Key: <key>``: the key's own quota (a key unknown or revoked is a 401 problem).
- Signed in (a session, or ``Authorization: Token …``: editors and scripts that write): none.
- Anyone else: the quota of the client's address (``API_ANON_RATE``; none when it is empty).

A request over its quota is a 429 problem with ``Retry-After``; a 304 is never counted; every
answer under a quota carries ``RateLimit`` and ``RateLimit-Policy``."""

from django.conf import settings

from common.api.problems import API_PREFIX, problem_response
from common.api.quotas import Quota, Rate
from common.clients import client_ip

from .models import ApiKey

KEY_HEADER = "X-API-Key"


def quota_for(request):
    """The quota ``request`` is counted against, None when it has none, or a 401 answer."""
    secret = request.headers.get(KEY_HEADER)
    if secret is not None:
        found = ApiKey.objects.holding(secret.strip())
        if found is None:
            return problem_response(
                request,
                401,
                f"The API key in {KEY_HEADER} is unknown or revoked: send a valid key, or none "
                "(reading needs no key).",
                headers={"WWW-Authenticate": KEY_HEADER},
            )
        pk, rate = found
        return Quota("key", Rate.parse(rate), f"key:{pk}")
    if request.headers.get("Authorization", "").startswith("Token ") or (
        request.user.is_authenticated
    ):
        return None
    rate = Rate.parse(settings.API_ANON_RATE)
    if rate is None:
        return None
    return Quota("anonymous", rate, f"ip:{client_ip(request)}")


class QuotaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX) or request.method == "OPTIONS":
            return self.get_response(request)
        quota = quota_for(request)
        if quota is None:
            return self.get_response(request)
        if not isinstance(quota, Quota):
            return quota  # the 401 for a bad key
        used, reset = quota.state()
        if used >= quota.rate.requests:
            response = problem_response(
                request,
                429,
                f"This client's quota ({quota.rate.requests} requests in "
                f"{quota.rate.seconds} seconds, {quota.policy}) is used up: retry in {reset} "
                "seconds. A free API key gives an organisation a larger quota of its own; "
                "conditional requests answered 304 are never counted.",
                headers={"Retry-After": str(reset)},
            )
        else:
            response = self.get_response(request)
            if response.status_code != 304:
                quota.count()
        for header, value in quota.headers().items():
            response[header] = value
        return response
