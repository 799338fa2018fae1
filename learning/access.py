"""Access gates for learner records. Every view and API reaches learner data through here.

Each gate answers one question about one kind of resource and raises `Http404` when the
object must not be revealed, or `PermissionDenied` when it is known but forbidden.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from courses.models import CourseRun, LessonPage
from universities.models import Role
from universities.selectors import is_platform_staff, university_ids_for

from .models import Enrollment


def enrollment_for_learner(user, enrollment_id) -> Enrollment:
    """The learner's own enrollment; anyone else's is not found."""
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        return Enrollment.objects.select_related("run", "outline").get(
            pk=enrollment_id, learner=user
        )
    except (Enrollment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def lesson_for_learner(user, lesson: LessonPage) -> Enrollment:
    """The enrollment that lets `user` study `lesson` (any translation of it).

    Withdrawn learners and people not enrolled are refused; course staff use
    `course_staff_can_preview` instead.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    course_key = _course_key_of(lesson)
    enrollment = (
        Enrollment.objects.select_related("outline", "run")
        .filter(learner=user, outline__course_key=course_key)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .order_by("-enrolled_at")
        .first()
    )
    if enrollment is None:
        raise PermissionDenied
    return enrollment


def _course_key_of(lesson: LessonPage):
    from courses.models import CoursePage

    course = CoursePage.objects.ancestor_of(lesson).only("translation_key").first()
    if course is None:
        raise Http404
    return course.translation_key


def course_staff_can_preview(user, course) -> bool:
    """Instructors, editors and registrars of the owning or co-teaching universities, listed
    instructors of the course, and platform staff may read a course's lessons unenrolled."""
    if not user.is_authenticated:
        return False
    if is_platform_staff(user):
        return True
    source = course.specific.source_page
    universities = {source.university_id} | set(
        source.co_teaching_universities.values_list("pk", flat=True)
    )
    staff_of = university_ids_for(user, Role.INSTRUCTOR, Role.EDITOR)
    if universities & staff_of:
        return True
    return source.course_instructors.filter(user=user).exists()


def run_for_course_staff(user, run_id) -> CourseRun:
    """A run whose roster `user` may read: listed instructors of its course, instructors and
    editors of the owning university, and platform staff. Anyone else gets 404."""
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        run = CourseRun.objects.select_related("course").get(pk=run_id)
    except (CourseRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if is_platform_staff(user):
        return run
    course = run.course
    if course.university_id in university_ids_for(user, Role.INSTRUCTOR, Role.EDITOR):
        return run
    if course.course_instructors.filter(user=user).exists():
        return run
    raise Http404
