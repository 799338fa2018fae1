"""The same queue sent by several tabs at once, in real parallel transactions: every item is
applied once (ADR 0041). On PostgreSQL the unique key makes the later senders wait for the
first and read its answer; on SQLite writes are serialized."""

import threading
import uuid

import pytest
from django.db import close_old_connections, connection

from learning import services as learning
from learning.models import LessonProgress, QuizAttempt
from offline import services
from offline.models import OfflineSubmission
from tests import factories as f

TABS = 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_queue_sent_from_several_tabs_at_once_is_applied_once():
    university = f.UniversityFactory(code="race-off")
    course = f.build_course(university, modules=1, lessons_per_module=2)
    run = f.open_run(course)
    learner = f.make_member("learner", university)
    enrollment = learning.enrollment_create(learner=learner, run=run)
    services.offline_copy_prepare(course=course, enrollment=enrollment)
    reading, quiz_lesson = f.lessons_of(course)
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    quiz = quiz_lesson.quiz_blocks()[0]
    items = [
        {"key": str(uuid.uuid4()), "kind": "complete", "lesson": reading.pk},
        {
            "key": str(uuid.uuid4()),
            "kind": "quiz",
            "lesson": quiz_lesson.pk,
            "payload": {
                "quiz_id": quiz.id,
                "attempt": attempt.pk,
                "answers": f.answers_for_draw(quiz, attempt.draw),
            },
        },
    ]
    barrier = threading.Barrier(TABS)
    answers: list[list] = []
    lock = threading.Lock()

    def send():
        try:
            barrier.wait(timeout=30)
            results = services.offline_queue_sync(user=learner, items=items)
        finally:
            close_old_connections()
            connection.close()
        with lock:
            answers.append(results)

    threads = [threading.Thread(target=send) for _ in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(answers) == TABS
    for results in answers:
        assert [r["status"] for r in results] == ["recorded", "recorded"]
    fresh = [r for results in answers for r in results if not r.get("replayed")]
    assert len(fresh) == len(items)  # each item applied by exactly one tab
    assert OfflineSubmission.objects.count() == 2
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 2
    assert QuizAttempt.objects.filter(enrollment=enrollment).count() == 1
