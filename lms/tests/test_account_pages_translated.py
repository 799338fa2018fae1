"""Sign-in, sign-up and password-reset screens speak the reader's language (issue 12, item 4)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

ENGLISH = [
    "Sign In",
    "Sign Up",
    "Signup",
    "Forgot your password?",
    "Remember Me",
    "If you have not created an account yet",
    "Already have an account?",
    "Password Reset",
    "Forgotten your password?",
    "Reset My Password",
    "Please contact us if you have any trouble",
    "Your password can’t be too similar",
    "Your password must contain at least",
    "Your password can’t be a commonly used password",
    "Your password can’t be entirely numeric",
]
PAGES = ["login", "signup", "password/reset"]
LANGUAGES = ["tg", "ru", "kk", "uz", "ky", "zh-hans"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_account_page_has_no_english_source_string(client, language, page):
    response = client.get(f"/{language}/accounts/{page}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_english_account_page_shows_the_source_strings(client, page):
    html = client.get(f"/en/accounts/{page}/").content.decode()
    assert any(text in html for text in ENGLISH)


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_field_errors_are_translated(language):
    messages = []
    with translation.override(language):
        for field in (forms.CharField(), forms.DateField(), forms.EmailField()):
            for value in ("", "not valid"):
                try:
                    field.clean(value)
                except ValidationError as error:
                    messages += error.messages
    english = {"This field is required.", "Enter a valid date.", "Enter a valid email address."}
    assert messages
    assert english.isdisjoint(messages)
