"""The logged-in lesson page at the scale issue 15 names: 10,000 learners and 1,000,000
enrollments in the database. Its queries stay as many, and none of them scans a big table.

PostgreSQL only: SQLite's planner is not the one production runs, and a million rows are
written with `generate_series` in a few seconds.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning import services as learning
from learning.models import CourseOutline, Enrollment
from tests import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.usefixtures("production_caches"),
]

LEARNERS = 10_000
RUNS = 100  # 10,000 learners in each of 100 runs: 1,000,000 enrollments


def grow(course, run) -> None:
    """Copies of the run, a crowd of learners, and every learner enrolled in every copy."""
    outline = CourseOutline.objects.get(course_key=course.translation_key)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO courses_courserun (course_id, season, year, starts_on, ends_on,
                enrollment_opens_at, enrollment_closes_at, capacity, created_at)
            SELECT course_id, season, 3000 + g, starts_on, ends_on,
                enrollment_opens_at, enrollment_closes_at, NULL, now()
            FROM courses_courserun, generate_series(1, %s) AS g WHERE id = %s
            """,
            [RUNS, run.pk],
        )
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, first_name, last_name, is_staff,
                is_active, date_joined, email, full_name, preferred_language, data_saver)
            SELECT '!', false, '', '', false, true, now(), 'crowd' || g || '@example.test',
                'Learner ' || g, 'en', false
            FROM generate_series(1, %s) AS g
            """,
            [LEARNERS],
        )
        cursor.execute(
            """
            INSERT INTO learning_enrollment (uuid, learner_id, run_id, outline_id, status,
                enrolled_at, lessons_completed, lessons_total, lessons_new_since_completion)
            SELECT gen_random_uuid(), learner.id, copy.id, %s, 'active', now(), 0, 0, 0
            FROM accounts_user AS learner CROSS JOIN courses_courserun AS copy
            WHERE learner.email LIKE 'crowd%%' AND copy.year > 3000
            """,
            [outline.pk],
        )
        cursor.execute("ANALYZE")


def queries_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def scanned_tables(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_lesson_page_costs_the_same_queries_with_a_million_enrollments(client):
    tnu = f.UniversityFactory(code="tnu", name="Tajik National University")
    course = f.build_course(tnu, modules=3, lessons_per_module=4, quiz_in_last_lesson=False)
    run = f.open_run(course)
    learner = f.make_member("learner", tnu)
    enrollment = learning.enrollment_create(learner=learner, run=run)
    first, second = f.lessons_of(course)[:2]
    learning.lesson_mark_complete(enrollment=enrollment, lesson_key=first.translation_key)
    client.force_login(learner)
    # With a query string the lesson is rendered each time, as on a first read (ADR 0067).
    client.get(f"{second.url}?warm=1")  # the kept values a running server has
    small_first_read = queries_of(client, f"{second.url}?read=1")
    client.get(second.url)
    small_again = queries_of(client, second.url)

    grow(course, run)
    assert Enrollment.objects.count() == LEARNERS * RUNS + 1
    client.get(f"{second.url}?warm=2")  # the writes above emptied what was kept
    large_first_read = queries_of(client, f"{second.url}?read=2")
    client.get(second.url)
    large_again = queries_of(client, second.url)

    assert len(large_first_read) == len(small_first_read) <= 6
    assert len(large_again) == len(small_again) == 1
    for sql in large_first_read:
        plan = scanned_tables(sql)
        for table in ("learning_enrollment", "accounts_user"):
            assert f"Seq Scan on {table}" not in plan, plan
