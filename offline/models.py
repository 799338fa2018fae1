"""What the offline queue has already delivered (ADR 0041).

One row per queued item a learner's browser sent, keyed by the item's idempotency key, so a
queue sent twice, from two tabs or after a crash is applied once and answered the same way.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfflineSubmission(models.Model):
    class Kind(models.TextChoices):
        COMPLETE = "complete", _("Lesson marked complete")
        QUIZ = "quiz", _("Quiz answers")
        H5P_STATEMENT = "h5p_statement", _("Interactive activity statement")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offline_submissions"
    )
    key = models.UUIDField(help_text=_("The idempotency key the browser gave the item."))
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lesson_id = models.PositiveIntegerField()
    # A digest of what was sent: the same key with other content is refused, not applied.
    fingerprint = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="offline_submission_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.key}"
