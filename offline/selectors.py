"""Reads behind offline copies: what a learner's copy of a course holds, and its size.

The manifest is computed on the server, so the size is shown before anything is downloaded,
even without JavaScript. It lists pages in the reader's language (the `/<lang>/` prefix of
the request), because the service worker caches exactly the URLs it is given.
"""

import hashlib
from dataclasses import dataclass, field

from django.urls import reverse

from courses.models import CoursePage, LessonPage
from courses.selectors import current_locale
from h5p.media_origin import media_origin
from learning.models import Enrollment
from learning.pages import course_outline_entries

# The rendition the lesson page's image block shows (courses/blocks/image.html).
IMAGE_RENDITION = "max-960x720"
# A lesson's HTML around its body (layout, outline, forms): a measured round figure, so the
# size shown is an honest estimate without rendering every lesson.
PAGE_OVERHEAD_BYTES = 12_000


@dataclass
class OfflineLesson:
    id: int
    title: str
    url: str
    # The lesson holds interactive (H5P) activities and no H5P origin is configured: their
    # player then runs in a sandboxed frame with an opaque origin, which no service worker
    # controls, so they play only online (ADR 0061). The rest of the lesson is saved.
    needs_connection: bool = False


@dataclass
class OfflineManifest:
    """What a saved copy of one course holds for one learner, in one language."""

    course_id: int
    course_title: str
    version: str
    lessons: list[OfflineLesson] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # course page, lessons, the queued page
    size_bytes: int = 0

    @property
    def lessons_needing_connection(self) -> list[OfflineLesson]:
        return [lesson for lesson in self.lessons if lesson.needs_connection]

    def as_json(self) -> dict:
        return {
            "course": self.course_id,
            "title": self.course_title,
            "version": self.version,
            "lessons": [
                {"id": x.id, "title": x.title, "url": x.url, "needs_connection": x.needs_connection}
                for x in self.lessons
            ],
            "urls": [*self.pages, *self.images],
            "size": self.size_bytes,
        }


def _images_of(lesson: LessonPage) -> list:
    return [
        block.value["image"]
        for block in lesson.body
        if block.block_type == "image" and block.value.get("image") is not None
    ]


def _has_activities(lesson: LessonPage) -> bool:
    # A block that declares `activity_id` is an interactive activity (learning's own rule).
    return any(
        hasattr(block.block, "activity_id") and block.block.activity_id(block.value)
        for block in lesson.body
    )


def _file_size(rendition) -> int:
    try:
        return rendition.file.size
    except (OSError, ValueError):  # a missing file costs nothing to download
        return 0


def course_offline_manifest(course: CoursePage, enrollment: Enrollment) -> OfflineManifest:
    """The copy of `course` that `enrollment`'s learner may save, in the active language.

    The version changes whenever the course or one of its lessons is republished, so a saved
    copy can tell it is out of date.
    """
    locale = current_locale()
    activities_kept = bool(media_origin())  # the H5P origin's worker keeps them (ADR 0061)
    entries = [e for e in course_outline_entries(enrollment.outline, locale) if e.page]
    lessons = LessonPage.objects.live().filter(pk__in=[e.page.pk for e in entries])
    by_id = {lesson.pk: lesson for lesson in lessons}
    localized_course = course.get_translation_or_none(locale) if locale else None
    course_page = localized_course if localized_course and localized_course.live else course
    manifest = OfflineManifest(
        course_id=course.pk, course_title=course_page.title, version="", size_bytes=0
    )
    manifest.pages.append(course_page.url)
    digest = hashlib.sha256(f"{course_page.pk}:{course_page.live_revision_id}".encode())
    for entry in entries:
        lesson = by_id.get(entry.page.pk)
        if lesson is None:
            continue
        manifest.lessons.append(
            OfflineLesson(
                id=lesson.pk,
                title=lesson.title,
                url=lesson.url,
                needs_connection=not activities_kept and _has_activities(lesson),
            )
        )
        manifest.pages.append(lesson.url)
        manifest.size_bytes += PAGE_OVERHEAD_BYTES + len(lesson.body.raw_data.__repr__())
        digest.update(f"|{lesson.pk}:{lesson.live_revision_id}".encode())
        for image in _images_of(lesson):
            rendition = image.get_rendition(IMAGE_RENDITION)
            if rendition.url not in manifest.images:
                manifest.images.append(rendition.url)
                manifest.size_bytes += _file_size(rendition)
    manifest.pages.append(reverse("offline:queued"))
    manifest.size_bytes += PAGE_OVERHEAD_BYTES
    digest.update(f"|{locale.language_code if locale else ''}".encode())
    manifest.version = digest.hexdigest()[:16]
    return manifest
