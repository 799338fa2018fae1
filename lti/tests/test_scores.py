"""Scores queued for the platform's gradebook (AGS, ADR 0058): what a launched learner earns in
Ilm becomes a `ScoreDelivery` in the same transaction; learners who never came through LTI
queue nothing."""

import pytest

from learning import services as learning
from learning.models import Enrollment
from lti.models import ScoreDelivery
from lti.tests.test_launch import _login, _token
from lti.tokens import AGS
from tests import factories as f

pytestmark = pytest.mark.django_db

LINEITEMS = "https://moodle.partner.example/contexts/ctx-1/lineitems"


def launched_learner(client, setup):
    lesson = f.lessons_of(setup["course"])[0]
    state, nonce = _login(client)
    token = _token(nonce, lesson.pk, **{AGS: {"lineitems": LINEITEMS, "scope": []}})
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 302
    return Enrollment.objects.get(run=setup["run"]), lesson


def test_each_graded_quiz_submission_queues_the_best_score_so_far(client, setup):
    enrollment, lesson = launched_learner(client, setup)
    quiz = lesson.quiz_blocks()[0]
    f.quiz_attempt_answer(enrollment, lesson, correct=False)
    f.quiz_attempt_answer(enrollment, lesson, correct=True)
    quiz_scores = ScoreDelivery.objects.filter(
        resource_id=f"ilm-{lesson.translation_key}-{quiz.id}"
    ).order_by("pk")
    assert [d.activity_progress for d in quiz_scores] == ["Submitted"] * 2
    assert [d.score_given for d in quiz_scores] == [0, 100]


def test_a_learner_who_never_launched_queues_nothing(setup):
    learner = f.make_member("learner", setup["course"].university)
    enrollment = learning.enrollment_create(learner=learner, run=setup["run"])
    f.quiz_attempt_answer(enrollment, f.lessons_of(setup["course"])[0], correct=True)
    assert not ScoreDelivery.objects.exists()
