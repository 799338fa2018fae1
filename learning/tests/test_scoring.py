"""The course's final score: a weighted mean of quizzes and activities (ADR 0055)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wagtail.blocks.struct_block import StructBlockValidationError

from courses.blocks import QuizBlock, quiz_rule
from learning import services
from learning.models import Enrollment, OutlineLesson
from learning.scoring import GradedScore, final_score, weight_of
from tests import factories as f

WEIGHT_ERROR = "Give a weight from 0 to 100, with at most two decimal places."


def score_before_weights(quiz_scores, activity_percents):
    """The final score as `enrollment_progress_refresh` computed it before weights existed:
    the rounded quiz average and each counted activity, averaged."""
    scores = []
    if quiz_scores:
        quiz_average = sum(quiz_scores, Decimal("0")) / len(quiz_scores)
        scores.append(quiz_average.quantize(Decimal("0.01")))
    scores += activity_percents
    if not scores:
        return None
    return (sum(scores, Decimal("0")) / len(scores)).quantize(Decimal("0.01"))


def unweighted(quiz_scores, activity_percents):
    return [GradedScore(s, None) for s in quiz_scores] + [GradedScore(p) for p in activity_percents]


percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
scaled = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@given(st.lists(percents, max_size=12), st.lists(scaled, max_size=12))
def test_without_weights_the_score_is_exactly_what_it_was(quiz_scores, activity_scaled):
    activity_percents = [100 * s for s in activity_scaled]
    assert final_score(unweighted(quiz_scores, activity_percents)) == score_before_weights(
        quiz_scores, activity_percents
    )


@given(st.lists(st.tuples(percents, weights), min_size=1, max_size=12))
def test_a_weighted_score_lies_between_the_scores_it_weighs(items):
    result = final_score(GradedScore(p, w) for p, w in items)
    counted = [p for p, w in items if w]
    if not counted:
        assert result is None
    else:
        assert min(counted) <= result <= max(counted)
        assert result == result.quantize(Decimal("0.01"))


def test_a_quiz_and_two_activities_by_weight():
    items = [
        GradedScore(Decimal("90"), Decimal("2")),
        GradedScore(Decimal("60.0000"), Decimal("1")),
        GradedScore(Decimal("40.0000"), Decimal("3")),
    ]
    assert final_score(items) == Decimal("60.00")  # (180 + 60 + 120) / 6


def test_quizzes_without_a_weight_share_one_average_beside_weighted_ones():
    items = [
        GradedScore(Decimal("100"), None),
        GradedScore(Decimal("0"), None),
        GradedScore(Decimal("80"), Decimal("2")),
    ]
    assert final_score(items) == Decimal("70.00")  # (1 × 50 + 2 × 80) / 3


def test_weight_0_is_left_out_and_nothing_weighing_gives_no_score():
    assert final_score([GradedScore(Decimal("80"), None), GradedScore(Decimal("0"), 0)]) == 80
    assert final_score([GradedScore(Decimal("80"), Decimal("0"))]) is None
    assert final_score([]) is None


@pytest.mark.parametrize(
    ("rule", "weight"),
    [
        (None, None),
        ({}, None),
        ({"weight": "2.5"}, Decimal("2.5")),
        ({"weight": "0"}, Decimal("0")),
        ({"weight": 3}, Decimal("3")),
        ({"weight": "-1"}, None),
        ({"weight": "101"}, None),
        ({"weight": "NaN"}, None),
        ({"weight": "x"}, None),
        ({"weight": True}, None),
    ],
)
def test_a_stored_weight_is_read_or_ignored(rule, weight):
    assert weight_of(rule) == weight


# --- Quiz blocks --------------------------------------------------------------------------


def _quiz_value(**changes):
    block = QuizBlock()
    value = block.to_python(f.quiz_block()["value"])
    value.update(changes)
    return block, value


@pytest.mark.parametrize("weight", ["-0.5", "101", "1.005", "many"])
def test_a_quiz_weight_outside_0_to_100_is_refused(weight):
    block, value = _quiz_value(weight=weight)
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    assert set(refused.value.block_errors["weight"].messages) == {WEIGHT_ERROR}


@pytest.mark.parametrize(
    ("weight", "stored"), [(None, None), ("0", "0"), ("1", "1"), ("12.5", "12.5")]
)
def test_a_quiz_stores_only_a_weight_its_author_gave(weight, stored):
    block, value = _quiz_value(weight=weight)
    assert quiz_rule(block.clean(value)).get("weight") == stored


# --- A course published before weights ----------------------------------------------------


@pytest.mark.django_db
def test_an_existing_course_keeps_its_numbers():
    """Two quizzes and an activity, outline rows as they were stored before weights: the
    quiz average (100 and 0: 50) and the activity (80) still average to 65."""
    university = f.UniversityFactory(code="tnu")
    course = f.build_course(university, modules=2, lessons_per_module=2)
    first = OutlineLesson.objects.filter(outline__course_key=course.translation_key).order_by(
        "position"
    )[0]
    first.activity_ids = ["activity-one"]
    first.activity_rules = {"activity-one": {"completion": "passed", "pass_mark": 50}}
    first.save()
    assert not any(
        "weight" in rule
        for row in OutlineLesson.objects.all()
        for rule in [*row.quiz_rules.values(), *row.activity_rules.values()]
    )
    enrollment = services.enrollment_create(
        learner=f.make_member("learner", university), run=f.open_run(course)
    )
    lessons = f.lessons_of(course)
    assert f.quiz_attempt_answer(enrollment, lessons[1]).passed
    assert not f.quiz_attempt_answer(enrollment, lessons[3], correct=False).passed
    services.activity_result_record(
        enrollment=enrollment,
        lesson_key=lessons[0].translation_key,
        activity_id="activity-one",
        scaled_score=Decimal("0.8"),
    )

    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    assert enrollment.quiz_average == Decimal("50.00")
    assert enrollment.final_score == Decimal("65.00")
    assert enrollment.final_score == score_before_weights(
        [Decimal("100"), Decimal("0")], [Decimal("80.0000")]
    )
