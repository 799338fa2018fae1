import pytest

from learning import services as learning
from tests import factories as f


@pytest.fixture
def university():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.fixture
def course(university):
    """Two lessons: a reading, then one with a quiz; an open run."""
    course = f.build_course(university, modules=1, lessons_per_module=2)
    f.open_run(course)
    return course


@pytest.fixture
def learner(university):
    return f.make_member("learner", university)


@pytest.fixture
def enrollment(course, learner):
    return learning.enrollment_create(learner=learner, run=course.runs.first())
