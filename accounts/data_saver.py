"""Whether the reader wants media behind a tap (ADR 0043): the account says so for a person
logged in; a cookie says so for a visitor who is not."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "ilm_data_saver"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60  # a year: a setting, not a session


def data_saver_on(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.data_saver
    # Only the exact value the site writes counts; anything else (forged, stale) is "off".
    return request.COOKIES.get(COOKIE_NAME) == "1"


def data_saver_cookie_set(response: HttpResponse, *, on: bool) -> None:
    """Remember the choice in this browser too, so it holds after logging out."""
    if on:
        response.set_cookie(
            COOKIE_NAME,
            "1",
            max_age=COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")


def data_saver(request: HttpRequest) -> dict:
    """Context processor: `data_saver` for the blocks and the toggle in the footer."""
    return {"data_saver": data_saver_on(request)}
