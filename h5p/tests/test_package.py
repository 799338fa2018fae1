"""Unpacking `.h5p` files: the tiny quiz installs; hostile packages are refused, writing nothing."""

import io
import json
import random
import stat
import zipfile
from pathlib import Path

import pytest

from h5p.archive import ArchiveLimits, ArchiveRejected
from h5p.package import unpack_package
from h5p.tests.packages import (
    TINY_QUIZ_FOLDER,
    build_h5p,
    patch_headers,
    tiny_quiz_files,
    tiny_quiz_h5p,
    tiny_quiz_library_files,
    zip_entries,
)
from h5p.validation import LibraryRef

TINY = LibraryRef("H5P.IlmTinyQuiz", 1, 0)
SMALL = ArchiveLimits(
    max_entries=50,
    max_file_bytes=256 * 1024,
    max_total_bytes=512 * 1024,
    max_ratio=50,
    ratio_floor_bytes=64 * 1024,
)


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if not path.is_dir()]


def unpack(data: bytes, root: Path, **kwargs):
    options = {
        "root": root,
        "content_key": "c1",
        "installed": set(),
        "may_install_libraries": True,
        "limits": SMALL,
    }
    options.update(kwargs)
    return unpack_package(io.BytesIO(data), **options)


def with_changes(changes: dict | None = None, removed: tuple = ()) -> bytes:
    files = tiny_quiz_files()
    for name in removed:
        del files[name]
    files.update(changes or {})
    return build_h5p(files)


def h5p_json(**overrides) -> bytes:
    data = json.loads(tiny_quiz_files()["h5p.json"])
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data).encode()


def library_json(**overrides) -> bytes:
    data = json.loads(tiny_quiz_files()[f"{TINY_QUIZ_FOLDER}/library.json"])
    data.update(overrides)
    return json.dumps(data).encode()


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def noise(size: int, seed: int = 0) -> bytes:
    """Bytes that do not compress, so only the size limits can catch them."""
    return random.Random(seed).randbytes(size)


# --- the good path -------------------------------------------------------------------------


def test_tiny_quiz_installs_library_and_content(tmp_path):
    manifest, installed = unpack(tiny_quiz_h5p(), tmp_path)
    installed.finish()

    assert manifest.title == "Tiny quiz"
    assert manifest.main_library == TINY
    assert [library.ref for library in manifest.libraries_to_install] == [TINY]
    assert (tmp_path / "content/c1/h5p.json").is_file()
    assert json.loads((tmp_path / "content/c1/content/content.json").read_text())["score"] == 3
    assert (tmp_path / "libraries/H5P.IlmTinyQuiz-1.0/tiny-quiz.js").is_file()
    assert not list(tmp_path.glob(".staging-*"))


def test_instructor_uses_installed_library_and_package_copy_is_ignored(tmp_path):
    manifest, installed = unpack(
        tiny_quiz_h5p(), tmp_path, installed={TINY: 0}, may_install_libraries=False
    )
    installed.finish()

    assert manifest.libraries_to_install == []
    assert not (tmp_path / "libraries/H5P.IlmTinyQuiz-1.0").exists()
    assert (tmp_path / "content/c1/content/content.json").is_file()


def test_staff_upload_with_newer_patch_replaces_library(tmp_path):
    unpack(tiny_quiz_h5p(), tmp_path)[1].finish()
    files = tiny_quiz_files()
    files[f"{TINY_QUIZ_FOLDER}/library.json"] = library_json(patchVersion=1)
    files[f"{TINY_QUIZ_FOLDER}/tiny-quiz.js"] = b"/* patched */"

    manifest, installed = unpack(build_h5p(files), tmp_path, content_key="c2", installed={TINY: 0})
    installed.finish()

    assert [library.patch for library in manifest.libraries_to_install] == [1]
    assert (
        tmp_path / "libraries/H5P.IlmTinyQuiz-1.0/tiny-quiz.js"
    ).read_bytes() == b"/* patched */"


