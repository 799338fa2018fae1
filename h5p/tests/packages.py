"""Builders for `.h5p` files in tests: our tiny content type, and hostile variations of it.

`tiny_quiz_files()` returns a package as a `{archive name: bytes}` dict so a test can break
one thing and zip it with `build_h5p()`; `zip_entries()` writes raw `ZipInfo`s for the attacks
a dict cannot express (symlinks, flags, duplicate names).
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY_QUIZ_FOLDER = "H5P.IlmTinyQuiz-1.0"
TINY_QUIZ = ("H5P.IlmTinyQuiz", 1, 0)


def tiny_quiz_library_files(folder: str = TINY_QUIZ_FOLDER) -> dict[str, bytes]:
    """The tiny quiz library's files, under `folder/` in the archive."""
    source = FIXTURES / TINY_QUIZ_FOLDER
    return {
        f"{folder}/{path.name}": path.read_bytes()
        for path in sorted(source.iterdir())
        if path.is_file()
    }


def tiny_quiz_h5p_json(title: str = "Tiny quiz") -> dict:
    return {
        "title": title,
        "language": "en",
        "mainLibrary": "H5P.IlmTinyQuiz",
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": "H5P.IlmTinyQuiz", "majorVersion": 1, "minorVersion": 0}
        ],
    }


def tiny_quiz_files(
    *,
    title: str = "Tiny quiz",
    score: int = 3,
    max_score: int = 4,
    include_library: bool = True,
) -> dict[str, bytes]:
    """A complete, valid package of the tiny quiz (with its library unless told otherwise)."""
    files = {
        "h5p.json": json.dumps(tiny_quiz_h5p_json(title)).encode(),
        "content/content.json": json.dumps(
            {"question": "Is this a test?", "score": score, "maxScore": max_score}
        ).encode(),
    }
    if include_library:
        files.update(tiny_quiz_library_files())
    return files


def build_h5p(files: dict[str, bytes | str]) -> bytes:
    """Zip `files` (name -> content) the way H5P exports do: deflated, in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_entries(entries: list[tuple[zipfile.ZipInfo | str, bytes | str]]) -> bytes:
    """Zip raw entries, keeping whatever names, flags and attributes the `ZipInfo`s carry."""
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(action="ignore", category=UserWarning),  # duplicate names
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info, data in entries:
            if isinstance(info, zipfile.ZipInfo) and info.compress_type == zipfile.ZIP_STORED:
                info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def tiny_quiz_h5p(**kwargs) -> bytes:
    """The tiny quiz as `.h5p` bytes."""
    return build_h5p(tiny_quiz_files(**kwargs))


def patch_headers(
    data: bytes, name: str, *, flag_bits: int | None = None, file_size: int | None = None
) -> bytes:
    """Rewrite an entry's general-purpose flags or declared size in both of its zip headers.

    `zipfile` resets flags when writing, so the "encrypted" flag and lying sizes are set here.
    """
    import struct

    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
        local = info.header_offset
        central = archive.start_dir
        for other in archive.infolist():
            name_length, extra_length, comment_length = struct.unpack_from(
                "<HHH", buffer, central + 28
            )
            if other.filename == name:
                break
            central += 46 + name_length + extra_length + comment_length
    assert buffer[local : local + 4] == b"PK\x03\x04"
    assert buffer[central : central + 4] == b"PK\x01\x02"
    if flag_bits is not None:
        struct.pack_into("<H", buffer, local + 6, flag_bits)
        struct.pack_into("<H", buffer, central + 8, flag_bits)
    if file_size is not None:
        struct.pack_into("<I", buffer, local + 22, file_size)
        struct.pack_into("<I", buffer, central + 24, file_size)
    return bytes(buffer)
