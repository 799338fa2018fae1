"""Wagtail page permissions and workflows on the authored tree, following universities' roles.

`universities.roles` makes each university's groups, collection and course-approval
workflow; this module grants those groups their rights on the parts of the page tree the
university owns: its `UniversityPage` sections (one per locale). Co-instructors listed on
another university's course get a per-course group with page permissions on that course only
(ADR 0010). Joint programs get a workflow with one approval task per partner university.

Everything here is idempotent, like `universities.roles`: calling it again brings permissions
back in line with the memberships and the page tree. `courses.receivers` calls it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from universities.models import Role, University
from universities.roles import (
    PAGE_PERMISSIONS,
    UniversityRoles,
    group_name,
    page_permission,
    permission_by_label,
    university_roles_provision,
)

from .language_versions import original_of
from .models import CourseInstructor, CoursePage, UniversityPage

CO_INSTRUCTOR_PAGE_PERMISSIONS = ("add", "change")


# --- University sections -----------------------------------------------------------------


def university_sections_grant(*, university: University, roles: UniversityRoles) -> None:
    """Give the university's groups their page rights and approval workflow on every one of
    its sections (each locale has its own section page)."""
    for section in UniversityPage.objects.filter(university=university):
        for role, group in roles.groups.items():
            for kind in PAGE_PERMISSIONS[role]:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=section, permission=page_permission(kind)
                )
        WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": roles.workflow})


# --- Co-instructors ----------------------------------------------------------------------


def co_instructor_group_name(course) -> str:
    return f"course {course.translation_key} co-instructors"


@transaction.atomic
def course_instructors_sync(course) -> Group | None:
    """Give the course's listed instructors add/change rights on that course (all locales).

    Listed instructors from other universities can thus edit its modules and lessons, while
    publishing stays with the owning university's editors through the course workflow.
    """
    source = course.specific.source_page
    pages = list(CoursePage.objects.filter(translation_key=source.translation_key))
    user_ids = set(
        CourseInstructor.objects.filter(course__in=pages).values_list("user_id", flat=True)
    )
    name = co_instructor_group_name(source)
    group = Group.objects.filter(name=name).first()
    if group is None and not user_ids:
        return None
    if group is None:
        group = Group.objects.create(name=name)
        group.permissions.add(permission_by_label("wagtailadmin.access_admin"))
    for page in pages:
        for kind in CO_INSTRUCTOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=page_permission(kind)
            )
    current = set(group.user_set.values_list("pk", flat=True))
    User = get_user_model()
    group.user_set.add(*User.objects.filter(pk__in=user_ids - current))
    group.user_set.remove(*User.objects.filter(pk__in=current - user_ids))
    return group


# --- Joint programs ----------------------------------------------------------------------


def program_workflow_name(program) -> str:
    """What authors read on the submit button: "Submit to <program title>", the title it was
    first written with, so that every language version shares one name."""
    return original_of(program).title


def _program_workflow(program) -> Workflow:
    """The one workflow of all language versions of a program, found through the pages it is
    assigned to (its name is for people, not for finding it)."""
    name = program_workflow_name(program)
    workflow = Workflow.objects.filter(
        workflow_pages__page__translation_key=program.translation_key
    ).first() or Workflow.objects.create(name=name)
    if workflow.name != name:
        workflow.name = name
        workflow.save(update_fields=["name"])
    return workflow


def _program_approval_task(university: University) -> GroupApprovalTask:
    linked = University.objects.select_related("program_approval_task").get(pk=university.pk)
    task = linked.program_approval_task
    if task is None:
        task = GroupApprovalTask.objects.create(name=university.name)
        University.objects.filter(pk=university.pk).update(program_approval_task=task)
    elif task.name != university.name:
        task.name = university.name
        task.save(update_fields=["name"])
    return task


def program_universities(program) -> list[University]:
    """The lead and every partner, live or in the latest draft, in a stable order."""
    ids = {
        program.lead_university_id,
        *University.objects.filter(partner_programs=program.pk).values_list("pk", flat=True),
    }
    latest = program.get_latest_revision_as_object() if program.pk else None
    if latest is not None:
        ids.add(latest.lead_university_id)
        ids.update(u.pk for u in latest.partner_universities.all())
    ids.discard(None)
    return list(University.objects.filter(pk__in=ids).order_by("code"))


@transaction.atomic
def program_workflow_sync(program) -> Workflow:
    """One approval task per partner university (its editors), assigned to the program page.

    Partner editors also get add/change on the program page itself; nobody outside Wagtail's
    superusers holds publish there, so a change goes live only when every partner approved.
    """
    program = program.specific
    universities = program_universities(program)
    workflow = _program_workflow(program)
    wanted_tasks = []
    for university in universities:
        roles = university_roles_provision(university)
        task = _program_approval_task(university)
        task.groups.add(roles.editors)
        wanted_tasks.append(task)
        for kind in ("add", "change"):
            GroupPagePermission.objects.get_or_create(
                group=roles.editors, page=program, permission=page_permission(kind)
            )
    workflow.workflow_tasks.exclude(task__in=wanted_tasks).delete()
    for position, task in enumerate(wanted_tasks):
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": position}
        )
    # Editors of universities that left the program lose their rights on it.
    wanted_groups = [group_name(u, Role.EDITOR) for u in universities]
    GroupPagePermission.objects.filter(page=program, group__name__endswith=" editors").exclude(
        group__name__in=wanted_groups
    ).delete()
    WorkflowPage.objects.update_or_create(page=program, defaults={"workflow": workflow})
    return workflow
