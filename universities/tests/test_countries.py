"""Country names in every interface language, from CLDR (Babel)."""

import pytest
from django.utils import translation

from tests import factories as f
from tests.factories import UniversityFactory
from universities.countries import country_name

EXPECTED = {
    "en": "Tajikistan",
    "ru": "Таджикистан",
    "tg": "Тоҷикистон",
    "kk": "Тәжікстан",
    "uz": "Tojikiston",
    "ky": "Тажикстан",
    "zh-hans": "塔吉克斯坦",
}


@pytest.mark.parametrize(("language", "name"), EXPECTED.items())
def test_a_country_is_named_in_each_of_our_languages(language, name):
    assert country_name("TJ", language) == name
    with translation.override(language):
        assert country_name("tj") == name


def test_an_unknown_code_or_language_does_not_fail():
    assert country_name("QQ", "ru") == "QQ"
    assert country_name("KZ", "klingon") == "Kazakhstan"


@pytest.mark.django_db
def test_the_course_page_names_the_universitys_country_in_the_readers_language(client):
    university = UniversityFactory(country="KG")
    course = f.build_course(university, modules=1, lessons_per_module=1)
    html = client.get(course.url.replace("/en/", "/zh-hans/", 1)).content.decode()
    assert "吉尔吉斯斯坦" in html
