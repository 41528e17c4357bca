"""Every page kind passes the outside judges: no error from the W3C Nu HTML checker on the
markup as served, and no WCAG 2.2 AA violation found by axe-core in the rendered page, on a
desktop and on a 390-px phone."""

import pytest

from .judges import (
    ERROR_PAGES,
    PAGE_KINDS,
    READY,
    STATUS,
    describe_axe,
    describe_vnu,
    error_page_html,
    fetch,
    require_axe,
    require_vnu,
    run_axe,
    run_vnu,
)

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def served(site):
    """Each page kind's status and HTML as the site serves it."""
    return {name: fetch(site, name, path) for name, path in PAGE_KINDS.items()}


@pytest.fixture(scope="session")
def nu_messages(served, tmp_path_factory):
    require_vnu()
    return run_vnu(
        {name: html for name, (_status, html) in served.items()},
        tmp_path_factory.mktemp("nu"),
    )


@pytest.mark.parametrize("name", PAGE_KINDS)
def test_the_nu_html_checker_finds_no_error(name, served, nu_messages):
    status, html = served[name]
    assert status == STATUS.get(name, 200), f"{PAGE_KINDS[name]}: {status}"
    assert html.lstrip().lower().startswith("<!doctype html>")
    errors = [m for m in nu_messages[name] if m["type"] in ("error", "non-document-error")]
    assert not errors, f"{PAGE_KINDS[name]}:\n" + "\n".join(map(describe_vnu, errors))


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGE_KINDS)
def test_axe_finds_no_wcag_2_2_aa_violation(name, viewport, browser, site):
    require_axe()
    context = browser.new_context(base_url=site, viewport=VIEWPORTS[viewport])
    try:
        page = context.new_page()
        path = PAGE_KINDS[name]
        if name in ERROR_PAGES:
            html = error_page_html(name, path)
            page.route(
                site + path,
                lambda route: route.fulfill(status=404, body=html, content_type="text/html"),
            )
        page.goto(path, wait_until="networkidle")
        if name in READY:
            page.locator(READY[name]).first.wait_for()
        violations = run_axe(page)
    finally:
        context.close()
    assert not violations, f"{path} ({viewport}):\n" + "\n".join(map(describe_axe, violations))


# The judges themselves: each must catch what the issue found, or a clean run would prove nothing.
BROKEN_PAGE = """<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>
<form action=""><label>Year <input type="range" id="y"><output for="y">2000</output></label></form>
<h2 role="status">48 parties</h2><a href="/x"><img src="/static/img/favicon.svg"></a>
<p style="color:#bbb;background:#fff">Faint text</p></main></body></html>"""


def test_the_nu_checker_reports_the_errors_the_issue_found(tmp_path):
    require_vnu()
    messages = run_vnu({"broken": BROKEN_PAGE}, tmp_path)["broken"]
    errors = " | ".join(m["message"] for m in messages if m["type"] == "error")
    assert "attribute “action” on element “form”: Must be non-empty" in errors
    assert "“label” element may contain at most one" in errors
    assert "Bad value “status” for attribute “role” on element “h2”" in errors


def test_axe_reports_violations_of_wcag_2_2_aa(browser, site):
    require_axe()
    context = browser.new_context(base_url=site)
    try:
        page = context.new_page()
        page.route(site + "/broken/", lambda route: route.fulfill(body=BROKEN_PAGE))
        page.goto("/broken/")
        found = {violation["id"] for violation in run_axe(page)}
    finally:
        context.close()
    assert {"image-alt", "link-name", "color-contrast"} <= found
