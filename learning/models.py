"""The learner's records: enrollments, progress and quiz attempts.

Kept apart from authored content. Lessons are referred to by `lesson_key` (the lesson page's
`translation_key`), which is stable across publishes and across translations, so a learner's
progress is the same whichever language they read the course in.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .standing import CourseStanding, progress_percent, standing_of


class CourseOutline(models.Model):
    """What progress needs to know about a course, copied from the page tree on publish."""

    course_key = models.UUIDField(unique=True, help_text=_("The course page's translation key."))
    course_page = models.ForeignKey(
        "courses.CoursePage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    university = models.ForeignKey(
        "universities.University", on_delete=models.PROTECT, related_name="course_outlines"
    )
    title = models.CharField(max_length=255)
    ects_credits = models.DecimalField(max_digits=4, decimal_places=1)
    requires_all_lessons = models.BooleanField(default=True)
    min_quiz_average = models.PositiveSmallIntegerField(default=0)
    min_activity_score = models.PositiveSmallIntegerField(default=0)
    server_graded_only = models.BooleanField(default=False)
    # Completion needs a pass on every quiz of the required lessons within its attempt limit.
    quizzes_within_limit = models.BooleanField(default=False)
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class OutlineLesson(models.Model):
    outline = models.ForeignKey(CourseOutline, on_delete=models.CASCADE, related_name="lessons")
    lesson_key = models.UUIDField()
    lesson_page = models.ForeignKey(
        "courses.LessonPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    module_key = models.UUIDField()
    module_title = models.CharField(max_length=255)
    title = models.CharField(max_length=255)
    position = models.PositiveIntegerField()
    is_required = models.BooleanField(default=True)
    # Block ids of the lesson's quizzes and H5P activities; a lesson with neither is completed
    # by marking it complete.
    quiz_ids = models.JSONField(default=list, blank=True)
    activity_ids = models.JSONField(default=list, blank=True)
    # Activity id -> how it completes the lesson ({"completion": "passed", "pass_mark": 50}),
    # as its block declared; an activity missing here completes the lesson when finished.
    activity_rules = models.JSONField(default=dict, blank=True)
    # Quiz id -> its settings (attempt limit, cooldown, draw, feedback), as its block declared.
    quiz_rules = models.JSONField(default=dict, blank=True)
    # Lessons removed from the course stay here, inactive, so earlier progress is not lost.
    is_active = models.BooleanField(default=True)
    # When the lesson last joined the course's lessons: first published, published again
    # after removal, or made required. Learners who completed before then see it as new
    # (ADR 0042). Empty for lessons recorded before this was kept.
    added_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["outline", "lesson_key"], name="outline_lesson_unique")
        ]

    def __str__(self) -> str:
        return self.title


class ProgramEnrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_enrollments"
    )
    program = models.ForeignKey(
        "courses.ProgramPage", on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "program"], name="program_enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.program}"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    run = models.ForeignKey(
        "courses.CourseRun", on_delete=models.PROTECT, related_name="enrollments"
    )
    outline = models.ForeignKey(CourseOutline, on_delete=models.PROTECT, related_name="enrollments")
    program_enrollment = models.ForeignKey(
        ProgramEnrollment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course_enrollments",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Figures kept up to date by learning.services whenever progress changes, so dashboards,
    # rosters and reports read one row instead of recomputing.
    lessons_completed = models.PositiveIntegerField(default=0)
    lessons_total = models.PositiveIntegerField(default=0)
    quiz_average = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    final_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Lessons that joined the course after the learner completed it and are not done yet.
    # db_default too: bulk loads that write enrollments in SQL (the export bench) leave it 0.
    lessons_new_since_completion = models.PositiveIntegerField(default=0, db_default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "run"], name="enrollment_unique_per_run")
        ]
        indexes = [
            models.Index(fields=["run", "status"]),
            models.Index(fields=["learner", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.run}"

    @property
    def progress_percent(self) -> int:
        return progress_percent(self.lessons_completed, self.lessons_total)

    @property
    def standing(self) -> CourseStanding:
        """The learner's standing in the course, the same on every page (ADR 0042)."""
        return standing_of(self)

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class LessonProgress(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Marked complete")
        QUIZ = "quiz", _("Quiz passed")
        ACTIVITY = "activity", _("Activity finished")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lessons")
    lesson_key = models.UUIDField()
    completed_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=Source.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson_key"], name="lesson_progress_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} · {self.lesson_key}"


class QuizAttempt(models.Model):
    """One attempt at a quiz, from the moment it is started (ADR 0037).

    Starting fixes the attempt: the questions drawn from the pool and the order of each
    question's options are stored in `draw`, so a reload or a second tab shows the same
    attempt, and grading uses exactly what was shown. The grade fields stay empty until the
    attempt is submitted.
    """

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    lesson_key = models.UUIDField()
    quiz_id = models.CharField(max_length=64, help_text=_("The quiz block's id."))
    number = models.PositiveSmallIntegerField(
        default=1, help_text=_("1 for the learner's first attempt at this quiz, and so on.")
    )
    draw = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The questions shown, in order, each with its option ids in order."),
    )
    started_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(
        default=dict, blank=True, help_text=_("Question id → chosen option ids, as submitted.")
    )
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text=_("Percent.")
    )
    passed = models.BooleanField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["enrollment", "lesson_key", "quiz_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "quiz_id", "number"], name="quiz_attempt_number_unique"
            ),
            # At most one open attempt per quiz: a second tab gets the same attempt.
            models.UniqueConstraint(
                fields=["enrollment", "quiz_id"],
                condition=models.Q(submitted_at__isnull=True),
                name="quiz_attempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} · {self.quiz_id} · #{self.number} · {self.score}%"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ActivityResult(models.Model):
    """A learner's standing on an interactive (H5P) activity, scored in the learner's browser.

    A row exists once the activity was viewed; `finished_at` and the best score once it was
    finished at least once.
    """

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="activity_results"
    )
    lesson_key = models.UUIDField()
    activity_id = models.CharField(max_length=64)
    best_scaled_score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text=_("Finished attempts."))
    viewed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "activity_id"], name="activity_result_unique"
            )
        ]
        indexes = [models.Index(fields=["enrollment", "lesson_key"])]

    def __str__(self) -> str:
        return f"{self.enrollment_id} · {self.activity_id} · {self.best_scaled_score}"


__all__ = [
    "ActivityResult",
    "CourseOutline",
    "Enrollment",
    "LessonProgress",
    "OutlineLesson",
    "ProgramEnrollment",
    "QuizAttempt",
]
