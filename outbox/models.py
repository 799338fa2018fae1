"""The transactional outbox: background work recorded in the same transaction as its cause.

A web request that completes a course writes the completion and an `OutboxMessage` together;
the message is handed to the broker after commit. If the broker is down, the message stays
pending and is relayed later, so the work is never lost and the request still succeeds.
"""

import uuid

from django.db import models


class OutboxMessage(models.Model):
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        state = "sent" if self.dispatched_at else "pending"
        return f"{self.task_name} {self.task_id} ({state})"
