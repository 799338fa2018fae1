"""Migration 0009 turns free-text terms into a season and a year, and roles into choices."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories as f

BEFORE = [("courses", "0008_quiz_attempt_settings")]
AFTER = [("courses", "0009_run_term_season_year_instructor_role_choice")]


# serialized_rollback: the tests after this one get the migrations' data (home page, locales) back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_terms_and_roles_are_read_into_the_new_fields():
    course = f.build_course(f.UniversityFactory(), modules=1, lessons_per_module=1)
    runs = [f.open_run(course, term="Spring 2031") for _ in range(3)]
    f.add_instructor(course, f.make_member("instructor", course.university))

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # back to free text: "Spring 2031"
    old = executor.loader.project_state(BEFORE).apps
    old_runs = old.get_model("courses", "CourseRun").objects
    old_runs.filter(pk=runs[0].pk).update(term="Осень 2025")
    old_runs.filter(pk=runs[1].pk).update(term="spring-2027")
    old_runs.filter(pk=runs[2].pk).update(
        term="Big one", starts_on=datetime.date(2031, 10, 1), ends_on=datetime.date(2031, 12, 1)
    )
    old.get_model("courses", "CourseInstructor").objects.update(role="Lead Instructor")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    seasons = dict(new.get_model("courses", "CourseRun").objects.values_list("pk", "season"))
    years = dict(new.get_model("courses", "CourseRun").objects.values_list("pk", "year"))
    assert [(seasons[r.pk], years[r.pk]) for r in runs] == [
        ("autumn", 2025),
        ("spring", 2027),
        ("autumn", 2031),  # unreadable: taken from the start date
    ]
    roles = new.get_model("courses", "CourseInstructor").objects.values_list("role", flat=True)
    assert list(roles) == ["lead"]
    # Forward to the latest migrations of every app again (courses 0010, and whatever depends
    # on these): later tests on this database need them.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
