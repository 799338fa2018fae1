"""Tests-only Celery tasks, loaded into the suite's workers with `celery worker --include`.

`probe_record` is shaped like a real task of ours: it takes ids, loads committed rows, and is
idempotent, so a redelivery after a crash leaves one result. It writes its result to the audit
log (a real table in the shared database) and notes each start in a file, so a test can see
both "how often did it run" and "how many results exist".
"""

import time
from pathlib import Path

from celery import shared_task
from django.db import transaction

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record

PROBE_ACTION = "services.probe"


def probe_results(key: str):
    return AuditEvent.objects.filter(action=PROBE_ACTION, summary=key)


@shared_task(name="tests.services.probe_record", acks_late=True, time_limit=120)
def probe_record(*, user_id: int, key: str, marker_dir: str, hold_seconds: float = 0.0) -> int:
    """Record one audit event for `key`, once, on behalf of `user_id`.

    Appends a line to `<marker_dir>/<key>.started` when it starts, then (if `hold_seconds`)
    waits until `<marker_dir>/<key>.release` exists or the time is up: the window in which a
    test kills the worker "halfway through".
    """
    markers = Path(marker_dir)
    with (markers / f"{key}.started").open("a") as started:
        started.write("started\n")
    release = markers / f"{key}.release"
    deadline = time.monotonic() + hold_seconds
    while hold_seconds and not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    # The user row was committed by the process that enqueued us; a missing one is a bug.
    user = User.objects.get(pk=user_id)
    with transaction.atomic():
        # Serialise on the user row so that even concurrent redeliveries record once.
        User.objects.select_for_update().get(pk=user.pk)
        existing = probe_results(key).first()
        if existing is not None:
            return existing.pk
        return audit_record(actor=user, action=PROBE_ACTION, target=user, summary=key).pk
