"""Access gates for the instructor tools. Every teaching view reaches a run through here.

A run that must not be revealed is "not found" (404), never "forbidden", so forged ids tell
an outsider nothing about what exists.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from courses.models import CourseRun
from learning.access import run_for_course_staff
from universities.models import Role
from universities.selectors import is_platform_staff, university_ids_for


def run_for_teaching(user, run_id) -> CourseRun:
    """A run whose roster, quiz analysis and announcements `user` may use: listed
    instructors of the course, instructors and editors of the owning university, platform
    staff (delegates to `learning.access.run_for_course_staff`)."""
    return run_for_course_staff(user, run_id)


def run_for_enrollment_staff(user, run_id) -> CourseRun:
    """A run into which `user` may enroll the owning university's students in bulk.

    Bulk enrollment creates learner memberships at the owning university, so only that
    university's instructors, editors and registrars (and platform staff) may do it; a listed
    co-instructor from another university may not.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        run = CourseRun.objects.select_related("course").get(pk=run_id)
    except (CourseRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if is_platform_staff(user):
        return run
    staff_of = university_ids_for(user, Role.INSTRUCTOR, Role.EDITOR, Role.REGISTRAR)
    if run.course.university_id in staff_of:
        return run
    raise Http404
