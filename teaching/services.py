"""Writes made by course staff: bulk enrollment, announcements, copying a course for a term."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from courses.models import CoursePage, CourseRun
from learning.models import Announcement, Enrollment
from learning.services import LearningError, enrollment_create
from universities.models import Membership, Role
from universities.services import membership_grant

from .enrollment_csv import EnrollmentRow


class BulkEnrollmentRefused(Exception):
    """Nothing was imported; `errors` lists (line, reason) for every problem found."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class BulkEnrollmentResult:
    accounts_created: int = 0
    enrolled: int = 0
    already_enrolled: int = 0
    lines: list[int] = field(default_factory=list)


def _conflicts(run: CourseRun, rows: list[EnrollmentRow]) -> list[tuple[int, str]]:
    """Rows that clash with what the database already holds."""
    university_id = run.course.university_id
    emails = [row.email for row in rows]
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    learner_memberships = {
        m.user_id: m for m in Membership.objects.filter(user__in=users.values(), role=Role.LEARNER)
    }
    number_owner = dict(
        Membership.objects.filter(
            university_id=university_id,
            role=Role.LEARNER,
            student_number__in=[row.student_number for row in rows],
        ).values_list("student_number", "user_id")
    )
    errors = []
    for row in rows:
        user = users.get(row.email)
        owner_id = number_owner.get(row.student_number)
        if user is None:
            if owner_id is not None:
                errors.append((row.line, _("This student number belongs to another student here.")))
            continue
        membership = learner_memberships.get(user.pk)
        if membership is not None and membership.university_id != university_id:
            errors.append((row.line, _("This person already studies at another university.")))
        elif membership is not None and membership.student_number not in ("", row.student_number):
            errors.append(
                (row.line, _("This person is registered here under another student number."))
            )
        elif owner_id is not None and owner_id != user.pk:
            errors.append((row.line, _("This student number belongs to another student here.")))
    return errors


@transaction.atomic
def bulk_enrollment_import(
    *, actor, run: CourseRun, rows: list[EnrollmentRow]
) -> BulkEnrollmentResult:
    """Enroll the university's students listed in `rows` into `run`, all or nothing.

    Unknown emails get an account with no usable password (active, so they can set one via
    "forgot password"; ADR 0302) and a learner membership with their student number at the
    run's university. People already enrolled are counted, not touched, so uploading the
    same file again changes nothing. Raises `BulkEnrollmentRefused` with every problem, in
    which case nothing was written.
    """
    run = CourseRun.objects.select_related("course", "course__university").get(pk=run.pk)
    errors = _conflicts(run, rows)
    if errors:
        raise BulkEnrollmentRefused(errors)
    result = BulkEnrollmentResult()
    university = run.course.university
    for row in rows:
        user = User.objects.filter(email__iexact=row.email).first()
        if user is None:
            user = User.objects.create_user(email=row.email, password=None)
            result.accounts_created += 1
        membership_grant(
            user=user, university=university, role=Role.LEARNER, student_number=row.student_number
        )
        active = (
            Enrollment.objects.filter(learner=user, run=run)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .exists()
        )
        if active:
            result.already_enrolled += 1
            continue
        try:
            enrollment_create(learner=user, run=run)
        except LearningError as error:
            # Rolls the whole import back: the window closed or the run filled up meanwhile.
            raise BulkEnrollmentRefused([(row.line, error.message)]) from error
        result.enrolled += 1
        result.lines.append(row.line)
    audit_record(
        actor=actor,
        action="enrollment.bulk_created",
        university=university,
        target=run,
        summary=f"Bulk enrollment into {run}: {result.enrolled} new, "
        f"{result.already_enrolled} already enrolled",
        details={
            "rows": len(rows),
            "enrolled": result.enrolled,
            "already_enrolled": result.already_enrolled,
            "accounts_created": result.accounts_created,
        },
    )
    return result


@transaction.atomic
def announcement_create(*, author, run: CourseRun, title: str, body: str) -> Announcement:
    """Post an announcement to a run; it is emailed to the run's learners after commit."""
    from outbox.services import enqueue

    from .tasks import announcement_email_send

    announcement = Announcement(run=run, author=author, title=title.strip(), body=body.strip())
    announcement.full_clean()
    announcement.save()
    announcement_id = announcement.pk
    enqueue(announcement_email_send, announcement_id)
    return announcement


@transaction.atomic
def course_copy_for_term(*, course: CoursePage, new_title: str, slug: str, user=None) -> CoursePage:
    """Copy a course with its modules and lessons as a new draft course beside it.

    The copy gets a new translation key, so its learners' records start empty; runs,
    enrollments and progress stay with the original (they are not part of the page tree).
    Listed instructors and co-teaching universities come along.
    """
    course = course.specific
    if CoursePage.objects.sibling_of(course).filter(slug=slug).exists():
        raise ValueError(_("A course with this slug already exists here."))
    copy = course.copy(
        recursive=True,
        keep_live=False,
        update_attrs={"title": new_title, "slug": slug, "draft_title": new_title},
        copy_revisions=False,
        user=user,
        log_action="wagtail.copy",
    )
    audit_record(
        actor=user,
        action="course.copied",
        university=course.university,
        target=copy,
        summary=f"Copied “{course.title}” to “{new_title}”",
        details={"source_id": course.pk},
    )
    return copy.specific
