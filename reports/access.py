"""The one gate for report data: who may see which enrollments.

A registrar of university U sees two scopes and nothing else:
- U's students: learners whose home university is U, in any course from any university;
- U's courses: every learner in a course U owns or co-teaches.

Platform staff may pick any university and see what its registrar would. Every view, API
endpoint, background export and scheduled report builds its queryset from a `ReportScope`.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from courses.models import CoursePage
from learning.models import Enrollment
from universities.models import Membership, Role, University
from universities.selectors import is_platform_staff, university_ids_for


class ReportAccessDenied(PermissionDenied):
    pass


@dataclass(frozen=True)
class ReportScope:
    university: University

    @property
    def university_id(self) -> int:
        return self.university.pk

    def course_ids(self) -> QuerySet:
        """Courses U owns or co-teaches (a subquery, never evaluated on its own)."""
        return (
            CoursePage.objects.filter(
                Q(university_id=self.university_id)
                | Q(co_teaching_universities__id=self.university_id)
            )
            .values("pk")
            .distinct()
        )

    def student_ids(self) -> QuerySet:
        """Learners whose home university is U (a subquery)."""
        return Membership.objects.filter(
            university_id=self.university_id, role=Role.LEARNER
        ).values("user_id")

    def enrollment_filter(self) -> Q:
        # Subqueries instead of joins: a learner in a co-taught course must appear once, not
        # once per co-teaching university.
        return Q(learner_id__in=self.student_ids()) | Q(run__course_id__in=self.course_ids())

    def enrollments(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(self.enrollment_filter())

    def describe(self) -> dict:
        """What the audit log records about the scope."""
        return {"university": self.university.code, "scopes": ["students", "courses"]}


def report_universities_for(user) -> QuerySet[University]:
    """The universities `user` may pick a report scope for."""
    if is_platform_staff(user):
        return University.objects.all()
    return University.objects.filter(pk__in=university_ids_for(user, Role.REGISTRAR))


def report_scope_for_staff(user, university_id=None) -> ReportScope:
    """The scope `user` may report on at `university_id`, or `ReportAccessDenied`.

    Without `university_id`, a registrar of exactly one university gets that one. The id
    comes from the request, so it is validated here rather than trusted.
    """
    if not user or not user.is_authenticated:
        raise ReportAccessDenied(_("Log in to see reports."))
    if university_id in (None, ""):
        allowed = list(report_universities_for(user)[:2])
        if len(allowed) == 1:
            return ReportScope(university=allowed[0])
        if not allowed:
            raise ReportAccessDenied(_("Reports are for university registrars."))
        raise ReportAccessDenied(_("Choose a university."))
    try:
        university_id = int(university_id)
    except (TypeError, ValueError):
        raise ReportAccessDenied(_("Unknown university.")) from None
    university = report_universities_for(user).filter(pk=university_id).first()
    if university is None:
        raise ReportAccessDenied(_("You cannot see reports for this university."))
    return ReportScope(university=university)


def report_scope_for_token(token) -> ReportScope:
    """The scope of an API token: its university, whatever the caller asks for."""
    if token is None or not token.is_active:
        raise ReportAccessDenied(_("Invalid or revoked token."))
    return ReportScope(university=token.university)


def report_scope_for_job(job) -> ReportScope:
    """The scope a background job runs in: fixed when it was requested through a gate."""
    return ReportScope(university=job.university)


def export_job_for_staff(user, job_uuid):
    """An export job `user` may watch and download: one of a university they report on."""
    from .models import ExportJob

    allowed = report_universities_for(user) if user and user.is_authenticated else None
    job = None
    if allowed is not None:
        job = (
            ExportJob.objects.select_related("university")
            .filter(uuid=job_uuid, university__in=allowed)
            .first()
        )
    if job is None:
        raise ReportAccessDenied(_("This export does not exist or is not yours to see."))
    return job
