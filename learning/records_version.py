"""A version of each learner's records, bumped by every write to what their own pages show
(ADR 0067), so a page rendered for them can be kept under it.

The content generation (`courses.pagecache`) covers what every reader sees; this covers what
one reader sees: their enrollments and progress, quiz and activity attempts, memberships
(roles decide the staff links in the header), their account. Each write names its learner
(`LEARNER_OF`); a write whose learner cannot be told bumps everyone's version. A model of the
watched apps that is in neither table bumps everyone too, and a test makes each new model
be classified, so a forgotten writer costs speed, never a stale page.

Like the content generation, a version is bumped at the write and again at the commit, so a
page rendered from the old rows by another request in between is not kept under the new one.
Versions are random, never counted: one evicted from the cache is replaced by a value that
reaches no old page.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction

EVERYONE_KEY = "ilm:learner-records:everyone"
# Longer than any kept page lives; an expired version is replaced by a new random one.
VERSION_SECONDS = 7 * 24 * 3600

# The apps whose writes can change a learner's own page.
WATCHED_APPS = frozenset({"learning", "h5p", "accounts", "universities", "offline", "auth"})

# Whose page a write to each model changes: the field holding the learner's id, "pk" for the
# account itself, or "enrollment" for rows of an enrollment.
LEARNER_OF = {
    "accounts.User": "pk",
    "accounts.User_groups": "user_id",
    "accounts.User_user_permissions": "user_id",
    "learning.Enrollment": "learner_id",
    "learning.ProgramEnrollment": "learner_id",
    "learning.LessonProgress": "enrollment",
    "learning.QuizAttempt": "enrollment",
    "learning.ActivityResult": "enrollment",
    "h5p.H5PUserData": "user_id",
    "h5p.H5PAttempt": "enrollment",
    "universities.Membership": "user_id",
    "offline.OfflineSubmission": "user_id",
}

# Written for everyone's pages at once (an outline, a library, a university, a group's
# permissions): rare writes, and each bumps every learner's version.
EVERYONE_OF = frozenset(
    {
        "learning.CourseOutline",
        "learning.OutlineLesson",
        "h5p.H5PLibrary",
        "h5p.H5PContent",
        "universities.University",
        "auth.Group",
        "auth.Group_permissions",
        "auth.Permission",
    }
)

# Shown on no page that is kept: an H5P attempt's single interactions feed reports only, and
# a lesson with an activity is never kept (it carries a play token, ADR 0067).
SHOWN_ON_NO_KEPT_PAGE = frozenset({"h5p.H5PInteraction"})


def _learner_key(user_id) -> str:
    return f"ilm:learner-records:{user_id}"


def versions(user_id) -> tuple:
    """Everyone's version and this learner's, in one round trip; missing ones start anew."""
    keys = [EVERYONE_KEY, _learner_key(user_id)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.randbits(48), timeout=VERSION_SECONDS)
            found[key] = cache.get(key, 0)
    return tuple(found[key] for key in keys)


def _bump(keys: list[str]) -> None:
    cache.set_many({key: secrets.randbits(48) for key in keys}, timeout=VERSION_SECONDS)


def records_changed(*user_ids) -> None:
    """What these learners' own pages show was written."""
    keys = [_learner_key(user_id) for user_id in user_ids if user_id is not None]
    if not keys:
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def everyone_changed() -> None:
    _bump([EVERYONE_KEY])
    transaction.on_commit(lambda: _bump([EVERYONE_KEY]))


def _learner_of_enrollment(instance):
    from .models import Enrollment

    cached = instance._state.fields_cache.get("enrollment")
    if cached is not None:
        return cached.learner_id
    return (
        Enrollment.objects.filter(pk=instance.enrollment_id)
        .values_list("learner_id", flat=True)
        .first()
    )


def learner_written(label: str, instance):
    """The learner whose page a write of `instance` changes; None: unknown, bump everyone."""
    field = LEARNER_OF.get(label)
    if field == "enrollment":
        return _learner_of_enrollment(instance)
    if field is not None:
        return getattr(instance, field, None)
    return None


def _model_written(sender, instance=None, raw=False, **kwargs) -> None:
    label = sender._meta.label
    if raw or sender._meta.app_label not in WATCHED_APPS or label in SHOWN_ON_NO_KEPT_PAGE:
        return
    learner = learner_written(label, instance) if instance is not None else None
    if learner is None:
        everyone_changed()
    else:
        records_changed(learner)


def _relation_changed(sender, instance, action, model, pk_set=None, **kwargs) -> None:
    from accounts.models import User

    if not action.startswith("post_") or sender._meta.app_label not in WATCHED_APPS:
        return
    if isinstance(instance, User):
        records_changed(instance.pk)
    elif model is User and pk_set:
        records_changed(*pk_set)
    else:
        everyone_changed()


def receivers_connect() -> None:
    """Called by `LearningConfig.ready()`."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(_model_written, dispatch_uid="learner-records-saved")
    post_delete.connect(_model_written, dispatch_uid="learner-records-deleted")
    m2m_changed.connect(_relation_changed, dispatch_uid="learner-records-relations")
