"""A run's term: a season and a year, named in the reader's language ("Autumn 2026", "2026年秋季").

Stored as two fields, not free text, so that every language can name the term and reports can
filter on it; parsing accepts the name in any of our languages, or `autumn-2026`.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Season(models.TextChoices):
    WINTER = "winter", _("Winter")
    SPRING = "spring", _("Spring")
    SUMMER = "summer", _("Summer")
    AUTUMN = "autumn", _("Autumn")


# Whole phrases, so each language puts the year where it belongs.
_TERM_NAMES = {
    Season.WINTER: _("Winter %(year)s"),
    Season.SPRING: _("Spring %(year)s"),
    Season.SUMMER: _("Summer %(year)s"),
    Season.AUTUMN: _("Autumn %(year)s"),
}
_KEY_AND_YEAR = re.compile(r"^\s*([a-z]+)[\s\-_]+(\d{4})\s*$", re.IGNORECASE)


def term_name(season: str, year: int | None) -> str:
    """The term in the active language; a season we do not know shows its year alone."""
    name = _TERM_NAMES.get(season)
    if name is None or year is None:
        return str(year or "")
    return str(name) % {"year": year}


def season_for(day) -> str:
    """The academic season a run starting on `day` belongs to (the demo's and old rows')."""
    if day.month <= 4:
        return Season.SPRING
    return Season.SUMMER if day.month < 9 else Season.AUTUMN


def term_parse(text: str) -> tuple[str, int] | None:
    """(season, year) from "Spring 2026", "spring-2026", "Весна 2026", ...; None otherwise."""
    text = " ".join(str(text).split())
    match = _KEY_AND_YEAR.match(text)
    aliases = {"fall": Season.AUTUMN}
    if match:
        key = aliases.get(match.group(1).lower(), match.group(1).lower())
        if key in Season.values:
            return key, int(match.group(2))
    year_match = re.search(r"\d{4}", text)
    if not year_match:
        return None
    year = int(year_match.group())
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for season in Season.values:
                if term_name(season, year).casefold() == text.casefold():
                    return season, year
    return None


def term_name_expression(season_field: str, year_field: str):
    """SQL naming the term in the active language, for reports that never load the run rows."""
    whens = []
    for season in Season.values:
        before, _sep, after = str(_TERM_NAMES[season]).partition("%(year)s")
        year = Cast(year_field, CharField())
        whens.append(When(**{season_field: season}, then=Concat(Value(before), year, Value(after))))
    return Case(*whens, default=Cast(year_field, CharField()), output_field=CharField())
