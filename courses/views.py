"""The catalogue and the server-side rendering of the public pages.

Course, program and lesson pages are Wagtail pages; `wagtail_hooks.serve_learner_pages` sends
them here so they can carry the reader's enrollment and progress, and so lessons are gated by
`learning.access` before any content is rendered.
"""

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from learning.access import course_staff_can_preview, lesson_for_learner
from learning.models import CourseOutline
from learning.selectors import latest_quiz_feedback
from learning.services import current_run_for
from universities.models import University

from . import selectors
from .models import CoursePage, HomePage, LessonPage, Level, ProgramPage, UniversityPage


@require_GET
def catalogue(request):
    filters = selectors.CatalogueFilters.from_querydict(request.GET)
    locale = selectors.current_locale()
    courses = selectors.catalogue_courses(filters, locale)
    page_obj = Paginator(courses, selectors.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    programs = selectors.catalogue_programs(filters, locale) if page_obj.number == 1 else []
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}
    return TemplateResponse(
        request,
        "courses/catalogue.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "courses": list(page_obj),
            "programs": programs,
            "universities": University.objects.order_by("name"),
            "levels": Level.choices,
            "query_string": urlencode(kept),
        },
    )


def _render_page(request, page, extra: dict, status: int = 200) -> TemplateResponse:
    context = page.get_context(request)
    context.update(extra)
    return TemplateResponse(request, page.get_template(request), context, status=status)


def serve_home_page(request, page: HomePage):
    filters = selectors.CatalogueFilters()
    locale = page.locale
    return _render_page(
        request,
        page,
        {
            "featured_courses": list(selectors.catalogue_courses(filters, locale)[:6]),
            "programs": selectors.catalogue_programs(filters, locale)[:3],
        },
    )


def serve_university_page(request, page: UniversityPage):
    filters = selectors.CatalogueFilters(university=page.university.code)
    return _render_page(
        request,
        page,
        {"courses": list(selectors.catalogue_courses(filters, page.locale)[:50])},
    )


def serve_course_page(request, page: CoursePage):
    return _render_page(request, page, selectors.course_page_context(page, request))


def serve_program_page(request, page: ProgramPage):
    return _render_page(request, page, selectors.program_page_context(page, request))


def serve_lesson_page(request, page: LessonPage):
    """A lesson, for its enrolled learners and for course staff previewing it.

    Anonymous readers are sent to log in; everyone else who may not read it gets a page that
    says how to enroll, with status 403.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = CoursePage.objects.ancestor_of(page).first()
    enrollment = None
    try:
        enrollment = lesson_for_learner(request.user, page)
    except PermissionDenied:
        if course is None or not course_staff_can_preview(request.user, course):
            return _lesson_locked(request, page, course)
    outline = (
        enrollment.outline
        if enrollment is not None
        else CourseOutline.objects.filter(course_key=course.source_page.translation_key).first()
    )
    context = selectors.lesson_navigation(page, enrollment, outline, request)
    entry = context["outline_entry"]
    context.update(
        {
            "course": course,
            "course_url": course.get_url(request),
            "enrollment": enrollment,
            "is_staff_preview": enrollment is None,
            "quiz_feedback": latest_quiz_feedback(enrollment, page),
            # Same rule as `learning.services.lesson_mark_complete`: graded lessons are
            # completed by passing, not by a button.
            "can_mark_complete": entry is not None
            and not entry.quiz_ids
            and (not entry.activity_ids or outline.server_graded_only),
        }
    )
    return _render_page(request, page, context)


def _lesson_locked(request, page: LessonPage, course: CoursePage | None) -> TemplateResponse:
    context = {
        "page": page,
        "course": course,
        "course_url": course.get_url(request) if course else None,
        "open_run": current_run_for(course.source_page) if course else None,
    }
    return TemplateResponse(request, "courses/lesson_locked.html", context, status=403)


# Page types rendered with extra context; the others use Wagtail's own `serve`.
PAGE_VIEWS = {
    HomePage: serve_home_page,
    UniversityPage: serve_university_page,
    CoursePage: serve_course_page,
    ProgramPage: serve_program_page,
    LessonPage: serve_lesson_page,
}
