"""The releases in the admin: listed read-only; only a superuser may delete one."""

import pytest
from django.core.management import call_command

from catalogue.models import Release

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalogue/release/"


@pytest.fixture
def release():
    call_command("make_release")
    return Release.objects.get()


def test_a_superuser_sees_the_releases_and_may_delete_one(admin_client, release):
    page = admin_client.get(CHANGELIST)
    assert page.status_code == 200
    assert release.day.strftime("%Y") in page.content.decode()
    detail = admin_client.get(f"{CHANGELIST}{release.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert release.files.get(format="json").sha256 in html
    assert 'name="day"' not in html  # read-only
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    response = admin_client.post(f"{CHANGELIST}{release.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Release.objects.exists()


def test_editors_do_not_manage_releases(editor_client, release):
    assert editor_client.get(CHANGELIST).status_code == 403
    assert (
        editor_client.post(f"{CHANGELIST}{release.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Release.objects.exists()
