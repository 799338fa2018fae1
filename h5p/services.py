"""Writes of the H5P app: installing packages, counting statements (player state: `saved_state`)."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from learning.services import LearningError, activity_result_record, activity_view_record
from universities.selectors import home_membership
from xapi.selectors import statement_recorded
from xapi.services import learner_agent, platform_authority, statement_store
from xapi.validation import XAPIError

from .archive import ArchiveLimits, ArchiveRejected
from .grading import attempt_limit_of, graded_score, grading_of
from .libraries import lessons_using_content, usage_of_library
from .models import H5PAttempt, H5PContent, H5PInteraction, H5PLibrary, H5PUserData
from .package import unpack_package
from .selectors import finished_scores, installed_library_patches, installed_library_semantics
from .statements import (
    H5PError,
    duration_of,
    interaction_fields,
    is_finishing,
    is_interaction,
    response_of,
    score_of,
    success_of,
)
from .storage import h5p_root

__all__ = [
    "H5PError",
    "RecordedStatement",
    "h5p_content_create",
    "h5p_content_replace",
    "h5p_statement_record",
]

# Namespace of the ids under which the player's statements are stored (see `_statement_id`).
STATEMENT_ID_NAMESPACE = uuid.UUID("7d0f3c5e-41b8-4f57-9a4e-1f0b6f6b2a11")


def _libraries_record(manifest, uploaded_by) -> H5PLibrary:
    """Record the libraries the package installs; return its main library, which must be a
    runnable content type."""
    for library in manifest.libraries_to_install:
        path = f"libraries/{library.ref.folder_name}"
        previous = (
            H5PLibrary.objects.filter(
                machine_name=library.ref.machine_name,
                major_version=library.ref.major,
                minor_version=library.ref.minor,
            )
            .values_list("installed_path", flat=True)
            .first()
        )
        if previous and previous != path:
            # An update from the libraries screen put it in a folder of its own.
            _remove_folder_on_commit(previous)
        H5PLibrary.objects.update_or_create(
            machine_name=library.ref.machine_name,
            major_version=library.ref.major,
            minor_version=library.ref.minor,
            defaults={
                "patch_version": library.patch,
                "title": library.title[:255],
                "runnable": library.data.get("runnable") == 1,
                "metadata": library.data,
                "installed_path": path,
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
    return main_library


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
        installed=installed_library_patches(),
        installed_semantics=installed_library_semantics,
        may_install_libraries=may_install_libraries,
        filename=filename,
        limits=limits,
    )
    try:
        with transaction.atomic():
            main_library = _libraries_record(manifest, uploaded_by)
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


def h5p_content_replace(
    *,
    content: H5PContent,
    source: str | BinaryIO,
    filename: str | None,
    uploaded_by=None,
    may_install_libraries: bool,
    limits: ArchiveLimits | None = None,
) -> H5PContent:
    """Put a new version of the same activity in `content`'s place, as an author exporting it
    again from their H5P editor would: the lessons that use it, its results and its learners'
    attempts stay; the files are the new package's.

    The package must be of the same content type (main library machine name; its version may
    be newer). Saved player states are dropped, since they describe the old version. Raises
    `ArchiveRejected`; a refused package leaves the content, its files and its rows as they were.
    """
    root = h5p_root()
    key = f"{content.uuid}-{uuid.uuid4().hex[:12]}"
    manifest, files = unpack_package(
        source,
        root=root,
        content_key=key,
        installed=installed_library_patches(),
        installed_semantics=installed_library_semantics,
        may_install_libraries=may_install_libraries,
        filename=filename,
        limits=limits,
    )
    try:
        with transaction.atomic():
            current = (
                H5PContent.objects.select_for_update()
                .select_related("main_library")
                .get(pk=content.pk)
            )
            if manifest.main_library.machine_name != current.main_library.machine_name:
                raise ArchiveRejected(
                    "different-content-type",
                    _(
                        "This package is a %(new)s activity, and “%(title)s” is %(old)s. "
                        "Upload it as a new activity instead."
                    )
                    % {
                        "new": manifest.main_library.machine_name,
                        "title": current.title,
                        "old": current.main_library.machine_name,
                    },
                    "h5p.json",
                )
            main_library = _libraries_record(manifest, uploaded_by)
            old_folder = current.folder
            current.main_library = main_library
            current.language = manifest.language[:10]
            current.folder = f"content/{key}"
            current.full_clean()
            current.save(update_fields=["main_library", "language", "folder"])
            H5PUserData.objects.filter(content=current).delete()
            _remove_folder_on_commit(old_folder)
            audit_record(
                actor=uploaded_by,
                action="h5p_content.replaced",
                university=current.university,
                target=current,
                summary=f"Replaced the package of “{current.title}”",
                details={"main_library": str(main_library)},
            )
    except BaseException:
        files.rollback()
        raise
    files.finish()
    return current


# --- removing what nothing uses ---------------------------------------------------------


def _remove_folder_on_commit(relative: str) -> None:
    # Files go only once the row is gone for good; a folder outside the root is never touched.
    root = h5p_root().resolve()
    folder = (root / relative).resolve()
    if folder != root and folder.is_relative_to(root):
        transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


@transaction.atomic
def h5p_library_delete(*, library: H5PLibrary, actor=None) -> None:
    """Uninstall a library no content and no other library uses; else `H5PError`, nothing
    removed. Only platform staff reach this (libraries are shared by every university)."""
    library = H5PLibrary.objects.select_for_update().get(pk=library.pk)
    usage = usage_of_library(library)
    if usage.contents:
        raise H5PError(
            "library_in_use",
            _("%(library)s is used by %(count)s H5P activities; delete them first.")
            % {"library": library, "count": len(usage.contents)},
        )
    if usage.needed_by:
        raise H5PError(
            "library_needed",
            _("%(library)s is needed by %(others)s; delete those libraries first.")
            % {"library": library, "others": ", ".join(str(lib) for lib in usage.needed_by)},
        )
    library.delete()
    _remove_folder_on_commit(library.installed_path)
    audit_record(
        actor=actor,
        action="h5p_library.deleted",
        summary=f"Deleted the H5P library {library}",
        details={"library": str(library)},
    )


@transaction.atomic
def h5p_content_delete(*, content: H5PContent, actor=None) -> None:
    """Delete content that no lesson uses and no learner has attempted, with its files.

    Refused (`H5PError`, nothing removed) while a lesson uses it, live, in a draft or in a
    published outline, or while learners' attempts at it exist: those are their records.
    """
    content = H5PContent.objects.select_for_update().get(pk=content.pk)
    lessons = lessons_using_content(content)
    if lessons:
        raise H5PError(
            "content_in_use",
            _("“%(title)s” is used in %(lessons)s; remove it from those lessons first.")
            % {"title": content.title, "lessons": ", ".join(f"“{t}”" for t in lessons)},
        )
    if content.attempts.exists():
        raise H5PError(
            "content_attempted",
            _("Learners have attempts at “%(title)s”; it is kept with their records.")
            % {"title": content.title},
        )
    folder, pk = content.folder, content.pk
    content.delete()
    _remove_folder_on_commit(folder)
    audit_record(
        actor=actor,
        action="h5p_content.deleted",
        university=content.university,
        summary=f"Deleted the H5P activity “{content.title}”",
        details={"content_id": pk, "uuid": str(content.uuid)},
    )


# --- the player's saved state -----------------------------------------------------------


# --- counting: statements from the player --------------------------------------------------


@dataclass(frozen=True)
class RecordedStatement:
    statement_id: str
    finished: bool
    scaled_score: Decimal | None
    duplicate: bool = False


def _object_is_content(statement: dict, content: H5PContent) -> bool:
    obj = statement.get("object")
    if not isinstance(obj, dict) or obj.get("objectType", "Activity") != "Activity":
        return False
    object_id = obj.get("id")
    iri = content.xapi_iri
    return isinstance(object_id, str) and (
        object_id == iri or object_id.startswith(f"{iri}?subContentId=")
    )


def _statement_id(user, content: H5PContent, sent_id: Any) -> str:
    # The lesson page gives each statement a random id and resends it unchanged, so a resend
    # maps to the same stored id; mixing in the learner and content keeps one learner's ids
    # from ever naming another's statements.
    try:
        sent = uuid.UUID(str(sent_id)) if sent_id is not None else None
    except ValueError:
        sent = None
    if sent is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(STATEMENT_ID_NAMESPACE, f"{user.pk}:{content.uuid}:{sent}"))


def _drop_compound_interaction_type(statement: dict) -> None:
    # H5P containers (Question Set, Interactive Video) call themselves `compound`, which is
    # not an xAPI interaction type: the LRS would refuse the statement that finishes them.
    definition = statement.get("object", {}).get("definition")
    if isinstance(definition, dict) and definition.get("interactionType") == "compound":
        statement["object"] = {**statement["object"], "definition": dict(definition)}
        del statement["object"]["definition"]["interactionType"]


def _open_attempt(enrollment, content: H5PContent, lesson_key, rule: dict) -> H5PAttempt:
    # One learner's statements are recorded one at a time (the enrollment row is the lock),
    # so two first statements sent together cannot both open an attempt past the limit.
    type(enrollment).objects.select_for_update().filter(pk=enrollment.pk).first()
    attempt = (
        H5PAttempt.objects.select_for_update()
        .filter(enrollment=enrollment, content=content, lesson_key=lesson_key, finished_at=None)
        .order_by("-started_at", "-pk")
        .first()
    )
    if attempt is None:
        limit = attempt_limit_of(rule)
        finished = H5PAttempt.objects.filter(
            enrollment=enrollment, content=content, lesson_key=lesson_key, finished_at__isnull=False
        ).count()
        if limit and finished >= limit:
            raise H5PError(
                "attempt_limit",
                _("You have used all %(limit)s attempts at this activity.") % {"limit": limit},
            )
        attempt = H5PAttempt.objects.create(
            enrollment=enrollment, content=content, lesson_key=lesson_key, started_at=timezone.now()
        )
    return attempt


def h5p_statement_record(
    *, user, enrollment, outline_lesson, content: H5PContent, statement: Any
) -> RecordedStatement:
    """Store a statement the player sent for `user`, with the attempt and question it records.

    The first statement about an activity opens an attempt; a finishing one (H5P's rule)
    closes it with its score and records the activity result, which may complete the lesson.
    Answered questions, the activity's own and those of a container's parts, become
    interactions of the open attempt. A resent statement (same id) changes nothing.

    The browser's actor, timestamp, stored and authority are never trusted: the actor becomes
    the logged-in learner and the LRS stamps the rest. The caller has passed
    `lesson_activity_for_learner`. A bad statement raises `H5PError` before anything is written.
    """
    if not isinstance(statement, dict):
        raise H5PError("bad_statement", _("A statement must be a JSON object."))
    if str(content.uuid) not in outline_lesson.activity_ids:
        raise H5PError("not_in_lesson", _("This activity is not part of the lesson."))
    if not _object_is_content(statement, content):
        raise H5PError("wrong_object", _("The statement is not about this H5P activity."))
    finished = is_finishing(statement)
    score = score_of(statement)
    interaction = (
        interaction_fields(statement, content.xapi_iri) if is_interaction(statement) else None
    )
    # An unscored activity that finishes (a presentation, say) counts as fully done.
    scaled = (
        (score.scaled if score and score.scaled is not None else Decimal("1")) if finished else None
    )

    statement_id = _statement_id(user, content, statement.get("id"))
    prepared = {
        key: value
        for key, value in statement.items()
        if key not in {"id", "actor", "timestamp", "stored", "authority", "version"}
    }
    prepared["id"] = statement_id
    prepared["actor"] = learner_agent(user)
    _drop_compound_interaction_type(prepared)
    home = home_membership(user)
    university_id = home.university_id if home else content.university_id
    lesson_key = outline_lesson.lesson_key
    activity_id = str(content.uuid)
    rule = (outline_lesson.activity_rules or {}).get(activity_id) or {}
    try:
        with transaction.atomic():
            if statement_recorded(learner=user, statement_id=statement_id):
                return RecordedStatement(statement_id, finished, scaled, duplicate=True)
            # Opened (or refused at the limit) before anything is stored.
            attempt = _open_attempt(enrollment, content, lesson_key, rule)
            statement_store(prepared, authority=platform_authority(), university_id=university_id)
            if interaction is not None:
                H5PInteraction.objects.create(
                    attempt=attempt, statement_id=statement_id, **interaction
                )
            if finished:
                attempt.finished_at = timezone.now()
                attempt.raw_score = score.raw if score else None
                attempt.max_score = score.maximum if score else None
                attempt.scaled_score = scaled
                attempt.success = success_of(statement)
                attempt.duration = duration_of(statement)
                attempt.response = response_of(statement)
                attempt.statement_id = statement_id
                attempt.full_clean()
                attempt.save()
                graded = graded_score(
                    grading_of(rule),
                    finished_scores(
                        H5PAttempt.objects.filter(
                            enrollment=enrollment, content=content, lesson_key=lesson_key
                        )
                    ),
                )
                activity_result_record(
                    enrollment=enrollment,
                    lesson_key=lesson_key,
                    activity_id=activity_id,
                    scaled_score=scaled,
                    graded_scaled_score=graded,
                )
            else:
                # Any statement shows the learner opened the activity (the lesson page sends
                # `experienced` on load when the block asks only for a view).
                activity_view_record(
                    enrollment=enrollment, lesson_key=lesson_key, activity_id=activity_id
                )
    except IntegrityError:
        # The same statement, resent while the first was being written: that one counts.
        return RecordedStatement(statement_id, finished, scaled, duplicate=True)
    except XAPIError as exc:
        raise H5PError("invalid_statement", str(exc)) from exc
    except LearningError as exc:
        raise H5PError(exc.code, exc.message) from exc
    return RecordedStatement(statement_id=statement_id, finished=finished, scaled_score=scaled)
