"""Keep page permissions and workflows in step with universities, sections, co-instructors
and programs (`courses.permissions`), and every page present in every language
(`courses.language_versions`, ADR 0030). Connected by `CoursesConfig.ready()`."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published

from outbox.services import enqueue
from universities.roles import university_roles_provision
from universities.signals import university_roles_provisioned

from . import language_versions, permissions
from .models import CourseInstructor, CoursePage, ProgramPage, UniversityPage
from .tasks import language_versions_fill


@receiver(university_roles_provisioned)
def grant_university_sections(sender, university, roles, **kwargs):
    permissions.university_sections_grant(university=university, roles=roles)


@receiver(post_save, sender=UniversityPage)
def provision_section(sender, instance: UniversityPage, raw=False, **kwargs):
    # A new section (or a translation of one) needs the university's permissions and workflow.
    if raw or not instance.university_id:
        return
    university_roles_provision(instance.university)


@receiver(post_save, sender=CourseInstructor)
@receiver(post_delete, sender=CourseInstructor)
def course_instructors_changed(sender, instance: CourseInstructor, raw=False, **kwargs):
    if raw:
        return
    course = CoursePage.objects.filter(pk=instance.course_id).first()
    if course is not None:
        permissions.course_instructors_sync(course)


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
        permissions.program_workflow_sync(program)


@receiver(page_published)
def program_published(sender, instance, revision=None, **kwargs):
    if isinstance(instance.specific, ProgramPage):
        permissions.program_workflow_sync(instance.specific)


@receiver(page_published)
def language_versions_after_publish(sender, instance, revision=None, **kwargs):
    # Aliases publish with their original (Wagtail), so only originals need new versions.
    if instance.alias_of_id is None:
        enqueue(language_versions_fill, instance.pk)


@receiver(pre_delete)
def language_versions_before_delete(sender, instance, **kwargs):
    # Every page model's rows are deleted with the base row; act once, on the base model.
    if sender is Page and instance.alias_of_id is None:
        language_versions.aliases_remove(instance)


@receiver(post_delete)
def language_versions_after_delete(sender, instance, **kwargs):
    # A deleted translation leaves its locale without the page: the original fills it again.
    if sender is not Page or instance.alias_of_id is not None:
        return
    original = (
        Page.objects.live()
        .filter(translation_key=instance.translation_key, alias_of__isnull=True)
        .order_by("pk")
        .first()
    )
    if original is not None:
        enqueue(language_versions_fill, original.pk)
