"""Issue certificates when the learning app reports a completion.

`learning.signals` fires after the completing transaction has committed, so the task can be
enqueued straight away.
"""

from django.dispatch import receiver

from learning.signals import course_completed, program_completed

from .tasks import issue_course_certificate, issue_program_certificate


@receiver(course_completed)
def issue_on_course_completed(sender, enrollment_id, **kwargs):
    issue_course_certificate.delay(enrollment_id)


@receiver(program_completed)
def issue_on_program_completed(sender, program_enrollment_id, **kwargs):
    issue_program_certificate.delay(program_enrollment_id)
