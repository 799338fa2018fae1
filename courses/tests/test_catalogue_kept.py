"""The signed-in catalogue reads its listing from the kept values (ADR 0066): few queries on a
repeat visit, and a change shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import selectors
from tests import factories as f

URL = "/en/catalogue/"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_caches")]


@pytest.fixture
def tnu():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.fixture
def signed_in(client, tnu):
    client.force_login(f.make_member("learner", tnu))
    return client


def titles(response) -> list[str]:
    return [course.title for course in response.context["courses"]]


def test_a_repeat_visit_reads_only_the_reader(signed_in, tnu):
    for title in ("Data", "Ethics", "Vision"):
        f.open_run(f.build_course(tnu, title=title, modules=1, lessons_per_module=1))
    assert signed_in.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get(URL)
    assert titles(response) == ["Data", "Ethics", "Vision"]
    # The user and their memberships (the header's sections): the listing is kept.
    assert len(queries) <= 2


def test_a_course_published_later_is_listed_at_once(signed_in, tnu):
    f.build_course(tnu, title="First", modules=1, lessons_per_module=1)
    assert titles(signed_in.get(URL)) == ["First"]
    f.build_course(tnu, title="Second", modules=1, lessons_per_module=1)
    assert titles(signed_in.get(URL)) == ["First", "Second"]


def test_an_unpublished_course_leaves_at_once(signed_in, tnu):
    course = f.build_course(tnu, title="Withdrawn soon", modules=1, lessons_per_module=1)
    assert titles(signed_in.get(URL)) == ["Withdrawn soon"]
    course.unpublish()
    assert titles(signed_in.get(URL)) == []


def test_kept_pages_of_the_listing_keep_their_numbers_and_filters(signed_in, tnu, monkeypatch):
    monkeypatch.setattr(selectors, "CATALOGUE_PAGE_SIZE", 2)
    for title in ("A course", "B course", "C course"):
        f.build_course(tnu, title=title, modules=1, lessons_per_module=1)
    for _ in range(2):  # the second answer of each comes from the kept values
        first = signed_in.get(URL + "?university=tnu")
        second = signed_in.get(URL + "?university=tnu&page=2")
        assert titles(first) == ["A course", "B course"]
        assert titles(second) == ["C course"]
        assert "Page 2 of 2" in second.content.decode()
        assert "3 courses" in first.content.decode()
        assert "?university=tnu&amp;page=2" in first.content.decode()
