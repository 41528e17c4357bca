"""Friendly error pages: a 404 that helps, a 500 that does not leak."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/treaties/atlantis/",
        "/treaties/atlantis/articles/1/",
        "/pillars/atlantis/",
    ],
)
def test_unknown_addresses_get_a_helpful_404(client, url):
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found – Treaty KB</title>" in page
    assert f"<code>{url}</code>" in page
    assert 'action="/search/"' in page
    assert 'rel="canonical"' not in page


def test_the_404_page_escapes_the_address(client, db):
    page = client.get("/<script>x</script>/").content.decode()
    assert "<script>x" not in page


def test_the_500_page_is_friendly_and_needs_no_database():
    # No database access is allowed in this test: rendering must not touch it.
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page
