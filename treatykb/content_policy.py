"""django-csp's middleware, with the site's policy built once per process.

django-csp builds the Content-Security-Policy header on every response (the settings' directives
merged and joined, twice: the policy and the report-only policy), although on almost every
response nothing varies it: no nonce was asked for, and the view did not change the policy
(``csp_update``, ``csp_replace``, ``csp_exempt``...). That build was 9 % of the time of a
replayed API response or a 304 (``bench/profile_request.py``). This middleware keeps the
built header for those responses and leaves every other case to django-csp, unchanged.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view can set on its response to change the policy (csp.decorators).
VARYING = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)

_built = {}


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


def site_policy(report_only):
    """The header the settings give when nothing varies it ("" for none)."""
    if report_only not in _built:
        _built[report_only] = build_policy(**vars(PolicyParts()), report_only=report_only)
    return _built[report_only]


class SitePolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        varies = getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in VARYING
        )
        if varies or (settings.DEBUG and response.status_code in (404, 500)):
            return super().process_response(request, response)
        for header, name, report_only in (
            (HEADER, "CONTENT_SECURITY_POLICY", False),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
        ):
            policy = site_policy(report_only)
            prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (
                policy
                and header not in response
                and not request.path_info.startswith(tuple(prefixes))
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
