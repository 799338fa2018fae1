"""Reads of authored content: pages in the reader's language, the catalogue, open runs.

Every function here issues a fixed number of queries whatever the number of courses, lessons
or learners: lists are fetched with `select_related`/`prefetch_related`, and pages in the
reader's language are looked up for a whole set of translation keys at once.
"""

import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    CharField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from . import fuzzy
from .kept import kept
from .models import CoursePage, CourseRun, Level, ProgramPage

CATALOGUE_PAGE_SIZE = 12
# Search results are narrowed to this many translation keys; more would not be read anyway.
SEARCH_RESULT_LIMIT = 500


# --- Pages in the reader's language ------------------------------------------------------


def current_locale() -> Locale | None:
    """The active language's locale; kept (ADR 0066): locales are written only by content
    changes, which bump the generation."""
    return kept("locale", (translation.get_language(),), _active_locale)


def _active_locale() -> Locale | None:
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return None


def localized_pages(translation_keys, locale: Locale | int | None) -> dict:
    """Map each translation key to its live page in `locale`, or else to its original page.

    One query for any number of keys. The pages are plain `Page` objects: enough for a title
    and a URL, without loading each page's specific row.
    """
    keys = {key for key in translation_keys if key}
    if not keys:
        return {}
    locale_id = getattr(locale, "pk", locale)
    found: dict = {}
    pages = Page.objects.live().filter(translation_key__in=keys).order_by("pk")
    for page in pages:
        key = page.translation_key
        if locale_id is not None and page.locale_id == locale_id:
            found[key] = page  # the reader's language wins
        elif key not in found or (found[key].alias_of_id and not page.alias_of_id):
            found.setdefault(key, page)
    return found


def localized_queryset(queryset: QuerySet, locale: Locale | None) -> QuerySet:
    """One row per translation key: the page in `locale` when there is one, else the original.

    The original is the oldest non-alias page of the key, which is how
    `CoursePage.source_page` picks it.
    """
    live = queryset.model.objects.live()
    if locale is None:
        return queryset.filter(alias_of__isnull=True)
    originals = (
        live.filter(alias_of__isnull=True)
        .order_by()
        .values("translation_key")
        .annotate(first=Min("pk"))
        .values("first")
    )
    in_locale = live.filter(locale=locale).order_by().values("translation_key")
    return queryset.filter(
        Q(locale=locale) | (Q(pk__in=Subquery(originals)) & ~Q(translation_key__in=in_locale))
    )


# --- Catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    query_shortened: bool = False
    university: str = ""
    language: str = ""
    level: str = ""
    open_only: bool = False

    @classmethod
    def from_querydict(cls, data) -> "CatalogueFilters":
        languages = {code for code, _name in settings.LANGUAGES}
        language = data.get("language", "")
        level = data.get("level", "")
        query = data.get("q", "").strip()
        return cls(
            query=query[: fuzzy.MAX_QUERY_CHARS],
            query_shortened=len(query) > fuzzy.MAX_QUERY_CHARS,
            university=data.get("university", "").strip()[:20],
            # Unknown values are dropped, not passed on to the database.
            language=language if language in languages else "",
            level=level if level in Level.values else "",
            open_only=data.get("open") in {"1", "on", "true"},
        )

    @property
    def narrows_courses_only(self) -> bool:
        # Programs have no language, level or run of their own.
        return bool(self.language or self.level or self.open_only)


def _open_runs(at):
    return CourseRun.objects.filter(
        course__translation_key=OuterRef("translation_key"),
        enrollment_opens_at__lte=at,
        enrollment_closes_at__gt=at,
    )


def search_terms(query: str) -> str:
    """The query without what search backends choke on.

    SQLite's full-text search fails on a lone double quote and PostgreSQL on NUL, so quotes
    and control characters become spaces; words are what people search for here.
    """
    cleaned = "".join(
        " " if char == '"' or ord(char) < 32 or char == "\x7f" else char for char in query
    )
    return " ".join(cleaned.split())[: fuzzy.MAX_QUERY_CHARS]


def _lesson_texts() -> dict:
    """Lesson text of live lessons, joined per course path prefix (one query)."""
    from .models import LessonPage

    texts: dict = {}
    # Aliases repeat their original's text word for word (ADR 0030).
    lessons = LessonPage.objects.live().filter(alias_of__isnull=True)
    for path, body in lessons.values_list("path", "body"):
        raw = getattr(body, "raw_data", body)
        if isinstance(raw, str):
            raw = json.loads(raw or "[]")
        texts.setdefault(path, []).extend(_strings(list(raw)))
    return texts


_TAG = re.compile(r"<[^>]+>")


def _strings(data) -> list[str]:
    """The readable strings of a StreamField's raw data, without block ids, types or tags."""
    if isinstance(data, str):
        return [_TAG.sub(" ", data)]
    if isinstance(data, dict):
        return [s for k, v in data.items() if k not in {"id", "type"} for s in _strings(v)]
    if isinstance(data, list | tuple):
        return [s for item in data for s in _strings(item)]
    return []


