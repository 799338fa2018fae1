"""Every attempt and every answered question is recorded, once, and shown to the learner."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from h5p.models import H5PAttempt, H5PInteraction
from h5p.services import H5PError, h5p_statement_record
from h5p.tests.conftest import lesson_with_activity
from h5p.tests.test_completion import multichoice
from learning.models import ActivityResult, LessonProgress
from xapi.models import Statement

pytestmark = pytest.mark.django_db

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def record(setup, content, statement):
    enrollment = setup.enrollment
    return h5p_statement_record(
        user=setup.learner,
        enrollment=enrollment,
        outline_lesson=enrollment.outline.lessons.get(),
        content=content,
        statement=statement,
    )


def question_set_part(content, sub_id, *, raw):
    """A question inside a Question Set: about a sub-content, with the set as its parent."""
    statement = multichoice(content, raw=raw)
    statement["object"]["id"] = f"{content.xapi_iri}?subContentId={sub_id}"
    statement["object"]["definition"]["description"] = {"en-US": f"Question {sub_id}"}
    statement["context"]["contextActivities"]["parent"] = [{"id": content.xapi_iri}]
    return statement


def question_set_completed(content, *, raw, maximum):
    return {
        "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
        "object": {
            "id": content.xapi_iri,
            "objectType": "Activity",
            "definition": {"name": {"en-US": "Quiz"}, "interactionType": "compound"},
        },
        "result": {
            "score": {"min": 0, "raw": raw, "max": maximum, "scaled": raw / maximum},
            "completion": True,
            "success": False,
            "duration": "PT1M3.5S",
        },
    }


def test_each_check_of_a_multichoice_is_an_attempt_with_its_question(activity_lesson, tiny_content):
    record(activity_lesson, tiny_content, multichoice(tiny_content, raw=0))
    record(activity_lesson, tiny_content, multichoice(tiny_content, raw=1))

    first, second = H5PAttempt.objects.order_by("pk")
    assert (first.raw_score, first.max_score, first.scaled_score) == (0, 1, 0)
    assert (first.success, first.response, first.duration) == (False, "1", timedelta(seconds=4.2))
    assert (second.scaled_score, second.success) == (Decimal("1"), True)
    assert first.started_at <= first.finished_at <= second.started_at
    assert first.lesson_key == activity_lesson.lesson.translation_key
    question = first.interactions.get()
    assert question.interaction_type == "choice"
    assert question.description == "Which city is the capital of Tajikistan?"
    assert question.definition["correctResponsesPattern"] == ["0"]
    assert [c["id"] for c in question.definition["choices"]] == ["0", "1"]
    assert (question.sub_content_id, question.response, question.success) == ("", "1", False)
    assert str(question.statement_id) == str(first.statement_id)
    assert Statement.objects.filter(statement_id=question.statement_id).exists()


def test_a_containers_questions_belong_to_its_attempt(activity_lesson, tiny_content):
    record(activity_lesson, tiny_content, question_set_part(tiny_content, "q-1", raw=1))
    record(activity_lesson, tiny_content, question_set_part(tiny_content, "q-2", raw=0))
    assert H5PAttempt.objects.get().finished_at is None  # still open: the set is not done

    record(activity_lesson, tiny_content, question_set_completed(tiny_content, raw=1, maximum=2))

    attempt = H5PAttempt.objects.get()
    assert attempt.finished_at is not None
    assert (attempt.raw_score, attempt.max_score, attempt.scaled_score) == (1, 2, Decimal("0.5"))
    assert attempt.duration == timedelta(minutes=1, seconds=3.5)
    parts = list(attempt.interactions.values_list("sub_content_id", "description", "success"))
    assert parts == [("q-1", "Question q-1", True), ("q-2", "Question q-2", False)]


def test_a_resent_statement_is_recorded_once(activity_lesson, tiny_content):
    statement = multichoice(tiny_content, raw=1)
    statement["id"] = str(uuid.uuid4())

    first = record(activity_lesson, tiny_content, dict(statement))
    again = record(activity_lesson, tiny_content, dict(statement))

    assert again.statement_id == first.statement_id and again.duplicate
    assert not first.duplicate
    assert Statement.objects.count() == 1
    assert H5PAttempt.objects.count() == 1
    assert H5PInteraction.objects.count() == 1
    assert ActivityResult.objects.get().attempts == 1


def test_another_learner_sending_the_same_id_gets_their_own_statement(
    university, activity_lesson, tiny_content
):
    other = lesson_with_activity(university, tiny_content)
    statement = multichoice(tiny_content, raw=1)
    statement["id"] = str(uuid.uuid4())

    mine = record(activity_lesson, tiny_content, dict(statement))
    theirs = record(other, tiny_content, dict(statement))

    assert mine.statement_id != theirs.statement_id
    assert not theirs.duplicate
    assert H5PAttempt.objects.count() == 2


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ({"raw": 2, "max": 1}, "The score is above its maximum."),
        ({"raw": -1, "max": 1}, "A score cannot be below zero."),
        ({"raw": 1, "max": 1, "scaled": 1.5}, "A scaled score cannot be above 1."),
        ({"raw": "1", "max": 1}, "A score must be a number."),
    ],
)
def test_an_impossible_score_is_refused_and_nothing_is_written(
    activity_lesson, tiny_content, score, message
):
    statement = multichoice(tiny_content, raw=1)
    statement["result"]["score"] = score

    with pytest.raises(H5PError) as caught:
        record(activity_lesson, tiny_content, statement)

    assert (caught.value.code, caught.value.message) == ("bad_score", message)
    assert not Statement.objects.exists()
    assert not H5PAttempt.objects.exists()
    assert not ActivityResult.objects.exists()
    assert not LessonProgress.objects.exists()


def test_an_impossible_score_in_a_containers_part_is_refused(activity_lesson, tiny_content):
    record(activity_lesson, tiny_content, question_set_part(tiny_content, "q-1", raw=1))
    part = question_set_part(tiny_content, "q-2", raw=1)
    part["result"]["score"]["raw"] = 5

    with pytest.raises(H5PError):
        record(activity_lesson, tiny_content, part)

    assert Statement.objects.count() == 1
    assert H5PInteraction.objects.count() == 1


def post(client, setup, content, statement):
    return client.post(
        reverse(
            "h5p:statements", kwargs={"lesson_id": setup.lesson.pk, "content_uuid": content.uuid}
        ),
        data=json.dumps(statement),
        content_type="application/json",
    )


def test_the_endpoint_answers_a_bad_score_with_400_and_the_reason(activity_lesson, tiny_content):
    client = Client()
    client.force_login(activity_lesson.learner)
    statement = multichoice(tiny_content, raw=1)
    statement["result"]["score"] = {"raw": 3, "max": 2}

    response = post(client, activity_lesson, tiny_content, statement)

    assert response.status_code == 400
    assert response.json() == {"error": "The score is above its maximum.", "code": "bad_score"}
    assert not H5PAttempt.objects.exists()


def test_the_endpoint_answers_a_resend_with_the_first_id(activity_lesson, tiny_content):
    client = Client()
    client.force_login(activity_lesson.learner)
    statement = multichoice(tiny_content, raw=1)
    statement["id"] = str(uuid.uuid4())

    first = post(client, activity_lesson, tiny_content, statement).json()
    again = post(client, activity_lesson, tiny_content, statement).json()

    assert again["id"] == first["id"] and again["duplicate"] is True
    assert H5PAttempt.objects.count() == 1


def test_the_learner_sees_their_attempts_on_the_lesson_page(university, tiny_content):
    setup = lesson_with_activity(
        university, tiny_content, activity={"completion": "passed", "pass_mark": 50}
    )
    record(setup, tiny_content, multichoice(tiny_content, raw=0))
    record(setup, tiny_content, multichoice(tiny_content, raw=1))
    stranger = lesson_with_activity(university, tiny_content)
    client = Client()

    client.force_login(setup.learner)
    page = client.get(setup.lesson.url).content.decode()
    client.force_login(stranger.learner)
    strangers_page = client.get(stranger.lesson.url).content.decode()

    assert "Your attempts" in page and "pass mark 50%" in page
    assert page.count("<li>", page.index("data-h5p-attempts")) >= 2
    assert "<strong>100%</strong> (1/1)" in " ".join(page.split())
    assert "<strong>0%</strong> (0/1)" in " ".join(page.split())
    assert "not passed" in page
    assert "data-h5p-attempts" not in strangers_page
