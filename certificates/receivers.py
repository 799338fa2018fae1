"""Issue certificates when the learning app reports a completion.

`learning.signals` fire inside the transaction that records the completion; enqueueing
through the outbox makes the issuing task part of that transaction, so a completion is never
committed without its certificate work, even if the broker is down at that moment.
"""

from django.dispatch import receiver

from learning.signals import course_completed, program_completed
from outbox.services import enqueue

from .tasks import issue_course_certificate, issue_program_certificate


@receiver(course_completed)
def issue_on_course_completed(sender, enrollment_id, **kwargs):
    enqueue(issue_course_certificate, enrollment_id)


@receiver(program_completed)
def issue_on_program_completed(sender, program_enrollment_id, **kwargs):
    enqueue(issue_program_certificate, program_enrollment_id)
