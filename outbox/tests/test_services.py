"""The outbox: eager without a broker; with one, stored in the caller's transaction, published
after commit, kept pending when the broker is down, and relayed exactly once later.

Broker tests publish to the machine's Redis on a database number of their own and find their
message in the queue by task id, so parallel test processes do not disturb each other. The
"broker down" case points at a port nobody listens on.
"""

import io
import json
import uuid

import pytest
import redis
from celery import shared_task
from django.core.management import call_command
from django.db import transaction

from lms.celery import app as celery_app
from outbox.models import OutboxMessage
from outbox.receivers import relay_on_worker_start
from outbox.services import enqueue, outbox_relay
from outbox.tasks import relay_pending_messages
from tests.services.broker import celery_publishing_to
from tests.services.processes import free_port

REDIS_DB = 13  # not used by the application or by any other suite
LIVE_BROKER = f"redis://127.0.0.1:6379/{REDIS_DB}"
QUEUE = "celery"

ran: list[dict] = []


@shared_task(name="outbox.tests.record_call")
def record_call(**kwargs):
    ran.append(kwargs)
    return kwargs


@pytest.fixture(autouse=True)
def _clear_ran():
    ran.clear()


@pytest.fixture
def live_broker():
    with celery_publishing_to(LIVE_BROKER):
        yield


@pytest.fixture
def dead_broker():
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0", fail_fast=True):
        yield


