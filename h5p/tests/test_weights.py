"""Each graded item's weight in the course's final score (ADR 0055), with real H5P blocks."""

import io
import json
from decimal import Decimal

import pytest
from wagtail.blocks.struct_block import StructBlockValidationError

from courses.models import LessonPage
from h5p.blocks import H5PActivityBlock
from h5p.services import h5p_content_create, h5p_statement_record
from h5p.tests.packages import tiny_quiz_h5p
from h5p.tests.test_completion import multichoice
from learning import services as learning
from learning.models import CourseOutline, Enrollment, LessonProgress
from tests import factories as f

pytestmark = pytest.mark.django_db

WEIGHT_ERROR = "Give a weight from 0 to 100, with at most two decimal places."


@pytest.fixture
def second_content(university):
    return h5p_content_create(
        source=io.BytesIO(tiny_quiz_h5p()),
        filename="second.h5p",
        university=university,
        may_install_libraries=True,
    )


def weighted_course(university, first, second, *, first_activity=None, second_activity=None):
    """A published course: lesson 1.1 plays two H5P activities, lesson 1.2 has a quiz."""
    course = f.build_course(university, modules=1, lessons_per_module=2)
    lesson = f.lessons_of(course)[0]
    lesson.body = [
        ("h5p", {"content": first, **(first_activity or {})}),
        ("h5p", {"content": second, **(second_activity or {})}),
    ]
    f.publish(lesson)
    return course, f.open_run(course)


def play(enrollment, course, content, *, raw, maximum=2):
    key = f.lessons_of(course)[0].translation_key
    h5p_statement_record(
        user=enrollment.learner,
        enrollment=enrollment,
        outline_lesson=enrollment.outline.lessons.get(lesson_key=key),
        content=content,
        statement=multichoice(content, raw=raw, maximum=maximum),
    )


def quiz_lesson(course):
    return f.lessons_of(course)[1]


