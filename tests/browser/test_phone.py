"""Every page kind read on a phone (390 px, and the narrowest common one, 320 px): nothing is wider
than the screen, so nothing scrolls sideways, and no text is squeezed into a sliver (the article
whose unnumbered paragraphs once fell to one word per line; profiles 638 px wide because of a
source address). Tables may scroll inside their own box; the page may not."""

import re
import time

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from .conftest import ADMIN

PAGES = [
    "/",
    "/treaties/",
    "/treaties/palermo-protocol/",
    "/treaties/coe-convention/",
    "/treaties/asean-actip/",
    "/treaties/palermo-protocol/articles/3/",
    "/treaties/coe-convention/articles/26/",
    "/treaties/palermo-protocol/articles/15/",
    "/treaties/palermo-protocol/articles/15/?kind=declaration&sort=-date",
    "/treaties/asean-actip/articles/18/",
    "/countries/",
    "/countries/CZ/",
    "/countries/US/",
    "/countries/EU/",
    "/pillars/",
    "/pillars/protection/",
    "/search/",
    "/search/?q=victims",
    "/search/?q=zzzzqqq",
    "/compare/",
    "/compare/?subject=non-punishment",
    "/compare/?treaty=palermo-protocol&treaty=coe-convention#non-punishment",
    "/matrix/",
    "/matrix/?membership=coe&not_party_to=palermo-protocol",
    "/data/",
    "/api/v1/docs/",
    "/api/v1/",
    ADMIN + "login/",
]
WIDTHS = [390, 320]

# A block of text (at least MIN_CHARS characters that a reader sees) narrower than MIN_WIDTH
# pixels holds a dozen characters a line or fewer: squeezed.
MIN_CHARS = 40
MIN_WIDTH = 100

MEASURE = """([minChars, minWidth]) => {
  const root = document.documentElement;
  const hidden = (el) => {
    if (!el.checkVisibility({visibilityProperty: true})) return true;  // in a closed <details>
    for (let a = el; a; a = a.parentElement) {
      const box = a.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1 || getComputedStyle(a).visibility === "hidden") {
        return true;
      }
    }
    return false;
  };
  const squeezed = [];
  const blocks = "p, li, dt, dd, blockquote, td, th, h1, h2, h3, h4, label, legend, summary";
  for (const el of document.querySelectorAll(blocks)) {
    if (hidden(el)) continue;
    const copy = el.cloneNode(true);
    copy.querySelectorAll(".visually-hidden, [hidden]").forEach((x) => x.remove());
    const text = copy.textContent.replace(/\\s+/g, " ").trim();
    const width = el.getBoundingClientRect().width;
    if (text.length >= minChars && width < minWidth) {
      const name = `${el.tagName.toLowerCase()}.${el.className}`;
      squeezed.push(`${name} ${Math.round(width)}px: ${text.slice(0, 50)}`);
    }
  }
  const scrollWidth = root.scrollWidth;
  return {scrollWidth, viewport: root.clientWidth, squeezed: squeezed.slice(0, 5)};
}"""


