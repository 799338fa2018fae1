import pytest

from learning import services
from learning.models import Enrollment
from tests import factories as f


@pytest.fixture
def university():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.mark.django_db
def test_course_completes_after_lessons_and_quizzes(university):
    course = f.build_course(university)
    run = f.open_run(course)
    learner = f.make_member("learner", university)
    enrollment = services.enrollment_create(learner=learner, run=run)
    assert enrollment.lessons_total == 4
    for lesson in f.lessons_of(course):
        if lesson.quiz_blocks():
            attempt = f.quiz_attempt_answer(enrollment, lesson)
            assert attempt.passed
        else:
            services.lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.progress_percent == 100
    assert enrollment.quiz_average == 100


@pytest.mark.django_db
def test_capacity_is_enforced(university):
    run = f.open_run(f.build_course(university), capacity=1)
    services.enrollment_create(learner=f.make_member("learner", university), run=run)
    with pytest.raises(services.LearningError) as refused:
        services.enrollment_create(learner=f.make_member("learner", university), run=run)
    assert refused.value.code == "full"
