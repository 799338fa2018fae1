"""The offline queue's sync endpoint (ADR 0041): every item answered on its own, applied once
by its idempotency key, graded on the server, and never counted for the wrong person."""

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import quiz_services
from learning import services as learning
from learning.models import Enrollment, LessonProgress, QuizAttempt
from offline import services
from offline.models import OfflineSubmission
from tests import factories as f

pytestmark = pytest.mark.django_db


def sync(client, items, **extra):
    return client.post(
        reverse("offline:sync"), json.dumps({"items": items}), content_type="application/json"
    )


def complete(lesson, *, key=None, user=None):
    item = {"key": str(key or uuid.uuid4()), "kind": "complete", "lesson": lesson.pk}
    if user is not None:
        item["user"] = user.pk
    return item


def quiz_item(lesson, attempt, answers, *, key=None):
    return {
        "key": str(key or uuid.uuid4()),
        "kind": "quiz",
        "lesson": lesson.pk,
        "payload": {"quiz_id": attempt.quiz_id, "attempt": attempt.pk, "answers": answers},
    }


@pytest.fixture
def client_as(learner):
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def opened(course, enrollment):
    """The attempt that saving the course opened on the second lesson's quiz."""
    assert services.offline_copy_prepare(course=course, enrollment=enrollment) == 1
    lesson = f.lessons_of(course)[1]
    return lesson, QuizAttempt.objects.get(enrollment=enrollment, submitted_at__isnull=True)


def right_answers(lesson, attempt):
    return f.answers_for_draw(lesson.quiz_blocks()[0], attempt.draw)


def test_a_queue_is_graded_on_the_server_and_recorded(client_as, course, enrollment, opened):
    lesson, attempt = opened
    reading = f.lessons_of(course)[0]
    response = sync(
        client_as, [complete(reading), quiz_item(lesson, attempt, right_answers(lesson, attempt))]
    )
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["status"] == "recorded" and first["message"] == "Lesson completed."
    assert second["status"] == "recorded" and second["passed"] is True
    assert second["score"] == 100.0 and second["message"] == "Quiz passed with 100%."
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 2
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_the_browser_cannot_send_a_score(client_as, enrollment, opened):
    lesson, attempt = opened
    item = quiz_item(lesson, attempt, {})  # nothing chosen
    item["payload"].update({"score": 100, "passed": True})
    result = sync(client_as, [item]).json()["results"][0]
    assert result["status"] == "recorded" and result["score"] == 0.0 and not result["passed"]
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.passed is False


def test_a_replayed_queue_is_counted_once_and_answered_the_same(client_as, enrollment, opened):
    lesson, attempt = opened
    items = [quiz_item(lesson, attempt, right_answers(lesson, attempt))]
    first = sync(client_as, items).json()["results"][0]
    again = sync(client_as, items).json()["results"][0]
    assert again == {**first, "replayed": True}
    assert (
        QuizAttempt.objects.filter(enrollment=enrollment, submitted_at__isnull=False).count() == 1
    )
    assert OfflineSubmission.objects.count() == 1


def test_the_same_item_twice_in_one_queue_is_applied_once(client_as, course, enrollment):
    item = complete(f.lessons_of(course)[0])
    results = sync(client_as, [item, item]).json()["results"]
    assert [r["status"] for r in results] == ["recorded", "recorded"]
    assert "replayed" not in results[0] and results[1]["replayed"] is True
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1


def test_a_key_sent_again_with_other_content_is_refused(client_as, course, enrollment, opened):
    lesson, attempt = opened
    key = uuid.uuid4()
    sync(client_as, [quiz_item(lesson, attempt, {}, key=key)])
    result = sync(client_as, [quiz_item(lesson, attempt, right_answers(lesson, attempt), key=key)])
    assert result.json()["results"][0]["code"] == "key_reused"
    assert QuizAttempt.objects.get(pk=attempt.pk).passed is False


