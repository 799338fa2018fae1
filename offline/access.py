"""The gate of offline copies: a course may be saved only by a learner enrolled in it.

Missing and forbidden answer alike (404), so a course id tells a stranger nothing. Withdrawn
learners are refused, the same rule as `learning.access.lesson_for_learner`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from courses.models import CoursePage
from learning.models import Enrollment


def course_for_offline_learner(user, course_id) -> tuple[CoursePage, Enrollment]:
    """The live course page `course_id` (any translation) and `user`'s active enrollment."""
    if not user.is_authenticated:
        raise PermissionDenied
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        raise Http404
    enrollment = (
        Enrollment.objects.select_related("outline", "run")
        .filter(learner=user, outline__course_key=course.translation_key)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .order_by("-enrolled_at")
        .first()
    )
    if enrollment is None:
        raise Http404
    return course, enrollment
