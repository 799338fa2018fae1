"""A learner's standing in a course: the one policy every page, list and report follows.

ADR 0042. A completion, once earned, stays earned: the status, the date, the credits, the
result of record (quiz average, final score) and the certificate do not change when the course
changes later. Progress is always measured against the course as it is now: lessons added
since the learner completed count in the total and are shown as "new since you completed",
so a course with work undone never reads 100%, and the learner can still take them.

The figures come from the enrollment row, which `learning.services` keeps up to date for every
enrollment (completed ones too) whenever progress or the course changes, so a page reads them
without a query and a report reads the same columns in SQL. The percent rule is written once
in Python and once as a database expression below; a test checks that the two agree.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, Value, When
from django.db.models.functions import Greatest, Least


def progress_percent(done: int, total: int) -> int:
    """Done lessons as a whole percent of `total`, rounded half up, but never 100 while a
    lesson is undone and never 0 once one is done: "100%" must mean nothing is left."""
    if total <= 0 or done <= 0:
        return 0
    if done >= total:
        return 100
    return min(99, max(1, (done * 200 + total) // (total * 2)))


def progress_percent_expression(done: str = "lessons_completed", total: str = "lessons_total"):
    """`progress_percent` as a database expression over two integer columns (any database:
    integer arithmetic rounds the same way everywhere)."""
    rounded = ExpressionWrapper(
        (F(done) * 200 + F(total)) / (F(total) * 2), output_field=IntegerField()
    )
    return Case(
        When(Q(**{f"{total}__lte": 0}) | Q(**{f"{done}__lte": 0}), then=Value(0)),
        When(**{f"{done}__gte": F(total)}, then=Value(100)),
        default=Least(Value(99), Greatest(Value(1), rounded)),
        output_field=IntegerField(),
    )


def lessons_new_since(lessons, done_keys, completed_at: datetime | None) -> list:
    """The keys of `lessons` (active outline lessons) that joined the course after
    `completed_at` and are not done yet. Empty for a course not completed. A lesson whose
    joining time is unknown (recorded before ADR 0042) is not called new."""
    if completed_at is None:
        return []
    return [
        lesson.lesson_key
        for lesson in lessons
        if lesson.added_at is not None
        and lesson.added_at > completed_at
        and lesson.lesson_key not in done_keys
    ]


@dataclass(frozen=True)
class CourseStanding:
    """Where a learner stands in one course, as every surface tells it."""

    status: str
    completed_at: datetime | None
    lessons_done: int
    lessons_total: int
    lessons_new: int  # lessons added since completion and not done yet

    @property
    def is_completed(self) -> bool:
        return self.status == "completed"

    @property
    def percent(self) -> int:
        return progress_percent(self.lessons_done, self.lessons_total)

    @property
    def all_done(self) -> bool:
        return self.lessons_total > 0 and self.lessons_done >= self.lessons_total

    @property
    def has_new_lessons(self) -> bool:
        return self.is_completed and self.lessons_new > 0


def standing_of(enrollment) -> CourseStanding:
    """The standing of `enrollment` from its kept figures (no query)."""
    return CourseStanding(
        status=enrollment.status,
        completed_at=enrollment.completed_at,
        lessons_done=enrollment.lessons_completed,
        lessons_total=enrollment.lessons_total,
        lessons_new=enrollment.lessons_new_since_completion,
    )
