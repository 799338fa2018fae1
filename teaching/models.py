"""Records of the instructor tools: announcements to a run, who each is emailed to, and how
that went (ADR 0018).

The learner's dashboard (in `learning`, a layer below) shows announcements through the run
notices registry, to which `teaching.apps` adds `teaching.selectors.run_announcements`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    """A message from a run's instructors to its learners, shown on their dashboards."""

    run = models.ForeignKey(
        "courses.CourseRun", on_delete=models.CASCADE, related_name="announcements"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class AnnouncementDelivery(models.Model):
    """One email of one announcement to one learner.

    The recipients are fixed when the announcement is posted, so sending later (or again,
    after a redelivered task) reaches exactly the learners enrolled at that moment, each once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Deleting an account deletes its deliveries: the address kept here is personal data.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("email address"), help_text=_("The address when it was posted."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "recipient"], name="announcement_delivery_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed"]),
                name="announcement_delivery_status_valid",
            ),
        ]
        # The sender's question is always "the pending rows of this announcement".
        indexes = [models.Index(fields=["announcement", "status"])]

    def __str__(self) -> str:
        return f"{self.announcement_id} → {self.email} ({self.status})"
