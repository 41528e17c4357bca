"""The site on a shared Redis cache (``CACHE_URL=redis://...``), as production runs it: pages
render, the data version an edit bumps is seen by every other process, and cached pages are
served from Redis. Each test module starts its own throw-away ``redis-server``."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import caching
from tests.factories import ParticipantFactory, RatificationFactory, TreatyFactory
from treatykb.settings import cache_config

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
)

if REDIS_SERVER is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the Redis tests: install redis-server (see .ci/run).")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)"
    ),
    pytest.mark.django_db,
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def redis_cache(settings, redis_url):
    """The test's cache is the Redis at ``CACHE_URL``, configured as settings configure it."""
    settings.CACHES = {"default": cache_config(redis_url)}
    raw = redis.Redis.from_url(redis_url)
    raw.flushdb()
    yield raw
    raw.flushdb()


def version_seen_by_another_process(redis_url):
    """The data version as a separate Python process with ``CACHE_URL`` set reads it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "treatykb.settings",
        "CACHE_URL": redis_url,
        "TREATYKB_ENV": "development",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from common.caching import data_version; "
            "print(data_version())",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def treaty():
    treaty = TreatyFactory(slug="untoc", short_title="UNTOC")
    RatificationFactory(treaty=treaty, participant=ParticipantFactory(code="FR", name="France"))
    return treaty


@pytest.mark.parametrize("url", ["/", "/treaties/", "/treaties/untoc/", "/matrix/", "/countries/"])
def test_pages_render_with_the_redis_cache(client, redis_cache, treaty, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "UNTOC" in response.content.decode()


def test_an_edit_bumps_the_data_version_that_other_processes_see(redis_cache, redis_url, treaty):
    before = caching.data_version()
    assert version_seen_by_another_process(redis_url) == before
    treaty.short_title = "Organized Crime Convention"
    treaty.save()
    after = caching.data_version()
    assert after != before
    assert version_seen_by_another_process(redis_url) == after


def test_the_cached_home_page_is_served_from_redis(
    client, redis_cache, treaty, django_assert_num_queries
):
    first = client.get("/")
    page_keys = redis_cache.keys("treatykb:*page:home*")
    assert len(page_keys) == 1
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.content == first.content
    # It is Redis's copy that is served: once Redis no longer has it, the page is rebuilt.
    redis_cache.delete(*page_keys)
    with CaptureQueriesContext(connection) as rebuilt:
        third = client.get("/")
    assert third.status_code == 200
    assert len(rebuilt) > 0
    assert len(redis_cache.keys("treatykb:*page:home*")) == 1


def test_an_edit_shows_at_once_on_the_cached_home_page(client, redis_cache, treaty):
    assert "UNTOC" in client.get("/").content.decode()
    treaty.short_title = "Organized Crime Convention"
    treaty.save()
    assert "Organized Crime Convention" in client.get("/").content.decode()


def test_the_site_keeps_working_when_redis_is_down(client, settings, treaty):
    settings.CACHES = {"default": cache_config(f"redis://127.0.0.1:{free_port()}/0")}
    response = client.get("/")
    assert response.status_code == 200
    assert "UNTOC" in response.content.decode()
