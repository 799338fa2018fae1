"""Updating installed libraries from an uploaded package: a preview first, then one install.

Platform staff upload a `.h5p` (or a library-only package). It is checked by the same rules as
a content upload (`validation.validate_library_package`), then planned by H5P's own rule for
library upgrades (`H5PValidator::isValidPackage` with `$upgradeOnly`, see ADR 0052):

- a library installed at the same major.minor with a lower patch is **updated**: every content
  pinned to that major.minor plays the new patch from then on;
- a new major.minor of a library that is installed (or one that an updated or added library
  needs) is **added beside** the installed versions: no content changes, since content names
  its major.minor and moves only when its author exports it again;
- the rest is **left out** with the reason: already installed, older than installed (never
  downgraded), or a library that is not installed here at all (a different content type).

The preview reads only. The upload is held for `PENDING_MAX_AGE` in a hidden folder of the
storage root (never served) under a random token of the uploader's own, so the confirmation
does not need the file again; `h5p_library_update` re-checks the package and its plan under a
lock, so two staff confirming at once cannot both install, and writes new folders beside the
live ones that only the rows' commit switches to.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record

from .archive import ArchiveLimits, open_archive
from .installation import StagedLibraries, stage_library_folders
from .libraries import lessons_using_content, library_usage
from .models import H5PContent, H5PLibrary
from .selectors import installed_library_patches
from .services import _remove_folder_on_commit
from .storage import h5p_root
from .validation import (
    DEPENDENCY_KINDS,
    LibraryRef,
    PackageLibrary,
    PackageRejected,
    validate_library_package,
)

PENDING_FOLDER = ".pending-library-updates"
PENDING_MAX_AGE = 60 * 60
PENDING_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class ContentUse:
    content: H5PContent
    lessons: list[str]


@dataclass
class LibraryChange:
    """An installed library that the package brings a newer patch of."""

    installed: H5PLibrary
    package: PackageLibrary
    uses: list[ContentUse] = field(default_factory=list)
    needed_by: list[H5PLibrary] = field(default_factory=list)

    def __post_init__(self):
        # Kept apart from the row, which the update overwrites.
        self.installed_version = str(self.installed).rsplit(" ", 1)[-1]
        self.installed_patch = self.installed.patch_version

    @property
    def new_version(self) -> str:
        return f"{self.package.ref.major}.{self.package.ref.minor}.{self.package.patch}"


@dataclass
class LibraryAddition:
    """A library of a major.minor not installed yet, installed beside the others."""

    package: PackageLibrary
    beside: list[H5PLibrary]

    @property
    def new_version(self) -> str:
        return f"{self.package.ref.major}.{self.package.ref.minor}.{self.package.patch}"


@dataclass
class LibraryLeftOut:
    package: PackageLibrary
    reason: str


@dataclass
class UpdatePlan:
    changes: list[LibraryChange]
    additions: list[LibraryAddition]
    left_out: list[LibraryLeftOut]

    @property
    def empty(self) -> bool:
        return not (self.changes or self.additions)

    @property
    def uses(self) -> list[ContentUse]:
        """Every content that would play a new patch, once, with the lessons using it."""
        seen: dict[int, ContentUse] = {}
        for change in self.changes:
            for use in change.uses:
                seen.setdefault(use.content.pk, use)
        return sorted(seen.values(), key=lambda use: (use.content.title, use.content.pk))

    @property
    def fingerprint(self) -> str:
        """What the plan would write, from which versions: a confirmation must match it."""
        parts = sorted(
            [f"{c.package.ref}.{c.package.patch}<{c.installed_patch}" for c in self.changes]
            + [f"{a.package.ref}.{a.package.patch}+" for a in self.additions]
        )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    @property
    def to_install(self) -> list[PackageLibrary]:
        return [c.package for c in self.changes] + [a.package for a in self.additions]


def _dependencies(library: PackageLibrary) -> set[LibraryRef]:
    refs = set()
    for kind in DEPENDENCY_KINDS:
        for dependency in library.data.get(kind, []):
            refs.add(
                LibraryRef(
                    dependency["machineName"],
                    int(dependency["majorVersion"]),
                    int(dependency["minorVersion"]),
                )
            )
    return refs


def update_plan(libraries: dict[LibraryRef, PackageLibrary]) -> UpdatePlan:
    """What installing `libraries` (validated) would change, add and leave out. Reads only."""
    rows = {
        LibraryRef(row.machine_name, row.major_version, row.minor_version): row
        for row in H5PLibrary.objects.all()
    }
    installed_names = {ref.machine_name for ref in rows}
    taken = {
        ref
        for ref, library in libraries.items()
        if (ref in rows and library.patch > rows[ref].patch_version)
        or (ref not in rows and ref.machine_name in installed_names)
    }
    # H5P's upgrade also installs what the taken libraries need and is not installed yet.
    todo = list(taken)
    while todo:
        for ref in _dependencies(libraries[todo.pop()]):
            if ref in libraries and ref not in rows and ref not in taken:
                taken.add(ref)
                todo.append(ref)

    usage = {u.library.pk: u for u in library_usage()}
    changes, additions, left_out = [], [], []
    for ref, library in sorted(libraries.items()):
        row = rows.get(ref)
        if ref in taken and row is not None:
            uses = [
                ContentUse(content, lessons_using_content(content))
                for content in sorted(usage[row.pk].contents, key=lambda c: (c.title, c.pk))
            ]
            changes.append(LibraryChange(row, library, uses, usage[row.pk].needed_by))
        elif ref in taken:
            beside = [r for key, r in rows.items() if key.machine_name == ref.machine_name]
            additions.append(LibraryAddition(library, beside))
        elif row is not None and library.patch == row.patch_version:
            left_out.append(LibraryLeftOut(library, _("Already installed at this version.")))
        elif row is not None:
            left_out.append(
                LibraryLeftOut(
                    library,
                    _("Older than the installed %(installed)s: libraries are never downgraded.")
                    % {"installed": row},
                )
            )
        else:
            left_out.append(
                LibraryLeftOut(
                    library,
                    _(
                        "Not installed here, and nothing updated needs it: this screen only "
                        "updates installed libraries. Upload content that uses it instead."
                    ),
                )
            )
    return UpdatePlan(changes, additions, left_out)


def _nothing_to_update() -> PackageRejected:
    return PackageRejected(
        "no-library-update",
        _(
            "Nothing in this package updates an installed library: every library in it is "
            "already installed at this version or newer, or is not installed here at all."
        ),
    )


def library_update_preview(
    *, source: str | Path | BinaryIO, limits: ArchiveLimits | None = None
) -> UpdatePlan:
    """The plan for installing the libraries in `source`; raises `ArchiveRejected` (bad
    package) or `PackageRejected` (nothing to update). Writes nothing."""
    archive = open_archive(source, limits or ArchiveLimits())
    try:
        libraries = validate_library_package(archive, installed=installed_library_patches())
    finally:
        archive.close()
    plan = update_plan(libraries)
    if plan.empty:
        raise _nothing_to_update()
    return plan


def h5p_library_update(
    *,
    source: str | Path | BinaryIO,
    fingerprint: str,
    actor=None,
    limits: ArchiveLimits | None = None,
) -> UpdatePlan:
    """Install the plan the preview showed (`fingerprint`), all or nothing, and audit it.

    Under a lock on the installed libraries the package is checked and planned again; if the
    plan is no longer the one confirmed (another update came first, a library was deleted),
    `PackageRejected("library-update-changed")` and nothing is written. The new files go into
    folders of their own; the rows switch to them in one transaction, and the old folders are
    removed after it commits. A failure anywhere leaves the old versions serving.
    """
    root = h5p_root()
    archive = open_archive(source, limits or ArchiveLimits())
    staged: StagedLibraries | None = None
    try:
        with transaction.atomic():
            # One update at a time: whoever comes second waits here, then plans afresh.
            list(H5PLibrary.objects.select_for_update().order_by("pk").values_list("pk"))
            libraries = validate_library_package(archive, installed=installed_library_patches())
            plan = update_plan(libraries)
            if plan.empty:
                raise _nothing_to_update()
            if plan.fingerprint != fingerprint:
                raise PackageRejected(
                    "library-update-changed",
                    _(
                        "The installed libraries changed since this preview (another update "
                        "may have come first). Nothing was installed; check the new preview."
                    ),
                )
            staged = stage_library_folders(archive, plan.to_install, root=root)
            for change in plan.changes:
                row, library = change.installed, change.package
                old_path = row.installed_path
                _fill(row, library, staged, actor)
                row.full_clean()
                row.save()
                if old_path != row.installed_path:
                    _remove_folder_on_commit(old_path)
            for addition in plan.additions:
                ref = addition.package.ref
                row = H5PLibrary(
                    machine_name=ref.machine_name, major_version=ref.major, minor_version=ref.minor
                )
                _fill(row, addition.package, staged, actor)
                row.full_clean()
                row.save()
            audit_record(
                actor=actor,
                action="h5p_library.updated",
                summary="Updated H5P libraries: "
                + ", ".join(
                    [
                        f"{c.package.ref.machine_name} {c.installed_version} → {c.new_version}"
                        for c in plan.changes
                    ]
                    + [
                        f"{a.package.ref.machine_name} {a.new_version} (added)"
                        for a in plan.additions
                    ]
                ),
                details={
                    "updated": [
                        {
                            "library": str(c.package.ref),
                            "from": c.installed_patch,
                            "to": c.package.patch,
                        }
                        for c in plan.changes
                    ],
                    "added": [
                        f"{a.package.ref.machine_name} {a.new_version}" for a in plan.additions
                    ],
                    "content_ids": [use.content.pk for use in plan.uses],
                },
            )
    except BaseException:
        if staged is not None:
            staged.rollback()
        raise
    finally:
        archive.close()
    return plan


def _fill(row: H5PLibrary, library: PackageLibrary, staged: StagedLibraries, actor) -> None:
    folder = staged.folders[str(library.ref)]
    row.patch_version = library.patch
    row.title = library.title[:255]
    row.runnable = library.data.get("runnable") == 1
    row.metadata = library.data
    row.installed_path = folder.relative_to(h5p_root()).as_posix()
    row.installed_by = actor if getattr(actor, "is_authenticated", False) else None


# --- the upload held between the preview and the confirmation ---------------------------


def _pending_folder() -> Path:
    return h5p_root() / PENDING_FOLDER


def _pending_path(user, token: str) -> Path | None:
    if not isinstance(token, str) or not PENDING_TOKEN.match(token) or not user.pk:
        return None
    return _pending_folder() / f"{int(user.pk)}-{token}.h5p"


def pending_update_store(*, user, upload) -> str:
    """Hold `upload` (a Django `UploadedFile`) for `user`'s confirmation; return its token.

    Uploads older than `PENDING_MAX_AGE` (abandoned previews) are removed on the way.
    """
    folder = _pending_folder()
    folder.mkdir(parents=True, exist_ok=True)
    pending_updates_sweep()
    token = secrets.token_hex(16)
    path = _pending_path(user, token)
    with path.open("xb") as output:
        for chunk in upload.chunks():
            output.write(chunk)
    return token


def pending_update_file(*, user, token: str) -> Path | None:
    """`user`'s own held upload for `token`, or None (unknown, someone else's, or expired)."""
    path = _pending_path(user, token)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > PENDING_MAX_AGE:
        path.unlink(missing_ok=True)
        return None
    return path


def pending_update_discard(*, user, token: str) -> None:
    path = _pending_path(user, token)
    if path is not None:
        path.unlink(missing_ok=True)


def pending_updates_sweep() -> int:
    """Remove held uploads past their age; return how many."""
    folder = _pending_folder()
    if not folder.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - PENDING_MAX_AGE
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
