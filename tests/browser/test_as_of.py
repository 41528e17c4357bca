"""As at a date means the whole page, in the browser (issue 17): the title, the header's
figures and the banner say the date; the map's year slider changes them together with the map;
the page as at today has no banner."""

import re

from playwright.sync_api import expect


def parties_in_header(page):
    return page.locator(".treaty-meta dt", has_text="Parties").locator("xpath=..").locator("dd")


def status_in_table(page, name):
    row = page.locator(".participants-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=name, exact=True)
    )
    return row.locator(".status-badge")


def test_untoc_as_at_a_date_says_so_everywhere_and_the_slider_moves_it_all(page):
    page.goto("/treaties/untoc/?as_of=2010-01-01")
    expect(page).to_have_title("UNTOC as at 1 January 2010 – Treaty KB")
    banner = page.locator("#as-of-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("This page shows the past")
    expect(banner).to_contain_text("1 January 2010")
    header = parties_in_header(page)
    expect(header).to_contain_text("at least 152, up to 158")
    expect(page.locator(".treaty-meta dt", has_text="Parties")).to_contain_text(
        "as at 1 January 2010"
    )
    expect(page.locator("[data-map-date]")).to_have_text("1 January 2010")

    page.locator("#map-year").fill("2002")
    expect(page.locator("[data-map-date]")).to_have_text("31 December 2002")
    expect(page).to_have_title("UNTOC as at 31 December 2002 – Treaty KB")
    expect(banner).to_contain_text("31 December 2002")
    expect(header).to_contain_text("at least 28, up to 34")
    summary = page.locator(".participation__summary")
    expect(summary).to_contain_text("As at 31 December 2002: at least 28, up to 34 parties")
    expect(summary).to_contain_text("the treaty itself entered into force on 29 September 2003")
    expect(page.locator("[data-map-count=party]")).to_have_text("28")
    expect(page.locator(".parties-chart__shown")).to_have_attribute("data-year", "2002")
    # The table's statuses move too: Albania ratified in 2002, Andorra in 2011.
    expect(status_in_table(page, "Andorra")).to_have_text("Signatory")
    expect(status_in_table(page, "Albania")).to_have_text("Party")
    csv = page.get_by_role("link", name=re.compile("as CSV"))
    expect(csv).to_have_attribute("href", re.compile(r"as_of=2002-12-31"))
    assert "as_of=2002-12-31" in page.url

    page.locator("#map-year").fill(page.locator("#map-year").get_attribute("max"))
    expect(banner).to_be_hidden()
    expect(page).to_have_title("UNTOC – Treaty KB")
    expect(header).to_have_text(re.compile(r"^193 \(consented to be bound"))
    expect(status_in_table(page, "Andorra")).to_have_text("Party")
    assert "as_of" not in page.url


def test_the_banner_links_back_to_today(page):
    page.goto("/treaties/coe-convention/?as_of=2008-12-31")
    convention = "Council of Europe Anti-Trafficking Convention"
    page.get_by_role("link", name=f"Show {convention} today").click()
    expect(page).to_have_url(re.compile(r"/treaties/coe-convention/$"))
    expect(page.locator("#as-of-banner")).to_be_hidden()
    expect(parties_in_header(page)).to_contain_text("48")


def test_the_page_as_at_today_has_no_banner(page):
    page.goto("/treaties/untoc/")
    expect(page.locator("#as-of-banner")).to_be_hidden()
    expect(page.get_by_text("This page shows the past")).to_be_hidden()
    expect(page).to_have_title("UNTOC – Treaty KB")
