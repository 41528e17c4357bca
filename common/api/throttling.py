from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """Anonymous clients, per IP address, at ``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon']``
    (``API_ANON_RATE`` in the environment; None turns it off). Read at request time, so a
    settings change applies without a restart of the class. Answered 429 with ``Retry-After``."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
