"""Safe reading of zip archives (an `.h5p` file is a zip).

Python's `zipfile.extractall` silently rewrites `../` and absolute names into the target folder
and writes a symlink entry as an ordinary file, so nothing here uses it. Every entry is checked
before a byte is written, and bytes are counted while they are decompressed: the sizes an
archive declares are only used to reject early, never to decide that something is safe.

This module knows nothing of H5P or Django requests; `validation` applies the H5P rules on top.
"""

from __future__ import annotations

import json
import os
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

MIB = 1024 * 1024
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may hold. The defaults suit H5P packages with video."""

    max_entries: int = 5_000
    max_file_bytes: int = 64 * MIB
    max_total_bytes: int = 256 * MIB
    # Ratio of uncompressed to compressed bytes above which an entry looks like a zip bomb.
    max_ratio: int = 200
    # Small files (JSON, SVG) compress very well and are harmless: judge the ratio only above this.
    ratio_floor_bytes: int = 1 * MIB
    max_name_length: int = 512
    # Linux (and most file systems) refuse a single path segment longer than 255 bytes.
    max_segment_bytes: int = 255
    max_depth: int = 16


class ArchiveRejected(Exception):
    """The archive is unsafe or unreadable; `message` names the entry at fault."""

    def __init__(self, code: str, message: str, entry: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.entry = entry

    def __str__(self) -> str:
        return self.message


@dataclass
class ByteBudget:
    """Counts the bytes actually decompressed across one archive, against its total limit."""

    limits: ArchiveLimits
    used: int = 0

    def spend(self, count: int, entry: str) -> None:
        self.used += count
        if self.used > self.limits.max_total_bytes:
            raise ArchiveRejected(
                "total-size-too-large",
                _("The package unpacks to more than %(limit)s bytes (stopped at %(entry)s).")
                % {"limit": self.limits.max_total_bytes, "entry": entry},
                entry,
            )


@dataclass
class CheckedArchive:
    """An open archive whose entries all passed `check_entries`."""

    zip: zipfile.ZipFile
    limits: ArchiveLimits
    files: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    def close(self) -> None:
        self.zip.close()


def open_archive(source: str | os.PathLike | BinaryIO, limits: ArchiveLimits) -> CheckedArchive:
    """Open a zip and check every entry's name, type, flags and declared size.

    Raises `ArchiveRejected` for anything unsafe; on success the caller must `close()` it.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveRejected(
            "not-a-zip", _("The file is not a readable zip archive (%(error)s).") % {"error": exc}
        ) from exc
    try:
        files = check_entries(archive.infolist(), limits)
    except ArchiveRejected:
        archive.close()
        raise
    return CheckedArchive(zip=archive, limits=limits, files=files)


def check_entries(
    infos: list[zipfile.ZipInfo], limits: ArchiveLimits
) -> dict[str, zipfile.ZipInfo]:
    """Check every entry; return the regular files by name (folders are implied by paths)."""
    if len(infos) > limits.max_entries:
        raise ArchiveRejected(
            "too-many-entries",
            _("The package has %(count)s entries; at most %(limit)s are allowed.")
            % {"count": len(infos), "limit": limits.max_entries},
        )
    files: dict[str, zipfile.ZipInfo] = {}
    folders: dict[str, str] = {}  # folder path -> the entry that made it exist
    spelled: dict[str, str] = {}  # case-folded path -> how the archive spells it
    declared_total = 0
    for info in infos:
        name = info.filename
        _check_name(name, limits)
        _check_type_and_flags(info)
        path = name.rstrip("/")
        parts = path.split("/")
        implied = ["/".join(parts[:depth]) for depth in range(1, len(parts))]
        for candidate in [*implied, path]:
            key = unicodedata.normalize("NFC", candidate).casefold()
            other = spelled.setdefault(key, candidate)
            if other != candidate:
                raise ArchiveRejected(
                    "case-clash",
                    _("The entries %(entry)s and %(other)s differ only by case.")
                    % {"entry": candidate, "other": other},
                    name,
                )
        for folder in implied:
            folders.setdefault(folder, name)
        if info.is_dir():
            folders.setdefault(path, name)
            continue
        if path in files:
            raise ArchiveRejected(
                "duplicate-entry", _("The entry %(entry)s appears twice.") % {"entry": name}, name
            )
        _check_declared_size(info, limits)
        declared_total += info.file_size
        if declared_total > limits.max_total_bytes:
            raise ArchiveRejected(
                "total-size-too-large",
                _("The package declares more than %(limit)s bytes (at %(entry)s).")
                % {"limit": limits.max_total_bytes, "entry": name},
                name,
            )
        files[path] = info
    for path in files:
        if path in folders:
            raise ArchiveRejected(
                "path-conflict",
                _("The entry %(entry)s is both a file and a folder.") % {"entry": path},
                path,
            )
    return files


