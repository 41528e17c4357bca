"""Browser tests: Playwright drives Debian's Chromium against the real site.

The site runs in its own process (``manage.py runserver``) on a throw-away SQLite database with
the full data set, set up once per test session, so pages are exercised exactly as a researcher
gets them after ``make run``. Browser tests are marked ``browser`` (``make test-browser``).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


PASSWORD = "browser-test-password-42"
# Where the site under test serves the admin (ADMIN_URL, "admin/" unless set), e.g. "/admin/".
ADMIN = "/" + settings.ADMIN_URL
# The accounts of the editorial roles: 'editor' publishes directly (a trusted editor),
# 'proposer' proposes (an editor), 'reviewer' approves and rejects.
CREATE_EDITOR = (
    "from django.contrib.auth.models import Group, User\n"
    "for name, group in [('editor', 'Trusted editors'), ('proposer', 'Editors'), "
    "('reviewer', 'Reviewers')]:\n"
    f"    user = User.objects.create_user(name, password='{PASSWORD}', is_staff=True)\n"
    "    user.groups.add(Group.objects.get(name=group))\n"
)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Base URL of a running Treaty KB with the full data set (and an admin account
    ``admin`` / ``browser-test-password-42``, and with the same password an ``editor`` in the
    Trusted editors group, a ``proposer`` in the Editors group and a ``reviewer`` in the
    Reviewers group)."""
    database = tmp_path_factory.mktemp("site") / "site.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "treatykb.settings",
        "TREATYKB_ENV": "development",
        "DEBUG": "1",
        "DJANGO_SUPERUSER_PASSWORD": "browser-test-password-42",
        "ADMIN_URL": settings.ADMIN_URL,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_treaty_data"],
        ["createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.org"],
        ["shell", "-c", CREATE_EDITOR],
    ):
        subprocess.run(manage + command, env=env, check=True, cwd=ROOT, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        manage + ["runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the test site did not start") from None
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
