"""Keep anonymous counts when a learner is erased (see ADR 0008); cut API tokens whose
creator lost the role they act in.

Erasure deletes the user row and, by cascade, their enrollments. Just before that, an
`ErasedEnrollment` without any personal data is written for each enrollment, so summaries can
keep their totals while the person disappears from every row-level report.
"""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from learning.models import Enrollment
from universities.models import Membership, Role
from universities.signals import roles_may_have_changed

from .models import ErasedEnrollment
from .services import api_tokens_cut


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="reports_erasure_counts")
def keep_anonymous_counts(sender, instance, **kwargs):
    home = (
        Membership.objects.filter(user=instance, role=Role.LEARNER)
        .values_list("university_id", flat=True)
        .first()
    )
    ErasedEnrollment.objects.bulk_create(
        ErasedEnrollment(
            run_id=run_id,
            outline_id=outline_id,
            home_university_id=home,
            program_id=program_id,
            status=status,
            enrolled_on=enrolled_at.date(),
        )
        for run_id, outline_id, program_id, status, enrolled_at in Enrollment.objects.filter(
            learner=instance
        ).values_list(
            "run_id", "outline_id", "program_enrollment__program_id", "status", "enrolled_at"
        )
    )


@receiver(roles_may_have_changed, dispatch_uid="reports_tokens_cut")
def cut_tokens_when_a_role_may_have_gone(sender, user, account_closing, **kwargs):
    api_tokens_cut(user, everything=account_closing)
