"""Course, program and lesson pages served with the reader's own records.

The pages are authored in `courses`, which sits below `learning` and cannot read enrollments.
`learning.wagtail_hooks` therefore sends those page types here through Wagtail's
`before_serve_page` hook (ADR 0014): lessons pass the learner's gate before any content is
rendered, and each page gets the reader's enrollment and progress. The reads are in
`learning.pages`; these views only build the template context.
"""

from dataclasses import fields

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from courses.kept import kept
from courses.models import CoursePage, CourseRun, LessonPage, ProgramPage
from courses.selectors import current_run_for

from . import kept_pages, pages
from .access import course_staff_can_preview, lesson_for_learner
from .models import CourseOutline
from .selectors import lesson_quiz_panels


def _shallow(view) -> dict:
    # Not `dataclasses.asdict`, which deep-copies nested dataclasses and models.
    return {f.name: getattr(view, f.name) for f in fields(view)}


def _render_page(request, page, extra: dict, status: int = 200) -> TemplateResponse:
    context = page.get_context(request)
    context.update(extra)
    return TemplateResponse(request, page.get_template(request), context, status=status)


def serve_course_page(request, page: CoursePage):
    return _render_page(request, page, _shallow(pages.course_page_view(page, user=request.user)))


def serve_program_page(request, page: ProgramPage):
    return _render_page(request, page, _shallow(pages.program_page_view(page, user=request.user)))


def serve_lesson_page(request, page: LessonPage):
    """A lesson, for its enrolled learners and for course staff previewing it.

    Anonymous readers are sent to log in; everyone else who may not read it gets a page that
    says how to enroll, with status 403.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return kept_pages.answered_kept(request, lambda: _lesson_response(request, page))


def _lesson_response(request, page: LessonPage) -> tuple[TemplateResponse, bool]:
    """The lesson page, and whether it is one `kept_pages` keeps: an enrolled learner's
    lesson without a quiz (whose standing changes with the clock)."""
    course = kept("lesson-course", (page.pk,), lambda: CoursePage.objects.ancestor_of(page).first())
    enrollment = None
    try:
        enrollment = lesson_for_learner(request.user, page, course=course, with_done_lessons=True)
        _attach_kept_rows(enrollment)
    except PermissionDenied:
        if course is None or not course_staff_can_preview(request.user, course):
            return _lesson_locked(request, page, course), False
    outline = (
        enrollment.outline
        if enrollment is not None
        else CourseOutline.objects.filter(course_key=course.source_page.translation_key).first()
    )
    view = pages.lesson_page_view(page, enrollment=enrollment, outline=outline)
    _link_outline(request, view, outline, page.locale_id)
    context = _shallow(view)
    context.update(
        {
            "course": course,
            "enrollment": enrollment,
            "is_staff_preview": enrollment is None,
            "quiz_panels": lesson_quiz_panels(enrollment, page),
        }
    )
    keep = enrollment is not None and not page.quiz_blocks()
    return _render_page(request, page, context), keep


def _attach_kept_rows(enrollment) -> None:
    """The enrollment's outline and run, shared by every learner of the run and changed only
    by writes that bump the content generation: kept rather than joined each time."""
    outline_id, run_id = enrollment.outline_id, enrollment.run_id
    enrollment.outline = kept(
        "outline-row", (outline_id,), lambda: CourseOutline.objects.get(pk=outline_id)
    )
    enrollment.run = kept("run-row", (run_id,), lambda: CourseRun.objects.get(pk=run_id))


def _link_outline(request, view, outline, locale_id) -> None:
    """Each outline entry's address, the same for every reader of the outline on this host:
    kept (ADR 0066) rather than asked of Wagtail for each lesson of the outline every time."""
    entries = [entry for module in view.modules for entry in module.lessons]
    if outline is None or not entries:
        return
    urls = kept(
        "outline-urls",
        (outline.pk, locale_id, request.get_host()),
        lambda: {str(e.lesson_key): e.page.get_url(request) for e in entries if e.page},
    )
    for entry in entries:
        entry.url = urls.get(str(entry.lesson_key)) or ""


def _lesson_locked(request, page: LessonPage, course: CoursePage | None) -> TemplateResponse:
    context = {
        "page": page,
        "course": course,
        "open_run": current_run_for(course.source_page) if course else None,
    }
    return TemplateResponse(request, "courses/lesson_locked.html", context, status=403)


# Page types rendered with the reader's records; the others use Wagtail's own `serve`.
PAGE_VIEWS = {
    CoursePage: serve_course_page,
    ProgramPage: serve_program_page,
    LessonPage: serve_lesson_page,
}
