"""Access gates for the instructor tools. Every teaching view reaches a run through here.

A run that must not be revealed is "not found" (404), never "forbidden", so forged ids tell
an outsider nothing about what exists. Both gates are built on the one access core,
`universities.access`, each as a queryset gate for lists and a by-id gate on top of it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from courses.models import CourseRun
from universities.access import object_or_404, reach
from universities.models import Role

# Apps above teaching add the runs they vouch for (the LTI tool: a partner platform's
# instructors, for the runs of their launches). Each takes the user and returns a Q on runs.
TEACHING_GRANTS: list = []


def runs_for_teaching(user) -> QuerySet[CourseRun]:
    """Runs whose roster, quiz analysis and announcements `user` may use: listed instructors
    of the course, instructors and editors of the owning university, platform staff."""
    runs = CourseRun.objects.select_related("course", "course__university")
    staff_reach = reach(user, Role.INSTRUCTOR, Role.EDITOR)
    if staff_reach.everywhere:
        return runs
    if not user.is_authenticated:
        return runs.none()
    granted = staff_reach.q("course__university_id") | Q(course__course_instructors__user=user)
    for grant in TEACHING_GRANTS:
        granted |= grant(user)
    return runs.filter(granted).distinct()


def run_for_teaching(user, run_id) -> CourseRun:
    """One run of `runs_for_teaching`, or 404."""
    if not user.is_authenticated:
        raise PermissionDenied
    return object_or_404(runs_for_teaching(user), pk=run_id)


def run_for_enrollment_staff(user, run_id) -> CourseRun:
    """A run into which `user` may enroll the owning university's students in bulk.

    Bulk enrollment creates learner memberships at the owning university, so only that
    university's instructors, editors and registrars (and platform staff) may do it; a listed
    co-instructor from another university may not.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    runs = reach(user, Role.INSTRUCTOR, Role.EDITOR, Role.REGISTRAR).filter(
        CourseRun.objects.select_related("course"), "course__university_id"
    )
    return object_or_404(runs, pk=run_id)
