"""Keep Wagtail groups and permissions in step with universities, memberships and pages, and
write the audit log for publishing, approvals and permission changes.

Connected by `UniversitiesConfig.ready()` importing this module.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page
from wagtail.signals import page_published, task_approved, task_rejected

from audit.services import audit_record
from courses.models import CourseInstructor, CoursePage, ProgramPage, UniversityPage

from . import roles
from .models import Membership, Role, University


def _actor():
    # Admin views run inside Wagtail's log context, which knows the acting user; services
    # called elsewhere pass no actor and the audit event records none.
    return get_active_log_context().user


@receiver(post_save, sender=University)
def provision_university(sender, instance: University, created: bool, raw=False, **kwargs):
    if raw:
        return
    roles.university_roles_provision(instance)


@receiver(post_save, sender=UniversityPage)
def provision_section(sender, instance: UniversityPage, raw=False, **kwargs):
    # A new section (or a translation of one) needs the university's permissions and workflow.
    if raw or not instance.university_id:
        return
    roles.university_roles_provision(instance.university)


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance: Membership, created: bool, raw=False, **kwargs):
    if raw:
        return
    roles.membership_groups_sync(instance.user)
    if created:
        audit_record(
            actor=_actor(),
            action="membership.granted",
            university=instance.university,
            target=instance,
            summary=f"{instance.user.email} is now {instance.role} at {instance.university.code}",
            details={"user_id": instance.user_id, "role": instance.role},
        )


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance: Membership, **kwargs):
    from accounts.models import User

    user = User.objects.filter(pk=instance.user_id).first()
    if user is None:  # the account itself is being deleted
        return
    user.__dict__.pop("_membership_cache", None)
    roles.membership_groups_sync(user)
    if instance.role in (*roles.GROUP_ROLES, Role.LEARNER):
        audit_record(
            actor=_actor(),
            action="membership.revoked",
            university=instance.university,
            summary=f"{user.email} is no longer {instance.role} at {instance.university.code}",
            details={"user_id": user.pk, "role": instance.role, "membership_id": instance.pk},
        )


@receiver(post_save, sender=CourseInstructor)
@receiver(post_delete, sender=CourseInstructor)
def course_instructors_changed(sender, instance: CourseInstructor, raw=False, **kwargs):
    if raw:
        return
    course = CoursePage.objects.filter(pk=instance.course_id).first()
    if course is not None:
        roles.course_instructors_sync(course)


@receiver(post_save, sender=ProgramPage)
def program_saved(sender, instance: ProgramPage, raw=False, **kwargs):
    if raw:
        return
    # Partners are written after the page row (modelcluster commits relations last), so the
    # workflow follows once the transaction commits; publishing syncs it again at once.
    program_id = instance.pk
    transaction.on_commit(lambda: _sync_program(program_id))


def _sync_program(program_id: int) -> None:
    program = ProgramPage.objects.filter(pk=program_id).first()
    if program is not None:
        roles.program_workflow_sync(program)


def _university_of_page(page):
    page = page.specific
    if isinstance(page, ProgramPage):
        return page.lead_university
    section = UniversityPage.objects.ancestor_of(page, inclusive=True).first()
    return section.university if section else None


@receiver(page_published)
def audit_publish(sender, instance, revision=None, **kwargs):
    if isinstance(instance.specific, ProgramPage):
        roles.program_workflow_sync(instance.specific)
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