def test_rollback_restores_replaced_library_and_removes_content(tmp_path):
    unpack(tiny_quiz_h5p(), tmp_path)[1].finish()
    original = (tmp_path / "libraries/H5P.IlmTinyQuiz-1.0/tiny-quiz.js").read_bytes()
    files = tiny_quiz_files()
    files[f"{TINY_QUIZ_FOLDER}/library.json"] = library_json(patchVersion=2)
    files[f"{TINY_QUIZ_FOLDER}/tiny-quiz.js"] = b"/* new */"

    _manifest, installed = unpack(build_h5p(files), tmp_path, content_key="c2", installed={TINY: 0})
    installed.rollback()

    assert (tmp_path / "libraries/H5P.IlmTinyQuiz-1.0/tiny-quiz.js").read_bytes() == original
    assert not (tmp_path / "content/c2").exists()
    assert not list(tmp_path.glob(".staging-*"))


def test_hidden_files_and_root_files_are_skipped_like_h5p_does(tmp_path):
    data = with_changes(
        {
            "__MACOSX/content/._content.json": b"junk",
            "content/.DS_Store": b"junk",
            "README.exe": b"not unpacked",
        }
    )
    unpack(data, tmp_path)[1].finish()

    names = {path.name for path in files_under(tmp_path)}
    assert ".DS_Store" not in names
    assert "README.exe" not in names
    assert "._content.json" not in names


def test_library_folder_without_version_is_accepted_and_installed_with_version(tmp_path):
    files = tiny_quiz_files(include_library=False)
    files.update(tiny_quiz_library_files(folder="H5P.IlmTinyQuiz"))
    unpack(build_h5p(files), tmp_path)[1].finish()

    assert (tmp_path / "libraries/H5P.IlmTinyQuiz-1.0/library.json").is_file()


# --- hostile packages: each one refused, nothing written -----------------------------------

TRAVERSAL_JS = "content/../../evil.json"


def _case(data_factory, code, entry, **kwargs):
    return pytest.param(data_factory, code, entry, kwargs, id=code + ":" + str(entry))


