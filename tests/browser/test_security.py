"""The Content-Security-Policy breaks nothing: every main page, the API docs and the admin run
in a real browser without a single violation (Chromium logs each one as "Refused to ...")."""

import pytest
from playwright.sync_api import expect

from .conftest import ADMIN, PASSWORD

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def is_csp_report(message):
    text = message.text
    return message.type == "error" and (
        "Refused to" in text
        or "Content Security Policy" in text
        or "Content-Security-Policy" in text
    )


@pytest.fixture
def watched(page):
    """The page, with every CSP violation (as logged and as reported to the page) and every
    uncaught script error collected in ``page.problems``."""
    page.problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console", lambda message: is_csp_report(message) and page.problems.append(message.text)
    )
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page


def violations(page):
    return page.problems + page.evaluate("window.__cspViolations || []")


PAGES = {
    "/": "against human trafficking",
    "/treaties/": None,
    "/treaties/untoc/#participation-map": None,
    "/treaties/palermo-protocol/articles/6/": None,
    "/countries/": None,
    "/countries/DE/": "Germany",
    "/matrix/": None,
    "/pillars/": None,
    "/pillars/protection/": None,
    "/compare/?left=palermo-protocol&right=coe-convention": None,
    "/search/?q=victims": None,
    "/data/": None,
}


@pytest.mark.parametrize("path", PAGES)
def test_the_main_pages_run_without_csp_violations(watched, path):
    response = watched.goto(path)
    assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
    watched.wait_for_load_state("networkidle")
    if PAGES[path]:
        expect(watched.get_by_role("heading", level=1)).to_contain_text(PAGES[path])
    assert violations(watched) == []


def test_the_map_and_its_controls_work_under_the_csp(watched):
    watched.goto("/treaties/untoc/#participation-map")
    slider = watched.locator("#map-year")
    expect(slider).to_be_visible()  # shown by static/js/map.js
    slider.fill("2002")
    expect(watched.locator("[data-map-date]")).to_have_text("31 December 2002")
    expect(watched.locator("#parties-chart svg rect").last).to_be_visible()
    assert violations(watched) == []


def test_the_api_docs_run_under_the_csp(watched):
    watched.goto("/api/v1/docs/")
    expect(watched.locator(".swagger-ui .info .title")).to_contain_text("Treaty KB API")
    operation = watched.locator(".opblock-summary-path", has_text="/api/v1/treaties/").first
    operation.click()
    watched.get_by_role("button", name="Try it out").click()
    watched.get_by_role("button", name="Execute").click()
    status = watched.locator(".live-responses-table .response .response-col_status")
    expect(status).to_contain_text("200")
    assert violations(watched) == []


def test_the_browsable_api_runs_under_the_csp(watched):
    watched.goto("/api/v1/treaties/")
    expect(watched.locator(".request-info")).to_contain_text("GET /api/v1/treaties/")
    watched.locator(".format-selection .dropdown-toggle").click()  # the format menu (bootstrap)
    expect(watched.locator(".format-selection .format-option", has_text="json")).to_be_visible()
    assert violations(watched) == []


def test_the_admin_runs_under_the_csp(watched):
    watched.goto(ADMIN)
    watched.get_by_label("Username").fill("editor")
    watched.get_by_label("Password").fill(PASSWORD)
    watched.get_by_role("button", name="Log in").click()
    expect(watched.get_by_role("heading", name="Site administration")).to_be_visible()
    watched.goto(f"{ADMIN}treaties/ratification/?q=FR")
    expect(watched.locator("#result_list")).to_be_visible()
    watched.goto(f"{ADMIN}treaties/ratification/add/")
    watched.locator("#id_participant + .select2").click()  # autocomplete (select2)
    watched.locator(".select2-search__field").fill("Fran")
    expect(watched.locator(".select2-results__option", has_text="France")).to_be_visible()
    watched.keyboard.press("Escape")
    watched.locator("#id_consent_on").locator("xpath=..").get_by_role(
        "link", name="Today"
    ).click()  # the date shortcuts (DateTimeShortcuts.js)
    expect(watched.locator("#id_consent_on")).not_to_have_value("")
    # The editors' own pages: import with its preview form, deletions, a record's history.
    watched.goto(f"{ADMIN}treaties/ratification/import/")
    expect(watched.locator("input[type=file]")).to_be_visible()
    watched.goto(f"{ADMIN}treaties/ratification/deleted/")
    expect(watched.locator("#content")).to_be_visible()
    watched.goto(f"{ADMIN}treaties/ratification/?q=FR")
    watched.locator("#result_list tbody tr a").first.click()
    watched.get_by_role("link", name="History").click()
    expect(watched.locator("#change-history")).to_be_visible()
    assert violations(watched) == []
