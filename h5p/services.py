"""Writes of the H5P app: installing packages, saving player state, counting statements."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from learning.services import LearningError, activity_result_record, activity_view_record
from universities.selectors import home_membership
from xapi.services import learner_agent, platform_authority, statement_store
from xapi.validation import XAPIError, format_timestamp

from .archive import ArchiveLimits, ArchiveRejected
from .models import H5PContent, H5PLibrary, H5PUserData
from .package import unpack_package
from .storage import h5p_root
from .validation import LibraryRef

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
FINISHING_VERBS = {ANSWERED, COMPLETED}

# H5P saves small JSON states; a cap keeps one learner from filling the database.
USER_DATA_MAX_BYTES = 64 * 1024
USER_DATA_MAX_ROWS_PER_CONTENT = 100


class H5PError(Exception):
    """A rule said no; `message` is for a person, `code` for code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _installed_libraries() -> dict[LibraryRef, int]:
    return {
        LibraryRef(name, major, minor): patch
        for name, major, minor, patch in H5PLibrary.objects.values_list(
            "machine_name", "major_version", "minor_version", "patch_version"
        )
    }


def h5p_content_create(
    *,
    source: str | BinaryIO,
    filename: str | None,
    university,
    uploaded_by=None,
    may_install_libraries: bool,
    title: str = "",
    limits: ArchiveLimits | None = None,
) -> H5PContent:
    """Validate an `.h5p` file, install what it brings and record it as reusable content.

    `may_install_libraries` must only be true for platform staff (or an operator's command):
    libraries are code. Raises `ArchiveRejected` (with the reason and the entry at fault);
    a rejected package leaves no files and no rows behind.
    """
    content_uuid = uuid.uuid4()
    root = h5p_root()
    root.mkdir(parents=True, exist_ok=True)
    manifest, files = unpack_package(
        source,
        root=root,
        content_key=str(content_uuid),
        installed=_installed_libraries(),
        may_install_libraries=may_install_libraries,
        filename=filename,
        limits=limits,
    )
    try:
        with transaction.atomic():
            for library in manifest.libraries_to_install:
                H5PLibrary.objects.update_or_create(
                    machine_name=library.ref.machine_name,
                    major_version=library.ref.major,
                    minor_version=library.ref.minor,
                    defaults={
                        "patch_version": library.patch,
                        "title": library.title[:255],
                        "runnable": library.data.get("runnable") == 1,
                        "metadata": library.data,
                        "installed_path": f"libraries/{library.ref.folder_name}",
                        "installed_by": uploaded_by,
                    },
                )
            main = manifest.main_library
            main_library = H5PLibrary.objects.get(
                machine_name=main.machine_name, major_version=main.major, minor_version=main.minor
            )
            if not main_library.runnable:
                raise ArchiveRejected(
                    "main-library-not-runnable",
                    _("The main library %(main)s is not a runnable content type.") % {"main": main},
                    "h5p.json",
                )
            content = H5PContent(
                uuid=content_uuid,
                university=university,
                title=(title.strip() or manifest.title)[:255],
                language=manifest.language[:10],
                main_library=main_library,
                folder=f"content/{content_uuid}",
                uploaded_by=uploaded_by,
            )
            content.full_clean()
            content.save()
    except BaseException:
        files.rollback()
        raise
    files.finish()
    return content


# --- the player's saved state -----------------------------------------------------------


def h5p_user_data_save(
    *,
    user,
    content: H5PContent,
    data_type: str,
    sub_content_id: str,
    data: str,
    preload: bool = False,
    invalidate: bool = False,
) -> H5PUserData | None:
    """Save (or, when H5P sends `data=0`, delete) one piece of a learner's player state."""
    lookup = {
        "user": user,
        "content": content,
        "data_type": data_type,
        "sub_content_id": sub_content_id,
    }
    if data == "0":
        H5PUserData.objects.filter(**lookup).delete()
        return None
    if len(data.encode("utf-8")) > USER_DATA_MAX_BYTES:
        raise H5PError(
            "too_large",
            _("Saved state is limited to %(limit)s bytes.") % {"limit": USER_DATA_MAX_BYTES},
        )
    with transaction.atomic():
        existing = H5PUserData.objects.select_for_update().filter(**lookup).first()
        if existing is None:
            count = H5PUserData.objects.filter(user=user, content=content).count()
            if count >= USER_DATA_MAX_ROWS_PER_CONTENT:
                raise H5PError("too_many", _("Too many saved states for this activity."))
            return H5PUserData.objects.create(
                **lookup, data=data, preload=preload, invalidate=invalidate
            )
        existing.data = data
        existing.preload = preload
        existing.invalidate = invalidate
        existing.save(update_fields=["data", "preload", "invalidate", "updated_at"])
        return existing


