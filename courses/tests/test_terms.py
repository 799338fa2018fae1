"""A run's term is a season and a year, named in each reader's language."""

import datetime

import pytest
from django.utils import translation

from courses.terms import Season, season_for, term_name, term_parse


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Autumn 2026"),
        ("ru", "Осень 2026"),
        ("tg", "Тирамоҳи 2026"),
        ("kk", "2026 күзі"),
        ("uz", "2026 kuzi"),
        ("ky", "2026-жылдын күзү"),
        ("zh-hans", "2026年秋季"),
    ],
)
def test_a_term_is_named_in_each_language_and_read_back(language, name):
    with translation.override(language):
        assert term_name(Season.AUTUMN, 2026) == name
    assert term_parse(name) == ("autumn", 2026)  # whatever language is active


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("Spring 2026", ("spring", 2026)),
        ("  spring-2026 ", ("spring", 2026)),
        ("Fall 2027", ("autumn", 2027)),
        ("Весна 2031", ("spring", 2031)),
        ("Someday", None),
        ("Spring", None),
        ("2026", None),
        ("", None),
    ],
)
def test_term_parse(text, parsed):
    assert term_parse(text) == parsed


def test_the_season_of_a_start_date_follows_the_academic_year():
    assert season_for(datetime.date(2026, 2, 1)) == Season.SPRING
    assert season_for(datetime.date(2026, 6, 1)) == Season.SUMMER
    assert season_for(datetime.date(2026, 9, 1)) == Season.AUTUMN