HOSTILE = [
    _case(lambda: zip_entries([(TRAVERSAL_JS, b"{}")]), "path-traversal", TRAVERSAL_JS),
    _case(lambda: zip_entries([("../evil.json", b"{}")]), "path-traversal", "../evil.json"),
    _case(lambda: zip_entries([("/etc/evil.json", b"{}")]), "absolute-path", "/etc/evil.json"),
    _case(lambda: zip_entries([("C:/evil.json", b"{}")]), "absolute-path", "C:/evil.json"),
    _case(
        lambda: zip_entries([("content\\..\\evil.json", b"{}")]),
        "backslash-path",
        "content\\..\\evil.json",
    ),
    _case(
        lambda: zip_entries([*tiny_quiz_files().items(), (symlink_info("content/link"), b"/etc")]),
        "symlink",
        "content/link",
    ),
    _case(
        lambda: patch_headers(tiny_quiz_h5p(), "content/content.json", flag_bits=0x1),
        "encrypted-entry",
        "content/content.json",
    ),
    _case(
        lambda: zip_entries([*tiny_quiz_files().items(), ("CONTENT/content.json", b"{}")]),
        "case-clash",
        "CONTENT",
    ),
    _case(
        lambda: zip_entries([*tiny_quiz_files().items(), ("content/Content.JSON", b"{}")]),
        "case-clash",
        "content/Content.JSON",
    ),
    _case(
        lambda: zip_entries([*tiny_quiz_files().items(), ("content/content.json", b"{}")]),
        "duplicate-entry",
        "content/content.json",
    ),
    _case(
        lambda: zip_entries([("content/a.json", b"{}"), ("content/a.json/b.json", b"{}")]),
        "path-conflict",
        "content/a.json",
    ),
    _case(
        lambda: build_h5p(
            {**tiny_quiz_files(), **{f"content/f{i}.json": b"{}" for i in range(60)}}
        ),
        "too-many-entries",
        None,
    ),
    _case(
        lambda: build_h5p({**tiny_quiz_files(), "content/big.txt": b"x" * (300 * 1024)}),
        "file-too-large",
        "content/big.txt",
    ),
    _case(
        lambda: build_h5p(
            {**tiny_quiz_files(), **{f"content/{i}.txt": noise(200 * 1024, i) for i in range(3)}}
        ),
        "total-size-too-large",
        "content/2.txt",
    ),
    _case(
        lambda: build_h5p({**tiny_quiz_files(), "content/zeros.txt": b"\0" * (200 * 1024)}),
        "suspicious-compression",
        "content/zeros.txt",
    ),
    _case(
        # Declares 100 bytes but holds 200 KB: the real bytes fail the checksum while extracting.
        lambda: patch_headers(
            build_h5p({**tiny_quiz_files(), "content/lie.txt": noise(200 * 1024)}),
            "content/lie.txt",
            file_size=100,
        ),
        "corrupt-entry",
        "content/lie.txt",
    ),
    _case(lambda: b"this is not a zip file", "not-a-zip", None),
    _case(lambda: with_changes(removed=("h5p.json",)), "missing-h5p-json", "h5p.json"),
    _case(
        lambda: with_changes(removed=("content/content.json",)),
        "missing-content",
        "content",
    ),
    _case(lambda: with_changes({"h5p.json": b"{not json"}), "invalid-json", "h5p.json"),
    _case(
        lambda: with_changes({"content/content.json": b'{"a": NaN}'}),
        "invalid-json",
        "content/content.json",
    ),
    _case(lambda: with_changes({"h5p.json": b"[]"}), "invalid-h5p-json", "h5p.json"),
    _case(lambda: with_changes({"h5p.json": h5p_json(title=None)}), "invalid-field", "title"),
    _case(lambda: with_changes({"h5p.json": h5p_json(language=None)}), "invalid-field", "language"),
    _case(
        lambda: with_changes({"h5p.json": h5p_json(language="en; drop")}),
        "invalid-field",
        "language",
    ),
    _case(
        lambda: with_changes({"h5p.json": h5p_json(mainLibrary=None)}),
        "invalid-field",
        "mainLibrary",
    ),
    _case(
        lambda: with_changes({"h5p.json": h5p_json(embedTypes=None)}), "invalid-field", "embedTypes"
    ),
    _case(
        lambda: with_changes({"h5p.json": h5p_json(embedTypes=["script"])}),
        "invalid-field",
        "embedTypes",
    ),
    _case(
        lambda: with_changes({"h5p.json": h5p_json(preloadedDependencies=None)}),
        "invalid-field",
        "preloadedDependencies",
    ),
    _case(
        lambda: with_changes(
            {"h5p.json": h5p_json(preloadedDependencies=[{"machineName": "H5P.X"}])}
        ),
        "invalid-field",
        "preloadedDependencies",
    ),
    _case(
        lambda: with_changes({"h5p.json": h5p_json(mainLibrary="H5P.Other")}),
        "main-library-not-loaded",
        "H5P.Other",
    ),
    _case(
        lambda: with_changes({"content/evil.html": b"<script>alert(1)</script>"}),
        "not-in-whitelist",
        "content/evil.html",
    ),
    _case(
        lambda: with_changes({"content/movie.swf": b"FWS"}), "not-in-whitelist", "content/movie.swf"
    ),
    _case(
        lambda: with_changes({"content/script.js": b"alert(1)"}),
        "not-in-whitelist",
        "content/script.js",
    ),
    _case(
        lambda: with_changes({f"{TINY_QUIZ_FOLDER}/run.php": b"<?php"}),
        "not-in-whitelist",
        f"{TINY_QUIZ_FOLDER}/run.php",
    ),
    _case(
        lambda: with_changes(
            {
                "H5P.Wrong-1.0/" + name.split("/", 1)[1]: data
                for name, data in tiny_quiz_library_files().items()
            }
        ),
        "library-directory-name-mismatch",
        "H5P.Wrong-1.0",
    ),
    _case(
        lambda: with_changes({f"{TINY_QUIZ_FOLDER}/library.json": library_json(minorVersion=3)}),
        "library-directory-name-mismatch",
        TINY_QUIZ_FOLDER,
    ),
    _case(
        lambda: with_changes(removed=(f"{TINY_QUIZ_FOLDER}/library.json",)),
        "missing-library-json",
        f"{TINY_QUIZ_FOLDER}/library.json",
    ),
    _case(
        lambda: with_changes({f"{TINY_QUIZ_FOLDER}/library.json": b"{oops"}),
        "invalid-json",
        f"{TINY_QUIZ_FOLDER}/library.json",
    ),
    _case(
        lambda: with_changes({f"{TINY_QUIZ_FOLDER}/library.json": library_json(runnable=True)}),
        "invalid-field",
        "runnable",
    ),
    _case(
        lambda: with_changes(removed=(f"{TINY_QUIZ_FOLDER}/tiny-quiz.js",)),
        "library-missing-file",
        "tiny-quiz.js",
    ),
    _case(
        lambda: with_changes(removed=(f"{TINY_QUIZ_FOLDER}/tiny-quiz.css",)),
        "library-missing-file",
        "tiny-quiz.css",
    ),
    _case(
        lambda: with_changes(
            {
                f"{TINY_QUIZ_FOLDER}/library.json": library_json(
                    preloadedJs=[{"path": "../content/x.js"}]
                )
            }
        ),
        "library-missing-file",
        "../content/x.js",
    ),
    _case(
        lambda: with_changes(
            {
                f"{TINY_QUIZ_FOLDER}/library.json": library_json(
                    preloadedDependencies=[
                        {"machineName": "H5P.JoubelUI", "majorVersion": 1, "minorVersion": 3}
                    ]
                )
            }
        ),
        "missing-required-library",
        "H5P.JoubelUI 1.3",
    ),
    _case(
        lambda: tiny_quiz_h5p(include_library=False),
        "missing-required-library",
        "H5P.IlmTinyQuiz 1.0",
    ),
    _case(
        lambda: with_changes(
            {
                f"{TINY_QUIZ_FOLDER}/library.json": library_json(
                    coreApi={"majorVersion": 2, "minorVersion": 0}
                )
            }
        ),
        "api-version-unsupported",
        f"{TINY_QUIZ_FOLDER}/library.json",
    ),
    _case(
        lambda: with_changes(
            {
                f"{TINY_QUIZ_FOLDER}/language/.en.json": b"{}",
                f"{TINY_QUIZ_FOLDER}/language/en us.json": b"{}",
            }
        ),
        "invalid-language-file",
        "language/en us.json",
    ),
    _case(
        lambda: tiny_quiz_h5p(),
        "library-install-not-allowed",
        "H5P.IlmTinyQuiz 1.0",
        may_install_libraries=False,
    ),
]


