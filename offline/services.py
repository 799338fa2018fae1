"""Writes for offline copies: preparing a copy, and applying a queue the browser kept offline.

Every queued item is graded and recorded by the same learning and H5P services the online
forms use; this module only adds the idempotency key (ADR 0041). Each item is applied in its
own transaction, so one refusal never undoes another item, and nothing of a refused item is
written except the answer it got.
"""

import hashlib
import json
import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from courses.models import CoursePage, LessonPage
from h5p.access import ActivityNotInLesson, lesson_activity_for_learner
from h5p.services import h5p_statement_record
from h5p.statements import H5PError
from learning import quiz_services, services
from learning.access import lesson_for_learner
from learning.grading import QuizSubmissionError
from learning.models import Enrollment

from .models import OfflineSubmission

MAX_ITEMS = 100  # per request; the rest are answered "later" and stay queued
MAX_PAYLOAD_CHARS = 20_000  # one item; an H5P statement is a few KB

# Statuses of an item's result. The browser drops every item except those answered `later`.
RECORDED = "recorded"
REFUSED = "refused"
LATER = "later"


def offline_copy_prepare(*, course: CoursePage, enrollment: Enrollment) -> int:
    """Open an attempt on every quiz of the course that may start one now, so the saved
    lesson pages carry their question draw and can be answered offline (ADR 0041).

    Starting is idempotent (an open attempt is returned as drawn) and does not count against
    an attempt limit. Returns how many quizzes have an open attempt.
    """
    opened = 0
    lessons = LessonPage.objects.live().descendant_of(course)
    for lesson in lessons:
        for quiz in lesson.quiz_blocks():
            try:
                quiz_services.quiz_attempt_start(
                    enrollment=enrollment, lesson=lesson, quiz_id=quiz.id
                )
            except services.LearningError:
                continue  # passed, out of attempts, cooling down or not in the outline
            opened += 1
    return opened


def _refused(code: str, message: str) -> dict:
    return {"status": REFUSED, "code": code, "message": message}


