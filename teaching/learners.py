"""Reads for a run's learner list and gradebook. Callers pass a run checked by `teaching.access`.

Every read here costs the same number of queries whatever the size of the run and the number
of graded items: one page of enrollments is fetched with its learner and home university
annotated, and each kind of result is fetched for the whole page at once.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import CourseRun
from learning.credential_status import CertificateStatus, certificate_statuses
from learning.models import Enrollment, LessonProgress
from learning.scoring import weight_of
from learning.selectors import ItemResult, activity_results, outline_of_run, quiz_results
from learning.standing import lessons_new_since
from universities.models import Membership, Role, University

PAGE_SIZE = 50
INACTIVE_DAYS = 14

# Sort key -> (label a person reads, ORM ordering). Ties break on email, so pages are stable.
SORTS = {
    "name": (_("Name, A to Z"), (F("learner__full_name").asc(), "learner__email")),
    "-name": (_("Name, Z to A"), (F("learner__full_name").desc(), "-learner__email")),
    "progress": (_("Progress, lowest first"), ("lessons_completed", "learner__email")),
    "-progress": (_("Progress, highest first"), ("-lessons_completed", "learner__email")),
    "quiz": (
        _("Quiz average, lowest first"),
        (F("quiz_average").asc(nulls_first=True), "learner__email"),
    ),
    "-quiz": (
        _("Quiz average, highest first"),
        (F("quiz_average").desc(nulls_last=True), "learner__email"),
    ),
    "final": (
        _("Final score, lowest first"),
        (F("final_score").asc(nulls_first=True), "learner__email"),
    ),
    "-final": (
        _("Final score, highest first"),
        (F("final_score").desc(nulls_last=True), "learner__email"),
    ),
    "activity": (
        _("Last activity, longest ago first"),
        (F("last_seen_at").asc(), "learner__email"),
    ),
    "-activity": (
        _("Last activity, most recent first"),
        (F("last_seen_at").desc(), "learner__email"),
    ),
}

PROGRESS_BANDS = {
    "none": _("Not started"),
    "some": _("In progress"),
    "all": _("All lessons done"),
}
ACTIVITY_FILTERS = {
    "inactive": _("Inactive for the chosen number of days"),
    "active": _("Active within the chosen number of days"),
}


@dataclass(frozen=True)
class LearnerQuery:
    """What a person asked the learner list for, already validated by the view's form."""

    search: str = ""
    status: str = ""
    progress: str = ""
    activity: str = ""
    university_id: int | None = None
    inactive_days: int = INACTIVE_DAYS
    sort: str = "name"


def run_learners(run: CourseRun, query: LearnerQuery) -> QuerySet[Enrollment]:
    """The run's enrollments matching `query`, sorted, each annotated with the learner's home
    university, student number at the owning university and when they were last seen."""
    home = Membership.objects.filter(user_id=OuterRef("learner_id"), role=Role.LEARNER).order_by(
        "pk"
    )
    number = home.filter(university_id=run.course.university_id)
    enrollments = (
        Enrollment.objects.filter(run=run)
        .select_related("learner")
        .annotate(
            home_university_id=Subquery(home.values("university_id")[:1]),
            student_number=Subquery(number.values("student_number")[:1]),
            # A learner who has done nothing yet was last seen enrolling, so a new learner is
            # not flagged the day they enroll.
            last_seen_at=Coalesce("last_activity_at", "enrolled_at"),
        )
    )
    if query.status:
        enrollments = enrollments.filter(status=query.status)
    search = query.search.strip()[:100]
    if search:
        enrollments = enrollments.filter(
            Q(learner__email__icontains=search) | Q(learner__full_name__icontains=search)
        )
    if query.progress == "none":
        enrollments = enrollments.filter(lessons_completed=0)
    elif query.progress == "some":
        enrollments = enrollments.filter(
            lessons_completed__gt=0, lessons_completed__lt=F("lessons_total")
        )
    elif query.progress == "all":
        enrollments = enrollments.filter(lessons_total__gt=0, lessons_completed=F("lessons_total"))
    cutoff = inactive_since(query.inactive_days)
    if query.activity == "inactive":
        enrollments = enrollments.filter(last_seen_at__lt=cutoff)
    elif query.activity == "active":
        enrollments = enrollments.filter(last_seen_at__gte=cutoff)
    if query.university_id is not None:
        enrollments = enrollments.filter(home_university_id=query.university_id)
    return enrollments.order_by(*SORTS.get(query.sort, SORTS["name"])[1])


def inactive_since(days: int):
    return timezone.now() - timedelta(days=days)


def home_universities_of_run(run: CourseRun) -> list[University]:
    """The home universities of the run's learners, for the filter (one query)."""
    return list(
        University.objects.filter(
            memberships__role=Role.LEARNER, memberships__user__enrollments__run=run
        )
        .distinct()
        .order_by("name")
    )


@dataclass
class LearnerPage:
    enrollments: list[Enrollment]
    number: int
    page_count: int
    total: int
    per_page: int
    # The page asked for when it lay past the end (the last page is shown instead).
    missing_page: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.page_count


