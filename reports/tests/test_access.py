import pytest

from reports.access import ReportAccessDenied, report_scope_for_staff
from reports.filters import ReportFilters
from reports.selectors import enrollments_for_report
from tests import factories as f


def visible(scope, **filters):
    return set(enrollments_for_report(scope, ReportFilters(**filters)).values_list("pk", flat=True))


def test_registrar_sees_own_students_and_own_and_co_taught_courses(world):
    scope = report_scope_for_staff(world.registrar_a)
    assert scope.university == world.a
    assert visible(scope) == {world.e_a_student.pk, world.e_b_in_a.pk, world.e_c_in_c.pk}


def test_other_registrar_sees_its_own_scope(world):
    scope = report_scope_for_staff(world.registrar_b)
    # B's course holds A's student and B's student; B's student in A's course is B's too.
    assert visible(scope) == {world.e_a_student.pk, world.e_b_student.pk, world.e_b_in_a.pk}


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"term": "Spring 2026"},
        {"status": "active"},
        {"course": "course_b"},
        {"program": None},
    ],
)
def test_no_filter_reveals_b_students_in_b_courses(world, filters):
    if filters.get("course") == "course_b":
        filters = {"course": world.course_b.pk}
    scope = report_scope_for_staff(world.registrar_a)
    assert world.e_b_student.pk not in visible(scope, **filters)


def test_registrar_cannot_pick_another_university(world):
    with pytest.raises(ReportAccessDenied):
        report_scope_for_staff(world.registrar_a, world.b.pk)
    with pytest.raises(ReportAccessDenied):
        report_scope_for_staff(world.registrar_a, "not-a-number")


def test_learners_and_instructors_have_no_scope(world):
    with pytest.raises(ReportAccessDenied):
        report_scope_for_staff(world.a_student)
    with pytest.raises(ReportAccessDenied):
        report_scope_for_staff(f.make_member("instructor", world.a))


def test_platform_staff_pick_any_university_but_must_pick(world):
    staff = f.UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(ReportAccessDenied):
        report_scope_for_staff(staff)
    assert report_scope_for_staff(staff, world.b.pk).university == world.b


def test_registrar_of_two_universities_must_choose(world):
    registrar = f.make_member("registrar", world.a)
    f.membership_grant(user=registrar, university=world.c, role="registrar")
    with pytest.raises(ReportAccessDenied):
        report_scope_for_staff(registrar)
    assert report_scope_for_staff(registrar, world.c.pk).university == world.c
