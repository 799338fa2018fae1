"""Test helpers for the public pages."""

from courses.models import LessonPage
from tests import factories as f


def with_stable_quiz_ids(course):
    """Give the course's quiz questions and options ids that survive a reload.

    `tests.factories.quiz_block` writes questions and options in the old ListBlock format,
    without item ids, so Wagtail makes up new ids each time the page is loaded and a form
    rendered from one load can never be graded against the next. Pages saved from the admin
    always carry ids. Binding the blocks once and saving them stores the ids.
    """
    for lesson in f.lessons_of(course):
        if lesson.quiz_blocks():  # binds the blocks, which gives every item an id
            LessonPage.objects.filter(pk=lesson.pk).update(body=lesson.body)
    return course
