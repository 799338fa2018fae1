"""The 403, 404 and 500 pages speak the reader's language; 500 renders with no request context."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

LANGUAGES = ["ru", "tg", "kk", "uz", "ky", "zh-hans"]
ENGLISH = [
    "Page not found",
    "There is nothing at this address",
    "Not allowed",
    "You do not have access to this page",
    "Something went wrong",
    "The error has been logged",
    "Browse the catalogue",
]


def _english_left(html: str) -> list[str]:
    return [text for text in ENGLISH if text in html]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_404_page_is_translated(client, language):
    response = client.get(f"/{language}/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f'lang="{language}"' in html
    assert _english_left(html) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_403_page_is_translated(language):
    request = RequestFactory().get(f"/{language}/")
    with translation.override(language):
        response = defaults.permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert _english_left(html) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_500_page_is_translated_and_needs_no_request_context(language):
    # Django renders 500.html with an empty context: no request, no context processors, no
    # database. So the page must stand alone.
    with translation.override(language):
        response = defaults.server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'lang="{language}"' in html
    assert _english_left(html) == []


def test_the_english_500_page_says_what_happened():
    with translation.override("en"):
        html = defaults.server_error(RequestFactory().get("/")).content.decode()
    assert "Something went wrong" in html
