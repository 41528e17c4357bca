"""Security headers on every kind of response: pages, the API, the admin, errors, the docs."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import TreatyFactory

URLS = {
    "page": "/",
    "treaty page": "/treaties/untoc/",
    "api": "/api/v1/treaties/",
    "api csv": "/api/v1/treaties/?format=csv",
    "api docs": "/api/v1/docs/",
    "admin login": None,  # reverse("admin:login"), at ADMIN_URL
    "404": "/no-such-page/",
    "api 404": "/api/v1/treaties/atlantis/",
}


def directives(response):
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture
def treaty(db):
    return TreatyFactory(slug="untoc", short_title="UNTOC")


@pytest.mark.parametrize("kind", URLS)
def test_every_response_carries_the_security_headers(client, treaty, kind):
    response = client.get(URLS[kind] or reverse("admin:login"))
    assert response.status_code == (404 if "404" in kind else 200)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_only_the_browsable_api_allows_style_attributes(client, treaty):
    # DRF's templates use style="" attributes; its pages alone allow them, and nothing more.
    response = client.get("/api/v1/treaties/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    csp = directives(response)
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert "style-src-attr" not in directives(client.get("/api/v1/treaties/"))


def test_the_api_docs_page_has_no_inline_script_or_style(client, db):
    page = client.get("/api/v1/docs/").content.decode()
    assert "<style" not in page
    assert "<script>" not in page
    assert 'src="/api/v1/docs/?script="' in page
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_carry_the_headers_too(client):
    response = client.get("/static/js/site.js")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert directives(response)["script-src"] == ["'self'"]
