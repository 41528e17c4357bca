"""Review before publication in a real browser: an editor proposes a change to an ACTIP article
and to an ACTIP ratification record; the public page, the API and the feed are unchanged; a
reviewer sees the diff, comments and approves; then they show it. A rejected proposal never
shows, and its author reads why.

The site is shared by every browser test: this one touches only what no other test reads
(ACTIP art. 7, Brunei's ACTIP record)."""

import re

from playwright.sync_api import expect

from .conftest import ADMIN
from .test_editor import log_in

ARTICLE = "/treaties/asean-actip/articles/7/"
API = "/api/v1/provisions/asean-actip/7/"
FEED = "/api/v1/feeds/treaties/asean-actip.atom"
PROPOSED = "1. Each Party shall adopt measures (a reviewed proposal)."
SOURCE = "https://asean.org/reviewed-proposal-source"
PLACEHOLDER = "[text to come]"


def open_article(page):
    page.goto(f"{ADMIN}provisions/provision/?q=7")
    page.locator("#changelist-filter").get_by_role("link", name="ACTIP", exact=True).click()
    page.locator("#result_list").get_by_role("link", name="7", exact=True).click()
    expect(page.get_by_role("heading", name="ACTIP art. 7")).to_be_visible()


def open_oldest(page):
    """The oldest open proposal of the review queue (the page lists the open ones, oldest
    first)."""
    page.locator("#result_list").get_by_role("link", name=re.compile(r"^#\d+$")).first.click()


def public(page, path):
    return page.request.get(path).text()


def test_a_proposal_is_reviewed_before_it_is_published(page, browser, site):
    log_in(page, "proposer")
    open_article(page)
    expect(page.locator("#proposal-notice")).to_contain_text("proposal for review")
    page.get_by_label("Text:").fill(PROPOSED)
    page.get_by_label("Text incomplete").uncheck()
    page.locator("#id_change_reason").fill("From the official text")
    page.locator("#id_change_source").fill("https://asean.org/actip-text")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("Saved as a proposal")
    expect(page.locator("#proposal-diff")).to_contain_text(PROPOSED)

    # The record: a new source for Brunei's ACTIP record (the feed shows a record's source).
    page.goto(f"{ADMIN}treaties/ratification/?q=BN")
    page.locator("#result_list tbody tr", has_text="ACTIP").get_by_role(
        "link", name="Brunei Darussalam"
    ).click()
    page.locator("#id_source_url").fill(SOURCE)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("Saved as a proposal")

    # Nothing is published yet.
    assert PROPOSED not in public(page, ARTICLE)
    assert PROPOSED not in public(page, API)
    assert SOURCE not in public(page, FEED)

    reviewing = browser.new_context(base_url=site)
    reviewer = reviewing.new_page()
    reviewer.set_default_timeout(10_000)
    try:
        log_in(reviewer, "reviewer")
        expect(reviewer.locator("#review-summary")).to_contain_text("2 open proposals")
        reviewer.locator("#review-summary").get_by_role("link", name="Review queue").click()
        reviewer.locator("#result_list").get_by_role(
            "link", name=re.compile(r"^#\d+$")
        ).first.click()
        diff = reviewer.locator("#proposal-diff")
        expect(diff.locator("tr[data-field=text] .base")).to_have_text("–")
        expect(diff.locator("tr[data-field=text] .proposed")).to_contain_text(PROPOSED)
        reviewer.locator("#id_text").fill("Checked against the official PDF.")
        reviewer.get_by_role("button", name="Comment").click()
        expect(reviewer.locator("#proposal-comments")).to_contain_text("official PDF")
        reviewer.get_by_role("button", name="Approve and publish").click()
        expect(reviewer.locator("#proposal-status")).to_contain_text("Approved by reviewer")

        reviewer.goto(f"{ADMIN}review/proposal/")
        reviewer.locator("#result_list").get_by_role(
            "link", name=re.compile(r"^#\d+$")
        ).first.click()
        expect(reviewer.locator("#proposal-diff")).to_contain_text(SOURCE)
        reviewer.get_by_role("button", name="Approve and publish").click()
        expect(reviewer.locator("#proposal-status")).to_contain_text("Approved")

        # Published: the page, the API and the feed show it.
        page.goto(ARTICLE)
        expect(page.locator("main")).to_contain_text("(a reviewed proposal)")
        assert PROPOSED in public(page, API)
        assert SOURCE in public(page, FEED)

        # A rejected proposal never shows, and its author reads why.
        open_article(page)
        page.get_by_label("Text:").fill(PLACEHOLDER)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist .success")).to_contain_text("Saved as a proposal")
        reviewer.goto(f"{ADMIN}review/proposal/")
        reviewer.locator("#result_list").get_by_role(
            "link", name=re.compile(r"^#\d+$")
        ).first.click()
        reviewer.locator("#reject-form textarea").fill("Not the treaty's text.")
        reviewer.get_by_role("button", name="Reject").click()
        expect(reviewer.locator("#proposal-status")).to_contain_text("Rejected")
        page.goto(ADMIN)
        expect(page.locator("#review-summary")).to_contain_text("Not the treaty's text.")
        page.goto(ARTICLE)
        expect(page.locator("main")).to_contain_text("(a reviewed proposal)")
        expect(page.locator("main")).not_to_contain_text(PLACEHOLDER)
        assert PLACEHOLDER not in public(page, API)
    finally:
        reviewing.close()
