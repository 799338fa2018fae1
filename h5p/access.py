"""Access gates for H5P: who may upload where, who may play what, and the player's grant.

The player runs in a sandboxed iframe with an opaque origin, so it never sees the learner's
session cookie. What it may fetch is decided by a signed, short-lived grant carried in its URLs:
minted by the lesson page (which the learner already passed the lesson gate to see) for one
user, one content and one lesson.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from courses.models import LessonPage
from learning.access import lesson_for_learner
from universities.access import is_platform_staff, object_or_404, reach
from universities.models import Role, University

from .models import H5PContent

PLAY_TOKEN_SALT = "h5p.play"  # noqa: S105 - a signing namespace, not a secret
# Long enough for a study session; an expired grant only needs a page reload.
PLAY_TOKEN_MAX_AGE = 12 * 60 * 60


def universities_for_upload(user) -> QuerySet[University]:
    """Where `user` may upload H5P content: their instructor/editor universities (staff: all)."""
    return reach(user, Role.INSTRUCTOR, Role.EDITOR).universities()


def may_install_libraries(user) -> bool:
    """Libraries are code that runs for every learner: only platform staff install them."""
    return is_platform_staff(user)


def contents_for_staff(user) -> QuerySet[H5PContent]:
    """The H5P content `user` may see in the admin and choose for a lesson."""
    return H5PContent.objects.filter(university__in=universities_for_upload(user))


def content_for_staff(user, pk) -> H5PContent:
    """One content `user` may manage (delete, say); another university's answers 404."""
    return object_or_404(contents_for_staff(user).select_related("main_library"), pk=pk)


def contents_for_results(user) -> QuerySet[H5PContent]:
    """The content whose learners' results `user` may read: their universities as instructor.

    Results name learners, so editors (who author but do not teach) do not see them.
    """
    return reach(user, Role.INSTRUCTOR).filter(H5PContent.objects.all())


def content_results_for_staff(user, pk) -> H5PContent:
    """One content's results, for its university's instructors; anything else answers 404."""
    return object_or_404(contents_for_results(user).select_related("main_library"), pk=pk)


def require_library_manager(user) -> None:
    """The libraries screen and its actions are the platform's: 403 for everyone else."""
    if not may_install_libraries(user):
        raise PermissionDenied


@dataclass(frozen=True)
class PlayGrant:
    user_id: int
    content_uuid: str
    lesson_id: int | None


def play_token_issue(*, user, content: H5PContent, lesson_id: int | None) -> str:
    """A grant for `user` to play `content` inside lesson `lesson_id` (None: admin preview)."""
    payload = {"u": user.pk, "c": str(content.uuid), "l": lesson_id}
    return signing.dumps(payload, salt=PLAY_TOKEN_SALT, compress=True)


def play_grant_from_token(token: str, content_uuid) -> PlayGrant:
    """The grant in `token` if it is authentic, fresh and for this content; else 403."""
    try:
        payload = signing.loads(token, salt=PLAY_TOKEN_SALT, max_age=PLAY_TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise PermissionDenied from None
    if not isinstance(payload, dict) or payload.get("c") != str(content_uuid):
        raise PermissionDenied
    return PlayGrant(user_id=payload["u"], content_uuid=payload["c"], lesson_id=payload.get("l"))


def content_for_grant(grant: PlayGrant) -> H5PContent:
    try:
        return H5PContent.objects.select_related("main_library").get(uuid=grant.content_uuid)
    except H5PContent.DoesNotExist:
        raise Http404 from None


class ActivityNotInLesson(Exception):
    """The learner may record in this lesson, but the activity named is not one of its own."""


def lesson_activity_for_learner(user, *, lesson_id, content_uuid):
    """The (enrollment, lesson page, outline lesson, content) a learner's statement is about.

    The learner must be enrolled in the lesson's course (learning's own gate); anything else
    is refused as missing or forbidden. Past that gate, content that is not one of the lesson's
    published H5P activities (or does not exist) raises `ActivityNotInLesson`: bad input from
    someone allowed to be here, answered 400 rather than 403.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        lesson = LessonPage.objects.live().get(pk=lesson_id)
    except (LessonPage.DoesNotExist, ValueError):
        raise Http404 from None
    enrollment = lesson_for_learner(user, lesson)
    outline_lesson = enrollment.outline.lessons.filter(
        lesson_key=lesson.translation_key, is_active=True
    ).first()
    if outline_lesson is None:
        raise PermissionDenied
    if str(content_uuid) not in outline_lesson.activity_ids:
        raise ActivityNotInLesson
    content = H5PContent.objects.filter(uuid=content_uuid).first()
    if content is None:
        raise ActivityNotInLesson
    return enrollment, lesson, outline_lesson, content
