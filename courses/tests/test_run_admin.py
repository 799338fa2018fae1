"""Course runs in the admin: an editor manages only their own university's runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import CourseRun
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    uni_a = f.UniversityFactory(code="runa")
    uni_b = f.UniversityFactory(code="runb")
    course_a = f.build_course(uni_a, modules=1, lessons_per_module=1)
    course_b = f.build_course(uni_b, modules=1, lessons_per_module=1)
    return {
        "course_a": course_a,
        "course_b": course_b,
        "run_a": f.open_run(course_a, term="Spring 2031"),
        "run_b": f.open_run(course_b, term="Autumn 2032"),
        "editor_a": f.make_member("editor", uni_a),
        "instructor_a": f.make_member("instructor", uni_a),
        "learner_a": f.make_member("learner", uni_a),
    }


def test_an_editor_lists_only_their_universitys_runs(client, world):
    client.force_login(world["editor_a"])
    response = client.get("/admin/course_runs/")
    assert response.status_code == 200
    assert b"Spring 2031" in response.content
    assert b"Autumn 2032" not in response.content


def test_an_editor_cannot_open_or_change_another_universitys_run(client, world):
    client.force_login(world["editor_a"])
    run_b = world["run_b"]
    assert client.get(f"/admin/course_runs/edit/{run_b.pk}/").status_code in {403, 404}
    response = client.post(f"/admin/course_runs/delete/{run_b.pk}/")
    assert response.status_code in {403, 404}
    assert CourseRun.objects.filter(pk=run_b.pk).exists()


def test_an_editor_cannot_create_a_run_for_another_universitys_course(client, world):
    client.force_login(world["editor_a"])
    now = timezone.now()
    form = {
        "course": world["course_b"].pk,
        "season": "winter",
        "year": "2099",
        "starts_on": now.date().isoformat(),
        "ends_on": (now + timedelta(days=30)).date().isoformat(),
        "enrollment_opens_at": now.strftime("%Y-%m-%d %H:%M"),
        "enrollment_closes_at": (now + timedelta(days=10)).strftime("%Y-%m-%d %H:%M"),
        "capacity": "",
    }
    response = client.post("/admin/course_runs/new/", form)
    assert response.status_code == 200  # the form is shown again with the error
    assert not CourseRun.objects.filter(year=2099).exists()
    form["course"] = world["course_a"].pk
    client.post("/admin/course_runs/new/", form)
    assert CourseRun.objects.filter(year=2099, course=world["course_a"]).exists()


@pytest.mark.parametrize("who", ["instructor_a", "learner_a"])
def test_people_who_are_not_editors_cannot_manage_runs(client, world, who):
    client.force_login(world[who])
    response = client.get("/admin/course_runs/")
    assert response.status_code in {302, 403}
    assert b"Spring 2031" not in response.content


@pytest.mark.parametrize("view", ["inspect", "history", "usage"])
def test_an_editor_cannot_read_another_universitys_run_in_any_view(client, world, view):
    client.force_login(world["editor_a"])
    response = client.get(f"/admin/course_runs/{view}/{world['run_b'].pk}/")
    assert response.status_code in {403, 404}
    assert b"Autumn 2032" not in response.content