def learner_page(
    run: CourseRun, query: LearnerQuery, *, page: int = 1, per_page: int | None = None
) -> LearnerPage:
    """One page of `run_learners` (two queries: the count and the page)."""
    per_page = per_page or PAGE_SIZE
    enrollments = run_learners(run, query)
    total = enrollments.count()
    page_count = max(1, -(-total // per_page))
    missing = page if page > page_count else None
    number = min(max(page, 1), page_count)
    start = (number - 1) * per_page
    rows = list(enrollments[start : start + per_page])
    return LearnerPage(rows, number, page_count, total, per_page, missing)


def home_universities_attach(enrollments, universities) -> None:
    """Set `home_university` on each enrollment from `home_universities_of_run` (no query)."""
    by_id = {university.pk: university for university in universities}
    for enrollment in enrollments:
        enrollment.home_university = by_id.get(enrollment.home_university_id)


def flag_inactive(enrollments, days: int) -> None:
    """Set `is_inactive` on each enrollment last seen more than `days` days ago."""
    cutoff = inactive_since(days)
    for enrollment in enrollments:
        enrollment.is_inactive = enrollment.last_seen_at < cutoff


def lesson_marks_attach(enrollments, lessons) -> None:
    """Set `completed_keys` and `new_keys` (lessons added since the learner completed, not
    done yet, ADR 0042) on each enrollment, for the roster's lesson columns (one query)."""
    done = completed_lesson_keys(enrollments)
    for enrollment in enrollments:
        enrollment.completed_keys = done[enrollment.pk]
        enrollment.new_keys = set(
            lessons_new_since(
                lessons,
                enrollment.completed_keys,
                enrollment.completed_at if enrollment.is_completed else None,
            )
        )


def completed_lesson_keys(enrollments) -> dict[int, set]:
    """Enrollment id -> keys of its completed lessons (one query)."""
    done: dict[int, set] = {e.pk: set() for e in enrollments}
    for enrollment_id, key in LessonProgress.objects.filter(
        enrollment_id__in=list(done)
    ).values_list("enrollment_id", "lesson_key"):
        done[enrollment_id].add(key)
    return done


# --- The gradebook ------------------------------------------------------------------------

QUIZ = "quiz"
ACTIVITY = "h5p"


@dataclass(frozen=True)
class GradedItem:
    """A gradebook column: one quiz or one H5P activity of a lesson."""

    kind: str  # QUIZ or ACTIVITY
    item_id: str
    lesson_title: str
    label: str
    # The weight the author gave an item the final score counts (ADR 0055); None for the
    # default (an activity weighing 1, a quiz in the shared quiz average) and for items the
    # final score leaves out.
    weight: Decimal | None = None


@dataclass
class GradebookRow:
    enrollment: Enrollment
    cells: list[ItemResult | None]  # one per item, None when never attempted
    certificate_status: str

    @property
    def certificate_label(self) -> str:
        return str(CertificateStatus(self.certificate_status).label)


@dataclass
class Gradebook:
    items: list[GradedItem]
    rows: list[GradebookRow]

    @property
    def has_weights(self) -> bool:
        return any(item.weight is not None for item in self.items)


def graded_items(run: CourseRun) -> tuple[list[GradedItem], dict]:
    """The run's quizzes and H5P activities in course order, named by lesson title (with the
    kind, and a number when a lesson has more than one), and the activities' rules."""
    outline = outline_of_run(run)
    items: list[GradedItem] = []
    rules: dict = {}
    for lesson in outline.active_lessons if outline else []:
        # The final score counts activities of required lessons, unless only server-graded
        # work counts (learning.scoring).
        activities_count = lesson.is_required and not outline.server_graded_only
        for kind, ids, name, item_rules, counted in (
            (
                QUIZ,
                lesson.quiz_ids,
                pgettext_lazy("gradebook column", "quiz"),
                lesson.quiz_rules,
                True,
            ),
            (
                ACTIVITY,
                lesson.activity_ids,
                pgettext_lazy("gradebook column", "H5P"),
                lesson.activity_rules,
                activities_count,
            ),
        ):
            for number, item_id in enumerate(ids, start=1):
                suffix = f"{name} {number}" if len(ids) > 1 else str(name)
                label = f"{lesson.title} · {suffix}"
                weight = weight_of((item_rules or {}).get(item_id)) if counted else None
                items.append(GradedItem(kind, item_id, lesson.title, label, weight))
                if kind == ACTIVITY:
                    rules[item_id] = lesson.activity_rules.get(item_id)
    return items, rules


def gradebook(run: CourseRun, enrollments: list[Enrollment]) -> Gradebook:
    """Score, attempts and completion of every graded item for `enrollments` (one page of a
    run), with their certificate status: a fixed number of queries for any page and items."""
    items, rules = graded_items(run)
    ids = [e.pk for e in enrollments]
    quiz_ids = [i.item_id for i in items if i.kind == QUIZ]
    quizzes = quiz_results(ids, quiz_ids) if ids and quiz_ids else {}
    activities = activity_results(ids, rules) if ids and rules else {}
    statuses = certificate_statuses(enrollments)
    rows = []
    for enrollment in enrollments:
        cells = [
            (quizzes if item.kind == QUIZ else activities).get((enrollment.pk, item.item_id))
            for item in items
        ]
        rows.append(GradebookRow(enrollment, cells, statuses[enrollment.pk]))
    return Gradebook(items=items, rows=rows)
