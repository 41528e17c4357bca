"""The benchmark's settings (``bench/run.py`` serves the app with them): the project's settings
plus two things and nothing else, an ``X-Query-Count`` header on every response and a constant
``/bench/floor/`` view (``bench.instrumentation``), and the ``bench`` app, whose
``generate_synthetic_data`` command builds the whole-collection data set. Never used in
production: only the benchmark sets ``DJANGO_SETTINGS_MODULE=bench.settings``."""

from treatykb.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
MIDDLEWARE = ["bench.instrumentation.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "bench.urls"
