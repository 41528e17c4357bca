"""The home page opens in a real browser and leads to a treaty."""

from playwright.sync_api import expect


def test_home_leads_to_a_treaty(page):
    page.goto("/")
    page.get_by_role("link", name="Protocol to Prevent, Suppress and Punish").first.click()
    expect(page).to_have_url("/treaties/palermo-protocol/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trafficking in Persons")
