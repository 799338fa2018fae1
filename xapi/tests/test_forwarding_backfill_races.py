"""Back-fill under real concurrency (PostgreSQL row locks): registrars asking at once start
one back-fill, and workers running it at once queue each statement once, counted once."""

import threading

import pytest
from django.db import connection

from tests.factories import UniversityFactory, make_member
from tests.services.processes import free_port
from xapi.models import ForwardedStatement, ForwardingBackfill
from xapi.services import (
    external_lrs_create,
    forwarding_backfill_request,
    forwarding_backfill_run,
    learner_agent,
    platform_authority,
    statement_store,
)
from xapi.services import forwarding_backfill as backfill_module

from .conftest import make_statement

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(action, count=4) -> list:
    results = []

    def run():
        try:
            results.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_racing_requests_and_workers_queue_each_statement_once(monkeypatch):
    monkeypatch.setattr(backfill_module, "BACKFILL_SLICE", 3)
    # The runs race here by hand; the tasks they would ask for are noted, not run eagerly.
    asked = []
    monkeypatch.setattr(backfill_module, "enqueue", lambda task, **kwargs: asked.append(task.name))
    university = UniversityFactory(code="race-u")
    learners = [make_member("learner", university) for _ in range(3)]
    for index in range(20):
        statement_store(
            make_statement(actor=learner_agent(learners[index % 3])),
            authority=platform_authority(),
            university_id=university.pk,
        )
    lrs = external_lrs_create(
        university=university,
        name="Race LRS",
        endpoint=f"http://127.0.0.1:{free_port()}/xapi/",
        key="k",
        secret="s",
    )
    created = _race(lambda: forwarding_backfill_request(lrs=lrs)[1])
    assert sorted(created) == [False, False, False, True]
    backfill = ForwardingBackfill.objects.get()
    assert all(_race(lambda: forwarding_backfill_run(backfill_id=backfill.pk)))
    backfill.refresh_from_db()
    assert backfill.status == "done"
    assert (backfill.queued, backfill.already_queued, backfill.filtered_out) == (20, 0, 0)
    assert ForwardedStatement.objects.filter(lrs=lrs).count() == 20
    assert "xapi.forward_backfill" in asked
