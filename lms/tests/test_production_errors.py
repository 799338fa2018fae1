"""Production never shows a debug page: an unhandled error is the site's own 500 page.

One test loads the real production settings module in a fresh process (as a server does) and
sends a request to a view that raises; the other checks the same in this process with DEBUG
off. The learning record store's JSON errors are in `xapi/tests/test_errors.py`.
"""

import json
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import path

from lms.tests.test_platform import REPO, _production_env
from lms.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "boom-detail-that-must-not-leak"
# What Django's technical 500 page and settings dump would show.
DEBUG_MARKERS = ("Traceback", "SECRET_KEY", "INSTALLED_APPS", "Django Version", SECRET_DETAIL)


def boom(request):
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [path("boom/", boom), *site_urlpatterns]

# Run in a process whose settings module is production's, as the servers' is.
_SCRIPT = f"""
import json, sys, types
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
from django.urls import path

def boom(request):
    raise RuntimeError({SECRET_DETAIL!r})

urls = types.ModuleType("boom_urls")
from lms.urls import urlpatterns as site
urls.urlpatterns = [path("boom/", boom), *site]
sys.modules["boom_urls"] = urls
with override_settings(ROOT_URLCONF="boom_urls"):
    response = Client(raise_request_exception=False).get(
        "/boom/", HTTP_HOST=settings.ALLOWED_HOSTS[0], secure=True
    )
print(json.dumps({{
    "debug": settings.DEBUG,
    "status": response.status_code,
    "body": response.content.decode(),
}}))
"""


def test_production_settings_answer_an_unhandled_error_with_the_sites_own_page():
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=REPO,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["debug"] is False
    assert answer["status"] == 500
    assert "Something went wrong" in answer["body"]
    for marker in DEBUG_MARKERS:
        assert marker not in answer["body"]
    # The error is logged for the operator, not shown to the reader.
    assert SECRET_DETAIL in result.stderr


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_unhandled_error_is_the_translated_500_page_without_a_traceback(language):
    response = Client(raise_request_exception=False).get("/boom/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    for marker in DEBUG_MARKERS:
        assert marker not in html
    assert ("Something went wrong" in html) == (language == "en")
