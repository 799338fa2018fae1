"""A real Celery worker runs what the outbox publishes, and survives being killed mid-task."""

from celery import current_app
from django.db import transaction

from outbox.models import OutboxMessage
from outbox.services import enqueue
from tests.factories import UserFactory

from .conftest import RESULT_TIMEOUT
from .probe_tasks import probe_record, probe_results
from .processes import wait_for


def started_count(markers, key: str) -> int:
    path = markers / f"{key}.started"
    return path.read_text().count("started") if path.exists() else 0


def broker_is_drained(broker) -> bool:
    """Nothing waiting in the default queue and nothing delivered but unacknowledged."""
    client = broker.client()
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def test_outbox_enqueued_task_runs_in_the_worker(worker, celery_to_broker, markers):
    user = UserFactory()
    with transaction.atomic():
        message = enqueue(probe_record, user_id=user.pk, key="hello", marker_dir=str(markers))
        # Inside the transaction the message is only a row: nothing is published yet.
        assert OutboxMessage.objects.get(pk=message.pk).dispatched_at is None

    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert message.attempts == 1
    wait_for(
        lambda: probe_results("hello").exists(), timeout=RESULT_TIMEOUT, what="the probe result"
    )
    event = probe_results("hello").get()
    assert event.actor_id == user.pk  # the worker loaded the row this process committed
    wait_for(lambda: broker_is_drained(celery_to_broker), timeout=30, what="the ack")
    assert started_count(markers, "hello") == 1


def test_task_of_a_worker_killed_mid_task_is_redelivered_and_recorded_once(
    worker_factory, celery_to_broker, markers
):
    broker = celery_to_broker
    user = UserFactory()
    worker = worker_factory().start()
    with transaction.atomic():
        enqueue(
            probe_record,
            user_id=user.pk,
            key="crash",
            marker_dir=str(markers),
            hold_seconds=300,
        )
    wait_for(
        lambda: started_count(markers, "crash") == 1,
        timeout=RESULT_TIMEOUT,
        what="the task to start in the first worker",
    )

    worker.kill()  # SIGKILL to the whole process group, halfway through the task

    assert not probe_results("crash").exists()
    # acks_late: the message was delivered but never acknowledged, so Redis still holds it.
    assert broker.client().hlen("unacked") == 1
    (markers / "crash.release").touch()  # the retried run need not wait

    worker.start()  # the same worker, restarted

    wait_for(
        lambda: probe_results("crash").exists(),
        timeout=RESULT_TIMEOUT,
        what="the redelivered task to record its result",
    )
    wait_for(lambda: broker_is_drained(broker), timeout=30, what="the redelivery to be acked")
    assert started_count(markers, "crash") == 2  # it really ran twice...
    assert probe_results("crash").count() == 1  # ...and its result exists once


def test_a_message_delivered_twice_records_once(worker, celery_to_broker, markers):
    """What a relay after a lost publish confirmation can cause: the same task id twice."""
    user = UserFactory()
    with transaction.atomic():
        message = enqueue(probe_record, user_id=user.pk, key="twice", marker_dir=str(markers))
    message.refresh_from_db()
    current_app.send_task(
        message.task_name, args=message.args, kwargs=message.kwargs, task_id=str(message.task_id)
    )

    wait_for(
        lambda: started_count(markers, "twice") == 2,
        timeout=RESULT_TIMEOUT,
        what="both deliveries to run",
    )
    wait_for(lambda: broker_is_drained(celery_to_broker), timeout=30, what="both acks")
    assert probe_results("twice").count() == 1
