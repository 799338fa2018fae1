"""Access gates for authored things that are not pages: course runs.

Pages are guarded by Wagtail's page permissions (granted in `courses.permissions`); runs are
plain models, so these gates, built on the one access core (`universities.access`), decide who
manages them: an editor of university U manages the runs of U's courses, platform staff all.
"""

from django.db.models import Min, QuerySet

from universities.access import reach
from universities.models import Role

from .models import CoursePage, CourseRun


def may_manage_runs(user) -> bool:
    """Whether `user` manages the runs of any university (the admin menu item shows)."""
    return bool(reach(user, Role.EDITOR))


def runs_for_editor(user) -> QuerySet[CourseRun]:
    """The runs `user` may list, edit, inspect and delete."""
    return reach(user, Role.EDITOR).filter(CourseRun.objects.all(), "course__university_id")


def courses_for_new_runs(user) -> QuerySet[CoursePage]:
    """Courses `user` may offer a run of: only courses in their original locale carry runs."""
    originals = CoursePage.objects.values("translation_key").annotate(first=Min("pk"))
    courses = CoursePage.objects.filter(pk__in=originals.values("first"))
    return reach(user, Role.EDITOR).filter(courses, "university_id")
