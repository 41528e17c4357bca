"""The licences: the code is MIT, the curated data CC BY 4.0; every page's footer says so."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_code_is_mit_licensed():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Copyright (c) 2025–2026 Treaty KB contributors" in text


def test_the_data_is_cc_by_4_0_with_the_attribution_to_use():
    text = (ROOT / "LICENSE-DATA").read_text()
    assert "Creative Commons Attribution 4.0 International" in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode.en" in text
    assert "Treaty KB, <url>, data as at <date>, CC BY 4.0" in text
    assert "this licence covers our\ncompilation and curation" in text


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/search/", "/no-such-page/"])
def test_every_page_footer_links_the_licences(client, path):
    html = client.get(path).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in (
        footer
    )
    assert '<a href="https://opensource.org/license/mit">MIT</a>' in footer
    assert 'href="/data/#licence"' in footer


@pytest.mark.django_db
def test_the_data_page_gives_the_attribution_line(client, settings):
    settings.SITE_URL = "https://treatykb.example.org"
    html = client.get("/data/").content.decode()
    assert 'id="licence"' in html
    assert "Treaty KB, https://treatykb.example.org/, data as at " in html
