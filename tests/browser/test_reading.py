"""A researcher reads the treaties in a real browser: from the home page to a treaty, an
article, and its counterpart in another instrument; filters a treaty's contents by pillar;
searches; and links to a single paragraph."""

import re

from playwright.sync_api import expect


def test_home_to_treaty_to_article_to_a_related_provision(page):
    page.goto("/")
    expect(page).to_have_title(re.compile("Treaty KB"))
    page.get_by_role("link", name="Palermo Protocol", exact=True).first.click()
    expect(page).to_have_url(re.compile("/treaties/palermo-protocol/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trafficking in Persons")
    page.get_by_role("link", name=re.compile(r"^Art\. 6 Assistance to and protection")).click()
    expect(page).to_have_url(re.compile("/treaties/palermo-protocol/articles/6/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Article 6")
    related = page.locator("section.related")
    expect(related).to_contain_text("Council of Europe")
    related.get_by_role("link", name=re.compile(r"^Art\. 12")).click()
    expect(page).to_have_url(re.compile("/treaties/coe-convention/articles/12/$"))
    expect(page.locator("section.related")).to_contain_text("Palermo Protocol")


def test_the_pillar_filter_narrows_a_treaty_contents(page):
    page.goto("/treaties/coe-convention/")
    all_articles = page.locator(".toc__item").count()
    page.locator(".pillar-filter").get_by_role("link", name=re.compile("^Protection")).click()
    expect(page).to_have_url(re.compile(r"\?pillar=protection#contents$"))
    expect(page.locator(".result-count")).to_contain_text("tagged Protection")
    shown = page.locator(".toc__item")
    assert 0 < shown.count() < all_articles
    for index in range(shown.count()):
        expect(shown.nth(index).locator(".badge--protection")).to_have_count(1)


def test_search_highlights_the_words_found(page):
    page.goto("/search/")
    page.get_by_label("Words or phrases").fill("compensation")
    page.get_by_label("Instrument").select_option("coe-convention")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=compensation"))
    first = page.locator(".result").first
    expect(first.locator("mark").first).to_have_text(re.compile("compensation", re.I))
    expect(page.locator(".result-count")).to_contain_text("match")


def test_search_finds_other_spellings_and_suggests_words_when_nothing_matches(page):
    page.goto("/search/?q=forced+labor")
    expect(page.locator(".result-count")).to_contain_text("2 articles match “forced labor”")
    expect(page.locator(".result mark").filter(has_text=re.compile("^labour$"))).not_to_have_count(
        0
    )
    page.goto("/search/?q=trafficing")
    expect(page.locator(".result-count")).to_contain_text("No article matches")
    page.locator(".empty-state").get_by_role("link", name="trafficking", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=trafficking$"))
    expect(page.locator(".result").first.locator("mark").first).to_be_visible()


def test_a_paragraph_anchor_is_highlighted_and_its_citation_offered(page):
    page.goto("/treaties/palermo-protocol/articles/6/#p3")
    paragraph = page.locator("#p3")
    expect(paragraph).to_have_class(re.compile("is-target"))
    expect(paragraph).to_be_focused()
    expect(page.locator("#citation-text")).to_have_text(re.compile(r"art\. 6\(3\)$"))
    expect(page.locator("#permalink")).to_have_value(re.compile(r"/articles/6/#p3$"))
    page.locator("#p2-a .permalink").click()
    expect(page.locator("#citation-text")).to_have_text(re.compile(r"art\. 6\(2\)\(a\)$"))
    href = page.get_by_role("link", name="BibTeX").get_attribute("href")
    assert href.endswith("cite.bib?paragraph=p2-a")
    with page.expect_download() as download:
        page.get_by_role("link", name="BibTeX").click()
    assert download.value.suggested_filename == "palermo-protocol-art6-2-a.bib"


def test_an_article_prints_without_navigation(page):
    page.goto("/treaties/palermo-protocol/articles/6/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#p1")).to_be_visible()
    expect(page.locator("#citation-text")).to_be_visible()
