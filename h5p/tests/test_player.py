"""The core API the validator accepts is the one the bundled player really implements."""

import io
import json
import shutil

import pytest
from django.utils import translation

from h5p.archive import ArchiveRejected
from h5p.package import unpack_package
from h5p.player import (
    KNOWN_BUILDS,
    SERVED_PLAYER,
    PlayerBuild,
    core_file_mismatches,
    pinned_build,
    pinned_version,
    supported_core_api,
)
from h5p.tests.packages import TINY_QUIZ_FOLDER, build_h5p, tiny_quiz_files
from h5p.validation import SUPPORTED_CORE_API


def with_core_api(major: int, minor: int) -> bytes:
    files = tiny_quiz_files()
    name = f"{TINY_QUIZ_FOLDER}/library.json"
    library = json.loads(files[name])
    library["coreApi"] = {"majorVersion": major, "minorVersion": minor}
    files[name] = json.dumps(library).encode()
    return build_h5p(files)


def unpack(data: bytes, root):
    return unpack_package(
        io.BytesIO(data),
        root=root,
        content_key="c1",
        installed=set(),
        may_install_libraries=True,
    )


def test_the_pinned_player_is_listed_and_provides_core_1_28():
    assert pinned_version() in KNOWN_BUILDS
    assert pinned_build().core_api == (1, 28)
    assert SUPPORTED_CORE_API == supported_core_api() == (1, 28)


def test_the_served_player_files_are_the_listed_build():
    # `make install` copies the player (manage.py h5p_player_install); the files a learner's
    # browser runs must be the build whose core API the validator trusts.
    assert (SERVED_PLAYER / "main.bundle.js").is_file(), "run `make install` first"
    assert core_file_mismatches(SERVED_PLAYER) == []
    stamp = json.loads((SERVED_PLAYER / "ilm-build.json").read_text())
    assert stamp == {"version": pinned_version(), "coreApi": "1.28"}


def test_a_changed_core_file_is_noticed(tmp_path):
    for relative in pinned_build().core_files:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SERVED_PLAYER / relative, tmp_path / relative)
    assert core_file_mismatches(tmp_path) == []

    with (tmp_path / "frame.bundle.js").open("ab") as frame:
        frame.write(b"\n/* another core */\n")

    assert core_file_mismatches(tmp_path) == ["frame.bundle.js"]
    unlisted = PlayerBuild(version="0.0.0", core_api=(1, 0), core_files={"missing.js": "0" * 64})
    assert core_file_mismatches(tmp_path, unlisted) == ["missing.js"]


def test_a_package_whose_libraries_declare_core_1_28_imports(tmp_path):
    manifest, files = unpack(with_core_api(1, 28), tmp_path)
    files.finish()

    library = manifest.libraries_to_install[0]
    assert library.data["coreApi"] == {"majorVersion": 1, "minorVersion": 28}
    assert (tmp_path / "libraries" / TINY_QUIZ_FOLDER / "library.json").is_file()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "needs H5P core 1.29; the player provides 1.28."),
        ("ru", "требует ядро H5P 1.29; проигрыватель предоставляет 1.28."),
    ],
)
def test_a_package_needing_core_1_29_is_refused_in_the_readers_language(
    tmp_path, language, expected
):
    with translation.override(language), pytest.raises(ArchiveRejected) as caught:
        unpack(with_core_api(1, 29), tmp_path)

    assert caught.value.code == "api-version-unsupported"
    assert caught.value.message == f"{TINY_QUIZ_FOLDER}/library.json {expected}"
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]