def set_weight(lesson, block_index, weight):
    """Publish `lesson` again with block `block_index` weighing `weight`, ids kept."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    raw = list(lesson.body.raw_data)
    raw[block_index] = {**raw[block_index], "value": {**raw[block_index]["value"]}}
    raw[block_index]["value"]["weight"] = weight
    lesson.body = raw
    f.publish(lesson)


def final_score_of(enrollment):
    return Enrollment.objects.get(pk=enrollment.pk).final_score


def test_a_quiz_and_two_activities_count_by_their_weights(university, tiny_content, second_content):
    course, run = weighted_course(
        university, tiny_content, second_content, second_activity={"weight": Decimal("3")}
    )
    set_weight(quiz_lesson(course), 1, "2")
    outline_lessons = list(
        CourseOutline.objects.get(course_key=course.translation_key).lessons.order_by("position")
    )
    first, second = str(tiny_content.uuid), str(second_content.uuid)
    assert outline_lessons[0].activity_rules == {
        first: {"completion": "finished"},
        second: {"completion": "finished", "weight": "3"},
    }
    [quiz_id] = outline_lessons[1].quiz_ids
    assert outline_lessons[1].quiz_rules[quiz_id]["weight"] == "2"

    enrollment = learning.enrollment_create(learner=f.make_member("learner", university), run=run)
    assert f.quiz_attempt_answer(enrollment, quiz_lesson(course)).passed  # 100, weight 2
    play(enrollment, course, tiny_content, raw=1)  # 50, weight 1
    play(enrollment, course, second_content, raw=0)  # 0, weight 3

    # (2 × 100 + 1 × 50 + 3 × 0) / 6; without weights it would be (100 + 50 + 0) / 3 = 50.
    assert final_score_of(enrollment) == Decimal("41.67")


def test_an_activity_of_weight_0_counts_for_completion_but_not_the_score(
    university, tiny_content, second_content
):
    course, run = weighted_course(
        university,
        tiny_content,
        second_content,
        second_activity={"weight": Decimal("0"), "completion": "passed", "pass_mark": 50},
    )
    enrollment = learning.enrollment_create(learner=f.make_member("learner", university), run=run)
    assert f.quiz_attempt_answer(enrollment, quiz_lesson(course)).passed
    play(enrollment, course, tiny_content, raw=2)
    play(enrollment, course, second_content, raw=0)

    # The formative activity failed its pass mark: its lesson is not done...
    key = f.lessons_of(course)[0].translation_key
    assert not LessonProgress.objects.filter(enrollment=enrollment, lesson_key=key).exists()
    # ...and its 0 does not pull the score down: (100 + 100) / 2.
    assert final_score_of(enrollment) == Decimal("100.00")
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.ACTIVE


def test_a_changed_weight_moves_a_learner_in_progress_not_a_completed_certificate(
    university, tiny_content, second_content, django_capture_on_commit_callbacks
):
    course, run = weighted_course(university, tiny_content, second_content)
    finished = learning.enrollment_create(learner=f.make_member("learner", university), run=run)
    with django_capture_on_commit_callbacks(execute=True):
        assert f.quiz_attempt_answer(finished, quiz_lesson(course)).passed
        play(finished, course, tiny_content, raw=2)
        play(finished, course, second_content, raw=1)
    finished.refresh_from_db()
    assert finished.is_completed
    assert finished.final_score == Decimal("83.33")  # (100 + 100 + 50) / 3
    [credential] = finished.credentials.all()
    signed = credential.signed_json
    [result] = json.loads(signed)["credentialSubject"]["result"]

    learning_now = learning.enrollment_create(learner=f.make_member("learner", university), run=run)
    play(learning_now, course, tiny_content, raw=1)
    play(learning_now, course, second_content, raw=2)
    assert final_score_of(learning_now) == Decimal("50.00")  # (0 + 50 + 100) / 3

    with django_capture_on_commit_callbacks(execute=True):
        set_weight(f.lessons_of(course)[0], 1, "4")

    # In progress: the score follows the course as it is now, (0 + 50 + 4 × 100) / 6.
    assert final_score_of(learning_now) == Decimal("75.00")
    # Completed: the result of record and the certificate stay as issued (ADR 0042).
    assert final_score_of(finished) == Decimal("83.33")
    credential.refresh_from_db()
    assert credential.signed_json == signed
    assert result["value"] == "83.33"

    with django_capture_on_commit_callbacks(execute=True):
        set_weight(f.lessons_of(course)[0], 1, "0")
    assert final_score_of(learning_now) == Decimal("25.00")  # (0 + 50) / 2
    with django_capture_on_commit_callbacks(execute=True):
        set_weight(quiz_lesson(course), 1, "0")
    assert final_score_of(learning_now) == Decimal("50.00")  # the first activity alone
    assert final_score_of(finished) == Decimal("83.33")


@pytest.mark.parametrize("weight", ["-1", "100.01", "0.125", "abc", "1e400"])
def test_a_weight_outside_0_to_100_or_finer_than_hundredths_is_refused(tiny_content, weight):
    block = H5PActivityBlock()
    value = block.to_python({"content": tiny_content.pk})
    value["weight"] = weight
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    # One plain sentence, however many of Django's checks the value fails.
    assert set(refused.value.block_errors["weight"].messages) == {WEIGHT_ERROR}


@pytest.mark.parametrize(
    ("weight", "stored"),
    [("0", "0"), ("0.5", "0.5"), ("2.50", "2.5"), ("10", "10"), ("100", "100"), ("1.00", None)],
)
def test_a_weight_is_stored_as_plain_text_and_1_not_at_all(tiny_content, weight, stored):
    block = H5PActivityBlock()
    value = block.to_python({"content": tiny_content.pk})
    value["weight"] = weight
    assert block.activity_rule(block.clean(value)).get("weight") == stored


def test_the_block_weighs_1_by_default_and_when_left_empty(tiny_content):
    block = H5PActivityBlock()
    assert block.get_default()["weight"] == Decimal("1")
    value = block.to_python({"content": tiny_content.pk})
    value["weight"] = None
    assert block.activity_rule(block.clean(value)) == {"completion": "finished"}
