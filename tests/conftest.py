import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from catalogue.loader import load


@pytest.fixture(scope="module")
def real_data(django_db_setup, django_db_blocker):
    """The shipped data set, loaded once per test module inside a transaction that is rolled
    back at the end of the module (tests using ``db`` nest their own savepoints in it)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            report = load(settings.TREATYKB_FIXTURES_DIR)
            yield report
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: cached aggregates are keyed by a data version
    that a rolled-back transaction does not restore."""
    cache.clear()
    yield
    cache.clear()
