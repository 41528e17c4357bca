"""The editors' worklist of gaps lists every gap the data page counts, with the same totals,
each line linking to the form that fills it; the admin's index counts them."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from catalogue.gaps import core_gaps
from treaties.roles import EDITORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("editor", password="an-editor-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client


def heading_count(html, title):
    match = re.search(re.escape(title) + r"[^(]*\((\d+)", html)
    assert match, title
    return int(match.group(1))


def test_the_worklist_lists_every_gap_the_data_page_counts(real_data, editor_client, client):
    data_page = client.get("/data/")
    context = data_page.context
    worklist = editor_client.get(reverse("admin_gaps"))
    assert worklist.status_code == 200
    gaps = {gap.key: gap for gap in worklist.context["gaps"]}
    assert gaps["undated"].count == len(context["undated"]) > 0
    assert gaps["texts"].count == len(context["texts_missing"]) > 0
    assert gaps["articles"].count == len(context["incomplete"]) > 0
    assert gaps["preambles"].count == len(context["incomplete_preambles"])
    assert gaps["disagreements"].count == len(context["disagreements"]) > 0
    assert gaps["in-force"].count == sum(t.in_force_unknown for t in context["treaties"]) > 0
    html = worklist.content.decode()
    page = data_page.content.decode()
    assert heading_count(html, "Parties with no known date of consent") == heading_count(
        page, "Parties with no known date of consent"
    )


def test_each_line_opens_the_form_that_fills_it(real_data, editor_client):
    gaps = {gap.key: gap for gap in core_gaps().worklist()}
    treaty, items = gaps["articles"].by_treaty()[0]
    assert treaty.slug == "asean-actip"
    form = editor_client.get(items[0]["url"])
    assert form.status_code == 200
    assert "text_incomplete" in form.context["adminform"].form.fields
    treaty, items = gaps["undated"].by_treaty()[0]
    assert "/admin/treaties/ratification/" in items[0]["url"]
    assert gaps["headings"].count > 0 and gaps["secondary"].count > 0


def test_the_admin_index_counts_the_gaps(real_data, editor_client):
    index = editor_client.get(reverse("admin:index")).content.decode()
    gaps = {gap.key: gap for gap in core_gaps().worklist()}
    assert "Gaps in the data" in index
    assert f"Parties with no known date of consent: {gaps['undated'].count}" in index
    assert reverse("admin_gaps") in index


def test_the_worklist_needs_the_right_to_see_records_and_articles(db, client):
    user = User.objects.create_user("someone", password="a-password-for-someone", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin_gaps")).status_code == 403
    assert "Gaps in the data" not in client.get(reverse("admin:index")).content.decode()
