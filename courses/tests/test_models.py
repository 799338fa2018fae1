import pytest

from courses.models import LessonPage
from tests import factories as f


@pytest.mark.django_db
def test_quiz_question_and_option_ids_are_stored_with_the_page():
    course = f.build_course(f.UniversityFactory(code="ids"), modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(course).get()

    def ids(page):
        quiz = page.quiz_blocks()[0]
        return [
            (question.id, [choice.id for choice in question.value["choices"].bound_blocks])
            for question in quiz.value["questions"].bound_blocks
        ]

    first = ids(LessonPage.objects.get(pk=lesson.pk))
    assert first == ids(LessonPage.objects.get(pk=lesson.pk))
    assert all(question_id for question_id, _choices in first)
    published = lesson.get_latest_revision_as_object()
    assert ids(published) == first


@pytest.mark.django_db
def test_course_takes_its_university_from_the_section_it_sits_in():
    university = f.UniversityFactory(code="own")
    course = f.build_course(university, modules=1, lessons_per_module=1)
    assert course.university == university
