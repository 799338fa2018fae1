"""Reads of authored content: pages in the reader's language, the catalogue, open runs.

Every function here issues a fixed number of queries whatever the number of courses, lessons
or learners: lists are fetched with `select_related`/`prefetch_related`, and pages in the
reader's language are looked up for a whole set of translation keys at once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from wagtail.models import Locale, Page

from .models import CoursePage, CourseRun, Level, ProgramPage

CATALOGUE_PAGE_SIZE = 12
# Search results are narrowed to this many translation keys; more would not be read anyway.
SEARCH_RESULT_LIMIT = 500


# --- Pages in the reader's language ------------------------------------------------------


def current_locale() -> Locale | None:
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
    university: str = ""
    language: str = ""
    level: str = ""
    open_only: bool = False

    @classmethod
    def from_querydict(cls, data) -> "CatalogueFilters":
        languages = {code for code, _name in settings.LANGUAGES}
        language = data.get("language", "")
        level = data.get("level", "")
        return cls(
            query=data.get("q", "").strip()[:200],
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
    return " ".join(cleaned.split())[:200]


def _search_keys(model, query: str) -> list:
    """Translation keys of pages matching `query` in any language, best match first."""
    terms = search_terms(query)
    if not terms:
        return []
    results = model.objects.live().search(terms)[:SEARCH_RESULT_LIMIT]
    keys: list = []
    for page in results:
        if page.translation_key not in keys:
            keys.append(page.translation_key)
    return keys


def catalogue_courses(filters: CatalogueFilters, locale: Locale | None, at=None) -> QuerySet:
    """Live courses in the reader's language (or their original), filtered and annotated."""
    at = at or timezone.now()
    courses = localized_queryset(CoursePage.objects.live(), locale)
    if filters.university:
        co_taught = CoursePage.co_teaching_universities.through.objects.filter(
            university__code=filters.university
        ).values("coursepage_id")
        courses = courses.filter(Q(university__code=filters.university) | Q(pk__in=co_taught))
    if filters.language:
        courses = courses.filter(language=filters.language)
    if filters.level:
        courses = courses.filter(level=filters.level)
    courses = courses.annotate(
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
