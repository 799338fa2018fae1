"""Keep anonymous counts when a learner is erased (see ADR 0008); cut API tokens whose
creator lost the role they act in.

Erasure deletes the user row and, by cascade, their enrollments. Just before that, an
`ErasedEnrollment` without any personal data is written for each enrollment, so summaries can
keep their totals while the person disappears from every row-level report.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from learning.models import Enrollment
from universities.models import Membership, Role

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


@receiver(post_save, sender=Membership, dispatch_uid="reports_tokens_cut_on_membership_change")
@receiver(post_delete, sender=Membership, dispatch_uid="reports_tokens_cut_on_membership_end")
def cut_tokens_when_the_role_goes(sender, instance, **kwargs):
    api_tokens_cut(instance.user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="reports_tokens_cut_inactive")
def cut_tokens_of_a_deactivated_account(sender, instance, **kwargs):
    if not instance.is_active:
        api_tokens_cut(instance)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="reports_tokens_cut_deleted")
def cut_tokens_of_a_deleted_account(sender, instance, **kwargs):
    api_tokens_cut(instance, everything=True)
