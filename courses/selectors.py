"""Reads behind the public pages: the catalogue, course, program and lesson pages.

Every function here issues a fixed number of queries whatever the number of courses, lessons
or learners: lists are fetched with `select_related`/`prefetch_related`, and pages in the
reader's language are looked up for a whole set of translation keys at once.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from wagtail.models import Locale, Page

from learning.models import CourseOutline, Enrollment, ProgramEnrollment

from .models import CourseInstructor, CoursePage, CourseRun, Level, ProgramCourse, ProgramPage

CATALOGUE_PAGE_SIZE = 12
# Search results are narrowed to this many translation keys; more would not be read anyway.
SEARCH_RESULT_LIMIT = 500


# --- Pages in the reader's language ------------------------------------------------------


def current_locale() -> Locale | None:
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return None


def localized_pages(translation_keys, locale: Locale | int | None) -> dict:
    """Map each translation key to its live page in `locale`, or else to its original page.

    One query for any number of keys. The pages are plain `Page` objects: enough for a title
    and a URL, without loading each page's specific row.
    """
    keys = {key for key in translation_keys if key}
    if not keys:
        return {}
    locale_id = getattr(locale, "pk", locale)
    found: dict = {}
    pages = Page.objects.live().filter(translation_key__in=keys).order_by("pk")
    for page in pages:
        key = page.translation_key
        if locale_id is not None and page.locale_id == locale_id:
            found[key] = page  # the reader's language wins
        elif key not in found or (found[key].alias_of_id and not page.alias_of_id):
            found.setdefault(key, page)
    return found


def localized_queryset(queryset: QuerySet, locale: Locale | None) -> QuerySet:
    """One row per translation key: the page in `locale` when there is one, else the original.

    The original is the oldest non-alias page of the key, which is how
    `CoursePage.source_page` picks it.
    """
    live = queryset.model.objects.live()
    if locale is None:
        return queryset.filter(alias_of__isnull=True)
    originals = (
        live.filter(alias_of__isnull=True)
        .order_by()
        .values("translation_key")
        .annotate(first=Min("pk"))
        .values("first")
    )
    in_locale = live.filter(locale=locale).order_by().values("translation_key")
    return queryset.filter(
        Q(locale=locale) | (Q(pk__in=Subquery(originals)) & ~Q(translation_key__in=in_locale))
    )


# --- Catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    university: str = ""
    language: str = ""
    level: str = ""
    open_only: bool = False

    @classmethod
    def from_querydict(cls, data) -> "CatalogueFilters":
        from django.conf import settings

        languages = {code for code, _name in settings.LANGUAGES}
        language = data.get("language", "")
        level = data.get("level", "")
        return cls(
            query=data.get("q", "").strip()[:200],
            university=data.get("university", "").strip()[:20],
            # Unknown values are dropped, not passed on to the database.
            language=language if language in languages else "",
            level=level if level in Level.values else "",
            open_only=data.get("open") in {"1", "on", "true"},
        )

    @property
    def narrows_courses_only(self) -> bool:
        # Programs have no language, level or run of their own.
        return bool(self.language or self.level or self.open_only)


def _open_runs(at):
    return CourseRun.objects.filter(
        course__translation_key=OuterRef("translation_key"),
        enrollment_opens_at__lte=at,
        enrollment_closes_at__gt=at,
    )


def search_terms(query: str) -> str:
    """The query without what search backends choke on.

    SQLite's full-text search fails on a lone double quote and PostgreSQL on NUL, so quotes
    and control characters become spaces; words are what people search for here.
    """
    cleaned = "".join(
        " " if char == '"' or ord(char) < 32 or char == "\x7f" else char for char in query
    )
    return " ".join(cleaned.split())[:200]


def _search_keys(model, query: str) -> list:
    """Translation keys of pages matching `query` in any language, best match first."""
    terms = search_terms(query)
    if not terms:
        return []
    results = model.objects.live().search(terms)[:SEARCH_RESULT_LIMIT]
    keys: list = []
    for page in results:
        if page.translation_key not in keys:
            keys.append(page.translation_key)
    return keys


def catalogue_courses(filters: CatalogueFilters, locale: Locale | None, at=None) -> QuerySet:
    """Live courses in the reader's language (or their original), filtered and annotated."""
    at = at or timezone.now()
    courses = localized_queryset(CoursePage.objects.live(), locale)
    if filters.university:
        co_taught = CoursePage.co_teaching_universities.through.objects.filter(
            university__code=filters.university
        ).values("coursepage_id")
        courses = courses.filter(Q(university__code=filters.university) | Q(pk__in=co_taught))
    if filters.language:
        courses = courses.filter(language=filters.language)
    if filters.level:
        courses = courses.filter(level=filters.level)
    courses = courses.annotate(
        is_open=Exists(_open_runs(at)),
        next_run_starts_on=Subquery(
            CourseRun.objects.filter(
                course__translation_key=OuterRef("translation_key"), ends_on__gte=at.date()
            )
            .order_by("starts_on")
            .values("starts_on")[:1]
        ),
    )
    if filters.open_only:
        courses = courses.filter(is_open=True)
    courses = courses.select_related("university").prefetch_related("co_teaching_universities")
    if filters.query:
        keys = _search_keys(CoursePage, filters.query)
        return courses.filter(translation_key__in=keys).order_by("title", "pk")
    return courses.order_by("title", "pk")