def _fingerprint(kind: str, lesson_id: int, payload: dict) -> str:
    body = json.dumps([kind, lesson_id, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _lesson(lesson_id: int) -> LessonPage:
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    return lesson


def _complete(user, lesson_id: int, payload: dict) -> dict:
    lesson = _lesson(lesson_id)
    enrollment = lesson_for_learner(user, lesson)
    services.lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    return {"status": RECORDED, "message": _("Lesson completed.")}


def _answers(value) -> dict:
    if not isinstance(value, dict):
        raise QuizSubmissionError("answers")
    return {
        str(question)[:64]: [str(option)[:64] for option in options]
        for question, options in value.items()
        if isinstance(options, list)
    }


def _quiz(user, lesson_id: int, payload: dict) -> dict:
    lesson = _lesson(lesson_id)
    enrollment = lesson_for_learner(user, lesson)
    attempt_id = payload.get("attempt")
    attempt = quiz_services.quiz_attempt_submit(
        enrollment=enrollment,
        lesson=lesson,
        quiz_id=str(payload.get("quiz_id", ""))[:64],
        attempt_id=attempt_id if isinstance(attempt_id, int) else None,
        answers=_answers(payload.get("answers")),
    )
    score = {"score": f"{attempt.score:.0f}"}
    message = (
        _("Quiz passed with %(score)s%%.") % score
        if attempt.passed
        else _("You scored %(score)s%%. Not passed yet.") % score
    )
    return {
        "status": RECORDED,
        "message": message,
        "score": float(attempt.score),
        "passed": bool(attempt.passed),
    }


def _h5p_statement(user, lesson_id: int, payload: dict) -> dict:
    try:
        content_uuid = uuid.UUID(str(payload.get("content")))
    except ValueError:
        raise ActivityNotInLesson from None
    enrollment, _lesson_page, outline_lesson, content = lesson_activity_for_learner(
        user, lesson_id=lesson_id, content_uuid=content_uuid
    )
    h5p_statement_record(
        user=user,
        enrollment=enrollment,
        outline_lesson=outline_lesson,
        content=content,
        statement=payload.get("statement"),
    )
    return {"status": RECORDED, "message": _("Your result is saved.")}


APPLY = {
    OfflineSubmission.Kind.COMPLETE: _complete,
    OfflineSubmission.Kind.QUIZ: _quiz,
    OfflineSubmission.Kind.H5P_STATEMENT: _h5p_statement,
}


def _apply(user, kind: str, lesson_id: int, payload: dict) -> dict:
    # The learning and H5P writes sit in a savepoint: a refusal rolls back all of them.
    try:
        with transaction.atomic():
            return APPLY[kind](user, lesson_id, payload)
    except services.LearningError as error:
        return _refused(error.code, error.message)
    except H5PError as error:
        return _refused(error.code, error.message)
    except QuizSubmissionError:
        return _refused(
            "quiz_changed",
            _("This quiz changed while you were offline; open the lesson to answer it again."),
        )
    except ActivityNotInLesson:
        return _refused("not_in_lesson", _("This activity is not part of the lesson."))
    except (PermissionDenied, Http404):
        return _refused("not_enrolled", _("You are not enrolled in this course."))


def _parsed(item) -> tuple[uuid.UUID | None, dict | None]:
    """The item's key and its fields, or the refusal a malformed item gets."""
    if not isinstance(item, dict):
        return None, _refused("bad_item", _("This queued item is not readable."))
    try:
        key = uuid.UUID(str(item.get("key")))
    except ValueError:
        return None, _refused("bad_item", _("This queued item has no valid key."))
    kind, lesson_id, payload = item.get("kind"), item.get("lesson"), item.get("payload", {})
    if (
        kind not in APPLY
        or not isinstance(lesson_id, int)
        or isinstance(lesson_id, bool)
        or not 0 < lesson_id < 2**31
        or not isinstance(payload, dict)
    ):
        return key, _refused("bad_item", _("This queued item is not readable."))
    if len(json.dumps(payload)) > MAX_PAYLOAD_CHARS:
        return key, _refused("too_large", _("This queued item is too large to record."))
    return key, None


def offline_item_apply(*, user, item) -> dict:
    """Apply one queued item for `user` once, and answer it; the same key answers the same.

    An item queued for another account (`user` field) is refused: a shared device's queue
    is never counted for whoever is signed in now. A key seen before with other content is
    refused rather than applied again.
    """
    key, refusal = _parsed(item)
    result = refusal
    if result is None and item.get("user") not in (None, user.pk):
        result = _refused(
            "other_user", _("This was saved by another account; sign in as that person.")
        )
    if key is None or result is not None:
        return {"key": str(key) if key else None, **result}
    kind, lesson_id, payload = item["kind"], item["lesson"], item.get("payload", {})
    fingerprint = _fingerprint(kind, lesson_id, payload)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = OfflineSubmission.objects.create(
                    user=user, key=key, kind=kind, lesson_id=lesson_id, fingerprint=fingerprint
                )
        except IntegrityError:
            # Sent before (a replay, another tab): the stored answer, waiting for that
            # request to commit if it is still running.
            stored = OfflineSubmission.objects.get(user=user, key=key)
            if stored.fingerprint != fingerprint:
                return {
                    "key": str(key),
                    **_refused("key_reused", _("This item was changed after it was queued.")),
                }
            return {"key": str(key), **stored.result, "replayed": True}
        submission.result = _apply(user, kind, lesson_id, payload)
        submission.save(update_fields=["result"])
    return {"key": str(key), **submission.result}


def offline_queue_sync(*, user, items: list) -> list[dict]:
    """Apply a queue in order and answer every item: recorded, refused with a reason, or
    `later` past the per-request limit (the browser keeps those and sends them again)."""
    results = [offline_item_apply(user=user, item=item) for item in items[:MAX_ITEMS]]
    for item in items[MAX_ITEMS:]:
        key = item.get("key") if isinstance(item, dict) else None
        results.append(
            {
                "key": str(key)[:36] if key else None,
                "status": LATER,
                "code": "too_many",
                "message": _("Too many items at once; the rest will be sent next."),
            }
        )
    return results
