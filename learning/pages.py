"""Reads behind the course, program and lesson pages as one reader sees them.

The pages are authored in `courses`; what a reader sees on them also depends on the reader's
own records (enrollment, progress), which live here. Each function returns data; the page
views in `learning.page_views` turn it into a template context. Query counts do not grow with
the number of lessons or learners: pages in the reader's language are looked up for a whole
set of translation keys at once (`courses.selectors.localized_pages`).
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from wagtail.models import Page

from courses.kept import kept
from courses.models import CourseInstructor, CoursePage, CourseRun, ProgramCourse, ProgramPage
from courses.selectors import localized_pages
from universities.models import University

from .models import CourseOutline, Enrollment, ProgramEnrollment
from .rules import completed_by_marking
from .standing import lessons_new_since

_NOT_READ = object()

# --- The outline as the reader sees it ---------------------------------------------------


@dataclass
class OutlineModule:
    title: str
    lessons: list = field(default_factory=list)


@dataclass
class OutlineEntry:
    """One lesson of a course outline as the reader sees it."""

    lesson_key: object
    module_title: str
    title: str
    page: Page | None  # the lesson in the reader's language, else its original; None: unpublished
    position: int
    is_required: bool
    quiz_ids: list
    activity_ids: list
    is_done: bool = False
    # Added to the course after the reader completed it, and not done yet (ADR 0042).
    is_new: bool = False
    # The page's address on the reader's site, when the view has set it (`page_views`).
    url: str = ""

    @property
    def is_graded(self) -> bool:
        return bool(self.quiz_ids or self.activity_ids)


def _outline_read(outline: CourseOutline, locale) -> tuple[list, dict]:
    lessons = list(outline.lessons.filter(is_active=True).order_by("position"))
    return lessons, localized_pages([lesson.lesson_key for lesson in lessons], locale)


def course_outline_entries(
    outline: CourseOutline | None, locale, done_keys=(), completed_at=None
) -> list:
    """The outline's active lessons, titled in the reader's language (2 queries); with
    `completed_at`, those added since then and not done are marked new."""
    if outline is None:
        return []
    lessons, pages = kept(
        "outline",
        (outline.pk, getattr(locale, "pk", locale)),
        lambda: _outline_read(outline, locale),
    )
    new_keys = set(lessons_new_since(lessons, done_keys, completed_at))
    entries = []
    for lesson in lessons:
        page = pages.get(lesson.lesson_key)
        entries.append(
            OutlineEntry(
                lesson_key=lesson.lesson_key,
                module_title=lesson.module_title,
                title=page.title if page else lesson.title,
                page=page,
                position=lesson.position,
                is_required=lesson.is_required,
                quiz_ids=lesson.quiz_ids,
                activity_ids=lesson.activity_ids,
                is_done=lesson.lesson_key in done_keys,
                is_new=lesson.lesson_key in new_keys,
            )
        )
    return entries


def group_by_module(entries: list) -> list[OutlineModule]:
    modules: list[OutlineModule] = []
    for entry in entries:
        if not modules or modules[-1].title != entry.module_title:
            modules.append(OutlineModule(title=entry.module_title))
        modules[-1].lessons.append(entry)
    return modules


def _done_keys(enrollment: Enrollment | None) -> set:
    if enrollment is None:
        return set()
    read_with_it = getattr(enrollment, "done_lesson_keys", _NOT_READ)
    if read_with_it is not _NOT_READ:  # `learning.access.lesson_for_learner` read them along
        return {uuid.UUID(key) for key in (read_with_it or "").split(",") if key}
    return set(enrollment.lessons.values_list("lesson_key", flat=True))


def _completed_at(enrollment: Enrollment | None):
    return enrollment.completed_at if enrollment is not None and enrollment.is_completed else None


# --- Course page -------------------------------------------------------------------------


@dataclass
class RunOffer:
    """A run on the course page, with what the reader needs to decide to enroll."""

    run: CourseRun
    is_open: bool
    taken: int

    @property
    def is_full(self) -> bool:
        return self.run.capacity is not None and self.taken >= self.run.capacity


@dataclass
class CoursePageView:
    """What a course page shows one reader: facts, runs, outline and their own enrollment."""

    outline: CourseOutline | None
    modules: list[OutlineModule]
    runs: list[RunOffer]
    enrollment: Enrollment | None
    next_lesson: OutlineEntry | None
    first_lesson: OutlineEntry | None
    co_teachers: list[University]
    instructors: list[CourseInstructor]
    prerequisites: list[Page]
    university: University


def course_page_view(page: CoursePage, *, user) -> CoursePageView:
    """The course page of `page` (any translation) as `user` sees it."""
    source = page.source_page
    now = timezone.now()
    outline = CourseOutline.objects.filter(course_key=source.translation_key).first()
    runs = list(
        CourseRun.objects.filter(course=source, ends_on__gte=now.date()).order_by("starts_on", "pk")
    )
    taken = _seats_taken([run.pk for run in runs])
    enrollment = None
    if user.is_authenticated and outline is not None:
        enrollment = (
            Enrollment.objects.filter(learner=user, outline=outline)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .select_related("run")
            .order_by("-enrolled_at")
            .first()
        )
    locale = page.locale_id
    entries = course_outline_entries(
        outline, locale, _done_keys(enrollment), _completed_at(enrollment)
    )
    prerequisites = list(source.prerequisites.live())
    prerequisite_pages = localized_pages([p.translation_key for p in prerequisites], locale)
    instructors = list(
        CourseInstructor.objects.filter(course=source).select_related("user").order_by("sort_order")
    )
    # A completed course offers only lessons added since its completion (ADR 0042).
    completed = enrollment is not None and enrollment.is_completed
    next_lesson = next(
        (entry for entry in entries if not entry.is_done and (entry.is_new or not completed)),
        None,
    )
    return CoursePageView(
        outline=outline,
        modules=group_by_module(entries),
        runs=[
            RunOffer(run=run, is_open=run.is_open_for_enrollment(now), taken=taken.get(run.pk, 0))
            for run in runs
        ],
        enrollment=enrollment,
        next_lesson=next_lesson if enrollment else None,
        first_lesson=entries[0] if entries else None,
        co_teachers=list(source.co_teaching_universities.all()),
        instructors=instructors,
        prerequisites=[prerequisite_pages.get(p.translation_key, p) for p in prerequisites],
        university=source.university,
    )


def _seats_taken(run_ids: list) -> dict:
    if not run_ids:
        return {}
    rows = (
        Enrollment.objects.filter(run_id__in=run_ids)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .order_by()
        .values("run_id")
        .annotate(n=Count("pk"))
    )
    return {row["run_id"]: row["n"] for row in rows}


# --- Program page ------------------------------------------------------------------------


@dataclass
class ProgramCourseRow:
    course: CoursePage  # the course in its original language
    page: Page | None  # the course in the reader's language, else its original
    is_required: bool
    is_completed: bool


@dataclass
class ProgramPageView:
    program_source: ProgramPage
    required_courses: list[ProgramCourseRow]
    elective_courses: list[ProgramCourseRow]
    total_credits: Decimal
    partners: list[University]
    lead_university: University
    program_enrollment: ProgramEnrollment | None


def program_page_view(page: ProgramPage, *, user) -> ProgramPageView:
    """Partners, courses (required and elective), total credits and `user`'s enrollment."""
    source = page.get_translations(inclusive=True).filter(alias_of__isnull=True).order_by("pk")
    source = source.specific().first() or page
    items = list(
        ProgramCourse.objects.filter(program=source)
        .select_related("course", "course__university")
        .order_by("sort_order")
    )
    course_pages = localized_pages([item.course.translation_key for item in items], page.locale_id)
    program_enrollment = None
    completed_keys: set = set()
    if user.is_authenticated:
        program_enrollment = (
            ProgramEnrollment.objects.filter(learner=user, program=source)
            .exclude(status=ProgramEnrollment.Status.WITHDRAWN)
            .first()
        )
        completed_keys = set(
            Enrollment.objects.filter(learner=user, status=Enrollment.Status.COMPLETED).values_list(
                "outline__course_key", flat=True
            )
        )
    rows = [
        ProgramCourseRow(
            course=item.course,
            page=course_pages.get(item.course.translation_key),
            is_required=item.is_required,
            is_completed=item.course.translation_key in completed_keys,
        )
        for item in items
    ]
    return ProgramPageView(
        program_source=source,
        required_courses=[row for row in rows if row.is_required],
        elective_courses=[row for row in rows if not row.is_required],
        total_credits=sum((row.course.ects_credits for row in rows), Decimal("0")),
        partners=list(source.partner_universities.all()),
        lead_university=source.lead_university,
        program_enrollment=program_enrollment,
    )


