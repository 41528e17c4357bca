"""Static files in production: ``collectstatic`` writes content-hashed, compressed copies and
WhiteNoise serves a hashed file for a year as immutable, so browsers never ask again and a new
release (new hashes) is never hidden by an old copy. (Only the project's own files are
collected here, to keep the test fast; the storage is production's.)"""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
THIRD_PARTY = ["admin", "rest_framework", "drf_spectacular_sidecar", "django_filters"]


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": PRODUCTION_STORAGE},
    }
    call_command("collectstatic", "--noinput", "-v0", *[f"--ignore={d}" for d in THIRD_PARTY])
    return settings.STATIC_ROOT


def test_a_hashed_static_file_is_served_for_a_year_as_immutable(collected):
    hashed_url = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", hashed_url)
    assert (collected / hashed_url.removeprefix("/static/")).is_file()

    response = Client().get(hashed_url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"
    assert response["Content-Encoding"] == "gzip"  # the compressed copy


def test_pages_link_the_hashed_names(collected):
    page = Client().get("/").content.decode()
    assert staticfiles_storage.url("css/site.css") in page
    assert staticfiles_storage.url("js/site.js") in page


def test_an_unhashed_name_is_not_cached_as_immutable(collected):
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
