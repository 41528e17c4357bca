"""The treaty page stays light (issue 18): at most 150 KiB of HTML on the shipped data, the
map's geometry in a static file of its own, the participants table a page of 75 rows with each
source listed once, and everything else one link away (the CSV, the next page)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from treaties import charts

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

MAX_BYTES = 150 * 1024


def test_the_map_sprite_is_the_vendored_geometry_written_by_the_command():
    # manage.py build_world_map_sprite writes it; a change to countries-110m.json needs a rerun.
    assert charts.SPRITE_FILE.read_text(encoding="utf-8") == charts.world_sprite_svg()
    text = charts.SPRITE_FILE.read_text(encoding="utf-8")
    assert '<path id="DE" d="M' in text and '<path id="BR" d="M' in text
    assert "fill" not in text  # each <use> on the page colours its shape by class


class TestOnTheShippedData:
    pytestmark = pytest.mark.usefixtures("real_data")

    @pytest.mark.parametrize(
        "url",
        [
            "/treaties/untoc/",
            "/treaties/untoc/?as_of=2010-01-01",
            "/treaties/untoc/?page=2",
            "/treaties/palermo-protocol/",
            "/treaties/palermo-protocol/?as_of=2005-06-30",
            "/treaties/coe-convention/",
            "/treaties/asean-actip/",
        ],
    )
    def test_a_treaty_page_is_at_most_150_kib_of_html(self, client, url):
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.content) <= MAX_BYTES, (url, len(response.content))

    def test_the_map_draws_its_shapes_from_the_static_file(self, client):
        html = client.get("/treaties/untoc/").content.decode()
        shapes = html[html.index('<g class="world-map__shapes">') :].split("</g>")[0]
        assert "<path" not in shapes  # no geometry in the page
        sprite = "/static/vendor/world-map/countries-110m.svg"
        assert f'<use href="{sprite}#DE" class="map-party"><title>Germany: party</title>' in html
        # A shape that is no participant (Greenland) is drawn, in the "other" class.
        assert f'<use href="{sprite}#GL" class="map-other">' in html

    def test_the_table_is_a_page_of_100_rows_and_the_csv_holds_them_all(self, client):
        first = client.get("/treaties/untoc/")
        page = first.context["participation"].table_page
        assert len(page.object_list) == 75 and page.paginator.count == 195
        html = first.content.decode()
        assert "195 records, 1–75 on this page." in html
        assert "Download all 195 records as CSV" in html
        assert 'href="?page=2#participants-table-heading" rel="next"' in html
        # Sorting on the server across pages: the page's script does not sort a part of them.
        assert "data-sortable" not in html
        assert 'href="?sort=-participant#participants-table-heading"' in html
        second = client.get("/treaties/untoc/?page=2&sort=-consent")
        rows = second.context["participation"].table_page.object_list
        assert len(rows) == 75
        third = client.get("/treaties/untoc/?page=3").context["participation"].table_page
        assert len(third.object_list) == 45
        text = second.content.decode()
        assert 'href="/treaties/untoc/participants.csv?sort=-consent"' in text  # no page
        # Re-sorting starts again from the first page.
        assert 'href="?sort=consent#participants-table-heading"' in text
        assert client.get("/treaties/untoc/?page=4").status_code == 404
        assert client.get("/treaties/untoc/?page=two").status_code == 404

    def test_a_table_on_one_page_sorts_in_the_browser_too(self, client):
        html = client.get("/treaties/untoc/?region=Europe").content.decode()
        assert "data-sortable" in html and "Download this table as CSV" in html
        assert "on this page" not in html

    def test_each_source_is_listed_once_and_rows_name_it_by_number(self, client):
        response = client.get("/treaties/coe-convention/")
        participation = response.context["participation"]
        sources = participation.table_sources
        assert sum(source.count for source in sources) == len(participation.rows) - sum(
            1 for r in participation.rows if not r.source_url
        )
        html = response.content.decode()
        for source in sources:
            listed = f'<li id="src-{source.number}"><a href="'
            assert html.count(listed) == 1
            named = f'href="#src-{source.number}"'
            assert html.count(named) == source.count
        rows = html[html.index("<tbody>") : html.index("</tbody>")]
        assert "http" not in rows.replace('href="/countries/', "")  # no address in the rows

    def test_what_is_known_of_statements_stays_in_the_rows(self, client):
        html = client.get("/treaties/untoc/").content.decode()
        assert re.search(r'#untoc-statements">\d+ texts?</a>', html)
        assert '<span class="not-known">not known</span>' in html


def test_drawing_the_map_reads_the_country_table_without_importing_pandas():
    # country_converter's package imports pandas (0.36 s and tens of MB in every worker, paid by
    # the first treaty page each one drew): the table is read without running the package.
    code = (
        "import sys, django; django.setup()\n"
        "from treaties.charts import un_member_states\n"
        "from catalogue.depositary import name_patterns\n"
        "from catalogue.loader import country_data\n"
        "members = un_member_states()\n"
        "assert len(members) == 193, len(members)\n"
        "assert members['DZ'] == 'Algeria'\n"
        "assert name_patterns() and country_data()\n"
        "assert 'pandas' not in sys.modules and 'country_converter' not in sys.modules\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "treatykb.settings"}
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr[-3000:]
