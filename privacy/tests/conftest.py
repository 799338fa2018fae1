"""A learner with something in every section: memberships, enrollments, progress, a quiz
attempt, an H5P attempt (and its statement), a statement from an outside tool naming them by
email, saved player state and a credential, all made through the apps' own services."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from certificates.tests.conftest import complete_course
from h5p.saved_state import h5p_user_data_save
from h5p.services import h5p_statement_record
from h5p.tests.conftest import h5p_root, lesson_with_activity, tiny_content
from h5p.tests.test_completion import multichoice
from learning.services import enrollment_create
from tests import factories as f
from xapi.services import platform_authority, statement_store

__all__ = ["h5p_root", "tiny_content"]


@dataclass
class Learner:
    user: object
    h5p: object
    quiz_enrollment: object
    credential: object
    h5p_statement_id: str
    outside_statement_id: str


def outside_statement(email: str) -> dict:
    """What a tool sending through an LRS client says about a learner it knows by email."""
    return {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
        "object": {"id": "https://tool.example.org/webinar/1", "objectType": "Activity"},
    }


def build_learner(university, content, *, full_name, capture) -> Learner:
    user = f.make_member("learner", university, full_name=full_name)
    setup = lesson_with_activity(university, content, learner=user)
    with capture(execute=True), transaction.atomic():
        recorded = h5p_statement_record(
            user=user,
            enrollment=setup.enrollment,
            outline_lesson=setup.enrollment.outline.lessons.get(),
            content=content,
            statement=multichoice(content, raw=1),
        )
    h5p_user_data_save(
        user=user, content=content, data_type="state", sub_content_id="0", data='{"answer":0}'
    )
    quiz_course = f.build_course(university, modules=1, lessons_per_module=1)
    quiz_enrollment = enrollment_create(learner=user, run=f.open_run(quiz_course))
    f.quiz_attempt_answer(quiz_enrollment, f.lessons_of(quiz_course)[0], correct=False)
    plain = f.build_course(university, modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    with capture(execute=True):
        enrollment = complete_course(user, plain)
    outside = statement_store(
        outside_statement(user.email), authority=platform_authority(), university_id=university.pk
    )
    return Learner(
        user=user,
        h5p=setup,
        quiz_enrollment=quiz_enrollment,
        credential=enrollment.credentials.get(),
        h5p_statement_id=recorded.statement_id,
        outside_statement_id=outside,
    )


@pytest.fixture
def university(db):
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.fixture
def learner(university, tiny_content, django_capture_on_commit_callbacks):
    return build_learner(
        university,
        tiny_content,
        full_name='=HYPERLINK("https://evil.example")',
        capture=django_capture_on_commit_callbacks,
    )


@dataclass
class Other:
    user: object
    statement_ids: list


@pytest.fixture
def other(university, learner, tiny_content):
    """Another learner of the same university, in the same H5P lesson's course, with
    statements of their own: what must never reach the first learner's download."""
    user = f.make_member("learner", university, full_name="Zarina Other")
    enrollment = enrollment_create(learner=user, run=learner.h5p.run)
    recorded = h5p_statement_record(
        user=user,
        enrollment=enrollment,
        outline_lesson=enrollment.outline.lessons.get(),
        content=tiny_content,
        statement=multichoice(tiny_content, raw=0),
    )
    outside = statement_store(
        outside_statement(user.email), authority=platform_authority(), university_id=university.pk
    )
    return Other(user=user, statement_ids=[recorded.statement_id, outside])
