"""The interface catalogues: complete, and compiled from their current source."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(path.name for path in LOCALE_DIR.iterdir() if path.is_dir())


def test_every_interface_language_but_english_has_a_catalogue():
    served = {code.replace("-hans", "_Hans") for code, _name in settings.LANGUAGES} - {"en"}
    assert set(CATALOGUES) == served


@pytest.mark.parametrize("language", CATALOGUES)
def test_catalogue_is_fully_translated_and_its_mo_matches_the_po(language):
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo if not e.msgid_plural}
    source = {
        (e.msgctxt, e.msgid): e.msgstr
        for e in po.translated_entries()
        if not e.msgid_plural and not e.obsolete
    }
    stale = {key for key, text in source.items() if compiled.get(key) != text}
    assert stale == set(), "run msgfmt (or compilemessages) for " + language
