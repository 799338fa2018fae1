"""The audit log of memberships, publishing and approvals, written as they happen.

Connected by `AuditConfig.ready()`. `audit` sits above the apps whose changes it records, so
it listens to their signals rather than being called by them.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page
from wagtail.signals import page_published, task_approved, task_rejected

from courses.models import ProgramPage, UniversityPage
from universities.models import Membership

from .services import audit_record


def _actor():
    # Admin views run inside Wagtail's log context, which knows the acting user; services
    # called elsewhere pass no actor and the audit event records none.
    return get_active_log_context().user


@receiver(post_save, sender=Membership)
def audit_membership_granted(sender, instance: Membership, created: bool, raw=False, **kwargs):
    if raw or not created:
        return
    audit_record(
        actor=_actor(),
        action="membership.granted",
        university=instance.university,
        target=instance,
        summary=f"{instance.user.email} is now {instance.role} at {instance.university.code}",
        details={"user_id": instance.user_id, "role": instance.role},
    )


@receiver(post_delete, sender=Membership)
def audit_membership_revoked(sender, instance: Membership, **kwargs):
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is None:  # the account itself is being deleted
        return
    audit_record(
        actor=_actor(),
        action="membership.revoked",
        university=instance.university,
        summary=f"{user.email} is no longer {instance.role} at {instance.university.code}",
        details={"user_id": user.pk, "role": instance.role, "membership_id": instance.pk},
    )


def _university_of_page(page):
    page = page.specific
    if isinstance(page, ProgramPage):
        return page.lead_university
    section = UniversityPage.objects.ancestor_of(page, inclusive=True).first()
    return section.university if section else None


@receiver(page_published)
def audit_publish(sender, instance, revision=None, **kwargs):
    actor = getattr(revision, "user", None) or _actor()
    audit_record(
        actor=actor,
        action="page.published",
        university=_university_of_page(instance),
        target=instance.specific,
        summary=f"Published “{instance.title}”",
        details={"page_id": instance.pk, "revision_id": getattr(revision, "pk", None)},
    )


def _audit_task(action: str, instance, user, workflow_state=None):
    page = getattr(workflow_state, "content_object", None) if workflow_state else None
    audit_record(
        actor=user,
        action=action,
        university=_university_of_page(page) if isinstance(page, Page) else None,
        target=page.specific if isinstance(page, Page) else None,
        summary=f"{instance.name}: {action.rsplit('.', 1)[-1]}",
        details={"task_id": instance.pk, "workflow_state_id": getattr(workflow_state, "pk", None)},
    )


@receiver(task_approved)
def audit_task_approved(sender, instance, user=None, **kwargs):
    _audit_task("workflow.task_approved", instance.task, user, instance.workflow_state)


@receiver(task_rejected)
def audit_task_rejected(sender, instance, user=None, **kwargs):
    _audit_task("workflow.task_rejected", instance.task, user, instance.workflow_state)