def measure(page):
    return page.evaluate(MEASURE, [MIN_CHARS, MIN_WIDTH])


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def phone(request, browser, site):
    width = request.param
    context = browser.new_context(
        base_url=site, viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.width = width
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_a_phone_without_squeezed_text(phone, path):
    response = phone.goto(path)
    assert response.status == 200
    found = measure(phone)
    assert found["viewport"] == phone.width
    assert found["scrollWidth"] <= phone.width, f"{path} is {found['scrollWidth']} px wide"
    assert found["squeezed"] == [], path


def test_the_not_found_page_fits_a_phone(phone):
    # The test site runs with DEBUG (Django's own 404 page); the product's page is rendered here
    # and shown on the site, with its stylesheet, as a reader gets it in production.
    html = render_to_string(
        "404.html", {"request_path": "/treaties/palermo-protocol/articles/" + "9" * 60 + "/"}
    )
    phone.goto("/")
    phone.set_content(html)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Page not found")
    found = measure(phone)
    assert found["scrollWidth"] <= phone.width
    assert found["squeezed"] == []


@pytest.mark.parametrize(
    "path", ["/treaties/palermo-protocol/articles/3/", "/treaties/coe-convention/articles/26/"]
)
def test_an_unnumbered_paragraph_takes_the_full_width(phone, path):
    phone.goto(path)
    text = phone.locator(".article__text")
    body = phone.locator(".article__text .unit--unnumbered > .unit__body").first
    assert body.bounding_box()["width"] >= text.bounding_box()["width"] - 2


def test_the_timeline_keeps_each_action_on_its_date_line(phone):
    phone.goto("/countries/CZ/")
    first = phone.locator(".timeline__list li").first
    date, event = first.locator(".timeline__date"), first.locator(".timeline__event")
    expect(event).to_contain_text(": Signature")
    # One column on a phone: the action sits under its date, whole ("UNTOC: Signature"), not
    # split into a link on one line and ": Signature" on the next.
    assert event.bounding_box()["y"] >= date.bounding_box()["y"]
    assert event.evaluate("el => el.getClientRects().length") == 1
    assert first.locator(":scope > *").count() == 2


def test_the_matrix_filters_fold_away_on_a_phone(phone):
    phone.goto("/matrix/")
    filters = phone.locator("details.filters-disclosure")
    expect(filters).not_to_have_attribute("open", re.compile(".*"))
    table_top = phone.locator("table.matrix").bounding_box()["y"]
    assert table_top < 900, f"the matrix starts {table_top} px down"
    filters.locator("summary").click()
    phone.get_by_label("Member of").select_option("coe")
    phone.get_by_role("button", name="Filter").click()
    expect(phone).to_have_url(re.compile(r"membership=coe"))
    # A filtered view shows its filters open, so the reader sees what was chosen.
    expect(phone.locator("details.filters-disclosure")).to_have_attribute("open", "")
    assert measure(phone)["scrollWidth"] <= phone.width


def test_compare_shows_one_subject_at_a_time_on_a_phone(phone):
    phone.goto("/compare/")
    rows = phone.locator(".compare-table tbody > tr")
    assert rows.count() > 20
    visible = [i for i in range(rows.count()) if rows.nth(i).is_visible()]
    assert visible == [0]
    first = rows.nth(0)
    second_name = rows.nth(1).locator("th a").first.inner_text()
    first.get_by_role("link", name=re.compile("next subject")).click()
    expect(phone).to_have_url(re.compile(r"/compare/#"))
    expect(first).to_be_hidden()
    expect(rows.nth(1)).to_be_visible()
    expect(rows.nth(1).locator("th a").first).to_have_text(second_name)
    # The page is one subject long, not 27,000 px.
    assert phone.evaluate("document.documentElement.scrollHeight") < 6000


def test_compare_picks_a_subject_with_the_picker(phone):
    phone.goto("/compare/")
    phone.get_by_label("Subject").select_option("non-punishment")
    phone.get_by_role("button", name="Compare").click()
    expect(phone).to_have_url(re.compile(r"subject=non-punishment"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Non-punishment")
    expect(phone.locator(".compare-table tbody > tr")).to_have_count(1)
    expect(phone.locator('td[data-label="ACTIP"]')).to_contain_text("Art. 14")


@pytest.mark.parametrize("path", ["/matrix/", "/countries/"])
def test_the_filters_fold_before_the_first_paint_so_nothing_moves(phone, path):
    # site.js arrives late (a slow network): the page is painted before it runs.
    def late(route):
        time.sleep(0.6)
        route.continue_()

    phone.route("**/js/site*.js", late)
    phone.add_init_script(
        """window.__shifts = 0;
        new PerformanceObserver(list => list.getEntries().forEach(entry => {
            if (!entry.hadRecentInput) window.__shifts += entry.value;
        })).observe({type: "layout-shift", buffered: true});"""
    )
    phone.goto(path)
    expect(phone.locator("details.filters-disclosure")).not_to_have_attribute(
        "open", re.compile(".*")
    )
    phone.wait_for_timeout(300)
    assert phone.evaluate("window.__shifts") < 0.01
    assert not phone.locator(".participant-filters").is_visible()
    phone.locator("details.filters-disclosure > summary").click()
    expect(phone.locator(".participant-filters")).to_be_visible()


def test_without_javascript_the_filters_stay_shown_on_a_phone(browser, site):
    context = browser.new_context(
        base_url=site, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.goto("/matrix/")
    expect(page.locator(".participant-filters")).to_be_visible()
    context.close()
