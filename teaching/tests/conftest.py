import pytest

from tests import factories as f


@pytest.fixture
def world(db):
    """Two universities, a course and open run at each, staff and learners."""
    a = f.UniversityFactory(code="ua", name="University A")
    b = f.UniversityFactory(code="ub", name="University B")
    course_a = f.build_course(a, title="Data science at A", modules=1, lessons_per_module=2)
    course_b = f.build_course(b, title="Vision at B", modules=1, lessons_per_module=1)

    class World:
        pass

    w = World()
    w.a, w.b = a, b
    w.course_a, w.course_b = course_a, course_b
    w.run_a, w.run_b = f.open_run(course_a), f.open_run(course_b)
    w.instructor_a = f.make_member("instructor", a)
    w.instructor_b = f.make_member("instructor", b)
    w.registrar_a = f.make_member("registrar", a)
    w.learner_a = f.make_member("learner", a, full_name='=HYPERLINK("http://x")')
    w.learner_b = f.make_member("learner", b)
    return w
