"""Reads of the H5P app used by pages: a learner's own attempts."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import H5PAttempt, H5PContent

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
