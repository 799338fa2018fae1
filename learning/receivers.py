"""Keep learning outlines in step with published courses, and anonymous pages fresh."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from courses import pagecache
from courses.models import CoursePage, LessonPage, ModulePage

from .models import CourseOutline, Enrollment
from .services import course_outline_sync


# An anonymous course page shows the places taken and the outline (ADR 0056).
@receiver(post_delete, sender=Enrollment)
@receiver(post_save, sender=CourseOutline)
@receiver(post_delete, sender=CourseOutline)
def anonymous_pages_changed(sender, raw=False, **kwargs):
    if not raw:
        pagecache.content_changed()


@receiver(post_save, sender=Enrollment)
def places_taken_changed(sender, raw=False, created=False, update_fields=None, **kwargs):
    """Only a new enrollment or a change of status changes the places taken. A recount of a
    learner's progress saves the enrollment too, many times a minute on a busy day: it must
    not empty every kept page and value of the platform (ADR 0066)."""
    if raw:
        return
    if created or update_fields is None or "status" in update_fields:
        pagecache.content_changed()


def _course_of(page) -> CoursePage | None:
    page = page.specific
    if isinstance(page, CoursePage):
        return page
    if isinstance(page, ModulePage | LessonPage):
        return CoursePage.objects.ancestor_of(page).first()
    return None


@receiver(page_published)
@receiver(page_unpublished)
def sync_outline_on_publish(sender, instance, **kwargs):
    course = _course_of(instance)
    if course is None or not course.specific.source_page.live:
        return
    course_outline_sync(course_page=course)
