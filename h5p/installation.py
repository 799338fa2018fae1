"""Writing an accepted package into H5P storage, all or nothing.

Layout under the storage root (see ADR 0007 for why it is not under MEDIA_ROOT):

    libraries/<Machine.Name>-<major>.<minor>/   shared by all content, installed by staff only
    content/<content key>/h5p.json
    content/<content key>/content/content.json  and the content's own files
    .staging-*/                                 temporary, always removed

Everything is first extracted into a fresh staging folder next to its destination (same file
system, so the final `rename` is atomic); a failure at any point removes the staging folder and
leaves the live tree as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .archive import ByteBudget, CheckedArchive, extract_entry
from .validation import PackageLibrary, PackageManifest


@dataclass
class InstalledFiles:
    """Files moved into place; undo them with `rollback()` or drop the backups with `finish()`."""

    content_dir: Path
    library_dirs: dict[str, Path] = field(default_factory=dict)
    _staging: Path | None = None
    _replaced: list[tuple[Path, Path]] = field(default_factory=list)  # (live, backup)
    _created: list[Path] = field(default_factory=list)

    def rollback(self) -> None:
        """Remove what was added and restore the libraries that were replaced."""
        for path in reversed(self._created):
            shutil.rmtree(path, ignore_errors=True)
        for live, backup in reversed(self._replaced):
            if backup.exists():
                os.rename(backup, live)
        self._created.clear()
        self._replaced.clear()
        self.finish()

    def finish(self) -> None:
        """Drop the staging folder (and with it the backups of replaced libraries)."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


def install_files(
    archive: CheckedArchive, manifest: PackageManifest, *, root: Path, content_key: str
) -> InstalledFiles:
    """Extract the content and the libraries to install, then move them into place."""
    content_parent = root / "content"
    library_parent = root / "libraries"
    content_parent.mkdir(parents=True, exist_ok=True)
    library_parent.mkdir(parents=True, exist_ok=True)
    destination = content_parent / content_key
    if destination.exists():
        raise FileExistsError(destination)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    installed = InstalledFiles(content_dir=destination, _staging=staging)
    try:
        budget = ByteBudget(archive.limits)
        staged_content = staging / "content"
        extract_entry(archive, "h5p.json", staged_content / "h5p.json", staging, budget)
        for name in manifest.content_files:
            extract_entry(archive, name, staged_content / name, staging, budget)
        staged_libraries = staging / "libraries"
        for library in manifest.libraries_to_install:
            folder = staged_libraries / library.ref.folder_name
            folder.mkdir(parents=True)
            for name in library.files:
                relative = name[len(library.folder) + 1 :]
                extract_entry(archive, name, folder / relative, staging, budget)

        backups = staging / "replaced"
        backups.mkdir()
        for library in manifest.libraries_to_install:
            live = library_parent / library.ref.folder_name
            if live.exists():
                backup = backups / library.ref.folder_name
                os.rename(live, backup)
                installed._replaced.append((live, backup))
            os.rename(staged_libraries / library.ref.folder_name, live)
            installed._created.append(live)
            installed.library_dirs[str(library.ref)] = live
        os.rename(staged_content, destination)
        installed._created.append(destination)
    except BaseException:
        installed.rollback()
        raise
    return installed


@dataclass
class StagedLibraries:
    """Library folders written beside the live ones, each under a name of its own.

    Nothing serves them until their rows point at them (`H5PLibrary.installed_path`), so
    switching to them is the database commit; `rollback()` removes them if that never comes.
    """

    folders: dict[str, Path] = field(default_factory=dict)  # str(ref) -> its new folder

    def rollback(self) -> None:
        for folder in self.folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        self.folders.clear()


def stage_library_folders(
    archive: CheckedArchive, libraries: list[PackageLibrary], *, root: Path
) -> StagedLibraries:
    """Extract `libraries` into new folders `libraries/<Name>-<major>.<minor>.<patch>-<tag>/`."""
    library_parent = root / "libraries"
    library_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    staged = StagedLibraries()
    try:
        budget = ByteBudget(archive.limits)
        for library in libraries:
            folder = staging / library.ref.folder_name
            folder.mkdir(parents=True)
            for name in library.files:
                extract_entry(
                    archive, name, folder / name[len(library.folder) + 1 :], staging, budget
                )
        for library in libraries:
            live = Path(
                tempfile.mkdtemp(
                    prefix=f"{library.ref.folder_name}.{library.patch}-", dir=library_parent
                )
            )
            # rename(2) replaces an empty folder: the unique name is reserved, then filled.
            os.rename(staging / library.ref.folder_name, live)
            staged.folders[str(library.ref)] = live
    except BaseException:
        staged.rollback()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return staged
