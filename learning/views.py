"""The learner's own actions: enroll, withdraw, complete lessons, submit quizzes; the dashboard.

Every write is a POST with a CSRF token. Each view checks the access gate, calls one service,
and turns a refusal into a message and an HTTP status (nothing is written when refused).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.models import CourseRun, LessonPage, ProgramPage
from courses.selectors import current_locale

from . import quiz_services, services
from .access import enrollment_for_learner, lesson_for_learner
from .grading import QuizSubmissionError
from .selectors import learner_dashboard

# How each refusal code from `learning.services` is answered over HTTP.
STATUS_FOR_CODE = {
    "already_enrolled": 409,
    "closed": 409,
    "full": 409,
    "completed": 409,
    "not_enrolled": 409,
    "prerequisites": 403,
    "not_published": 404,
    "unknown_lesson": 404,
    "unknown_quiz": 400,
    "quiz_passed": 409,
    "no_attempts_left": 409,
    "cooldown": 409,
    "already_submitted": 409,
    "stale_attempt": 409,
    "unknown_activity": 400,
    "graded_lesson": 400,
    "bad_score": 400,
}


def _refused(request, message: str, status: int, *, back: str | None = None):
    """Answer a refused action: the message on a page with the right status, nothing saved."""
    messages.error(request, message)
    return TemplateResponse(
        request,
        "learning/refused.html",
        {"back_url": back or _safe_next(request), "status": status},
        status=status,
    )


def _safe_next(request, default: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    # Only a path on this site: `redirect()` would try to reverse anything else as a view name.
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default or reverse("learning:dashboard")


def _post_id(request, name: str) -> int | None:
    value = request.POST.get(name, "")
    # ASCII digits only: "²".isdigit() is true, yet int("²") fails.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def learner_post(view):
    """POST-only, and an anonymous post is refused with 403 rather than redirected: a login
    redirect would land on a URL that only accepts POST."""

    @require_POST
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _refused(request, _("Log in to record your learning."), 403)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return _refused(request, _("You are not enrolled in this course."), 403)
        except Http404:
            return _refused(request, _("That course, run or lesson does not exist."), 404)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
@login_required
def dashboard(request):
    data = learner_dashboard(request.user, locale=current_locale())
    return TemplateResponse(request, "learning/dashboard.html", {"dashboard": data})


@learner_post
def enroll(request):
    """Enroll in the run named by the `run` field."""
    run_id = _post_id(request, "run")
    if run_id is None:
        return _refused(request, _("Choose a run to enroll in."), 400)
    run = CourseRun.objects.select_related("course").filter(pk=run_id).first()
    if run is None:
        raise Http404
    try:
        services.enrollment_create(learner=request.user, run=run)
    except services.LearningError as error:
        return _refused(request, error.message, STATUS_FOR_CODE.get(error.code, 400))
    messages.success(request, _("You are enrolled in %(run)s.") % {"run": run})
    return _see_other(request)


def _see_other(request, default: str | None = None):
    response = redirect(_safe_next(request, default))
    response.status_code = 303
    return response


@learner_post
def withdraw(request, enrollment_id: int):
    """Withdraw from a run; progress is kept in case the learner comes back."""
    enrollment = enrollment_for_learner(request.user, enrollment_id)
    try:
        services.enrollment_withdraw(enrollment=enrollment)
    except services.LearningError as error:
        return _refused(request, error.message, STATUS_FOR_CODE.get(error.code, 400))
    messages.success(request, _("You have withdrawn from %(run)s.") % {"run": enrollment.run})
    return _see_other(request)


@learner_post
def program_enroll(request):
    """Enroll in the program named by the `program` field and its required courses' runs."""
    program_id = _post_id(request, "program")
    if program_id is None:
        return _refused(request, _("Choose a program to enroll in."), 400)
    program = ProgramPage.objects.live().filter(pk=program_id).first()
    if program is None:
        raise Http404
    try:
        _enrollment, without_run = services.program_enrollment_create(
            learner=request.user, program=program
        )
    except services.LearningError as error:
        return _refused(request, error.message, STATUS_FOR_CODE.get(error.code, 400))
    messages.success(request, _("You are enrolled in %(program)s.") % {"program": program.title})
    if without_run:
        messages.info(
            request,
            _("These required courses have no open run yet; enroll in them later: %(titles)s")
            % {"titles": ", ".join(without_run)},
        )
    return _see_other(request)


