import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage

from audit.models import AuditEvent
from courses.models import UniversityPage
from tests import factories as f
from universities import roles
from universities.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def finish_action():
    # The finishing action is configured in settings (WAGTAIL_FINISH_WORKFLOW_ACTION); this
    # checks that the real setting is in force rather than patching it in.
    from wagtail.models import WorkflowState

    from universities.workflow_actions import workflow_publish_approved

    assert WorkflowState.on_finish is workflow_publish_approved


def perms(user, page):
    user = type(user).objects.get(pk=user.pk)  # fresh: Django caches permissions per object
    return Page.objects.get(pk=page.pk).permissions_for_user(user)


def test_creating_a_university_creates_its_groups_collection_and_workflow(uni_a):
    names = set(Group.objects.filter(name__startswith="aaa ").values_list("name", flat=True))
    assert names == {"aaa editors", "aaa instructors", "aaa registrars"}
    provisioned = roles.university_roles_provision(uni_a)
    assert provisioned.collection.name == "University A (aaa)"
    assert provisioned.workflow.name == uni_a.name
    assert list(provisioned.approval_task.groups.all()) == [provisioned.editors]
    # Idempotent: a second run changes nothing.
    before = GroupPagePermission.objects.count()
    again = roles.university_roles_provision(uni_a)
    assert GroupPagePermission.objects.count() == before
    assert (again.workflow.pk, again.approval_task.pk) == (
        provisioned.workflow.pk,
        provisioned.approval_task.pk,
    )


def test_a_renamed_university_keeps_its_workflow_under_the_new_name(uni_a):
    provisioned = roles.university_roles_provision(uni_a)
    uni_a.name = "Renamed University"
    uni_a.save()
    again = roles.university_roles_provision(uni_a)
    assert again.workflow.pk == provisioned.workflow.pk
    assert again.workflow.name == again.approval_task.name == "Renamed University"
    assert Workflow.objects.filter(name__contains="course approval").count() == 0


def test_section_gets_page_permissions_and_workflow(course_a, uni_a):
    section = UniversityPage.objects.get(university=uni_a)
    granted = set(
        GroupPagePermission.objects.filter(page=section).values_list(
            "group__name", "permission__codename"
        )
    )
    assert ("aaa editors", "publish_page") in granted
    assert ("aaa instructors", "change_page") in granted
    assert ("aaa instructors", "publish_page") not in granted
    assert not any(name == "aaa registrars" for name, _codename in granted)
    assert WorkflowPage.objects.get(page=section).workflow.name == uni_a.name


def test_membership_puts_people_in_groups_and_out_again(uni_a):
    user = f.make_member("instructor", uni_a)
    assert list(user.groups.values_list("name", flat=True)) == ["aaa instructors"]
    assert AuditEvent.objects.filter(
        action="membership.granted", target_id=str(Membership.objects.get(user=user).pk)
    ).exists()
    Membership.objects.filter(user=user).delete()
    assert not user.groups.exists()
    assert AuditEvent.objects.filter(action="membership.revoked", university=uni_a).exists()


def test_learners_join_no_group(uni_a):
    learner = f.make_member("learner", uni_a)
    assert not learner.groups.exists()
    assert not learner.has_perm("wagtailadmin.access_admin")


def test_instructor_edits_own_university_lessons_only(course_a, course_b, uni_a, uni_b):
    instructor = f.make_member("instructor", uni_a)
    lesson_a = f.lessons_of(course_a)[0]
    lesson_b = f.lessons_of(course_b)[0]
    assert perms(instructor, lesson_a).can_edit()
    assert not perms(instructor, lesson_a).can_publish()
    assert not perms(instructor, lesson_b).can_edit()
    assert not perms(instructor, course_b).can_add_subpage()


def test_editor_publishes_in_own_university_only(course_a, course_b, uni_b):
    editor_b = f.make_member("editor", uni_b)
    assert perms(editor_b, course_b).can_publish()
    assert not perms(editor_b, course_a).can_edit()
    assert not perms(editor_b, f.lessons_of(course_a)[0]).can_edit()


