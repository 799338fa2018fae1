"""Property tests: Django's `set_language` (`/i18n/setlang/`) answers any post with a
redirect to this site, never a 500 and never an address elsewhere (an open redirect would
let a link on another site send a reader anywhere after a language switch)."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.strategies import awkward_text

FUZZ = settings(max_examples=60, deadline=None)

awkward = awkward_text("/\\:.?#@%-_ \x00\t\n\r\u202e", max_size=60)
next_values = st.one_of(
    awkward,
    st.sampled_from(
        [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "/ru/catalogue/",
            "/en/catalogue/?q=x",
            "http://testserver/kk/",
        ]
    ),
)
languages = st.one_of(
    awkward, st.sampled_from([code for code, _name in django_settings.LANGUAGES] + ["de", "EN"])
)


@pytest.mark.django_db
@FUZZ
@given(
    post=st.fixed_dictionaries({}, optional={"language": languages, "next": next_values}),
    referer=st.one_of(st.none(), next_values),
)
@example(post={"language": "ru", "next": "//evil.example/x"}, referer=None)
@example(post={"language": "kk", "next": "/en/catalogue/"}, referer=None)
def test_any_language_switch_redirects_within_the_site(post, referer):
    client = Client()  # a fresh browser each time: the cookie set by one switch changes the next
    headers = {} if referer is None else {"HTTP_REFERER": referer}
    try:
        response = client.post("/i18n/setlang/", post, **headers)
    except UnicodeEncodeError:
        # The test client cannot put such a Referer on the wire; a browser cannot either.
        return
    assert response.status_code in (302, 204), response.status_code
    if response.status_code == 302:
        target = urlsplit(response["Location"])
        assert target.netloc in ("", "testserver"), response["Location"]
        assert target.scheme in ("", "http", "https"), response["Location"]
    if post == {"language": "kk", "next": "/en/catalogue/"}:
        assert response["Location"] == "/kk/catalogue/"
        assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "kk"