def _lesson(lesson_id: int) -> LessonPage:
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    return lesson


@learner_post
def lesson_complete(request, lesson_id: int):
    """Mark a lesson without a quiz complete, then go on to `next` (the next lesson)."""
    lesson = _lesson(lesson_id)
    enrollment = lesson_for_learner(request.user, lesson)
    lesson_url = lesson.get_url(request)
    before = enrollment.standing
    try:
        services.lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    except services.LearningError as error:
        return _refused(
            request, error.message, STATUS_FOR_CODE.get(error.code, 400), back=lesson_url
        )
    if _completion_message(request, enrollment, before):
        response = redirect("learning:dashboard")
        response.status_code = 303
        return response
    messages.success(request, _("Lesson completed."))
    return _see_other(request, lesson_url)


def _completion_message(request, enrollment, before) -> bool:
    """Say the course is completed only when this request completed it; a learner who takes
    the last lesson added since their completion is told so instead (ADR 0042). `before` is
    the enrollment's standing before the request. True when the course was completed now."""
    enrollment.refresh_from_db(fields=["status", "completed_at", "lessons_new_since_completion"])
    if enrollment.is_completed and not before.is_completed:
        messages.success(request, _("Course completed. Well done!"))
        return True
    if before.has_new_lessons and not enrollment.standing.has_new_lessons:
        messages.info(request, _("You have now taken every lesson added since you completed."))
    return False


def quiz_answers_from(post) -> dict[str, list[str]]:
    """`q-<question id>` fields (one per chosen option) as {question id: [option ids]}."""
    return {key[2:]: post.getlist(key) for key in post if key.startswith("q-") and len(key) < 80}


def _quiz_refused(request, error: services.LearningError, lesson_url: str, quiz_id: str):
    return _refused(
        request,
        error.message,
        STATUS_FOR_CODE.get(error.code, 400),
        back=f"{lesson_url}#quiz-{quiz_id}" if quiz_id else lesson_url,
    )


@learner_post
def quiz_start(request, lesson_id: int):
    """Start an attempt (or return to the open one) and show it on the lesson page."""
    lesson = _lesson(lesson_id)
    enrollment = lesson_for_learner(request.user, lesson)
    lesson_url = lesson.get_url(request)
    quiz_id = request.POST.get("quiz_id", "")[:64]
    try:
        quiz_services.quiz_attempt_start(enrollment=enrollment, lesson=lesson, quiz_id=quiz_id)
    except services.LearningError as error:
        return _quiz_refused(request, error, lesson_url, quiz_id)
    return _see_other(request, f"{lesson_url}#quiz-{quiz_id}")


@learner_post
def quiz_submit(request, lesson_id: int):
    """Grade the open attempt on the server and show the result on the lesson page."""
    lesson = _lesson(lesson_id)
    enrollment = lesson_for_learner(request.user, lesson)
    lesson_url = lesson.get_url(request)
    quiz_id = request.POST.get("quiz_id", "")[:64]
    before = enrollment.standing
    try:
        attempt = quiz_services.quiz_attempt_submit(
            enrollment=enrollment,
            lesson=lesson,
            quiz_id=quiz_id,
            attempt_id=_post_id(request, "attempt"),
            answers=quiz_answers_from(request.POST),
        )
    except services.LearningError as error:
        return _quiz_refused(request, error, lesson_url, quiz_id)
    except QuizSubmissionError:
        return _refused(
            request,
            _("Those answers do not belong to this quiz. Reload the lesson and try again."),
            400,
            back=lesson_url,
        )
    score = {"score": f"{attempt.score:.0f}"}
    if attempt.passed:
        messages.success(request, _("Quiz passed with %(score)s%%.") % score)
    else:
        messages.warning(request, _("You scored %(score)s%%. Not passed yet.") % score)
    _completion_message(request, enrollment, before)
    # The fragment names the result, which takes the focus (it has tabindex=-1): a keyboard
    # or screen-reader user hears the verdict first, without JavaScript.
    return _see_other(request, f"{lesson_url}#quiz-{quiz_id}-result")
