"""Whatever Accept-Language header or language cookie a browser sends, no page answers a 500.

A malformed header or a cookie naming a language we do not serve is ignored and negotiation
falls back (ADR 0033); an unknown prefix answers the translated 404 page.
"""

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

URLS = ["/", "/en/catalogue/", "/ru/accounts/login/", "/xx/catalogue/"]
COOKIE = settings.LANGUAGE_COOKIE_NAME

# Language-range-like pieces, so that examples often look almost right, plus arbitrary text.
_range = st.from_regex(r"\A[a-zA-Z*]{0,9}(-[a-zA-Z0-9]{0,9}){0,3}\Z")
_weight = st.one_of(st.just(""), st.from_regex(r"\A;q=[0-9.\-e]{0,6}\Z"), st.text(max_size=8))
_header = st.one_of(
    st.lists(st.tuples(_range, _weight).map("".join), max_size=8).map(",".join),
    st.text(max_size=600),
)
_cookie = st.one_of(
    st.sampled_from(["xx", "zh-hant", "ZH-HANS", "ru-RU", "en_US", "", " ", "tg\x00", "kk;"]),
    # A WSGI server hands headers over as latin-1 text, so no cookie holds more than that.
    st.text(alphabet=st.characters(max_codepoint=255), max_size=40),
)


@pytest.mark.django_db
@given(header=_header)
@example(header="ru;q=abc, *;q=-1, ,;;")
@example(header="x" * 600)
@example(header="zh-Hans-CN;q=0.9,zh;q=0.8")
def test_any_accept_language_header_is_answered_without_a_server_error(header):
    client = Client()
    for url in URLS:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code < 500, (url, header)
        if url == "/":
            assert response.status_code == 302
            served = {f"/{code}/" for code, _name in settings.LANGUAGES}
            assert response["Location"] in served


@pytest.mark.django_db
@given(cookie=_cookie, header=st.sampled_from(["", "kk", "de, fr;q=0.5"]))
@example(cookie="xx", header="kk")
@example(cookie="12;", header="kk")
def test_any_language_cookie_is_answered_without_a_server_error(cookie, header):
    client = Client()
    raw = f"{COOKIE}={cookie}"
    for url in URLS:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=header, HTTP_COOKIE=raw)
        assert response.status_code < 500, (url, cookie)
    # Whatever the cookie says, `/` leads to one of our seven prefixes; one naming no language
    # (no letters at all) never decides, the header does.
    location = client.get("/", HTTP_ACCEPT_LANGUAGE=header, HTTP_COOKIE=raw)["Location"]
    assert location in {f"/{code}/" for code, _name in settings.LANGUAGES}
    if not any(char.isascii() and char.isalpha() for char in cookie):
        assert location == ("/kk/" if header == "kk" else "/en/")
