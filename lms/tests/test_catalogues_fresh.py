"""The catalogues under locale/ are what `make messages` would make from the current source.

makemessages runs in a temporary copy of the project, so the test never writes to the
repository: it fails when a run would add a msgid (a new string nobody translated) or drop one
(a string the source no longer has, which would silently stop translating anything). Fixes to
third-party strings live in locale_overrides/, which makemessages must leave alone (ADR 0033).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)
LANGUAGES = ["ru", "tg", "kk", "uz", "ky", "zh_Hans"]
# The same folders the Makefile's MESSAGE_IGNORE names (plus what a copy never needs).
NOT_SOURCE = ["node_modules", "media", "staticfiles", "var", "test-output", "bench"]
NOT_COPIED = [".venv", ".git", ".hypothesis", ".pytest_cache", ".ruff_cache", "__pycache__"]


def _keys(path: Path) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    """A copy of the project after `make messages`' makemessages step."""
    copy = tmp_path_factory.mktemp("catalogues") / "project"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE, *NOT_COPIED))
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--verbosity", "0"]
    for folder in NOT_SOURCE:
        command += ["--ignore", folder]
    for language in LANGUAGES:
        command += ["-l", language]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    subprocess.run(command, cwd=copy, env=env, check=True, capture_output=True, timeout=600)
    return copy


@pytest.mark.parametrize("language", LANGUAGES)
def test_makemessages_would_neither_add_nor_drop_a_msgid(rebuilt, language):
    catalogue = Path(language) / "LC_MESSAGES" / "django.po"
    ours = _keys(REPO / "locale" / catalogue)
    fresh = _keys(rebuilt / "locale" / catalogue)
    assert sorted(fresh - ours, key=str) == [], "new strings: run `make messages`, translate"
    assert sorted(ours - fresh, key=str) == [], (
        "strings the source no longer has: run `make messages`; a fix to a third-party "
        "string belongs in locale_overrides/"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_makemessages_leaves_the_overrides_alone(rebuilt, language):
    catalogue = Path(language) / "LC_MESSAGES" / "django.po"
    original = (REPO / "locale_overrides" / catalogue).read_bytes()
    assert (rebuilt / "locale_overrides" / catalogue).read_bytes() == original


def test_overrides_come_first_in_locale_paths():
    paths = [Path(p) for p in settings.LOCALE_PATHS]
    assert paths == [REPO / "locale_overrides", REPO / "locale"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_overrides_are_translated_compiled_and_not_our_own_strings(language):
    folder = REPO / "locale_overrides" / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(folder / "django.mo"))}
    assert all(compiled.get((e.msgctxt, e.msgid)) == e.msgstr for e in po.translated_entries())
    # A msgid of our own belongs in locale/, where freshness is checked.
    ours = _keys(REPO / "locale" / language / "LC_MESSAGES" / "django.po")
    assert {(e.msgctxt, e.msgid) for e in po} & ours == set()
