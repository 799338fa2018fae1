"""Writes made by course staff: bulk enrollment, announcements, copying a course for a term."""

import logging
import time
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import recipient_language
from accounts.models import User
from audit.services import audit_record
from courses.models import CoursePage, CourseRun
from learning.models import Enrollment
from learning.services import LearningError, enrollment_create
from outbox.services import enqueue
from universities.models import Membership, Role
from universities.services import membership_grant

from .enrollment_csv import EnrollmentRow
from .models import Announcement, AnnouncementDelivery

logger = logging.getLogger(__name__)


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
    "forgot password"; ADR 0011) and a learner membership with their student number at the
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
    """Post an announcement to a run and email it to the run's active learners.

    The recipients are written now, one `AnnouncementDelivery` each, in the same transaction
    as the announcement; the sending task is enqueued through the outbox (ADR 0006) and runs
    after commit. Posting and delivering are thus one decision: the task only sends rows.
    """
    # The task module imports this one to call the sender; importing it here breaks the cycle.
    from .tasks import announcement_email_send

    announcement = Announcement(run=run, author=author, title=title.strip(), body=body.strip())
    announcement.full_clean()
    announcement.save()
    learners = Enrollment.objects.filter(run=run, status=Enrollment.Status.ACTIVE).values_list(
        "learner_id", "learner__email"
    )
    AnnouncementDelivery.objects.bulk_create(
        [
            AnnouncementDelivery(announcement=announcement, recipient_id=learner_id, email=email)
            for learner_id, email in learners
        ],
        batch_size=500,
    )
    enqueue(announcement_email_send, announcement.pk)
    return announcement


@dataclass
class AnnouncementSendResult:
    sent: int = 0
    failed: int = 0
    # True when the time budget ran out with rows still pending: run the sender again.
    unfinished: bool = False


def announcement_deliveries_send(
    *, announcement_id: int, time_budget: float | None = None
) -> AnnouncementSendResult:
    """Email the pending deliveries of an announcement; says how many were sent or failed.

    Every row is claimed in a transaction of its own (`select_for_update(skip_locked=True)`
    on PostgreSQL; SQLite's immediate transactions serialise writers instead), sent, and
    marked sent or failed before that transaction commits. So two workers running this at
    once never send the same row, and a second run finds nothing pending. If the process dies
    after the mail server accepted a message but before the commit, the row is still pending
    and is sent again: at-least-once per row (ADR 0018). A failed send is recorded on its row
    and the others go on. With `time_budget` (seconds), it stops after the row that goes past
    it and says so, so that a task can continue in a fresh run instead of being killed.
    """
    result = AnnouncementSendResult()
    announcement = (
        Announcement.objects.select_related("run__course").filter(pk=announcement_id).first()
    )
    if announcement is None:  # deleted before the worker got to it, deliveries with it
        return result
    deadline = None if time_budget is None else time.monotonic() + time_budget
    pending = AnnouncementDelivery.objects.filter(
        announcement=announcement, status=AnnouncementDelivery.Status.PENDING
    )
    for delivery_id in list(pending.order_by("pk").values_list("pk", flat=True)):
        status = _delivery_send(announcement=announcement, delivery_id=delivery_id)
        if status == AnnouncementDelivery.Status.SENT:
            result.sent += 1
        elif status == AnnouncementDelivery.Status.FAILED:
            result.failed += 1
        if deadline is not None and time.monotonic() >= deadline:
            result.unfinished = pending.exists()
            break
    return result


def _delivery_send(*, announcement: Announcement, delivery_id: int) -> str | None:
    """Claim, send and record one delivery; None if another run has it or it is done."""
    with transaction.atomic():
        delivery = (
            # `of`: lock the delivery only, not the learner's account row joined to it.
            AnnouncementDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=delivery_id, status=AnnouncementDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            _announcement_email(announcement, delivery).send()
        except Exception as error:
            # Whatever one address or message does wrong must not keep the others waiting.
            delivery.status = AnnouncementDelivery.Status.FAILED
            delivery.last_error = f"{type(error).__name__}: {error}"[:1000]
            logger.warning("announcement delivery %s failed: %s", delivery.pk, delivery.last_error)
        else:
            delivery.status = AnnouncementDelivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        delivery.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        return delivery.status


def _announcement_email(announcement: Announcement, delivery: AnnouncementDelivery):
    """The message for one recipient, in the language they chose (else the site's)."""
    with translation.override(recipient_language(delivery.recipient)):
        body = render_to_string("teaching/announcement_email.txt", {"announcement": announcement})
    subject = f"[{announcement.run.course.title}] {announcement.title}"
    return EmailMessage(subject=subject, body=body, to=[delivery.email])


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