# --- Lesson page -------------------------------------------------------------------------


@dataclass
class LessonPageView:
    """Outline with done marks, the previous and next lesson, and this lesson's outline row."""

    modules: list[OutlineModule]
    previous_lesson: OutlineEntry | None
    next_lesson: OutlineEntry | None
    outline_entry: OutlineEntry | None
    lesson_done: bool
    lesson_position: int | None
    lesson_count: int
    # Lessons without quizzes or counted activities are completed by a button; the same rule
    # decides `learning.services.lesson_mark_complete`.
    can_mark_complete: bool


def lesson_page_view(page, *, enrollment: Enrollment | None, outline) -> LessonPageView:
    """The lesson `page` as its reader sees it: with `enrollment`, or as staff (None)."""
    done_keys = _done_keys(enrollment)
    entries = course_outline_entries(outline, page.locale_id, done_keys, _completed_at(enrollment))
    index = next(
        (i for i, entry in enumerate(entries) if entry.lesson_key == page.translation_key), None
    )
    has_next = index is not None and index + 1 < len(entries)
    entry = entries[index] if index is not None else None
    return LessonPageView(
        modules=group_by_module(entries),
        previous_lesson=entries[index - 1] if index else None,
        next_lesson=entries[index + 1] if has_next else None,
        outline_entry=entry,
        lesson_done=page.translation_key in done_keys,
        lesson_position=index + 1 if index is not None else None,
        lesson_count=len(entries),
        can_mark_complete=entry is not None
        and completed_by_marking(
            quiz_ids=entry.quiz_ids,
            activity_ids=entry.activity_ids,
            server_graded_only=outline.server_graded_only,
        ),
    )
