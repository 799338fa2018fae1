"""Per course and language: is the translation there, finished, and still current? (ADR 0034)

Read from Wagtail's pages and wagtail-localize's own records, in a fixed number of queries
whatever the number of courses: string progress for every translation is counted by two
correlated subqueries in one query, never by `Translation.get_progress()` per object.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from courses.models import CoursePage

ORIGINAL = "original"
COMPLETE = "complete"
INCOMPLETE = "incomplete"
OUTDATED = "outdated"
MISSING = "missing"


@dataclass(frozen=True)
class Cell:
    language: str
    state: str
    translated: int | None = None
    total: int | None = None
    # Where to act: the translate form (missing) or the page editor (an existing page).
    action_url: str = ""
    # For a wagtail-localize translation: its PO download and upload, "Sync translated pages".
    po_download_url: str = ""
    po_upload_url: str = ""
    sync_url: str = ""


@dataclass(frozen=True)
class Row:
    course_pk: int
    title: str
    edit_url: str
    cells: list[Cell] = field(default_factory=list)


def courses_for_translation_status(user) -> QuerySet[CoursePage]:
    """Courses whose translations `user` may see: those they may explore in the admin, the
    gate the admin's own page tree uses (so every link in the table is one they may follow)."""
    explorable = PagePermissionPolicy().explorable_instances(user)
    return CoursePage.objects.filter(pk__in=explorable.values("pk"))


def _translations_with_progress(keys) -> QuerySet[Translation]:
    """Enabled translations of `keys` annotated with total and translated string counts."""
    segments = StringSegment.objects.filter(source_id=OuterRef("source_id")).order_by()
    total = segments.values("source_id").annotate(n=Count("pk")).values("n")
    # A segment counts as translated as wagtail-localize counts it: a translation of its
    # string, in its context, into the target locale, without an error.
    translated = (
        segments.filter(
            Exists(
                StringTranslation.objects.filter(
                    translation_of_id=OuterRef("string_id"),
                    context_id=OuterRef("context_id"),
                    locale_id=OuterRef(OuterRef("target_locale_id")),
                    has_error=False,
                )
            )
        )
        .values("source_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Translation.objects.filter(source__object_id__in=keys, enabled=True)
        .select_related("source")
        .annotate(
            total_segments=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)),
            translated_segments=Coalesce(
                Subquery(translated, output_field=IntegerField()), Value(0)
            ),
        )
    )


def _changed_at(page):
    return page.latest_revision_created_at or page.last_published_at


def translation_status_rows(courses: QuerySet[CoursePage]) -> list[Row]:
    """One row per course (its original page), one cell per language of `settings.LANGUAGES`.

    Three queries whatever the number of courses, plus what the `courses` gate costs.
    """
    locales = {locale.pk: locale.language_code for locale in Locale.objects.all()}
    pages_by_key: dict = {}
    for page in (
        Page.objects.filter(translation_key__in=courses.order_by().values("translation_key"))
        .only(
            "pk",
            "title",
            "translation_key",
            "locale_id",
            "alias_of_id",
            "latest_revision_created_at",
            "last_published_at",
        )
        .order_by("pk")
    ):
        pages_by_key.setdefault(page.translation_key, []).append(page)
    keys = list(pages_by_key)
    translations = {
        (t.source.object_id, t.source.locale_id, t.target_locale_id): t
        for t in _translations_with_progress(keys)
    }
    rows = []
    for key in keys:
        pages = pages_by_key.get(key, [])
        real = [p for p in pages if p.alias_of_id is None]
        if not real:
            continue
        # The original is the first real page of the course: translations are copies of it.
        original = real[0]
        by_language = {locales.get(p.locale_id): p for p in pages}
        cells = []
        for language, _name in settings.LANGUAGES:
            cells.append(_cell(language, original, by_language.get(language), translations))
        rows.append(
            Row(
                course_pk=original.pk,
                title=original.title,
                edit_url=reverse("wagtailadmin_pages:edit", args=[original.pk]),
                cells=cells,
            )
        )
    return sorted(rows, key=lambda row: (row.title.casefold(), row.course_pk))


def _cell(language, original, page, translations) -> Cell:
    if page is not None and page.pk == original.pk:
        return Cell(
            language, ORIGINAL, action_url=reverse("wagtailadmin_pages:edit", args=[page.pk])
        )
    if page is None or page.alias_of_id is not None:
        # wagtail-localize turns an alias into a real translation from this same form.
        url = reverse("wagtail_localize:submit_page_translation", args=[original.pk])
        return Cell(language, MISSING, action_url=f"{url}?select_locale={language}")
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    translation = translations.get((original.translation_key, original.locale_id, page.locale_id))
    changed = _changed_at(original)
    if translation is None:
        # Translated by hand in the page editor (or its wagtail-localize translation was
        # stopped): no strings to count, so it is current unless the original changed since.
        edited = _changed_at(page)
        state = OUTDATED if changed and edited and changed > edited else COMPLETE
        return Cell(language, state, action_url=edit_url)
    source = translation.source
    total, done = translation.total_segments, translation.translated_segments
    if changed and changed > source.last_updated_at:
        state = OUTDATED
    elif done < total:
        state = INCOMPLETE
    else:
        state = COMPLETE
    return Cell(
        language,
        state,
        translated=done,
        total=total,
        action_url=edit_url,
        po_download_url=reverse("wagtail_localize:download_pofile", args=[translation.pk]),
        po_upload_url=reverse("wagtail_localize:upload_pofile", args=[translation.pk]),
        sync_url=reverse("wagtail_localize:update_translations", args=[source.pk]),
    )


def translation_status_for(user) -> list[Row]:
    """The table for `user`: every course they may see in the admin."""
    return translation_status_rows(courses_for_translation_status(user))
