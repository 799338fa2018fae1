"""The id_token parser takes anything and answers a LaunchError, never another exception."""

from hypothesis import given
from hypothesis import strategies as st
from jwcrypto import jwk

from lti.tokens import Expected, LaunchError, language_of, launch_claims

KEYS = jwk.JWKSet()
EXPECTED = Expected(issuer="https://p", client_id="c", deployments=("d",), nonce="n")


@given(st.text(max_size=300))
def test_any_text_as_a_token_is_refused_cleanly(text):
    try:
        launch_claims(text, EXPECTED, lambda refresh: KEYS)
    except LaunchError as error:
        assert error.status in (400, 403)
    else:
        raise AssertionError("an unsigned token was accepted")


@given(st.text(max_size=40))
def test_any_locale_maps_to_one_of_ilms_languages(locale):
    claims = {"https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {"locale": locale}}
    assert language_of(claims, "en") in {"tg", "ru", "kk", "uz", "ky", "zh-hans", "en"}


def test_common_locales():
    def of(locale):
        key = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
        return language_of({key: {"locale": locale}}, "en")

    assert [of(x) for x in ("ru_RU", "zh-CN", "kk", "tg_TJ", "fr")] == [
        "ru",
        "zh-hans",
        "kk",
        "tg",
        "en",
    ]
