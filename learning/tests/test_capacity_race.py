"""Concurrent enrollments for the last seats of a run, in real parallel transactions.

Runs on whichever database the suite uses: on PostgreSQL (the CI's second pass) the run row
lock serializes the transactions; on SQLite the IMMEDIATE transaction mode does.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from learning import services
from learning.models import Enrollment
from tests import factories as f

CONTENDERS = 8
SEATS = 3


# serialized_rollback restores what migrations created (home page, locales, collections),
# which the flush after a transactional test would otherwise remove for later tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_never_goes_over_capacity_under_concurrent_requests():
    university = f.UniversityFactory(code="race")
    run = f.open_run(f.build_course(university, modules=1, lessons_per_module=1), capacity=SEATS)
    learners = [f.make_member("learner", university) for _ in range(CONTENDERS)]
    barrier = threading.Barrier(CONTENDERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(learner):
        try:
            barrier.wait(timeout=30)
            services.enrollment_create(learner=learner, run=run)
            outcome = "enrolled"
        except services.LearningError as refusal:
            outcome = refusal.code
        finally:
            close_old_connections()
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=contend, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == sorted(["enrolled"] * SEATS + ["full"] * (CONTENDERS - SEATS))
    assert Enrollment.objects.filter(run=run).count() == SEATS
