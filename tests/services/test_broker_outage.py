"""With the broker down, a request that enqueues work still succeeds; the work waits in the
outbox and runs once the broker is back."""

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from tests.factories import UserFactory

from .conftest import RESULT_TIMEOUT
from .probe_tasks import probe_results
from .processes import wait_for

pytestmark = pytest.mark.urls("tests.services.urls")


def post_probe(client, markers, key: str):
    return client.post("/services-probe/", {"key": key, "marker_dir": str(markers)})


def relay_until_sent(message: OutboxMessage) -> None:
    """Relay as beat would, until the message is out: the first publish after a broker restart
    may still meet a pooled connection to the old server and fail, keeping it pending."""

    def sent() -> bool:
        outbox_relay()
        message.refresh_from_db()
        return message.dispatched_at is not None

    wait_for(sent, timeout=RESULT_TIMEOUT, what="the outbox relay to publish", interval=1)


def test_request_succeeds_with_broker_down_and_relay_runs_the_work_once(
    client, celery_to_broker, worker, markers
):
    broker = celery_to_broker
    user = UserFactory()
    client.force_login(user)
    broker.stop()

    response = post_probe(client, markers, "outage")

    assert response.status_code == 202
    message = OutboxMessage.objects.get(pk=response.json()["outbox"])
    assert message.dispatched_at is None
    assert message.attempts == 1
    assert message.last_error  # the exception's class name, never its text
    # The request's own write committed together with the message; the work has not run.
    assert AuditEvent.objects.filter(action="services.request", summary="outage").exists()
    assert not probe_results("outage").exists()

    broker.start()  # the same port: the worker reconnects by itself
    call_command("relay_outbox", stdout=io.StringIO())  # what an operator would run
    relay_until_sent(message)

    wait_for(
        lambda: probe_results("outage").exists(),
        timeout=RESULT_TIMEOUT,
        what="the worker to run the relayed task",
    )
    assert outbox_relay() == 0  # nothing left to relay
    assert probe_results("outage").count() == 1
    assert (markers / "outage.started").read_text().count("started") == 1


def test_work_left_pending_during_an_outage_is_relayed_when_a_worker_starts(
    client, celery_to_broker, worker_factory, markers
):
    broker = celery_to_broker
    user = UserFactory()
    client.force_login(user)
    broker.stop()

    responses = [post_probe(client, markers, f"pending-{n}") for n in range(3)]

    assert [r.status_code for r in responses] == [202, 202, 202]
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 3

    broker.start()
    worker_factory().start()  # its worker_ready handler relays the pending messages

    for n in range(3):
        wait_for(
            lambda n=n: probe_results(f"pending-{n}").exists(),
            timeout=RESULT_TIMEOUT,
            what=f"pending-{n} to run after the worker started",
        )
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    assert [probe_results(f"pending-{n}").count() for n in range(3)] == [1, 1, 1]