def _search_keys(model, query: str) -> list:
    """Translation keys of live pages matching `query` in any language, best match first.

    Titles and summaries (and, for courses, their lessons' text) are matched in Python by
    `courses.fuzzy`, so partial words, typos and either script of Uzbek and Kazakh are
    forgiven the same way on SQLite and PostgreSQL (ADR 0027). Two or three queries.
    """
    wanted = fuzzy.query_words(search_terms(query))
    if not wanted:
        return []
    originals_and_translations = model.objects.live().filter(alias_of__isnull=True)
    rows = list(
        originals_and_translations.values_list("translation_key", "path", "title", "summary")
    )
    lessons = _lesson_texts() if model is CoursePage else {}
    by_path: dict = {}
    for _key, path, title, summary in rows:
        by_path.setdefault(path, set()).update(fuzzy.words(f"{title} {summary}"))
    for lesson_path, texts in lessons.items():
        for depth in range(len(lesson_path) - 4, 0, -4):
            if lesson_path[:depth] in by_path:
                by_path[lesson_path[:depth]].update(fuzzy.words(" ".join(texts)))
                break
    scored: dict = {}
    for key, path, title, _summary in rows:
        points = fuzzy.score(wanted, by_path[path])
        if points:
            title_bonus = fuzzy.score(wanted, set(fuzzy.words(title)))
            scored[key] = max(scored.get(key, 0), points + title_bonus)
    ranked = sorted(scored, key=lambda key: -scored[key])
    return ranked[:SEARCH_RESULT_LIMIT]


def _full_translations() -> QuerySet:
    """Live translations of a course one can study in their own locale's language.

    Real translations (not the original, not aliases) none of whose live pages below is still
    an alias of the original: a translated title over untranslated lessons is not a course one
    can take in that language. Correlated on `translation_key` by the callers.
    """
    untranslated_below = Page.objects.live().filter(
        alias_of__isnull=False, path__startswith=OuterRef("path"), depth__gt=OuterRef("depth")
    )
    earlier_original = CoursePage.objects.filter(
        translation_key=OuterRef("translation_key"), alias_of__isnull=True, pk__lt=OuterRef("pk")
    )
    return (
        CoursePage.objects.live()
        .filter(alias_of__isnull=True, translation_key=OuterRef("translation_key"))
        .filter(Exists(earlier_original))
        .exclude(Exists(untranslated_below))
    )


def teaching_languages_annotation() -> Concat:
    """The codes of the languages a course can be studied in, comma-separated.

    The original's teaching language (the `language` field, which translations and aliases
    share with it), then the locale of each full translation, in no set order.
    """
    translated = (
        _full_translations()
        .order_by()
        .values("translation_key")
        .annotate(codes=StringAgg("locale__language_code", Value(","), output_field=CharField()))
        .values("codes")[:1]
    )
    return Concat(
        F("language"),
        Value(","),
        Coalesce(Subquery(translated, output_field=CharField()), Value("")),
        output_field=CharField(),
    )


def catalogue_courses(filters: CatalogueFilters, locale: Locale | None, at=None) -> QuerySet:
    """Live courses in the reader's language (or their original), filtered and annotated.

    Each course carries `teaching_languages`: the codes of the languages it can be studied
    in, which is what the language filter matches (ADR 0030).
    """
    at = at or timezone.now()
    courses = localized_queryset(CoursePage.objects.live(), locale)
    if filters.university:
        co_taught = CoursePage.co_teaching_universities.through.objects.filter(
            university__code=filters.university
        ).values("coursepage_id")
        courses = courses.filter(Q(university__code=filters.university) | Q(pk__in=co_taught))
    if filters.language:
        courses = courses.filter(
            Q(language=filters.language)
            | Exists(_full_translations().filter(locale__language_code=filters.language))
        )
    if filters.level:
        courses = courses.filter(level=filters.level)
    courses = courses.annotate(
        teaching_languages=teaching_languages_annotation(),
        is_open=Exists(_open_runs(at)),
        next_run_starts_on=Subquery(
            CourseRun.objects.filter(
                course__translation_key=OuterRef("translation_key"), ends_on__gte=at.date()
            )
            .order_by("starts_on")
            .values("starts_on")[:1]
        ),
    )
    if filters.open_only:
        courses = courses.filter(is_open=True)
    courses = courses.select_related("university").prefetch_related("co_teaching_universities")
    if filters.query:
        keys = _search_keys(CoursePage, filters.query)
        return courses.filter(translation_key__in=keys).order_by("title", "pk")
    return courses.order_by("title", "pk")


def catalogue_programs(filters: CatalogueFilters, locale: Locale | None) -> list[ProgramPage]:
    if filters.narrows_courses_only:
        return []
    programs = localized_queryset(ProgramPage.objects.live(), locale)
    if filters.university:
        partners = ProgramPage.partner_universities.through.objects.filter(
            university__code=filters.university
        ).values("programpage_id")
        programs = programs.filter(Q(lead_university__code=filters.university) | Q(pk__in=partners))
    if filters.query:
        programs = programs.filter(translation_key__in=_search_keys(ProgramPage, filters.query))
    return list(
        programs.select_related("lead_university")
        .prefetch_related("partner_universities")
        .order_by("title", "pk")
    )


# --- Runs --------------------------------------------------------------------------------


def current_run_for(course_page, at=None) -> CourseRun | None:
    """The run of a course that is open for enrollment now, the earliest-starting first."""
    at = at or timezone.now()
    return (
        CourseRun.objects.filter(
            course__translation_key=course_page.translation_key,
            enrollment_opens_at__lte=at,
            enrollment_closes_at__gt=at,
        )
        .order_by("starts_on", "pk")
        .first()
    )


__all__ = [
    "CATALOGUE_PAGE_SIZE",
    "CatalogueFilters",
    "catalogue_courses",
    "catalogue_programs",
    "current_run_for",
    "localized_pages",
]
