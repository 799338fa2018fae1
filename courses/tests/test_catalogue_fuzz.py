"""Property tests: any query string on the catalogue is answered with the page, never a 500,
and the filters it understands hold for every course shown.

`CatalogueFilters.from_querydict` keeps known values and drops the rest; the page number
goes through Django's paginator, which falls back to a real page.
"""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests.strategies import awkward_text

URL = "/en/catalogue/"
FUZZ = settings(max_examples=40, deadline=None)

awkward = awkward_text("0123456789²٣\"'%_*:()-+ \x00\t\n\r\u202e\u0301")
value = st.one_of(
    awkward,
    st.sampled_from(["tnu", "kaznu", "ru", "en", "zh-hans", "beginner", "1", "on", "9" * 5000]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
queries = st.dictionaries(
    st.one_of(st.sampled_from(["q", "university", "language", "level", "open", "page"]), awkward),
    value,
    max_size=6,
)


@pytest.fixture
def catalogue(db):
    tnu = f.UniversityFactory(code="tnu", name="Tajik National University")
    kaznu = f.UniversityFactory(code="kaznu", name="Al-Farabi Kazakh National University")
    f.build_course(tnu, title="Машинное обучение", language="ru", modules=1, lessons_per_module=1)
    f.build_course(kaznu, title="Python for Data Science", modules=1, lessons_per_module=1)
    return tnu, kaznu


@FUZZ
@given(query=queries)
@example(query={"university": "tnu"})
@example(query={"q": '"\x00', "page": "9" * 5000})
@example(query={"language": "ru", "level": "'; drop table x; --"})
def test_any_query_string_is_answered_and_the_filters_hold(client, catalogue, query):
    response = client.get(URL, query)
    assert response.status_code == 200, response.status_code
    filters = response.context["filters"]
    shown = response.context["courses"]
    if filters.university:
        for course in shown:
            codes = {course.university.code} | {
                u.code for u in course.co_teaching_universities.all()
            }
            assert filters.university in codes
    if filters.language:
        for course in shown:
            assert filters.language in course.teaching_languages
    if query == {"university": "tnu"}:
        assert [course.title for course in shown] == ["Машинное обучение"]
