"""Settings for the test suite: the project's settings with test-only speed-ups."""

from treatykb.settings import *  # noqa: F403

# WhiteNoise serves collected files from STATIC_ROOT; the tests that need them collect into their
# own folder (tests/ops/test_static_files.py). The folder exists so that WhiteNoise, started
# with every test client, has nothing to warn about.
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# No quota for anonymous clients in tests (tests/api/test_quotas.py sets one for itself).
API_ANON_RATE = None

# The response cache and the data version are on, as in production (common/caching.py): every
# test starts with an empty cache (tests/conftest.py), and an edit must show at once.

# The benchmark's app (its synthetic data set, tests/perf/) is tested too.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405

# django-axes stays on; only Client.login() (no request) is let through uncounted.
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.AxesBackendForTestClient",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405
]

# A read replica that mirrors the primary, so that reads are routed as in production
# (treatykb/routers.py). Tests run inside a transaction on the primary, and reads inside a
# transaction go to the primary; a transactional test (``transaction=True``) reads from the
# replica alias and must allow it:
# ``django_db(transaction=True, databases=["default", "replica"])``.
DATABASES = {  # noqa: F405
    **DATABASES,  # noqa: F405
    "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}},  # noqa: F405
}
