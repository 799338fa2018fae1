"""Wagtail groups, permissions and workflows that follow from universities and memberships.

Every university gets three groups ("<code> editors", "<code> instructors", "<code>
registrars"), a collection for its images and documents and a course approval workflow,
named after the university and linked from it. Memberships put people into those groups.
The rights those groups hold on the page tree (the university's `UniversityPage` sections,
co-instructed courses, joint programs) are granted by `courses.permissions`, which listens
to `university_roles_provisioned`.

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
    Page,
    Workflow,
    WorkflowTask,
)

from .models import Membership, Role, University
from .signals import university_roles_provisioned

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
    """What authors read on the submit button: "Submit to <university>". The workflow and
    its tasks are linked from the university, so this name is never used to find them."""
    return university.name


def _linked(model, current, *, name: str):
    """The linked workflow or task, created when missing and renamed to `name` if needed."""
    if current is None:
        return model.objects.create(name=name)
    if current.name != name:
        current.name = name
        current.save(update_fields=["name"])
    return current


def permission_by_label(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def page_permission(kind: str) -> Permission:
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
            group.permissions.add(permission_by_label(label))
        for kind in COLLECTION_PERMISSIONS[role]:
            for permission in _collection_permissions(kind):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )

    # Read the links afresh: a caller's instance may predate the first provisioning.
    linked = (
        University.objects.select_related("approval_workflow", "approval_task")
        .only("name", "approval_workflow", "approval_task")
        .get(pk=university.pk)
    )
    name = workflow_name(linked)
    task = _linked(GroupApprovalTask, linked.approval_task, name=name)
    task.groups.add(groups[Role.EDITOR])
    workflow = _linked(Workflow, linked.approval_workflow, name=name)
    if not workflow.workflow_tasks.filter(task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    if (linked.approval_task_id, linked.approval_workflow_id) != (task.pk, workflow.pk):
        University.objects.filter(pk=university.pk).update(
            approval_task=task, approval_workflow=workflow
        )
    university.approval_task, university.approval_workflow = task, workflow

    provisioned = UniversityRoles(
        groups=groups, collection=collection, workflow=workflow, approval_task=task
    )
    # The university's sections of the page tree belong to `courses`, which grants them.
    university_roles_provisioned.send(sender=University, university=university, roles=provisioned)
    return provisioned


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
