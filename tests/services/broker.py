"""Point this process's Celery app at a real broker for the length of a test."""

import contextlib

import kombu.pools
from django.test import override_settings

from lms.celery import app as celery_app


def _reset_producer_pools() -> None:
    # The app caches its connection pool, and kombu keeps a process-wide registry of pools
    # keyed by connection: both must go, or a later test gets a pool closed by an earlier one.
    kombu.pools.reset()
    celery_app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        celery_app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def celery_publishing_to(broker_url: str, *, fail_fast: bool = False):
    """Make this (test) process publish to `broker_url` instead of running tasks eagerly.

    Django settings drive `outbox.enqueue`; the Celery app read its configuration once at
    start-up, so it is switched here too and restored afterwards. `fail_fast` makes a publish
    to an unreachable broker give up at once instead of after the client's retries (about
    6 s here): for unit tests whose subject is what happens after the failure.
    """
    saved = {
        "broker_url": celery_app.conf.broker_url,
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_transport_options": celery_app.conf.broker_transport_options,
    }
    options = dict(saved["broker_transport_options"] or {})
    if fail_fast:
        options["max_retries"] = 0
    _reset_producer_pools()
    celery_app.conf.update(
        broker_url=broker_url, task_always_eager=False, broker_transport_options=options
    )
    try:
        with override_settings(CELERY_BROKER_URL=broker_url, CELERY_TASK_ALWAYS_EAGER=False):
            yield
    finally:
        _reset_producer_pools()
        celery_app.conf.update(saved)
