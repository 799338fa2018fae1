"""Reads of the H5P app used by pages: a learner's own attempts, and all of them for their
data download."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import H5PAttempt, H5PContent, H5PInteraction, H5PUserData

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