def catalogue_programs(filters: CatalogueFilters, locale: Locale | None) -> list[ProgramPage]:
    if filters.narrows_courses_only:
        return []
    programs = localized_queryset(ProgramPage.objects.live(), locale)
    if filters.university:
        partners = ProgramPage.partner_universities.through.objects.filter(
            university__code=filters.university
        ).values("programpage_id")
        programs = programs.filter(Q(lead_university__code=filters.university) | Q(pk__in=partners))
    if filters.query:
        programs = programs.filter(translation_key__in=_search_keys(ProgramPage, filters.query))
    return list(
        programs.select_related("lead_university")
        .prefetch_related("partner_universities")
        .order_by("title", "pk")
    )


# --- Course page -------------------------------------------------------------------------


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
    url: str | None
    position: int
    is_required: bool
    quiz_ids: list
    activity_ids: list
    is_done: bool = False

    @property
    def is_graded(self) -> bool:
        return bool(self.quiz_ids or self.activity_ids)


def course_outline_entries(outline: CourseOutline | None, locale, request, done_keys=()) -> list:
    """The outline's active lessons, titled and linked in the reader's language (2 queries)."""
    if outline is None:
        return []
    lessons = list(outline.lessons.filter(is_active=True).order_by("position"))
    pages = localized_pages([lesson.lesson_key for lesson in lessons], locale)
    entries = []
    for lesson in lessons:
        page = pages.get(lesson.lesson_key)
        entries.append(
            OutlineEntry(
                lesson_key=lesson.lesson_key,
                module_title=lesson.module_title,
                title=page.title if page else lesson.title,
                url=page.get_url(request) if page else None,
                position=lesson.position,
                is_required=lesson.is_required,
                quiz_ids=lesson.quiz_ids,
                activity_ids=lesson.activity_ids,
                is_done=lesson.lesson_key in done_keys,
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


def course_page_context(page: CoursePage, request) -> dict:
    """Facts, runs, outline and the reader's own enrollment for a course page."""
    source = page.source_page
    user = request.user
    now = timezone.now()
    outline = CourseOutline.objects.filter(course_key=source.translation_key).first()
    runs = list(
        CourseRun.objects.filter(course=source, ends_on__gte=now.date()).order_by("starts_on", "pk")
    )
    taken = _seats_taken([run.pk for run in runs])
    for run in runs:
        run.is_open = run.is_open_for_enrollment(now)
        run.taken = taken.get(run.pk, 0)
        run.is_full = run.capacity is not None and run.taken >= run.capacity
    enrollment = None
    done_keys: set = set()
    if user.is_authenticated and outline is not None:
        enrollment = (
            Enrollment.objects.filter(learner=user, outline=outline)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .select_related("run")
            .order_by("-enrolled_at")
            .first()
        )
        if enrollment is not None:
            done_keys = set(enrollment.lessons.values_list("lesson_key", flat=True))
    locale = page.locale_id
    entries = course_outline_entries(outline, locale, request, done_keys)
    prerequisites = list(source.prerequisites.live())
    prerequisite_pages = localized_pages([p.translation_key for p in prerequisites], locale)
    instructors = list(
        CourseInstructor.objects.filter(course=source).select_related("user").order_by("sort_order")
    )
    next_lesson = next((entry for entry in entries if not entry.is_done), None)
    return {
        "outline": outline,
        "modules": group_by_module(entries),
        "runs": runs,
        "enrollment": enrollment,
        "next_lesson": next_lesson if enrollment else None,
        "first_lesson": entries[0] if entries else None,
        "co_teachers": list(source.co_teaching_universities.all()),
        "instructors": instructors,
        "prerequisites": [prerequisite_pages.get(p.translation_key, p) for p in prerequisites],
        "university": source.university,
    }


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


def program_page_context(page: ProgramPage, request) -> dict:
    """Partners, courses (required and elective), total credits and the reader's enrollment."""
    source = page.get_translations(inclusive=True).filter(alias_of__isnull=True).order_by("pk")
    source = source.specific().first() or page
    items = list(
        ProgramCourse.objects.filter(program=source)
        .select_related("course", "course__university")
        .order_by("sort_order")
    )
    course_pages = localized_pages([item.course.translation_key for item in items], page.locale_id)
    rows = [
        {
            "course": item.course,
            "page": course_pages.get(item.course.translation_key),
            "is_required": item.is_required,
        }
        for item in items
    ]
    program_enrollment = None
    completed_keys: set = set()
    if request.user.is_authenticated:
        program_enrollment = (
            ProgramEnrollment.objects.filter(learner=request.user, program=source)
            .exclude(status=ProgramEnrollment.Status.WITHDRAWN)
            .first()
        )
        completed_keys = set(
            Enrollment.objects.filter(
                learner=request.user, status=Enrollment.Status.COMPLETED
            ).values_list("outline__course_key", flat=True)
        )
    for row in rows:
        row["is_completed"] = row["course"].translation_key in completed_keys
    return {
        "program_source": source,
        "required_courses": [row for row in rows if row["is_required"]],
        "elective_courses": [row for row in rows if not row["is_required"]],
        "total_credits": sum((row["course"].ects_credits for row in rows), Decimal("0")),
        "partners": list(source.partner_universities.all()),
        "lead_university": source.lead_university,
        "program_enrollment": program_enrollment,
    }


# --- Lesson page -------------------------------------------------------------------------


def lesson_navigation(page, enrollment: Enrollment | None, outline, request) -> dict:
    """Outline with done marks, the previous and next lesson, and this lesson's outline row."""
    done_keys: set = set()
    if enrollment is not None:
        done_keys = set(enrollment.lessons.values_list("lesson_key", flat=True))
    entries = course_outline_entries(outline, page.locale_id, request, done_keys)
    index = next(
        (i for i, entry in enumerate(entries) if entry.lesson_key == page.translation_key), None
    )
    has_next = index is not None and index + 1 < len(entries)
    return {
        "modules": group_by_module(entries),
        "previous_lesson": entries[index - 1] if index else None,
        "next_lesson": entries[index + 1] if has_next else None,
        "outline_entry": entries[index] if index is not None else None,
        "lesson_done": page.translation_key in done_keys,
        "lesson_position": index + 1 if index is not None else None,
        "lesson_count": len(entries),
    }


__all__ = [
    "CATALOGUE_PAGE_SIZE",
    "CatalogueFilters",
    "catalogue_courses",
    "catalogue_programs",
    "course_page_context",
    "lesson_navigation",
    "localized_pages",
    "program_page_context",
]
