import io
from dataclasses import dataclass

import pytest

from courses.models import LessonPage
from h5p.services import h5p_content_create
from h5p.tests.packages import tiny_quiz_h5p
from learning import services as learning
from tests import factories as f


@pytest.fixture(autouse=True)
def h5p_root(settings, tmp_path):
    """Every test gets its own H5P storage root."""
    settings.H5P_ROOT = tmp_path / "h5p-root"
    return settings.H5P_ROOT


@pytest.fixture
def university(db):
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.fixture
def other_university(db):
    return f.UniversityFactory(code="kaznu", name="Al-Farabi Kazakh National University")


@pytest.fixture
def tiny_content(university):
    """The tiny quiz installed (as staff would) and uploaded for `university`."""
    return h5p_content_create(
        source=io.BytesIO(tiny_quiz_h5p()),
        filename="tiny.h5p",
        university=university,
        may_install_libraries=True,
    )


@dataclass
class ActivityLesson:
    course: object
    lesson: LessonPage
    run: object
    learner: object
    enrollment: object


def lesson_with_activity(university, content, *, learner=None, activity=None, **course_fields):
    """A published one-lesson course whose lesson plays `content`, and an enrolled learner.

    `activity` adds block settings (`completion`, `pass_mark`) to the lesson's H5P block.
    """
    course = f.build_course(
        university, modules=1, lessons_per_module=1, quiz_in_last_lesson=False, **course_fields
    )
    lesson = f.lessons_of(course)[0]
    lesson.body = [
        ("rich_text", "<p>Try the activity.</p>"),
        ("h5p", {"content": content, "height": 300, **(activity or {})}),
    ]
    f.publish(lesson)
    run = f.open_run(course)
    learner = learner or f.make_member("learner", university)
    enrollment = learning.enrollment_create(learner=learner, run=run)
    return ActivityLesson(course, lesson, run, learner, enrollment)


@pytest.fixture
def activity_lesson(university, tiny_content):
    return lesson_with_activity(university, tiny_content)