def test_a_learner_who_withdrew_gets_a_refusal_and_nothing_is_written(
    client_as, course, enrollment, opened
):
    lesson, attempt = opened
    learning.enrollment_withdraw(enrollment=enrollment)
    results = sync(
        client_as,
        [
            complete(f.lessons_of(course)[0]),
            quiz_item(lesson, attempt, right_answers(lesson, attempt)),
        ],
    ).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("refused", "not_enrolled")] * 2
    assert results[0]["message"] == "You are not enrolled in this course."
    assert not LessonProgress.objects.exists()
    assert not QuizAttempt.objects.filter(submitted_at__isnull=False).exists()


def test_an_item_queued_by_another_account_is_not_counted_for_this_one(
    client_as, course, enrollment, university
):
    other = f.make_member("learner", university)
    result = sync(client_as, [complete(f.lessons_of(course)[0], user=other)]).json()["results"][0]
    assert result["code"] == "other_user"
    assert not LessonProgress.objects.exists()


def test_another_learners_attempt_cannot_be_submitted(client_as, course, enrollment, university):
    other = f.make_member("learner", university)
    theirs = learning.enrollment_create(learner=other, run=course.runs.first())
    lesson = f.lessons_of(course)[1]
    quiz = lesson.quiz_blocks()[0]
    attempt = quiz_services.quiz_attempt_start(enrollment=theirs, lesson=lesson, quiz_id=quiz.id)
    result = sync(client_as, [quiz_item(lesson, attempt, right_answers(lesson, attempt))])
    assert result.json()["results"][0]["status"] == "refused"
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_answers_sent_for_another_lesson_are_refused(client_as, course, enrollment, opened):
    lesson, attempt = opened
    reading = f.lessons_of(course)[0]  # the quiz is not on this lesson
    result = sync(client_as, [quiz_item(reading, attempt, right_answers(lesson, attempt))])
    assert result.json()["results"][0]["code"] == "unknown_quiz"
    assert QuizAttempt.objects.get(pk=attempt.pk).submitted_at is None


def test_a_course_the_learner_is_not_in_is_refused(client_as, enrollment, university):
    elsewhere = f.build_course(university, modules=1, lessons_per_module=1)
    result = sync(client_as, [complete(f.lessons_of(elsewhere)[0])]).json()["results"][0]
    assert result["code"] == "not_enrolled"
    assert not LessonProgress.objects.exists()


def test_answers_to_a_quiz_that_changed_offline_are_refused_clearly(client_as, enrollment, opened):
    lesson, attempt = opened
    answers = right_answers(lesson, attempt)
    # The author replaced the questions while the learner was offline.
    lesson.body = [
        block if block["type"] != "quiz" else {**block, "value": f.quiz_block()["value"]}
        for block in lesson.body.raw_data
    ]
    f.publish(lesson)
    result = sync(client_as, [quiz_item(lesson, attempt, answers)]).json()["results"][0]
    assert result["status"] == "refused"
    assert result["code"] in {"quiz_changed", "stale_attempt", "unknown_quiz"}
    assert result["message"]
    assert QuizAttempt.objects.get(pk=attempt.pk).submitted_at is None


@pytest.mark.parametrize(
    "item",
    [
        "not an object",
        {"kind": "complete", "lesson": 1},
        {"key": "nope", "kind": "complete", "lesson": 1},
        {"key": str(uuid.uuid4()), "kind": "grade_me", "lesson": 1},
        {"key": str(uuid.uuid4()), "kind": "complete", "lesson": "1"},
        {"key": str(uuid.uuid4()), "kind": "complete", "lesson": True},
        {"key": str(uuid.uuid4()), "kind": "quiz", "lesson": 1, "payload": []},
        {"key": str(uuid.uuid4()), "kind": "quiz", "lesson": 2**40},
    ],
)
def test_a_malformed_item_gets_its_own_refusal(client_as, course, enrollment, item):
    reading = f.lessons_of(course)[0]
    results = sync(client_as, [item, complete(reading)]).json()["results"]
    assert results[0]["status"] == "refused" and results[0]["code"] == "bad_item"
    assert results[1]["status"] == "recorded"
    assert not OfflineSubmission.objects.filter(kind="grade_me").exists()