def test_registrar_has_no_page_permissions(course_a, uni_a):
    registrar = f.make_member("registrar", uni_a)
    assert not perms(registrar, course_a).can_edit()
    assert not registrar.has_perm("wagtailadmin.access_admin")


def test_listed_co_instructor_from_another_university_edits_that_course(course_a, course_b, uni_b):
    guest = f.make_member("instructor", uni_b)
    assert not perms(guest, f.lessons_of(course_a)[0]).can_edit()
    f.add_instructor(course_a, guest)
    assert perms(guest, f.lessons_of(course_a)[0]).can_edit()
    assert perms(guest, course_a).can_add_subpage()
    assert not perms(guest, f.lessons_of(course_a)[0]).can_publish()
    # Other courses of A stay closed to the guest.
    other_a = f.build_course(course_a.university, title="Other A course", modules=1)
    assert not perms(guest, f.lessons_of(other_a)[0]).can_edit()
    course_a.course_instructors.filter(user=guest).delete()
    assert not perms(guest, f.lessons_of(course_a)[0]).can_edit()


def test_program_workflow_has_one_task_per_partner(
    django_capture_on_commit_callbacks, course_a, uni_a, uni_b
):
    uni_c = f.UniversityFactory(code="ccc")
    with django_capture_on_commit_callbacks(execute=True):
        program = f.build_program(uni_a, [uni_a, uni_b], [course_a])
    workflow = WorkflowPage.objects.get(page=program).workflow
    tasks = [wt.task.name for wt in workflow.workflow_tasks.order_by("sort_order")]
    assert tasks == [uni_a.name, uni_b.name]
    assert workflow.name == program.title  # "Submit to <program>"
    # Partners change the way an editor changes them: in a revision that gets published.
    program.partner_universities.set([uni_a, uni_b, uni_c])
    f.publish(program)
    tasks = [wt.task.name for wt in workflow.workflow_tasks.order_by("sort_order")]
    assert tasks == [uni_a.name, uni_b.name, uni_c.name]
    program.partner_universities.set([uni_a, uni_c])
    f.publish(program)
    tasks = [wt.task.name for wt in workflow.workflow_tasks.order_by("sort_order")]
    assert tasks == [uni_a.name, uni_c.name]
    assert not GroupPagePermission.objects.filter(page=program, group__name="bbb editors").exists()


@pytest.mark.usefixtures("finish_action")
def test_program_change_needs_every_partner_and_notifies_reviewers(
    django_capture_on_commit_callbacks, course_a, uni_a, uni_b
):
    with django_capture_on_commit_callbacks(execute=True):
        program = f.build_program(uni_a, [uni_a, uni_b], [course_a])
    editor_a = f.make_member("editor", uni_a)
    editor_b = f.make_member("editor", uni_b)
    reviewer_a = f.make_member("editor", uni_a)
    program.summary = "A changed summary."
    revision = program.save_revision(user=editor_a)
    workflow = program.get_workflow()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        state = workflow.start(program, editor_a)
    # Wagtail mails the task's group, except the person who submitted.
    notified = {address for message in mail.outbox for address in message.to}
    assert reviewer_a.email in notified
    assert editor_b.email not in notified
    # The first partner's editors approve; the program is still not published.
    task_state = state.current_task_state
    # B's editors cannot act on A's task.
    assert task_state.task.specific.get_actions(program, editor_b) == []
    assert task_state.task.specific.get_actions(program, editor_a) != []
    with django_capture_on_commit_callbacks(execute=True):
        task_state.approve(user=editor_a)
    state.refresh_from_db()
    program.refresh_from_db()
    assert state.status == "in_progress"
    assert program.live_revision_id != revision.pk
    assert editor_b.email in {address for message in mail.outbox for address in message.to}
    with django_capture_on_commit_callbacks(execute=True):
        state.current_task_state.approve(user=editor_b)
    state.refresh_from_db()
    program.refresh_from_db()
    assert state.status == "approved"
    assert program.summary == "A changed summary."
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("workflow.task_approved") == 2
    assert "page.published" in actions
