"""Writes to a person's account."""

from django.db import transaction

from .languages import language_served


@transaction.atomic
def user_language_set(*, user, language: str) -> bool:
    """Remember `language` as the one `user` reads and is written to in; True if it changed.

    The account's `preferred_language` decides every email the platform sends them (and
    `accounts.receivers` copies it to Wagtail's profile, which Wagtail's own notices read).
    An unknown code changes nothing.
    """
    served = language_served(language)
    if served is None or not user.pk or user.preferred_language == served:
        return False
    user.preferred_language = served
    user.save(update_fields=["preferred_language"])
    return True


@transaction.atomic
def user_data_saver_set(*, user, on: bool) -> bool:
    """Turn the data saver on or off on `user`'s account; True if it changed.

    With it on, lesson pages put their images behind a tap (ADR 0043), on every device the
    person logs in on.
    """
    if not user.pk or user.data_saver == on:
        return False
    user.data_saver = on
    user.save(update_fields=["data_saver"])
    return True
