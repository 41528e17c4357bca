"""Quotas of the API: how many requests a client may make in a window, counted in the cache.

A quota belongs to an API key (its own rate, e.g. 5,000 an hour) or, for a client without one,
to its address (``API_ANON_RATE``, e.g. 120 a minute). The window opens at the client's first
counted request and lasts the rate's period; a request over the quota is refused (429 with
``Retry-After``) until it closes. **A 304 Not Modified is not counted**: revalidating with
``If-None-Match`` or ``If-Modified-Since`` is free, so that polling politely costs nothing.

Every answer under a quota says where the client stands, in the IETF RateLimit header fields
(draft-ietf-httpapi-ratelimit-headers): ``RateLimit-Policy: "anonymous";q=120;w=60`` (the
quota: ``q`` requests in ``w`` seconds) and ``RateLimit: "anonymous";r=117;t=42`` (``r``
requests left, ``t`` seconds until the window closes).
"""

import dataclasses
import math
import re
import time

from django.core.cache import cache

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE_FORMAT = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")


@dataclasses.dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    @classmethod
    def parse(cls, text):
        """``"5000/hour"`` (second, minute, hour or day); None for an empty value; ValueError
        for anything else."""
        if text is None or not str(text).strip():
            return None
        match = RATE_FORMAT.match(str(text))
        if not match or int(match.group(1)) < 1:
            raise ValueError(
                f"'{text}' is not a rate: write requests/period, e.g. 5000/hour (period: "
                f"{', '.join(PERIODS)})."
            )
        return cls(int(match.group(1)), PERIODS[match.group(2)])


def now():
    return time.time()


@dataclasses.dataclass
class Quota:
    policy: str  # "key" or "anonymous": named in the headers
    rate: Rate
    ident: str  # whose quota: "key:<id>" or "ip:<address>"

    @property
    def _start_key(self):
        return f"treatykb:quota:{self.ident}:start"

    def _count_key(self, start):
        return f"treatykb:quota:{self.ident}:{start}"

    def state(self):
        """(requests counted in the current window, seconds until it closes)."""
        start = cache.get(self._start_key)
        moment = now()
        if start is None or moment >= start + self.rate.seconds:
            return 0, self.rate.seconds
        used = cache.get(self._count_key(start), 0)
        return used, max(1, math.ceil(start + self.rate.seconds - moment))

    def exhausted(self):
        used, _reset = self.state()
        return used >= self.rate.requests

    def count(self):
        """Count one request against the quota (opening a window if none is open)."""
        moment = now()
        start = cache.get(self._start_key)
        if start is None or moment >= start + self.rate.seconds:
            start = moment
            cache.set(self._start_key, start, timeout=self.rate.seconds + 1)
        key = self._count_key(start)
        cache.add(key, 0, timeout=self.rate.seconds + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=self.rate.seconds + 1)

    def headers(self):
        used, reset = self.state()
        remaining = max(0, self.rate.requests - used)
        return {
            "RateLimit-Policy": f'"{self.policy}";q={self.rate.requests};w={self.rate.seconds}',
            "RateLimit": f'"{self.policy}";r={remaining};t={reset}',
        }
