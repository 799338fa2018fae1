"""One entry point for unpacking an uploaded `.h5p`: check the zip, apply H5P's rules, install.

Plain Python (no models, no requests): `services.h5p_content_create` wraps it in a transaction,
and the admin view and `import_h5p` command both go through that service.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from .archive import ArchiveLimits, ArchiveRejected, open_archive
from .installation import InstalledFiles, install_files
from .validation import (
    InstalledLibraries,
    LibraryRef,
    PackageManifest,
    PackageRejected,
    validate_package,
)

__all__ = ["ArchiveLimits", "ArchiveRejected", "PackageRejected", "unpack_package"]


def unpack_package(
    source: str | os.PathLike | BinaryIO,
    *,
    root: Path,
    content_key: str,
    installed: InstalledLibraries,
    may_install_libraries: bool,
    filename: str | None = None,
    limits: ArchiveLimits | None = None,
    installed_semantics: Callable[[LibraryRef], Any] | None = None,
) -> tuple[PackageManifest, InstalledFiles]:
    """Validate `source` and write it under `root`; raise `ArchiveRejected` and write nothing.

    On success the caller owns the returned `InstalledFiles`: `finish()` once its database rows
    are saved, `rollback()` if they are not.
    """
    if filename is not None and not filename.lower().endswith(".h5p"):
        raise PackageRejected(
            "missing-h5p-extension",
            _("%(entry)s is not an H5P package: the file name must end in .h5p.")
            % {"entry": filename},
            filename,
        )
    archive = open_archive(source, limits or ArchiveLimits())
    try:
        manifest = validate_package(
            archive,
            installed=installed,
            may_install_libraries=may_install_libraries,
            installed_semantics=installed_semantics,
        )
        files = install_files(archive, manifest, root=root, content_key=content_key)
    finally:
        archive.close()
    return manifest, files
