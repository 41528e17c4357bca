"""Two outside judges of every page kind: the W3C Nu HTML checker and axe-core.

Both come from npm, pinned in ``tools/judges/package-lock.json`` and installed there by
``scripts/ensure-judges`` (run by ``make test`` and ``make test-browser``, and by ``.ci/run``):
``vnu-jar`` runs with Debian's Java, and ``axe-core`` is evaluated in the page by Playwright
(through the DevTools protocol, so the site's Content-Security-Policy stays on). Where Java or the
packages are missing the tests say so and skip, except in CI (``CI`` set), where they fail.
"""

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
JUDGES = ROOT / "tools" / "judges" / "node_modules"
VNU_JAR = JUDGES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = JUDGES / "axe-core" / "axe.min.js"
JAVA = os.environ.get("JAVA") or shutil.which("java") or "/usr/bin/java"

# WCAG 2.2 AA: the success criteria of levels A and AA of WCAG 2.0, 2.1 and 2.2.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Every kind of page a reader (or an API client's browser, or an editor) can land on. The error
# pages are rendered in-process (the test site runs with DEBUG on, which shows Django's debug
# page instead) and served at their address through Playwright.
PAGE_KINDS = {
    "home": "/",
    "treaty-list": "/treaties/",
    "treaty-untoc": "/treaties/untoc/",
    "treaty-palermo-protocol": "/treaties/palermo-protocol/",
    "treaty-coe-convention": "/treaties/coe-convention/",
    "treaty-asean-actip": "/treaties/asean-actip/",
    "treaty-as-of": "/treaties/palermo-protocol/?as_of=2010-01-01",
    "treaty-filtered": "/treaties/untoc/?region=Europe&status=party&sort=-consent",
    "article-with-statements": "/treaties/palermo-protocol/articles/15/",
    "article-coe": "/treaties/coe-convention/articles/26/",
    "article-actip": "/treaties/asean-actip/articles/14/",
    "participant-list": "/countries/",
    "profile-state": "/countries/CZ/",
    "profile-eu": "/countries/EU/",
    "pillar-list": "/pillars/",
    "pillar": "/pillars/protection/",
    "search-form": "/search/",
    "search-hits": "/search/?q=compensation",
    "search-none": "/search/?q=zzyzx",
    "search-suggestions": "/search/?q=trafficing+victims",
    "search-elsewhere": "/search/?q=extradition&treaty=palermo-protocol",
    "compare": "/compare/",
    "matrix": "/matrix/",
    "data": "/data/",
    "release-missing": "/data/download/treatykb-2001-01-01.zip",
    "api-root": "/api/v1/",
    "api-list": "/api/v1/treaties/",
    "api-docs": "/api/v1/docs/",
    "login": f"/{settings.ADMIN_URL}login/",
    "not-found": "/no-such-page/",
}
ERROR_PAGES = {"not-found"}
# What shows that a page built by script is ready to be judged.
READY = {"api-docs": ".swagger-ui .opblock"}
# Page kinds whose status is not 200.
STATUS = {"release-missing": 404, "not-found": 404}


def require(path, what, install):
    """Skip (fail in CI) when a judge is missing, saying how to install it."""
    if Path(path).exists():
        return
    message = f"{what} is missing ({path}): {install}"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the {what}: {message}", pytrace=False)
    pytest.skip(f"NOT RUN: {message}")


def require_vnu():
    require(JAVA, "Java for the Nu HTML checker", "apt-get install default-jre-headless")
    require(VNU_JAR, "Nu HTML checker (vnu-jar)", "run scripts/ensure-judges (npm ci)")


def require_axe():
    require(AXE_JS, "axe-core", "run scripts/ensure-judges (npm ci)")


def error_page_html(name, path):
    """The error page as production serves it (DEBUG off): Django's own handler and template."""
    from django.test import RequestFactory
    from django.views.defaults import page_not_found

    request = RequestFactory().get(path)
    assert name == "not-found"
    response = page_not_found(request, Exception("no such page"))
    assert response.status_code == 404
    return response.content.decode()


def fetch(site, name, path):
    """(status, HTML) of a page kind as the site serves it to a browser."""
    if name in ERROR_PAGES:
        return 404, error_page_html(name, path)
    request = urllib.request.Request(site + path, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def run_vnu(documents, workdir):
    """The Nu checker's messages for each of ``documents`` ({name: html}), one JVM for all."""
    files = {}
    for name, html in documents.items():
        path = workdir / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path.resolve())] = name
    result = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    messages = {name: [] for name in documents}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        name = files.get(unquote(urlparse(message.get("url", "")).path))
        if name is None:  # a message about the run itself (e.g. a file it could not read)
            raise AssertionError(f"the Nu checker could not check a page: {message}")
        messages[name].append(message)
    return messages


def describe_vnu(message):
    where = f"line {message.get('lastLine', '?')}"
    extract = (message.get("extract") or "").strip().replace("\n", " ")
    return f"{where}: {message['message']}  [{extract[:120]}]"


def run_axe(page):
    """axe-core's WCAG 2.2 AA violations on the page as a reader sees it: scrolled through once
    first, so that sections laid out only near the viewport (``content-visibility: auto``, the
    treaty page's participation section) stand at their real size, not their placeholder's, when
    axe measures where targets are."""
    page.evaluate(
        """async () => {
            const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
            for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
                scrollTo(0, y);
                await frame();
            }
            scrollTo(0, 0);
            await frame();
        }"""
    )
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags},
                                        resultTypes: ["violations"]})
                  .then(results => results.violations.map(v => ({
                      id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                                summary: n.failureSummary}))})))""",
        WCAG_AA_TAGS,
    )


def describe_axe(violation):
    nodes = "; ".join(
        f"{node['target']} ({(node['summary'] or '').splitlines()[-1].strip()})"
        for node in violation["nodes"][:5]
    )
    more = len(violation["nodes"]) - 5
    return f"{violation['id']} ({violation['impact']}): {violation['help']}: {nodes}" + (
        f" … and {more} more" if more > 0 else ""
    )
