"""An editor works in the admin in a real browser: tags an ACTIP article with a pillar and
records a participant's accession to the Palermo Protocol; the public pages show both, and
the history shows who changed what.

The site is shared by every browser test: this one touches only what no other test reads
(ACTIP art. 3 has no pillar; the Holy See has no Palermo Protocol record)."""

import re

from playwright.sync_api import expect

from .conftest import ADMIN, PASSWORD


def log_in(page, username):
    page.goto(ADMIN)
    expect(page).to_have_url(re.compile(rf"{re.escape(ADMIN)}login/\?next={re.escape(ADMIN)}$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_an_editor_tags_an_article_and_records_an_accession(page):
    log_in(page, "editor")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)

    # Tag ACTIP art. 3 with the prevention pillar.
    page.goto(f"{ADMIN}provisions/provision/?completeness=untagged")
    page.locator("#changelist-filter").get_by_role("link", name="ACTIP", exact=True).click()
    page.locator("#result_list").get_by_role("link", name="3", exact=True).click()
    expect(page.get_by_role("heading", name="ACTIP art. 3")).to_be_visible()
    article_url = page.url
    page.get_by_label("Prevention").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    # Record the Holy See's (Vatican's) accession to the Palermo Protocol.
    page.goto(f"{ADMIN}treaties/ratification/add/")
    page.get_by_label("Treaty:").select_option(label="Palermo Protocol")
    page.locator("#id_participant + .select2").click()
    page.locator(".select2-search__field").fill("Holy See")  # the depositary's name for it
    page.locator(".select2-results__option", has_text="Vatican").click()
    page.get_by_label("Consent kind:").select_option("accession")
    page.get_by_label("Consent on:").fill("2023-09-14")
    page.locator("#id_source_url").fill("https://treaties.un.org/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    expect(page.locator(".messagelist .warning")).to_have_count(0)

    # The public pages show both changes.
    page.goto("/treaties/asean-actip/articles/3/")
    expect(page.locator(".badge--prevention").first).to_have_text("Prevention")
    page.goto("/countries/VA/")
    section = page.locator("#palermo-protocol")
    expect(section.get_by_role("heading", level=2)).to_contain_text("Party")
    expect(section).to_contain_text("14 September 2023")

    # The history shows who made each edit, field by field.
    page.goto(f"{ADMIN}treaties/ratification/?q=VA")
    row = page.locator("#result_list tbody tr", has_text="Palermo Protocol")
    row.get_by_role("link", name="Vatican").click()
    page.get_by_role("link", name="History").click()
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("editor")
    expect(latest).to_contain_text("Created")

    page.goto(article_url)
    page.get_by_role("link", name="History").click()
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("editor")
    expect(latest).to_contain_text(re.compile(r"Pillars:\s+none\s+→\s+Prevention"))


def test_two_editors_on_one_article_the_second_save_shows_the_conflict(page, browser, site):
    """Two editors open ACTIP art. 5; the first saves a text, the second a heading from the form
    opened earlier: the second gets the conflict screen, and the first editor's text stays.
    (ACTIP art. 5 is read by no other browser test.)"""
    other_context = browser.new_context(base_url=site)
    colleague = other_context.new_page()
    colleague.set_default_timeout(10_000)
    try:
        log_in(page, "editor")
        log_in(colleague, "admin")
        for each in (page, colleague):
            each.goto(f"{ADMIN}provisions/provision/?q=5")
            each.locator("#changelist-filter").get_by_role("link", name="ACTIP", exact=True).click()
            each.locator("#result_list").get_by_role("link", name="5", exact=True).click()
            expect(each.get_by_role("heading", name="ACTIP art. 5")).to_be_visible()

        colleague.get_by_label("Text:").fill("1. Each Party shall adopt measures (an editor's).")
        colleague.get_by_label("Text incomplete").uncheck()
        colleague.get_by_role("button", name="Save", exact=True).click()
        expect(colleague.locator(".messagelist .success")).to_contain_text("changed successfully")

        page.get_by_label("Heading:").fill("Criminalization")
        page.get_by_label("Heading verified").check()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".errornote")).to_be_visible()
        conflict = page.locator(".errorlist.nonfield")
        expect(conflict).to_contain_text("changed since you opened it")
        expect(conflict).to_contain_text("admin saved it at")
        expect(page.get_by_label("Heading:")).to_have_value("Criminalization")

        page.goto("/treaties/asean-actip/articles/5/")
        expect(page.locator("main")).to_contain_text("(an editor's)")
    finally:
        other_context.close()
