"""allauth, in the reader's language: emails in the recipient's, a login lands in the stored one.

Every allauth email (address verification, password reset, security notices) goes through
`send_mail`, rendered in the language the recipient chose, with its links under that language's
prefix. Signing up stores the language the form was filled in; signing in lands the person in
their stored language and remembers it in the language cookie (ADR 0033).
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation

from .languages import language_served, recipient_language
from .services import user_language_set


def language_cookie_set(response, language: str) -> None:
    """Remember `language` in Django's language cookie on `response`."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # The language the sign-up form was read in is the person's until they choose another.
        user.preferred_language = user.preferred_language or (
            language_served(translation.get_language()) or settings.LANGUAGE_CODE
        )
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        recipient = context.get("user") or (
            get_user_model().objects.filter(email__iexact=email).first()
        )
        language = (
            recipient_language(recipient)
            if recipient is not None and language_served(recipient.preferred_language)
            else language_served(translation.get_language()) or settings.LANGUAGE_CODE
        )
        # Links are resolved in the language they were made in, then reversed in the recipient's.
        links = {
            key: translate_url(value, language)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str)
        }
        with translation.override(language):
            super().send_mail(template_prefix, email, {**context, **links})

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        stored = language_served(user.preferred_language)
        if stored is None:
            stored = language_served(translation.get_language()) or settings.LANGUAGE_CODE
            user_language_set(user=user, language=stored)
        if isinstance(response, HttpResponseRedirect):
            response["Location"] = translate_url(response["Location"], stored)
            language_cookie_set(response, stored)
        return response
