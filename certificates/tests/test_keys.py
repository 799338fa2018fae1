import base64
import logging

import pytest

from certificates import keys
from certificates.services import issuer_key_create
from tests.factories import UniversityFactory

KEK_TEXT = base64.urlsafe_b64encode(bytes(range(32))).decode()


def test_sealed_key_round_trips_and_is_not_plain_text():
    generated = keys.generate_key()
    kek = keys.key_encryption_key({keys.KEK_ENV: KEK_TEXT})
    sealed = keys.seal_private_key(generated.private_key, kek)
    seed = generated.private_key.private_bytes_raw()
    assert seed.hex() not in sealed and base64.urlsafe_b64encode(seed).decode() not in sealed
    opened = keys.open_private_key(sealed, generated.public_multikey, kek)
    assert opened.private_bytes_raw() == seed


def test_wrong_kek_or_swapped_public_key_is_refused():
    generated, other = keys.generate_key(), keys.generate_key()
    kek = keys.key_encryption_key({keys.KEK_ENV: KEK_TEXT})
    sealed = keys.seal_private_key(generated.private_key, kek)
    with pytest.raises(keys.KeyEncryptionError):
        keys.open_private_key(sealed, generated.public_multikey, bytes(32))
    with pytest.raises(keys.KeyEncryptionError):
        keys.open_private_key(sealed, other.public_multikey, kek)
    with pytest.raises(keys.KeyEncryptionError):
        keys.open_private_key("v0:" + sealed[3:], generated.public_multikey, kek)


def test_kek_from_file(tmp_path):
    path = tmp_path / "kek"
    path.write_text(KEK_TEXT + "\n")
    assert keys.key_encryption_key({keys.KEK_FILE_ENV: str(path)}) == bytes(range(32))
    with pytest.raises(keys.KeyEncryptionError, match="cannot read"):
        keys.key_encryption_key({keys.KEK_FILE_ENV: str(tmp_path / "missing")})


@pytest.mark.parametrize(
    "value", ["short", "!!!notbase64!!!", base64.b64encode(bytes(16)).decode()]
)
def test_malformed_kek_is_refused(value):
    with pytest.raises(keys.KeyEncryptionError):
        keys.key_encryption_key({keys.KEK_ENV: value})


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_missing_kek_is_an_error_without_fallback_and_a_warning_with_it():
    with pytest.raises(keys.KeyEncryptionError):
        keys.key_encryption_key({})
    handler = _Collect()
    keys.logger.addHandler(handler)
    keys._warn_about_fallback_once.cache_clear()  # the warning is once per process
    try:
        derived = keys.key_encryption_key({}, fallback_secret="dev-secret")
        again = keys.key_encryption_key({}, fallback_secret="dev-secret")
    finally:
        keys.logger.removeHandler(handler)
    assert len(derived) == 32
    assert again == derived
    warnings = [m for m in handler.messages if "never for production" in m]
    assert len(warnings) == 1


def test_kek_comes_from_its_setting_or_the_file_it_names(settings, tmp_path):
    settings.ILM_KEY_ENCRYPTION_KEY = KEK_TEXT
    settings.ILM_KEY_ENCRYPTION_KEY_FILE = ""
    assert keys.key_encryption_key() == bytes(range(32))

    path = tmp_path / "kek"
    path.write_text(KEK_TEXT + "\n")
    settings.ILM_KEY_ENCRYPTION_KEY = ""
    settings.ILM_KEY_ENCRYPTION_KEY_FILE = str(path)
    assert keys.key_encryption_key() == bytes(range(32))

    settings.ILM_KEY_ENCRYPTION_KEY_FILE = ""
    with pytest.raises(keys.KeyEncryptionError, match="ILM_KEY_ENCRYPTION_KEY"):
        keys.key_encryption_key()


@pytest.mark.django_db
def test_without_the_fallback_a_missing_kek_stops_key_creation(settings):
    settings.ILM_KEY_ENCRYPTION_KEY = ""
    settings.ILM_KEY_ENCRYPTION_KEY_FILE = ""
    settings.CERTIFICATES_ALLOW_KEK_FALLBACK = False
    with pytest.raises(keys.KeyEncryptionError):
        issuer_key_create(university=UniversityFactory())
