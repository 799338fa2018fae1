"""Reads of the H5P app used by pages: a learner's own attempts, and all of them for their
data download."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from .grading import attempt_limit_of, graded_score, grading_of
from .models import H5PAttempt, H5PContent, H5PInteraction, H5PLibrary, H5PUserData
from .storage import file_inside
from .validation import MAX_JSON_BYTES, LibraryRef

# The lesson page shows the latest few; the full record is for instructors' reports.
LESSON_PAGE_ATTEMPTS = 10


def attempts_for_learner(user, *, content: H5PContent, lesson_key) -> QuerySet[H5PAttempt]:
    """`user`'s finished attempts at `content` in the lesson `lesson_key`, newest first."""
    if not getattr(user, "is_authenticated", False):
        return H5PAttempt.objects.none()
    return H5PAttempt.objects.filter(
        enrollment__learner=user,
        content=content,
        lesson_key=lesson_key,
        finished_at__isnull=False,
    ).order_by("-finished_at", "-pk")


def finished_scores(attempts: QuerySet[H5PAttempt]) -> list[Decimal]:
    """The scaled scores of the finished attempts in `attempts`, oldest first."""
    return [
        score
        for score in attempts.filter(finished_at__isnull=False)
        .order_by("finished_at", "pk")
        .values_list("scaled_score", flat=True)
        if score is not None
    ]


@dataclass(frozen=True)
class ActivityStanding:
    """Where a learner stands on one activity of one lesson, by the lesson's rule."""

    finished: int
    graded: Decimal | None
    has_open_attempt: bool
    limit: int

    @property
    def used_up(self) -> bool:
        """No attempt left and none in progress: a new one would be refused."""
        return bool(self.limit) and self.finished >= self.limit and not self.has_open_attempt

    @property
    def graded_percent(self) -> int | None:
        return round(100 * self.graded) if self.graded is not None else None


def activity_standing(user, *, content: H5PContent, lesson_key, rule: dict | None):
    """`user`'s finished attempts, graded result and attempts left on `content` in a lesson."""
    attempts = H5PAttempt.objects.filter(
        enrollment__learner=user, content=content, lesson_key=lesson_key
    )
    scores = finished_scores(attempts)
    return ActivityStanding(
        finished=attempts.filter(finished_at__isnull=False).count(),
        graded=graded_score(grading_of(rule), scores),
        has_open_attempt=attempts.filter(finished_at__isnull=True).exists(),
        limit=attempt_limit_of(rule),
    )


def h5p_records_of(user) -> dict[str, list[dict]]:
    """`user`'s H5P attempts (with each answered question) and saved player state, for their
    own download: one query per section."""
    return {
        "h5p_attempts": list(
            H5PAttempt.objects.filter(enrollment__learner=user)
            .order_by("started_at", "pk")
            .values(
                "enrollment__uuid",
                "content__title",
                "lesson_key",
                "started_at",
                "finished_at",
                "raw_score",
                "max_score",
                "scaled_score",
                "success",
                "duration",
                "response",
                "statement_id",
            )
        ),
        "h5p_interactions": list(
            H5PInteraction.objects.filter(attempt__enrollment__learner=user)
            .order_by("recorded_at", "pk")
            .values(
                "attempt__statement_id",
                "attempt__content__title",
                "description",
                "interaction_type",
                "response",
                "raw_score",
                "max_score",
                "success",
                "duration",
                "recorded_at",
            )
        ),
        "h5p_saved_state": list(
            H5PUserData.objects.filter(user=user)
            .order_by("pk")
            .values("content__title", "data_type", "sub_content_id", "data", "updated_at")
        ),
    }


def installed_library_patches() -> dict[LibraryRef, int]:
    """Every installed library's major.minor, with its patch: what a package is checked against."""
    return {
        LibraryRef(name, major, minor): patch
        for name, major, minor, patch in H5PLibrary.objects.values_list(
            "machine_name", "major_version", "minor_version", "patch_version"
        )
    }


def installed_library_semantics(ref: LibraryRef):
    """The installed library's parsed semantics.json; None without one (or an unreadable one,
    which its installation checked)."""
    folder = (
        H5PLibrary.objects.filter(
            machine_name=ref.machine_name, major_version=ref.major, minor_version=ref.minor
        )
        .values_list("installed_path", flat=True)
        .first()
    )
    path = file_inside(folder, "semantics.json") if folder else None
    if path is None or path.stat().st_size > MAX_JSON_BYTES:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
