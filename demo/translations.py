"""The demo's translations beyond whole courses: titles and summaries everywhere, one outdated.

Every program and course gets a real wagtail-localize translation into each of the other six
languages, with at least its title and summary translated; its other strings fall back to the
source until a translator reaches them (the teaching dashboard shows those as incomplete).
Whole-course translations are made first by `pages.course_translate`; this module leaves them
alone. Every step looks for what an earlier run made, so seeding stays idempotent.
"""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from courses.models import CoursePage, ProgramPage
from demo.content.titles import OUTDATED, TITLES
from demo.pages import ancestors_ensure, translated_or_none

LANGUAGES = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


@transaction.atomic
def titles_translate(page: Page, language: str, title: str, summary: str, *, user=None) -> Page:
    """Translate the title and summary of one page (a course or a program), not its children.

    The page lands under its parent's version in `language`; missing parents are made aliases
    of the original, as they would be for any untranslated page. An alias already standing in
    the page's place is converted into the translation.
    """
    locale = Locale.objects.get(language_code=language)
    page = page.specific
    existing = translated_or_none(page, locale)
    if existing is not None:
        return existing.specific
    ancestors_ensure(page, locale)
    source, _created = TranslationSource.get_or_create_from_instance(page)
    wanted = {"title": title, "summary": summary}
    segments = StringSegment.objects.filter(
        source=source, context__path__in=list(wanted)
    ).select_related("string", "context")
    for segment in segments:
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": wanted[segment.context.path],
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            },
        )
    Translation.objects.get_or_create(source=source, target_locale=locale)
    # Saved as a draft and published here, like `pages.course_translate`: wagtail-localize's
    # own publish waits for the commit and then writes a stale copy over the tree position.
    source.create_or_update_translation(
        locale, user=user, publish=False, copy_parent_pages=False, fallback=True
    )
    page.get_translation(locale).get_latest_revision().publish(user=user)
    return page.get_translation(locale).specific


def titles_ensure(*, user=None) -> int:
    """Title-and-summary translations of every demo program and course; how many were made."""
    made = 0
    for slug, by_language in TITLES.items():
        page = _source_page(slug)
        for language in LANGUAGES:
            if language == page.locale.language_code:
                continue
            title, summary = by_language[language]
            locale = Locale.objects.get(language_code=language)
            if translated_or_none(page, locale) is None:
                titles_translate(page, language, title, summary, user=user)
                made += 1
    return made


def outdated_ensure(*, user=None) -> CoursePage:
    """Publish the revised source of one translated course without syncing its translations.

    Its TranslationSource keeps the text extracted before the change, so the teaching
    dashboard shows every translation of it as outdated ("source changed").
    """
    course = _source_page(OUTDATED["slug"])
    if course.summary != OUTDATED["summary"]:
        course.summary = OUTDATED["summary"]
        course.save_revision(user=user).publish(user=user)
        course.refresh_from_db()
    return course


def _source_page(slug: str) -> Page:
    for model in (CoursePage, ProgramPage):
        # The original is created before any of its translations.
        page = model.objects.filter(slug=slug, alias_of=None).order_by("pk").first()
        if page is not None:
            return page
    raise LookupError(f"No demo page with slug {slug!r}.")
