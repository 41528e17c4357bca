"""A real PostgreSQL outage, and a slow database, seen by a running gunicorn: readers get the
503 (page or JSON) while the database is away or a query runs past the statement timeout,
except for pages already in the page cache, and the same server process answers 200 again as
soon as the database is back, without a restart.

The server runs in its own process on a copy of the test database, in the same PostgreSQL
cluster as the suite's; the test stops and restarts that cluster with ``scripts/pg-cluster``,
so it needs to control it: ``PGPORT`` (and ``PGCLUSTER_DIR``, if not the script's default) must
name the cluster the suite runs on, as ``.ci/run`` and ``make test-postgres`` set them.
Otherwise it is skipped."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
PG_CLUSTER = ROOT / "scripts" / "pg-cluster"
STATEMENT_TIMEOUT_MS = 500

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    # Transactional: the suite's own connection is idle (not inside a test transaction) when
    # the cluster stops, and the test database is set up even when this module runs alone.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def controllable_cluster():
    """(port, data directory) of the suite's cluster if this test may stop it, else skip."""
    params = connection.settings_dict
    port = os.environ.get("PGPORT", "")
    if not port:
        pytest.skip("PGPORT is not set: cannot tell which cluster to stop (see .ci/run)")
    directory = Path(os.environ.get("PGCLUSTER_DIR") or f"/tmp/treatykb-pg-{port}")
    if str(params["PORT"]) != port or params["HOST"] not in ("127.0.0.1", "localhost"):
        pytest.skip(f"the suite's database is not the local cluster on port {port}")
    if not (directory / "PG_VERSION").is_file():
        pytest.skip(f"no cluster at {directory} (PGCLUSTER_DIR)")
    if os.getuid() != 0 and directory.stat().st_uid != os.getuid():
        pytest.skip(f"the cluster at {directory} belongs to another user")
    return port, directory


def pg_cluster(command, port, directory):
    env = {**os.environ, "PGPORT": port, "PGCLUSTER_DIR": str(directory)}
    subprocess.run([str(PG_CLUSTER), command], env=env, check=True, capture_output=True)


def admin_connection(dbname="postgres"):
    params = connection.settings_dict
    conn = psycopg2.connect(
        dbname=dbname,
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"],
    )
    conn.autocommit = True
    return conn


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    """(status, headers, body) without raising on an error status."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def server_database():
    """A migrated database of its own in the suite's cluster: a copy of the (migrated) test
    database, or, if that is busy, a freshly migrated one."""
    test_database = connection.settings_dict["NAME"]
    name = f"{test_database}_served"
    connections.close_all()
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        try:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_database}"')
            copied = True
        except psycopg2.errors.ObjectInUse:
            cursor.execute(f'CREATE DATABASE "{name}"')
            copied = False
    params = connection.settings_dict
    url = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{name}"
    if not copied:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "treatykb.settings"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
    yield url
    admin = admin_connection()  # the cluster was restarted: a new connection
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def server(server_database, tmp_path):
    """A gunicorn worker serving Treaty KB from ``server_database`` (one worker, so every
    request reuses the same persistent database connection, as in production)."""
    port = free_port()
    config = tmp_path / "gunicorn.conf.py"
    config.write_text("")  # not the project's: this test sets everything it needs
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "treatykb.settings",
        "TREATYKB_ENV": "development",
        "DEBUG": "0",
        "DATABASE_URL": server_database,
        "DATABASE_CONNECT_TIMEOUT": "2",
        "DATABASE_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT_MS),
        "CONN_MAX_AGE": "600",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(config),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "treatykb.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("gunicorn did not start")
        time.sleep(0.1)
    yield base, process
    process.terminate()
    process.wait(timeout=10)


def assert_unavailable(base):
    # An address no one asked for yet: the page cache cannot answer it (see below for one it can).
    status, headers, page = fetch(f"{base}/treaties/?page=1&asked={uuid.uuid4().hex}")
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Treaty KB is temporarily unavailable" in page
    assert "Traceback" not in page and "psycopg2" not in page
    status, headers, body = fetch(f"{base}/api/v1/treaties/")
    assert status == 503
    assert headers["Content-Type"] == "application/problem+json"  # RFC 9457, as every API error
    assert headers["Retry-After"] == "30"
    problem = json.loads(body)
    assert problem["status"] == 503
    assert problem["detail"].startswith("The service is temporarily unavailable")


def assert_available(base):
    assert fetch(f"{base}/treaties/")[0] == 200
    assert fetch(f"{base}/api/v1/treaties/")[0] == 200
    assert fetch(f"{base}/healthz")[0] == 200


def test_a_database_outage_gives_503s_and_the_site_recovers_without_a_restart(server):
    port, directory = controllable_cluster()
    base, process = server
    assert_available(base)
    try:
        pg_cluster("stop", port, directory)
        assert_unavailable(base)
        assert fetch(f"{base}/healthz")[0] == 503
        # A page cached before the outage is still served: no edit can happen meanwhile.
        status, _, page = fetch(f"{base}/treaties/")
        assert status == 200 and "temporarily unavailable" not in page
    finally:
        pg_cluster("start", port, directory)
        connections.close_all()  # the suite's own connections died with the cluster
    assert_available(base)
    assert process.poll() is None  # the same server process, never restarted


def test_a_query_past_the_statement_timeout_gives_503s_not_a_hung_worker(server, server_database):
    base, process = server
    assert_available(base)
    # Another session holds a lock that every read of the treaties waits for.
    blocker = admin_connection(server_database.rsplit("/", 1)[1])
    blocker.autocommit = False
    with blocker.cursor() as cursor:
        cursor.execute("LOCK TABLE treaties_treaty IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        assert_unavailable(base)
        assert time.monotonic() - started < 10 * STATEMENT_TIMEOUT_MS / 1000
    blocker.rollback()
    blocker.close()
    assert_available(base)
