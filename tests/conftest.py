from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test.testcases import QuietWSGIRequestHandler

from catalogue.loader import load
from treaties.roles import sync_roles

BROWSER_TESTS = Path(__file__).parent / "browser"

# The live test server (Schemathesis's target) answers a kept-alive connection at once: with
# Nagle's algorithm on, the body of each answer waited for the client's delayed acknowledgement
# of its headers, 40 ms a request, and the fuzzer's thousands of requests spent minutes asleep.
QuietWSGIRequestHandler.disable_nagle_algorithm = True


def pytest_collection_modifyitems(config, items):
    """The tests on the shipped data set run after every other test but the browser tests, in
    their usual order, so that the data set is loaded once per session (``real_data``) and no
    other test sees it. The browser tests come last: they drive Chromium from an event loop
    that lives to the end of the session, and Django refuses database work under one."""
    on_real_data = [item for item in items if "real_data" in getattr(item, "fixturenames", ())]
    in_browser = [item for item in items if BROWSER_TESTS in Path(item.fspath).parents]
    moved = set(on_real_data) | set(in_browser)
    items[:] = [item for item in items if item not in moved] + on_real_data + in_browser


@pytest.fixture(scope="session")
def real_data(django_db_setup, django_db_blocker):
    """The shipped data set, loaded once per test session inside a transaction that is rolled
    back at its end (tests using ``db`` nest their own savepoints in it, so each test's writes
    are undone). The tests that use it run after every other test
    (``pytest_collection_modifyitems``)."""
    # Marked as a test case's block (as Django's TestCase marks its own): it stands for no
    # write's transaction (catalogue.changes lists each write of the tests inside it as its own).
    wrapper = transaction.atomic()
    wrapper._from_testcase = True
    with django_db_blocker.unblock():
        with wrapper:
            # The transactional tests before these emptied every table (the editorial groups
            # the migrations create, the content types) and left stale cached content types.
            ContentType.objects.clear_cache()
            sync_roles()
            report = load(settings.TREATYKB_FIXTURES_DIR)
            yield report
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: cached pages and aggregates are keyed by a data
    version that a rolled-back transaction does not restore."""
    cache.clear()
    yield
    cache.clear()