@pytest.mark.parametrize(("make", "code", "entry", "options"), HOSTILE)
def test_hostile_package_is_rejected_and_nothing_is_written(tmp_path, make, code, entry, options):
    root = tmp_path / "h5p"
    root.mkdir()

    with pytest.raises(ArchiveRejected) as caught:
        unpack(make(), root, **options)

    assert caught.value.code == code, caught.value.message
    if entry is not None:
        assert entry in caught.value.message
    assert files_under(root) == []
    assert not list(root.glob(".staging-*"))


def test_rejection_after_extraction_started_leaves_library_tree_untouched(tmp_path):
    unpack(tiny_quiz_h5p(), tmp_path)[1].finish()
    before = sorted(str(path) for path in files_under(tmp_path))
    files = tiny_quiz_files()
    files[f"{TINY_QUIZ_FOLDER}/library.json"] = library_json(patchVersion=5)
    files["content/z-lie.txt"] = noise(200 * 1024)
    data = patch_headers(build_h5p(files), "content/z-lie.txt", file_size=10)

    with pytest.raises(ArchiveRejected) as caught:
        unpack(data, tmp_path, content_key="c2", installed={TINY: 0})

    assert caught.value.code == "corrupt-entry"
    assert sorted(str(path) for path in files_under(tmp_path)) == before


def test_file_name_must_end_in_h5p(tmp_path):
    with pytest.raises(ArchiveRejected) as caught:
        unpack(tiny_quiz_h5p(), tmp_path, filename="quiz.zip")

    assert caught.value.code == "missing-h5p-extension"
    assert "quiz.zip" in caught.value.message
    assert files_under(tmp_path) == []


def test_installed_libraries_may_be_a_callable(tmp_path):
    asked = []

    def installed(ref):
        asked.append(ref)
        return 0 if ref == TINY else None

    manifest, files = unpack(
        tiny_quiz_h5p(), tmp_path, installed=installed, may_install_libraries=False
    )
    files.finish()

    assert TINY in asked
    assert manifest.main_library == TINY
