"""Wagtail groups, permissions and workflows that follow from universities and memberships.

Every university gets three groups ("<code> editors", "<code> instructors", "<code>
registrars"), a collection for its images and documents, page permissions on its
`UniversityPage` sections (one per locale) and a "<code> course approval" workflow. Memberships
put people into those groups. Co-instructors listed on another university's course get a
per-course group with page permissions on that course only (ADR 0301). Joint programs get a
workflow with one approval task per partner university.

Everything here is idempotent: calling it again after a change brings permissions back in
line with the memberships and the page tree, so receivers, `seed_demo` and tests can all call
it freely.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import Membership, Role, University

# Roles that map to a Wagtail group; learners never enter the admin.
GROUP_ROLES = (Role.EDITOR, Role.INSTRUCTOR, Role.REGISTRAR)

# Page permissions granted on a university's section. Registrars get none: they read reports,
# they do not author.
PAGE_PERMISSIONS = {
    Role.EDITOR: ("add", "change", "publish", "lock", "unlock"),
    Role.INSTRUCTOR: ("add", "change"),
    Role.REGISTRAR: (),
}
# Image and document permissions on the university's collection.
COLLECTION_PERMISSIONS = {
    Role.EDITOR: ("add", "change", "delete", "choose"),
    Role.INSTRUCTOR: ("add", "change", "choose"),
    Role.REGISTRAR: (),
}
# Global model permissions. Editors read their university's audit log in the admin (the
# viewset narrows the rows to their universities).
MODEL_PERMISSIONS = {
    Role.EDITOR: ("wagtailadmin.access_admin", "audit.view_auditevent"),
    Role.INSTRUCTOR: ("wagtailadmin.access_admin",),
    Role.REGISTRAR: (),
}
CO_INSTRUCTOR_PAGE_PERMISSIONS = ("add", "change")


@dataclass(frozen=True)
class UniversityRoles:
    groups: dict[str, Group]
    collection: Collection
    workflow: Workflow
    approval_task: GroupApprovalTask

    @property
    def editors(self) -> Group:
        return self.groups[Role.EDITOR]

    @property
    def instructors(self) -> Group:
        return self.groups[Role.INSTRUCTOR]

    @property
    def registrars(self) -> Group:
        return self.groups[Role.REGISTRAR]


def group_name(university: University, role: str) -> str:
    return f"{university.code} {role}s"


def workflow_name(university: University) -> str:
    return f"{university.code} course approval"


def _permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(kind: str) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=f"{kind}_page"
    )


def _collection_permissions(kind: str) -> list[Permission]:
    return list(
        Permission.objects.filter(
            content_type__app_label__in=["wagtailimages", "wagtaildocs"],
            codename__in=[f"{kind}_image", f"{kind}_document"],
        )
    )


def university_collection(university: University) -> Collection:
    """The collection holding the university's images and documents, created on first use.

    Found through the editors group's permissions rather than by name, so renaming the
    collection in the admin does not orphan it.
    """
    editors = Group.objects.filter(name=group_name(university, Role.EDITOR)).first()
    if editors is not None:
        granted = (
            Collection.objects.filter(group_permissions__group=editors)
            .exclude(depth=1)
            .order_by("pk")
            .first()
        )
        if granted is not None:
            return granted
    name = f"{university.name} ({university.code})"
    existing = Collection.objects.filter(name=name).exclude(depth=1).first()
    if existing is not None:
        return existing
    return Collection.get_first_root_node().add_child(name=name)


@transaction.atomic
def university_roles_provision(university: University) -> UniversityRoles:
    """Create or repair the university's groups, collection, permissions and workflow.

    Page permissions go onto every `UniversityPage` of the university (each locale has its
    own section page), so calling this again after a section is created or translated grants
    permissions there too. Existing group members are left alone; `membership_groups_sync`
    handles people.
    """
    groups = {
        role: Group.objects.get_or_create(name=group_name(university, role))[0]
        for role in GROUP_ROLES
    }
    collection = university_collection(university)
    for role, group in groups.items():
        for label in MODEL_PERMISSIONS[role]:
            group.permissions.add(_permission(label))
        for kind in COLLECTION_PERMISSIONS[role]:
            for permission in _collection_permissions(kind):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )

    task = GroupApprovalTask.objects.filter(name=f"{university.code} editors approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"{university.code} editors approval")
    task.groups.add(groups[Role.EDITOR])
    workflow, _created = Workflow.objects.get_or_create(name=workflow_name(university))
    if not workflow.workflow_tasks.filter(task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    for section in _sections_of(university):
        _grant_section(section, groups)
        WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})
    return UniversityRoles(
        groups=groups, collection=collection, workflow=workflow, approval_task=task
    )


def _sections_of(university: University):
    from courses.models import UniversityPage

    return UniversityPage.objects.filter(university=university)


def _grant_section(section: Page, groups: dict[str, Group]) -> None:
    for role, group in groups.items():
        for kind in PAGE_PERMISSIONS[role]:
            GroupPagePermission.objects.get_or_create(
                group=group, page=section, permission=_page_permission(kind)
            )


# --- People ------------------------------------------------------------------------------


@transaction.atomic
def membership_groups_sync(user) -> None:
    """Put `user` in exactly the university groups their memberships call for.

    Only the groups this module manages are touched; groups an administrator created by hand
    keep their members.
    """
    memberships = list(
        Membership.objects.filter(user=user, role__in=GROUP_ROLES).select_related("university")
    )
    wanted_names = {group_name(m.university, m.role) for m in memberships}
    managed_names = {
        group_name(university, role)
        for university in University.objects.only("code")
        for role in GROUP_ROLES
    }
    current = set(user.groups.filter(name__in=managed_names).values_list("name", flat=True))
    for membership in memberships:
        if group_name(membership.university, membership.role) not in current:
            # A membership for a university created before this module existed: repair it.
            university_roles_provision(membership.university)
    user.groups.add(*Group.objects.filter(name__in=wanted_names - current))
    user.groups.remove(*Group.objects.filter(name__in=current - wanted_names))


# --- Co-instructors ----------------------------------------------------------------------


def co_instructor_group_name(course) -> str:
    return f"course {course.translation_key} co-instructors"


@transaction.atomic
def course_instructors_sync(course) -> Group | None:
    """Give the course's listed instructors add/change rights on that course (all locales).

    Listed instructors from other universities can thus edit its modules and lessons, while
    publishing stays with the owning university's editors through the course workflow.
    """
    from courses.models import CourseInstructor, CoursePage

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
        group.permissions.add(_permission("wagtailadmin.access_admin"))
    for page in pages:
        for kind in CO_INSTRUCTOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_page_permission(kind)
            )
    current = set(group.user_set.values_list("pk", flat=True))
    from accounts.models import User

    group.user_set.add(*User.objects.filter(pk__in=user_ids - current))
    group.user_set.remove(*User.objects.filter(pk__in=current - user_ids))
    return group


# --- Joint programs ----------------------------------------------------------------------


def program_workflow_name(program) -> str:
    return f"program {program.translation_key} partner approval"


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
    workflow, _created = Workflow.objects.get_or_create(name=program_workflow_name(program))
    wanted_tasks = []
    for university in universities:
        roles = university_roles_provision(university)
        task = GroupApprovalTask.objects.filter(name=f"{university.code} program approval").first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=f"{university.code} program approval")
        task.groups.add(roles.editors)
        wanted_tasks.append(task)
        for kind in ("add", "change"):
            GroupPagePermission.objects.get_or_create(
                group=roles.editors, page=program, permission=_page_permission(kind)
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
