"""On a desktop: a subject of the comparison reached by its anchor is not hidden under the
table's sticky header; an article's statements are filtered by kind and sorted by a click."""

import re

from playwright.sync_api import expect


def test_an_anchored_subject_lands_below_the_sticky_header(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/compare/#non-punishment")
    row = page.locator("tr#non-punishment")
    expect(row).to_be_visible()
    page.wait_for_function("window.scrollY > 0")
    header = page.locator(".compare-table thead").bounding_box()
    top = row.bounding_box()["y"]
    # The header sticks at the top of the window; the subject's row starts below it.
    assert header["y"] <= 1
    assert top >= header["y"] + header["height"], (top, header)


def test_the_statements_table_filters_by_kind_and_sorts_in_the_page(page):
    page.goto("/treaties/palermo-protocol/articles/15/")
    table = page.locator("table.statement-table")
    rows = table.locator("tbody tr")
    total = rows.count()
    assert total == 34
    names = rows.locator("th").all_inner_texts()
    # Each statement once: a participant with two is named twice, each row its own statement.
    assert len({row.get_attribute("id") for row in rows.all()}) == total
    assert sum("El Salvador" in name for name in names) == 2

    table.get_by_role("link", name=re.compile("^Date")).click()
    expect(table.locator("thead th[data-sort-key=date]")).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(page).to_have_url(re.compile(r"sort=date"))
    dates = [
        value
        for value in rows.locator("td[data-label=Date]").evaluate_all(
            "cells => cells.map(c => c.dataset.sortValue)"
        )
        if value
    ]
    assert dates == sorted(dates) and len(dates) == total

    page.get_by_label("Kind").select_option("declaration")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"kind=declaration"))
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).to_contain_text("Malawi")
    href = page.get_by_role("link", name="Download this table as CSV").get_attribute("href")
    assert "statements.csv?kind=declaration" in href