def test_an_oversized_item_is_refused_alone(client_as, course, enrollment):
    item = complete(f.lessons_of(course)[0])
    item["payload"] = {"padding": "x" * (services.MAX_PAYLOAD_CHARS + 1)}
    assert sync(client_as, [item]).json()["results"][0]["code"] == "too_large"
    assert not LessonProgress.objects.exists()


def test_a_queue_past_the_limit_answers_the_rest_later(client_as, course, enrollment):
    reading = f.lessons_of(course)[0]
    items = [complete(reading) for _ in range(services.MAX_ITEMS + 3)]
    results = sync(client_as, items).json()["results"]
    assert len(results) == services.MAX_ITEMS + 3
    assert {r["status"] for r in results[: services.MAX_ITEMS]} == {"recorded"}
    assert [r["status"] for r in results[services.MAX_ITEMS :]] == ["later"] * 3
    assert results[-1]["key"] == items[-1]["key"]
    assert OfflineSubmission.objects.count() == services.MAX_ITEMS


def test_a_body_far_too_large_is_refused_whole(client_as, enrollment):
    response = client_as.post(
        reverse("offline:sync"), "[" + "0," * 300_000 + "0]", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize("body", ["{not json", "[]", '{"items": {}}', "[[[[" * 10_000])
def test_a_body_that_is_not_a_queue_is_a_400(client_as, body):
    response = client_as.post(reverse("offline:sync"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]


def test_anonymous_people_are_refused(course):
    client = Client()
    assert sync(client, [complete(f.lessons_of(course)[0])]).status_code == 401
    assert client.get(reverse("offline:sync")).status_code == 401
    assert not OfflineSubmission.objects.exists()


def test_the_same_keys_of_another_user_are_their_own(client_as, course, enrollment, university):
    """Keys are unique per user: another learner's key neither collides nor leaks a result."""
    other = f.make_member("learner", university)
    learning.enrollment_create(learner=other, run=course.runs.first())
    item = complete(f.lessons_of(course)[0])
    sync(client_as, [item])
    theirs = Client()
    theirs.force_login(other)
    result = sync(theirs, [item]).json()["results"][0]
    assert result["status"] == "recorded" and "replayed" not in result
    assert LessonProgress.objects.count() == 2


def test_a_post_without_the_csrf_token_is_refused(learner, course, enrollment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert sync(client, [complete(f.lessons_of(course)[0])]).status_code == 403
    token = client.get(reverse("offline:sync")).json()["csrf"]
    response = client.post(
        reverse("offline:sync"),
        json.dumps({"items": [complete(f.lessons_of(course)[0])]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert LessonProgress.objects.count() == 1


def test_the_sync_get_names_the_signed_in_user(client_as, learner):
    assert client_as.get(reverse("offline:sync")).json()["user"] == learner.pk


def test_results_are_in_the_readers_language(client_as, course, enrollment):
    response = client_as.post(
        "/ru/offline/sync/",
        json.dumps({"items": [complete(f.lessons_of(course)[0])]}),
        content_type="application/json",
    )
    message = response.json()["results"][0]["message"]
    assert message and message != "Lesson completed."


def test_a_queue_costs_a_bounded_number_of_queries_per_item(client_as, course, enrollment):
    reading = f.lessons_of(course)[0]
    with CaptureQueriesContext(connection) as one:
        sync(client_as, [complete(reading)])
    with CaptureQueriesContext(connection) as ten:
        sync(client_as, [complete(reading) for _ in range(10)])
    assert len(ten) <= 10 * len(one) + 5