# --- counting: statements from the player --------------------------------------------------


@dataclass(frozen=True)
class RecordedStatement:
    statement_id: str
    finished: bool
    scaled_score: Decimal | None


def statement_is_finishing(statement: dict) -> bool:
    """H5P's own rule: `answered` or `completed`, and not about a part of a bigger activity."""
    verb = statement.get("verb") if isinstance(statement.get("verb"), dict) else {}
    if verb.get("id") not in FINISHING_VERBS:
        return False
    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    activities = context.get("contextActivities")
    activities = activities if isinstance(activities, dict) else {}
    return not activities.get("parent")


def scaled_score_of(statement: dict) -> Decimal:
    """`result.score.scaled`, else raw/max, clamped to 0..1; no score at all counts as 1."""
    result = statement.get("result") if isinstance(statement.get("result"), dict) else {}
    score = result.get("score") if isinstance(result.get("score"), dict) else {}

    def number(key) -> Decimal | None:
        value = score.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None

    scaled = number("scaled")
    if scaled is None:
        raw, maximum = number("raw"), number("max")
        if raw is not None and maximum:
            scaled = raw / maximum
    if scaled is None:
        return Decimal("1")
    return min(max(scaled, Decimal("0")), Decimal("1")).quantize(Decimal("0.0001"))


def _object_is_content(statement: dict, content: H5PContent) -> bool:
    obj = statement.get("object")
    if not isinstance(obj, dict) or obj.get("objectType", "Activity") != "Activity":
        return False
    object_id = obj.get("id")
    iri = content.xapi_iri
    return isinstance(object_id, str) and (
        object_id == iri or object_id.startswith(f"{iri}?subContentId=")
    )


def h5p_statement_record(
    *, user, enrollment, outline_lesson, content: H5PContent, statement: Any
) -> RecordedStatement:
    """Store a statement the player sent for `user`, and finish the activity when it says so.

    The browser's actor, id, timestamp, stored and authority are never trusted: the actor
    becomes the logged-in learner, the id and timestamp are the server's, and the LRS sets
    `stored` and the platform's `authority`. The caller has passed `lesson_activity_for_learner`.
    """
    if not isinstance(statement, dict):
        raise H5PError("bad_statement", _("A statement must be a JSON object."))
    if not _object_is_content(statement, content):
        raise H5PError("wrong_object", _("The statement is not about this H5P activity."))
    prepared = {
        key: value
        for key, value in statement.items()
        if key not in {"id", "actor", "timestamp", "stored", "authority", "version"}
    }
    prepared["id"] = str(uuid.uuid4())
    prepared["actor"] = learner_agent(user)
    prepared["timestamp"] = format_timestamp(dt.datetime.now(dt.UTC))
    home = home_membership(user)
    university_id = home.university_id if home else content.university_id

    finished = statement_is_finishing(prepared)
    scaled = scaled_score_of(prepared) if finished else None
    try:
        with transaction.atomic():
            statement_id = statement_store(
                prepared, authority=platform_authority(), university_id=university_id
            )
            if finished:
                activity_result_record(
                    enrollment=enrollment,
                    lesson_key=outline_lesson.lesson_key,
                    activity_id=str(content.uuid),
                    scaled_score=scaled,
                )
            else:
                # Any statement shows the learner opened the activity (the lesson page sends
                # `experienced` on load when the block asks only for a view).
                activity_view_record(
                    enrollment=enrollment,
                    lesson_key=outline_lesson.lesson_key,
                    activity_id=str(content.uuid),
                )
    except XAPIError as exc:
        raise H5PError("invalid_statement", str(exc)) from exc
    except LearningError as exc:
        raise H5PError(exc.code, exc.message) from exc
    return RecordedStatement(statement_id=statement_id, finished=finished, scaled_score=scaled)
