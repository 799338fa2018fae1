"""Fixtures of the real-services suite: a private Redis broker, real Celery workers, and the
test process's Celery app pointed at that broker.

Every test here is marked `services` and `django_db(transaction=True, serialized_rollback=True)`
by `pytest_collection_modifyitems`: rows are committed, so a worker process connected to
pytest-django's test database sees them. Workers and Redis servers are
stopped in finalizers, whatever the outcome of the test.

Hooks for new background work (certificates, exports, ...): request `worker` (a running
worker on `broker`) and `celery_to_broker` (this process publishes there), do the web-side
action with the Django test client, then `wait_for(...)` the result the worker writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .broker import celery_publishing_to
from .processes import CeleryWorker, RedisServer, wait_for, worker_database_url

PROBE_TASKS = "tests.services.probe_tasks"
# Short enough that an unacknowledged message of a killed worker comes back within seconds;
# the worker's restore loop looks every 10 s (settings: `unacked_restore_throttle` 1).
SHORT_VISIBILITY_TIMEOUT = "5"
# Redelivery after a crash takes visibility timeout + up to one restore interval; a task
# itself finishes in well under a second here. Generous bounds, polled, never slept.
RESULT_TIMEOUT = 90.0

__all__ = ["RESULT_TIMEOUT", "wait_for"]


def pytest_collection_modifyitems(config, items):
    # Every test here commits (a worker in another process must see the rows), and every one
    # restores the migrations' data (Wagtail's root page, locales, content types) after the
    # flush: mixing serialized and plain transactional tests makes the restore collide with
    # the content types a plain flush re-creates.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.services)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture
def broker(tmp_path: Path):
    """A private redis-server, on a port of its own, used only as this test's broker."""
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def celery_to_broker(broker: RedisServer):
    with celery_publishing_to(broker.url):
        yield broker


@pytest.fixture
def markers(tmp_path: Path) -> Path:
    """Where probe tasks note that they started (and wait for a release file)."""
    path = tmp_path / "markers"
    path.mkdir()
    return path


@pytest.fixture
def worker_factory(transactional_db, broker: RedisServer, tmp_path: Path):
    """Build workers on `broker` against the test database; all are stopped at teardown.

    Depends on `transactional_db` so workers stop before the database is flushed.
    """
    workers: list[CeleryWorker] = []

    def make(**env: str) -> CeleryWorker:
        worker = CeleryWorker(
            tmp_path / f"worker{len(workers) + 1}",
            broker_url=broker.url,
            database_url=worker_database_url(),
            include=(PROBE_TASKS,),
            env={"CELERY_VISIBILITY_TIMEOUT": SHORT_VISIBILITY_TIMEOUT, **env},
        )
        workers.append(worker)
        return worker

    try:
        yield make
    finally:
        # SIGKILL: nothing to finish gracefully in a test worker, and it is quick.
        for worker in workers:
            worker.kill()


@pytest.fixture
def worker(worker_factory) -> CeleryWorker:
    """A running worker (prefork, one child) on `broker`."""
    return worker_factory().start()


@pytest.fixture(autouse=True)
def _show_worker_logs_on_failure(request, tmp_path):
    """Print the tail of every worker's log when a test fails: the first thing to read."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed or "worker_factory" not in request.fixturenames:
        return
    for log in sorted(Path(tmp_path).rglob("worker-*.log")):
        print(f"\n----- {log.parent.name}/{log.name} -----")
        print("\n".join(log.read_text(errors="replace").splitlines()[-60:]))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
