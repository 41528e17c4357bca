"""Property-based fuzzing of every read operation from the API's own OpenAPI schema, on the
shipped data: whatever the generated parameters, never a server error, and every response
conforms to the schema.

Driven through hypothesis directly (one strategy per operation, from schemathesis) against the
WSGI application, inside the test database; schemathesis's own pytest plugin does not run under
the pytest release pinned here.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from treatykb.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction on PostgreSQL; keep it open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def read_operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    operations = [result.ok() for result in schema.include(method="GET").get_all_operations()]
    assert len(operations) >= 12
    return operations


def test_every_read_operation_survives_fuzzing_and_matches_its_schema(
    real_data, keep_test_connection
):
    checked = []
    for operation in read_operations():

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case):
            # The WSGI transport asks for gzip but does not decompress (HTTP clients do):
            # bodies are checked uncompressed; compression has its own tests.
            case.headers = {
                **(case.headers or {}),
                "Host": "localhost",
                "Accept-Encoding": "identity",
            }
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        fuzz()
        checked.append(operation.label)
    assert "GET /api/v1/ratifications/" in checked
