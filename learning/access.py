"""Access gates for learner records. Every view and API reaches learner data through here.

Each gate answers one question about one kind of resource and raises `Http404` when the
object must not be revealed, or `PermissionDenied` when it is known but forbidden. Role checks
go through the one access core, `universities.access`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.http import Http404

from courses.models import CoursePage, LessonPage
from universities.access import object_or_404, reach
from universities.models import Role

from .models import Enrollment, LessonProgress

# The learner's done lessons, read with the enrollment in the same query (the lesson page
# needs both, ADR 0066): `learning.pages` uses them when they are there.
_DONE_LESSON_KEYS = Subquery(
    LessonProgress.objects.filter(enrollment=OuterRef("pk"))
    .values("enrollment")
    .annotate(keys=StringAgg(Cast("lesson_key", CharField()), Value(",")))
    .values("keys")
)


def enrollment_for_learner(user, enrollment_id) -> Enrollment:
    """The learner's own enrollment; anyone else's is not found."""
    if not user.is_authenticated:
        raise PermissionDenied
    enrollments = Enrollment.objects.select_related("run", "outline").filter(learner=user)
    return object_or_404(enrollments, pk=enrollment_id)


def lesson_for_learner(
    user, lesson: LessonPage, *, course=None, with_done_lessons: bool = False
) -> Enrollment:
    """The enrollment that lets `user` study `lesson` (any translation of it).

    Withdrawn learners and people not enrolled are refused; course staff use
    `course_staff_can_preview` instead. `course`, the lesson's course when the caller has
    already read it, saves looking it up again. `with_done_lessons` (the lesson page) reads the
    learner's done lesson keys in the same query, as `done_lesson_keys`, and leaves the
    enrollment's outline and run to the caller, who has them kept (ADR 0066).
    """
    if not user.is_authenticated:
        raise PermissionDenied
    course_key = course.translation_key if course is not None else _course_key_of(lesson)
    if with_done_lessons:
        enrollments = Enrollment.objects.annotate(done_lesson_keys=_DONE_LESSON_KEYS)
    else:
        enrollments = Enrollment.objects.select_related("outline", "run")
    enrollment = (
        enrollments.filter(learner=user, outline__course_key=course_key)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .order_by("-enrolled_at")
        .first()
    )
    if enrollment is None:
        raise PermissionDenied
    return enrollment


def _course_key_of(lesson: LessonPage):
    course = CoursePage.objects.ancestor_of(lesson).only("translation_key").first()
    if course is None:
        raise Http404
    return course.translation_key


def course_staff_can_preview(user, course) -> bool:
    """Instructors, editors and registrars of the owning or co-teaching universities, listed
    instructors of the course, and platform staff may read a course's lessons unenrolled."""
    if not user.is_authenticated:
        return False
    staff_reach = reach(user, Role.INSTRUCTOR, Role.EDITOR)
    if staff_reach.everywhere:
        return True
    source = course.specific.source_page
    universities = {source.university_id} | set(
        source.co_teaching_universities.values_list("pk", flat=True)
    )
    if any(staff_reach.includes(university_id) for university_id in universities):
        return True
    return source.course_instructors.filter(user=user).exists()