def queued_copies(task_id) -> int:
    """How many messages for `task_id` wait in the queue; removes them to keep Redis clean."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    found = 0
    for raw in client.lrange(QUEUE, 0, -1):
        if json.loads(raw)["headers"]["id"] == str(task_id):
            found += 1
            client.lrem(QUEUE, 1, raw)
    return found


def enqueue_committed(django_capture_on_commit_callbacks, **kwargs) -> OutboxMessage | None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = enqueue(record_call, **kwargs)
    if message is not None:
        message.refresh_from_db()
    return message


# --- without a broker: the embedded default -------------------------------------------------


@pytest.mark.django_db
def test_without_a_broker_the_task_runs_eagerly_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = enqueue(record_call, course="ai-101")
        assert ran == []  # not before the commit
    assert message is None
    assert len(callbacks) == 1
    assert ran == [{"course": "ai-101"}]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_without_a_broker_a_rolled_back_transaction_runs_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        enqueue(record_call, course="ai-101")
        raise ValueError("the request failed")
    assert ran == []


# --- with a broker ------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_a_broker_the_message_is_stored_and_published_after_commit(
    live_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = enqueue(record_call, enrollment_id=7)
        assert message.dispatched_at is None
        assert queued_copies(message.task_id) == 0  # nothing leaves before the commit

    message.refresh_from_db()
    assert message.task_name == "outbox.tests.record_call"
    assert message.kwargs == {"enrollment_id": 7}
    assert message.dispatched_at is not None
    assert message.attempts == 1
    assert message.last_error == ""
    assert queued_copies(message.task_id) == 1
    assert ran == []  # published to the broker, not run here


@pytest.mark.django_db
def test_with_a_broker_a_rolled_back_transaction_leaves_no_message(
    live_broker, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        message = enqueue(record_call, enrollment_id=8)
        raise ValueError("the request failed")
    assert not OutboxMessage.objects.exists()
    assert queued_copies(message.task_id) == 0


@pytest.mark.django_db
def test_arguments_that_are_not_json_are_refused_and_nothing_is_written(live_broker):
    with pytest.raises(TypeError), transaction.atomic():
        enqueue(record_call, when=object())
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_failed_publish_keeps_the_message_pending(
    dead_broker, django_capture_on_commit_callbacks
):
    message = enqueue_committed(django_capture_on_commit_callbacks, enrollment_id=9)

    assert message.dispatched_at is None
    assert message.attempts == 1
    # The error's class name only: connection errors can carry hosts and credentials.
    assert message.last_error == "OperationalError"


# --- the relay ----------------------------------------------------------------------------


def pending_message(django_capture_on_commit_callbacks, **kwargs) -> OutboxMessage:
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0", fail_fast=True):
        message = enqueue_committed(django_capture_on_commit_callbacks, **kwargs)
    assert message.dispatched_at is None
    return message


@pytest.mark.django_db
def test_relay_publishes_pending_messages_once_the_broker_is_back(
    django_capture_on_commit_callbacks,
):
    first = pending_message(django_capture_on_commit_callbacks, enrollment_id=1)
    second = pending_message(django_capture_on_commit_callbacks, enrollment_id=2)

    with celery_publishing_to(LIVE_BROKER):
        assert outbox_relay() == 2
        # Idempotent: relaying again publishes nothing more.
        assert outbox_relay() == 0

    for message in (first, second):
        message.refresh_from_db()
        assert message.dispatched_at is not None
        assert message.attempts == 2
        assert message.last_error == ""
        assert queued_copies(message.task_id) == 1


@pytest.mark.django_db
def test_relay_keeps_the_task_id_so_a_duplicate_is_recognisable(
    django_capture_on_commit_callbacks,
):
    message = pending_message(django_capture_on_commit_callbacks, enrollment_id=3)
    with celery_publishing_to(LIVE_BROKER):
        outbox_relay()
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    ids = [json.loads(raw)["headers"]["id"] for raw in client.lrange(QUEUE, 0, -1)]
    assert str(message.task_id) in ids
    assert queued_copies(message.task_id) == 1


@pytest.mark.django_db
def test_relay_with_the_broker_still_down_stops_at_the_first_failure(
    django_capture_on_commit_callbacks,
):
    first = pending_message(django_capture_on_commit_callbacks, enrollment_id=4)
    second = pending_message(django_capture_on_commit_callbacks, enrollment_id=5)

    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0", fail_fast=True):
        assert outbox_relay() == 0

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, second.attempts) == (2, 1)  # one try per relay, not one per row
    assert first.dispatched_at is None and second.dispatched_at is None


@pytest.mark.django_db
def test_relay_respects_its_limit_oldest_first(django_capture_on_commit_callbacks):
    messages = [
        pending_message(django_capture_on_commit_callbacks, enrollment_id=n) for n in range(3)
    ]
    with celery_publishing_to(LIVE_BROKER):
        assert outbox_relay(limit=2) == 2
    for message in messages:
        message.refresh_from_db()
    assert [m.dispatched_at is not None for m in messages] == [True, True, False]
    for message in messages:
        queued_copies(message.task_id)


@pytest.mark.django_db
def test_relay_skips_messages_already_dispatched(django_capture_on_commit_callbacks):
    with celery_publishing_to(LIVE_BROKER):
        message = enqueue_committed(django_capture_on_commit_callbacks, enrollment_id=6)
        assert outbox_relay() == 0
    assert queued_copies(message.task_id) == 1


@pytest.mark.django_db
def test_relay_outbox_command_reports_what_it_sent(django_capture_on_commit_callbacks):
    message = pending_message(django_capture_on_commit_callbacks, enrollment_id=10)
    out = io.StringIO()
    with celery_publishing_to(LIVE_BROKER):
        call_command("relay_outbox", stdout=out)
    assert out.getvalue().strip() == "relayed 1 message(s)"
    assert queued_copies(message.task_id) == 1


@pytest.mark.django_db
def test_worker_start_relays_pending_messages(django_capture_on_commit_callbacks):
    message = pending_message(django_capture_on_commit_callbacks, enrollment_id=11)
    with celery_publishing_to(LIVE_BROKER):
        relay_on_worker_start()
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert queued_copies(message.task_id) == 1


@pytest.mark.django_db
def test_worker_start_with_the_broker_down_does_not_crash_the_worker(
    django_capture_on_commit_callbacks,
):
    message = pending_message(django_capture_on_commit_callbacks, enrollment_id=12)
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0", fail_fast=True):
        relay_on_worker_start()  # logs, never raises
    message.refresh_from_db()
    assert message.dispatched_at is None


@pytest.mark.django_db
def test_beat_runs_the_relay_task(django_capture_on_commit_callbacks):
    message = pending_message(django_capture_on_commit_callbacks, enrollment_id=13)
    schedule = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert relay_pending_messages.name in schedule
    with celery_publishing_to(LIVE_BROKER):
        assert relay_pending_messages() == 1
    assert queued_copies(message.task_id) == 1


@pytest.mark.django_db
def test_task_ids_are_unique_per_message(live_broker, django_capture_on_commit_callbacks):
    ids = {enqueue_committed(django_capture_on_commit_callbacks, n=n).task_id for n in range(3)}
    assert len(ids) == 3
    assert all(isinstance(task_id, uuid.UUID) for task_id in ids)
    for task_id in ids:
        assert queued_copies(task_id) == 1
