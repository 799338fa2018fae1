"""Grading methods and attempt limits: the graded result is what the pass mark reads."""

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from h5p.blocks import H5PActivityBlock
from h5p.grading import AVERAGE, FIRST, HIGHEST, LAST, graded_score
from h5p.models import H5PAttempt, H5PInteraction
from h5p.services import H5PError
from h5p.tests.conftest import lesson_with_activity
from h5p.tests.test_completion import lesson_done, multichoice, record
from learning.models import ActivityResult
from tests import factories as f
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def answer(raw, maximum=2, sent_id=None):
    def build(content):
        statement = multichoice(content, raw=raw, maximum=maximum)
        if sent_id:
            statement["id"] = sent_id
        return statement

    return build


def play(setup, content, *raws, maximum=2):
    for raw in raws:
        record(setup, content, answer(raw, maximum)(content))


def kept_score(setup):
    return ActivityResult.objects.get(enrollment=setup.enrollment).best_scaled_score


@pytest.mark.parametrize(
    ("method", "expected"),
    [(HIGHEST, "1"), (AVERAGE, "0.5"), (FIRST, "0.5"), (LAST, "0")],
)
def test_each_method_grades_the_same_attempts(method, expected):
    scores = [Decimal("0.5"), Decimal("1"), Decimal("0")]
    assert graded_score(method, scores) == Decimal(expected)
    assert graded_score(method, []) is None


@given(
    method=st.sampled_from([HIGHEST, AVERAGE, FIRST, LAST, "unknown"]),
    scores=st.lists(
        st.decimals(min_value=0, max_value=1, places=4, allow_nan=False), min_size=1, max_size=30
    ),
)
def test_a_graded_result_lies_within_the_attempts_scores(method, scores):
    graded = graded_score(method, scores)
    assert min(scores) <= graded <= max(scores)
    assert graded == graded.quantize(Decimal("0.0001"))


def test_an_average_is_rounded_to_what_the_result_keeps():
    assert graded_score(AVERAGE, [Decimal("1"), Decimal("0"), Decimal("0")]) == Decimal("0.3333")


@pytest.mark.parametrize(
    ("grading", "raws", "kept", "done"),
    [
        # Pass mark 50 on a two-point question: raw 1 is exactly 50%.
        ("highest", (0, 2, 0), Decimal("1"), True),
        ("average", (0, 1, 0), Decimal("0.1667"), False),
        ("average", (0, 2, 2), Decimal("0.6667"), True),
        ("first", (0, 2), Decimal("0"), False),
        ("first", (1, 0), Decimal("0.5"), True),
        ("last", (0, 0), Decimal("0"), False),
        ("last", (0, 0, 1), Decimal("0.5"), True),
    ],
)
def test_the_graded_result_decides_the_pass_mark(
    university, tiny_content, grading, raws, kept, done
):
    setup = lesson_with_activity(
        university,
        tiny_content,
        activity={"completion": "passed", "pass_mark": 50, "grading": grading},
    )

    play(setup, tiny_content, *raws)

    assert kept_score(setup) == kept
    assert lesson_done(setup) is done
    assert H5PAttempt.objects.filter(finished_at__isnull=False).count() == len(raws)


def test_the_last_attempt_lowers_the_result_before_completion(university, tiny_content):
    # With "finished" the lesson completes on the first try; the result still follows the rule.
    setup = lesson_with_activity(university, tiny_content, activity={"grading": "last"})

    play(setup, tiny_content, 2, 1)

    assert kept_score(setup) == Decimal("0.5")


def test_the_outline_keeps_the_method_and_the_limit(university, tiny_content):
    setup = lesson_with_activity(
        university,
        tiny_content,
        activity={"completion": "passed", "pass_mark": 60, "grading": "average", "max_attempts": 3},
    )
    assert setup.enrollment.outline.lessons.get().activity_rules == {
        str(tiny_content.uuid): {
            "completion": "passed",
            "pass_mark": 60,
            "grading": "average",
            "max_attempts": 3,
        }
    }


def test_the_block_defaults_to_the_highest_attempt_and_no_limit(tiny_content):
    block = H5PActivityBlock()
    value = block.clean(block.to_python({"content": tiny_content.pk, "max_attempts": 0}))
    assert block.activity_rule(value) == {"completion": "finished"}


def test_an_attempt_beyond_the_limit_is_refused_and_nothing_is_written(university, tiny_content):
    setup = lesson_with_activity(university, tiny_content, activity={"max_attempts": 2})
    play(setup, tiny_content, 0, 1)
    counts = (Statement.objects.count(), H5PAttempt.objects.count(), H5PInteraction.objects.count())

    with pytest.raises(H5PError) as refused:
        record(setup, tiny_content, answer(2)(tiny_content))

    assert refused.value.code == "attempt_limit"
    assert "2 attempts" in refused.value.message
    assert (
        Statement.objects.count(),
        H5PAttempt.objects.count(),
        H5PInteraction.objects.count(),
    ) == counts
    assert ActivityResult.objects.get(enrollment=setup.enrollment).attempts == 2
    assert kept_score(setup) == Decimal("0.5")


def test_a_resent_last_attempt_is_a_duplicate_not_a_refusal(university, tiny_content):
    setup = lesson_with_activity(
        university, tiny_content, activity={"max_attempts": 1, "grading": "average"}
    )
    sent_id = str(uuid.uuid4())
    first = record(setup, tiny_content, answer(1, sent_id=sent_id)(tiny_content))

    again = record(setup, tiny_content, answer(1, sent_id=sent_id)(tiny_content))

    assert again.duplicate and again.statement_id == first.statement_id
    assert H5PAttempt.objects.count() == 1
    assert ActivityResult.objects.get(enrollment=setup.enrollment).attempts == 1
    assert kept_score(setup) == Decimal("0.5")


def test_the_statements_endpoint_answers_the_limit_in_plain_words(university, tiny_content):
    setup = lesson_with_activity(university, tiny_content, activity={"max_attempts": 1})
    play(setup, tiny_content, 1)
    client = Client()
    client.force_login(setup.learner)
    url = reverse(
        "h5p:statements",
        kwargs={"lesson_id": setup.lesson.pk, "content_uuid": tiny_content.uuid},
    )

    response = client.post(url, data=answer(2)(tiny_content), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "attempt_limit"
    assert "1 attempt" in response.json()["error"]


def test_the_lesson_page_shows_attempts_left_then_the_limit(university, tiny_content):
    setup = lesson_with_activity(
        university, tiny_content, activity={"max_attempts": 2, "grading": "average"}
    )
    client = Client()
    client.force_login(setup.learner)

    page = client.get(setup.lesson.url).content.decode()
    assert "2 attempts left." in page and "data-h5p-activity" in page

    play(setup, tiny_content, 2)
    page = client.get(setup.lesson.url).content.decode()
    assert "1 attempt left." in page

    play(setup, tiny_content, 0)
    page = client.get(setup.lesson.url).content.decode()
    assert "You have used all 2 attempts at this activity." in page
    assert "data-h5p-activity" not in page
    assert "Your result: 50% (graded by the average of all attempts)." in page


def test_the_lesson_editor_offers_the_grading_method_and_the_limit(
    client, university, tiny_content
):
    setup = lesson_with_activity(
        university, tiny_content, activity={"grading": "last", "max_attempts": 4}
    )
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse("wagtailadmin_pages:edit", args=[setup.lesson.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Graded by" in body and "the last attempt" in body and "Attempts allowed" in body
