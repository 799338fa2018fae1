"""The demo, crawled as a reader would: every program and course under every language prefix
(issue 12's "done when"; ADR 0030)."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from wagtail.models import Locale

from courses.models import CoursePage, ProgramPage

CODES = [code for code, _name in settings.LANGUAGES]
SWITCHER_LINK = re.compile(r'<a href="([^"]+)" hreflang="([^"]+)" lang="[^"]+" rel="alternate"')


@pytest.mark.django_db
def test_every_program_and_course_of_the_demo_answers_under_every_prefix():
    call_command("seed_demo", "--learners", "4", stdout=StringIO())
    client = Client()
    originals = [
        *ProgramPage.objects.live().filter(alias_of__isnull=True),
        *CoursePage.objects.live().filter(alias_of__isnull=True),
    ]
    keys = {page.translation_key for page in originals}
    locales = {code: Locale.objects.get(language_code=code) for code in CODES}
    visited: dict[str, int] = {}

    for key in keys:
        page = next(p for p in originals if p.translation_key == key)
        for code, locale in locales.items():
            version = page.get_translation_or_none(locale)
            assert version is not None and version.live, (page.title, code)
            url = version.url
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200, url
            assert url.startswith(f"/{code}/"), url
            assert re.search(r'<html lang="([^"]+)"', html).group(1) == code, url
            links = SWITCHER_LINK.findall(html)
            assert {lang for _href, lang in links} == set(CODES) - {code}, url
            for href, lang in links:
                assert href.startswith(f"/{lang}/"), href
                if href not in visited:
                    visited[href] = client.get(href).status_code
    assert set(visited.values()) == {200}
    assert len(visited) == len(keys) * len(CODES)
