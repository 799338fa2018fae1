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
from django.http import Http404
from django.utils.translation import gettext as _

from courses.models import CoursePage, CourseRun, ProgramPage
from learning.models import Enrollment
from universities.access import object_or_404, reach
from universities.models import Membership, Role, University

from .models import ApiToken, ExportJob, ScheduledReport


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

    def run_ids(self) -> QuerySet:
        """Runs of the courses U owns or co-teaches (a subquery of a few rows)."""
        return CourseRun.objects.filter(course_id__in=self.course_ids()).values("pk")

    def home_or_course_filter(self, home: str) -> Q:
        """`enrollment_filter` for a query that already joins each learner's home membership
        as `home` (the export rows do, for the student number): a comparison on that join and
        a probe of the scope's run ids, instead of two IN-subqueries over whole tables (ADR
        0047). The same rows: a learner has at most one learner membership
        (`membership_one_home_university`), so the join neither adds nor loses any."""
        return Q(**{f"{home}__university_id": self.university_id}) | Q(run_id__in=self.run_ids())

    def enrollments(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(self.enrollment_filter())

    def describe(self) -> dict:
        """What the audit log records about the scope."""
        return {"university": self.university.code, "scopes": ["students", "courses"]}


def report_courses_for_scope(scope: ReportScope) -> QuerySet[CoursePage]:
    """The courses a scope's reports may be filtered by (the course picker): those its
    university owns or co-teaches, and those its students take. Only pages with runs (the
    source-locale pages learners enroll through), so a translated course is listed once."""
    taken = scope.enrollments().values("run__course_id")
    return (
        CoursePage.objects.filter(Q(pk__in=scope.course_ids()) | Q(pk__in=taken))
        .filter(pk__in=CourseRun.objects.values("course_id"))
        .select_related("university")
        .order_by("title", "pk")
    )


def report_course_in_scope(scope: ReportScope, page_id: int) -> bool:
    """Whether `page_id` (any translation of a course) is one of the scope's courses. An
    unknown id and another university's course answer alike."""
    keys = report_courses_for_scope(scope).values("translation_key")
    return CoursePage.objects.filter(pk=page_id, translation_key__in=keys).exists()


def report_programs_for_scope(scope: ReportScope) -> QuerySet[ProgramPage]:
    """The programs a scope's reports may be filtered by: those its university leads or is a
    partner of, and those its enrollments belong to."""
    taken = scope.enrollments().values("program_enrollment__program_id")
    in_scope = (
        Q(lead_university_id=scope.university_id)
        | Q(partner_universities__id=scope.university_id)
        | Q(pk__in=taken)
    )
    ids = ProgramPage.objects.filter(in_scope).values("pk")
    return (
        ProgramPage.objects.filter(pk__in=ids)
        .select_related("lead_university")
        .order_by("title", "pk")
    )


def report_program_in_scope(scope: ReportScope, page_id: int) -> bool:
    """Whether `page_id` is one of the scope's programs (unknown and foreign alike)."""
    return report_programs_for_scope(scope).filter(pk=page_id).exists()


def report_universities_for(user) -> QuerySet[University]:
    """The universities `user` may pick a report scope for: registrars' own, or all for
    platform staff."""
    return reach(user, Role.REGISTRAR).universities()


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


def export_job_for_staff(user, job_uuid) -> ExportJob:
    """An export job `user` may watch and download: one of a university they report on.

    A job of another university and a job that does not exist answer alike (403, as every
    refused report page does)."""
    jobs = reach(user, Role.REGISTRAR).filter(ExportJob.objects.select_related("university"))
    try:
        return object_or_404(jobs, uuid=job_uuid)
    except Http404:
        raise ReportAccessDenied(_("This export does not exist or is not yours to see.")) from None


def api_token_in_scope(scope: ReportScope, token_id) -> ApiToken:
    """A token of the scope's university (the scope itself came through a gate), or 404."""
    return object_or_404(ApiToken.objects.filter(university_id=scope.university_id), pk=token_id)


def schedule_of_owner(scope: ReportScope, owner, schedule_id) -> ScheduledReport:
    """One of `owner`'s own weekly reports in the scope's university, or 404: registrars of
    one university do not stop each other's schedules."""
    schedules = ScheduledReport.objects.filter(university_id=scope.university_id, owner=owner)
    return object_or_404(schedules, pk=schedule_id)
