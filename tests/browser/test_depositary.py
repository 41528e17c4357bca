"""An editor imports a depositary record in the admin, in a real browser: the upload's preview
says what the record holds and writes nothing; confirmed, the agreeing record shows on its
public profile when the depositary confirmed it.

The site is shared by every browser test: the record uploaded here holds Albania's row alone
(it agrees with the data set), so the import proposes nothing and leaves the review queue as it
was; it only marks Albania's Protocol record confirmed."""

from playwright.sync_api import expect

from tests.catalogue.test_depositary_record import mtdsg

from .conftest import ADMIN
from .test_editor import log_in


def test_an_editor_uploads_a_depositary_record_and_the_profile_shows_the_confirmation(
    page, tmp_path
):
    record = tmp_path / "XVIII-12-a.en.xml"
    record.write_bytes(mtdsg([("Albania", "12 Dec 2000", "21 Aug 2002")]))
    page.goto("/countries/AL/")
    expect(page.locator("#palermo-protocol")).to_contain_text("not confirmed")

    log_in(page, "editor")
    page.goto(f"{ADMIN}catalogue/depositaryimport/")
    page.get_by_role("link", name="Import a depositary record").click()
    page.get_by_label("File:").set_input_files(str(record))
    page.get_by_label("Treaty:").select_option(label="Palermo Protocol")
    page.get_by_label("As at:").fill("2018-01-15")
    page.get_by_role("button", name="Preview").click()
    report = page.locator("#depositary-report")
    expect(report).to_contain_text("1 participants read.")
    expect(report).to_contain_text("1 records confirmed")
    expect(report).to_contain_text("0 changed dates or kinds of consent.")

    page.get_by_role("button", name="Confirm: propose the differences").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "0 proposals for review, 0 already open, 1 records confirmed as at 2018-01-15"
    )
    expect(page.locator(".field-report")).to_contain_text("1 participants read.")

    page.goto("/countries/AL/")
    expect(page.locator("#palermo-protocol")).to_contain_text(
        "its record as at 15 January 2018 gives the same signature, consent and kind of consent"
    )
