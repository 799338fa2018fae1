"""Every page in every language: a translation where one exists, an alias of the original
where none does (ADR 0030).

A reader under `/kk/` who follows a link to a course written in Russian gets that course under
`/kk/`, with the interface in Kazakh and a note that the content is in Russian, instead of a 404
or a silent switch to the Russian interface. Wagtail aliases do the serving: an alias is a
page of its own in the reader's locale tree whose content Wagtail copies from the original each
time the original is published, and wagtail-localize turns the alias into a real translation
the moment someone translates the page.

Writes only; reads of which versions exist are in `courses.selectors`. Everything here is
idempotent: running it again finds what is there and adds what is missing.
"""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page


def served_locales() -> list[Locale]:
    """The Wagtail locales of the interface languages, created when missing."""
    locales = []
    for code, _name in settings.LANGUAGES:
        locale, _created = Locale.objects.get_or_create(language_code=code)
        locales.append(locale)
    return locales


def original_of(page: Page) -> Page:
    """The page a translation key was first written as: the oldest page that is not an alias."""
    if page.alias_of_id:
        return page.alias_of
    return (
        Page.objects.filter(translation_key=page.translation_key, alias_of__isnull=True)
        .order_by("pk")
        .first()
        or page
    )


@transaction.atomic
def versions_fill(page: Page, locales: list[Locale] | None = None) -> list[Page]:
    """Give `page`'s translation key a page in every served locale; return the aliases made.

    Only live originals are aliased: a draft is nobody's to read yet, and Wagtail publishes its
    aliases when it is published (this runs again then). The root and the pages directly under
    it (each locale's home page) are left alone: they are the trees themselves.
    """
    if page.depth <= 2:
        return []
    original = original_of(page).specific
    if not original.live:
        return []
    locales = locales if locales is not None else served_locales()
    present = set(
        Page.objects.filter(translation_key=original.translation_key).values_list(
            "locale_id", flat=True
        )
    )
    made = []
    for locale in locales:
        if locale.pk not in present:
            # copy_parents aliases any missing ancestor too, so the path exists under `locale`.
            made.append(original.copy_for_translation(locale, copy_parents=True, alias=True))
    return made


def versions_fill_all() -> int:
    """Fill every locale for every live page, parents before children; return aliases made."""
    locales = served_locales()
    made = 0
    originals = Page.objects.live().filter(alias_of__isnull=True, depth__gt=2).order_by("path")
    for page_id in list(originals.values_list("pk", flat=True)):
        page = Page.objects.filter(pk=page_id).first()
        if page is not None:
            made += len(versions_fill(page, locales))
    return made


def aliases_remove(page: Page) -> int:
    """Delete the aliases of `page` (and their subtrees), before `page` itself is deleted.

    Wagtail keeps an alias whose original is deleted as a plain page with the old content;
    here the alias was only a stand-in, so it goes with its original.
    """
    removed = 0
    for alias in Page.objects.filter(alias_of=page):
        alias.delete()
        removed += 1
    return removed
