"""Thin Celery tasks for the instructor tools: take ids, load, send."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from learning.models import Announcement, Enrollment


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def announcement_email_send(announcement_id: int) -> int:
    """Email an announcement to every learner active in its run, one message each (nobody
    sees the others' addresses). Returns the number of messages sent."""
    announcement = Announcement.objects.select_related("run__course").filter(pk=announcement_id)
    announcement = announcement.first()
    if announcement is None:  # deleted before the worker got to it
        return 0
    learners = (
        Enrollment.objects.filter(run=announcement.run, status=Enrollment.Status.ACTIVE)
        .select_related("learner")
        .only("learner__email", "learner__preferred_language")
    )
    sent = 0
    for enrollment in learners.iterator(chunk_size=500):
        learner = enrollment.learner
        with translation.override(learner.preferred_language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "teaching/announcement_email.txt", {"announcement": announcement}
            )
        subject = f"[{announcement.run.course.title}] {announcement.title}"
        EmailMessage(subject=subject, body=body, to=[learner.email]).send()
        sent += 1
    return sent
