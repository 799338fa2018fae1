"""Enqueue background work so that it survives a broker outage.

    from outbox.services import enqueue
    enqueue(issue_course_certificate, enrollment_id=enrollment.pk)

Without a broker (the embedded default) the task runs eagerly after commit, in-process. With a
broker, the message is stored in the caller's transaction and published after commit with the
message's own id as the Celery task id; a failed publish leaves it pending for
`outbox_relay`, run by Celery beat, when a worker starts, and by `manage.py relay_outbox`.
Tasks must be idempotent: a relay after an unacknowledged publish can deliver twice.
"""

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> OutboxMessage | None:
    """Run `task(*args, **kwargs)` in the background once the current transaction commits."""
    if not settings.CELERY_BROKER_URL:
        transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
        return None
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _publish(message.pk), robust=True)
    return message


def _publish(message_id: int) -> bool:
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, dispatched_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            current_app.send_task(
                message.task_name,
                args=message.args,
                kwargs=message.kwargs,
                task_id=str(message.task_id),
                retry=False,
            )
        except Exception as error:
            # The broker is unreachable: keep the message for the relay.
            message.last_error = type(error).__name__
            message.save(update_fields=["attempts", "last_error"])
            logger.warning("outbox: broker unavailable, %s kept pending", message.task_id)
            return False
        message.dispatched_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "dispatched_at", "last_error"])
        return True


def outbox_relay(*, limit: int = 500) -> int:
    """Publish pending messages, oldest first; returns how many were handed to the broker."""
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True).order_by("created_at")
    sent = 0
    for message_id in pending.values_list("pk", flat=True)[:limit]:
        if not _publish(message_id):
            break
        sent += 1
    return sent