def _check_name(name: str, limits: ArchiveLimits) -> None:
    def reject(code: str, message: str) -> None:
        raise ArchiveRejected(code, message % {"entry": name}, name)

    if (
        not name
        or len(name) > limits.max_name_length
        or any(len(segment.encode()) > limits.max_segment_bytes for segment in name.split("/"))
    ):
        reject("bad-name", _("The entry name %(entry)s is empty or too long."))
    if "\\" in name:
        reject("backslash-path", _("The entry %(entry)s uses a backslash in its path."))
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        reject("absolute-path", _("The entry %(entry)s has an absolute path."))
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        reject("bad-name", _("The entry %(entry)s has control characters in its name."))
    segments = name.rstrip("/").split("/")
    if any(segment == ".." for segment in segments):
        reject("path-traversal", _("The entry %(entry)s points outside the package (../)."))
    if any(segment in ("", ".") for segment in segments):
        reject("bad-name", _("The entry %(entry)s has an empty or '.' path segment."))
    if len(segments) > limits.max_depth:
        reject("bad-name", _("The entry %(entry)s is nested too deeply."))


def _check_type_and_flags(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if info.flag_bits & 0x1:
        raise ArchiveRejected(
            "encrypted-entry", _("The entry %(entry)s is encrypted.") % {"entry": name}, name
        )
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveRejected(
            "symlink", _("The entry %(entry)s is a symbolic link.") % {"entry": name}, name
        )
    file_type = stat.S_IFMT(mode)
    if file_type and file_type not in (stat.S_IFREG, stat.S_IFDIR):
        raise ArchiveRejected(
            "special-file",
            _("The entry %(entry)s is not a regular file or folder.") % {"entry": name},
            name,
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveRejected(
            "unsupported-compression",
            _("The entry %(entry)s uses an unsupported compression method.") % {"entry": name},
            name,
        )


def _check_declared_size(info: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    name = info.filename
    if info.file_size > limits.max_file_bytes:
        raise ArchiveRejected(
            "file-too-large",
            _("The entry %(entry)s is larger than %(limit)s bytes.")
            % {"entry": name, "limit": limits.max_file_bytes},
            name,
        )
    if info.file_size > limits.ratio_floor_bytes and (
        info.file_size > limits.max_ratio * max(info.compress_size, 1)
    ):
        raise _ratio_rejection(name, limits)


def _ratio_rejection(name: str, limits: ArchiveLimits) -> ArchiveRejected:
    return ArchiveRejected(
        "suspicious-compression",
        _("The entry %(entry)s expands more than %(ratio)s times: it looks like a zip bomb.")
        % {"entry": name, "ratio": limits.max_ratio},
        name,
    )


def iter_entry_chunks(archive: CheckedArchive, name: str, budget: ByteBudget, max_bytes=None):
    """Yield the decompressed bytes of one entry, counting them against every limit."""
    info = archive.files[name]
    limits = archive.limits
    file_limit = (
        limits.max_file_bytes if max_bytes is None else min(max_bytes, limits.max_file_bytes)
    )
    produced = 0
    try:
        with archive.zip.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK_BYTES)
                if not chunk:
                    break
                produced += len(chunk)
                if produced > file_limit:
                    raise ArchiveRejected(
                        "file-too-large",
                        _("The entry %(entry)s is larger than %(limit)s bytes.")
                        % {"entry": name, "limit": file_limit},
                        name,
                    )
                if produced > limits.ratio_floor_bytes and (
                    produced > limits.max_ratio * max(info.compress_size, 1)
                ):
                    raise _ratio_rejection(name, limits)
                budget.spend(len(chunk), name)
                yield chunk
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
    ) as exc:
        # Includes CRC mismatches (a wrong declared size makes the data fail its checksum)
        # and deflate streams that zlib cannot decode.
        raise ArchiveRejected(
            "corrupt-entry",
            _("The entry %(entry)s could not be read (%(error)s).") % {"entry": name, "error": exc},
            name,
        ) from exc


def read_entry(archive: CheckedArchive, name: str, budget: ByteBudget, max_bytes=None) -> bytes:
    """Read one (small) entry fully into memory, with the same counting as extraction."""
    return b"".join(iter_entry_chunks(archive, name, budget, max_bytes))


def extract_entry(
    archive: CheckedArchive, name: str, destination: Path, root: Path, budget
) -> None:
    """Write one entry to `destination`, which must lie inside `root` (a fresh staging folder)."""
    resolved_root = root.resolve()
    target = destination.resolve()
    if not target.is_relative_to(resolved_root) or target == resolved_root:
        raise ArchiveRejected(
            "path-traversal",
            _("The entry %(entry)s points outside the package.") % {"entry": name},
            name,
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL|O_NOFOLLOW: never follow or overwrite something that is already there.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(target, flags, 0o644)
    with os.fdopen(descriptor, "wb") as output:
        for chunk in iter_entry_chunks(archive, name, budget):
            output.write(chunk)


def storable_json(raw: bytes) -> Any:
    """Parse a package's JSON file, refusing what cannot be stored as read.

    Raises ValueError (UnicodeDecodeError included) or RecursionError: NaN and Infinity are
    not JSON, and titles and library.json are saved in the database, where PostgreSQL stores
    no NUL in text or jsonb and a lone surrogate (`"\\ud800"`) is not even UTF-8.
    """
    data = json.loads(raw.decode("utf-8-sig"), parse_constant=_reject_constant)
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError("NUL character in a string")
            value.encode()  # UnicodeEncodeError, a ValueError, for a lone surrogate
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return data


def _reject_constant(value: str) -> None:
    raise ValueError(f"{value} is not JSON")
