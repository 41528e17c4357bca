"""Participation in a real browser: profile, map, stepping through time, CSV, quick questions."""

import csv
import re

from playwright.sync_api import expect


def test_a_participant_profile_from_a_lower_case_code(page):
    page.goto("/countries/de/")
    expect(page).to_have_url(re.compile(r"/countries/DE/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Germany")
    section = page.locator("#palermo-protocol")
    expect(section.get_by_role("heading", level=2)).to_contain_text("Party")
    expect(page.get_by_role("heading", name="Timeline of treaty actions")).to_be_visible()


def test_the_untoc_map_colours_the_parties(page):
    page.goto("/treaties/untoc/")
    parties = page.locator("#participation-map use.map-party")
    assert parties.count() > 100
    expect(page.locator("[data-map-count=party]")).to_have_text("193")
    expect(page.locator("#participation-map use.map-party").first).to_have_css(
        "fill", "rgb(31, 95, 168)"
    )


def test_stepping_the_map_back_in_time_changes_the_colours(page):
    page.goto("/treaties/untoc/#participation-map")
    today = page.locator("#participation-map use.map-party").count()
    slider = page.locator("#map-year")
    expect(slider).to_be_visible()
    slider.fill("2002")
    expect(page.locator("[data-map-date]")).to_have_text("31 December 2002")
    then = page.locator("#participation-map use.map-party").count()
    assert then < today / 2
    assert page.locator("#participation-map use.map-signatory").count() > 50
    assert "as_of=2002-12-31" in page.url
    page.locator("[data-map-step='-1']").click()
    expect(page.locator("[data-map-date]")).to_have_text("31 December 2001")
    assert page.locator("#participation-map use.map-party").count() <= then


def test_the_participants_table_downloads_as_csv(page, tmp_path):
    page.goto("/treaties/untoc/?region=Europe")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download this table as CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("treatykb-ratifications-untoc-")
    path = tmp_path / "untoc.csv"
    download.save_as(path)
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["id", "treaty", "participant", "participant_name"]
    shown = page.locator("table.participants-table tbody tr").count()
    assert len(rows) - 1 == shown > 40
    region = rows[0].index("region")
    assert {row[region] for row in rows[1:]} == {"Europe"}


def test_coe_members_not_party_to_the_palermo_protocol(page):
    page.goto("/countries/")
    page.get_by_role(
        "link", name="Council of Europe members not party to the Palermo Protocol"
    ).click()
    expect(page).to_have_url(re.compile(r"membership=coe&not_party_to=palermo-protocol"))
    expect(page.get_by_role("status")).to_contain_text("0 participants match these filters")
    expect(page.locator("#quick-answer")).to_contain_text(
        "None: all 46 Council of Europe members are party to the Palermo Protocol"
    )
    expect(page.locator("#id_membership")).to_have_value("coe")
    expect(page.locator("#id_not_party_to")).to_have_value("palermo-protocol")


def test_a_one_page_table_sorts_by_date_in_the_browser_with_unknown_dates_last(page):
    page.goto("/treaties/untoc/?region=Europe")
    table = page.locator("table.participants-table[data-sortable]")
    table.get_by_role("link", name=re.compile("^Consent to be bound")).click()
    expect(table.locator("th[data-sort-key=consent]")).to_have_attribute("aria-sort", "ascending")
    assert "sort=consent" in page.url
    dates = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => { const t = r.children[4].querySelector('time');"
        " return t ? t.getAttribute('datetime') : ''; })"
    )
    known = [d for d in dates if d]
    assert len(known) > 30 and known == sorted(known)
    assert all(not d for d in dates[len(known) :])  # no date: last
