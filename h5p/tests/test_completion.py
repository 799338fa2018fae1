"""How an H5P activity completes its lesson: the block's condition and pass mark decide."""

import pytest
from django.core.exceptions import ValidationError

from h5p.blocks import H5PActivityBlock
from h5p.services import h5p_statement_record
from h5p.tests.conftest import lesson_with_activity
from learning.models import ActivityResult, Enrollment, LessonProgress

pytestmark = pytest.mark.django_db

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"


def multichoice(content, *, raw, maximum=1):
    """What H5P.MultiChoice sends on Check: `answered`, scored, no parent."""
    return {
        "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
        "object": {
            "id": content.xapi_iri,
            "objectType": "Activity",
            "definition": {
                "interactionType": "choice",
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "description": {"en-US": "Which city is the capital of Tajikistan?"},
                "choices": [
                    {"id": "0", "description": {"en-US": "Dushanbe"}},
                    {"id": "1", "description": {"en-US": "Khujand"}},
                ],
                "correctResponsesPattern": ["0"],
            },
        },
        "result": {
            "score": {"min": 0, "raw": raw, "max": maximum, "scaled": raw / maximum},
            "completion": True,
            "success": raw == maximum,
            "response": "0" if raw else "1",
            "duration": "PT4.2S",
        },
        "context": {
            "contextActivities": {
                "category": [{"id": "http://h5p.org/libraries/H5P.MultiChoice-1.16"}]
            }
        },
    }


def record(setup, content, statement):
    enrollment = setup.enrollment
    return h5p_statement_record(
        user=setup.learner,
        enrollment=enrollment,
        outline_lesson=enrollment.outline.lessons.get(),
        content=content,
        statement=statement,
    )


def lesson_done(setup) -> bool:
    return LessonProgress.objects.filter(enrollment=setup.enrollment).exists()


def test_a_wrong_answer_does_not_complete_a_lesson_that_asks_for_a_pass(university, tiny_content):
    setup = lesson_with_activity(
        university, tiny_content, activity={"completion": "passed", "pass_mark": 50}
    )
    assert setup.enrollment.outline.lessons.get().activity_rules == {
        str(tiny_content.uuid): {"completion": "passed", "pass_mark": 50}
    }

    recorded = record(setup, tiny_content, multichoice(tiny_content, raw=0))

    assert recorded.finished
    assert not lesson_done(setup)
    result = ActivityResult.objects.get(enrollment=setup.enrollment)
    assert (result.attempts, result.best_scaled_score) == (1, 0)
    setup.enrollment.refresh_from_db()
    assert setup.enrollment.status == Enrollment.Status.ACTIVE


def test_a_passing_answer_completes_it_even_after_a_wrong_one(university, tiny_content):
    setup = lesson_with_activity(
        university, tiny_content, activity={"completion": "passed", "pass_mark": 50}
    )
    record(setup, tiny_content, multichoice(tiny_content, raw=0))

    record(setup, tiny_content, multichoice(tiny_content, raw=1))

    assert LessonProgress.objects.get(enrollment=setup.enrollment).source == "activity"
    setup.enrollment.refresh_from_db()
    assert setup.enrollment.status == Enrollment.Status.COMPLETED
    assert ActivityResult.objects.get(enrollment=setup.enrollment).attempts == 2


def test_exactly_the_pass_mark_passes(university, tiny_content):
    setup = lesson_with_activity(
        university, tiny_content, activity={"completion": "passed", "pass_mark": 50}
    )

    record(setup, tiny_content, multichoice(tiny_content, raw=1, maximum=2))

    assert lesson_done(setup)


@pytest.mark.parametrize("activity", [{}, {"completion": "finished"}])
def test_finished_keeps_completing_on_any_score(university, tiny_content, activity):
    setup = lesson_with_activity(university, tiny_content, activity=activity)

    record(setup, tiny_content, multichoice(tiny_content, raw=0))

    assert lesson_done(setup)


def test_viewed_completes_on_the_first_statement(university, tiny_content):
    setup = lesson_with_activity(university, tiny_content, activity={"completion": "viewed"})
    experienced = {
        "verb": {"id": EXPERIENCED, "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity", "id": tiny_content.xapi_iri},
    }

    recorded = record(setup, tiny_content, experienced)

    assert not recorded.finished
    assert lesson_done(setup)
    result = ActivityResult.objects.get(enrollment=setup.enrollment)
    assert result.viewed_at is not None and result.finished_at is None


def test_a_view_alone_does_not_complete_a_finished_or_passed_activity(university, tiny_content):
    setup = lesson_with_activity(university, tiny_content, activity={"completion": "finished"})
    experienced = {
        "verb": {"id": EXPERIENCED, "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity", "id": tiny_content.xapi_iri},
    }

    record(setup, tiny_content, experienced)

    assert not lesson_done(setup)


def test_the_block_refuses_passing_without_a_pass_mark(tiny_content):
    block = H5PActivityBlock()
    value = block.to_python({"content": tiny_content.pk, "completion": "passed"})

    with pytest.raises(ValidationError):
        block.clean(value)
    clean = block.clean(block.to_python({"content": tiny_content.pk, "completion": "finished"}))
    assert block.activity_rule(clean) == {"completion": "finished"}
