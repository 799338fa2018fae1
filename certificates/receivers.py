"""Issue certificates when the learning app reports a completion.

`learning.signals` fire inside the transaction that records the completion; enqueueing
through the outbox makes the issuing task part of that transaction, so a completion is never
committed without its certificate work, even if the broker is down at that moment.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from learning.signals import course_completed, program_completed
from outbox.services import enqueue

from .models import IssuerIdentity, IssuerKey, StatusList
from .selectors import verification_generation_bump
from .tasks import issue_course_certificate, issue_program_certificate


@receiver(course_completed)
def issue_on_course_completed(sender, enrollment_id, **kwargs):
    enqueue(issue_course_certificate, enrollment_id)


@receiver(program_completed)
def issue_on_program_completed(sender, program_enrollment_id, **kwargs):
    enqueue(issue_program_certificate, program_enrollment_id)


# What a verification verdict depends on besides the credential itself: when any of these is
# written, the public verification page's remembered verdicts are dropped (ADR 0062).
_VERDICT_INPUTS = (StatusList, IssuerKey, IssuerIdentity)


def _drop_remembered_verdicts(sender, **kwargs):
    transaction.on_commit(verification_generation_bump)


for _model in _VERDICT_INPUTS:
    post_save.connect(_drop_remembered_verdicts, sender=_model, dispatch_uid=f"verdicts-{_model}")
    post_delete.connect(
        _drop_remembered_verdicts, sender=_model, dispatch_uid=f"verdicts-del-{_model}"
    )
m2m_changed.connect(
    _drop_remembered_verdicts, sender=IssuerIdentity.keys.through, dispatch_uid="verdicts-keys"
)
