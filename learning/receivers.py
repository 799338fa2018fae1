"""Keep learning outlines in step with published courses."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from courses.models import CoursePage, LessonPage, ModulePage

from .services import course_outline_sync


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
