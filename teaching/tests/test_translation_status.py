"""The course translation table: one cell per language, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override
from wagtail.models import Locale
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from teaching import translation_status as ts
from tests import factories as f

pytestmark = pytest.mark.django_db


def locale(language):
    return Locale.objects.get(language_code=language)


def translate(course, language, *, strings=None):
    """Submit `course` to wagtail-localize for `language`; translate `strings` of its strings
    (all when "all") through a PO file, as an outside translator would."""
    target = locale(language)
    TranslationCreator(None, [target]).create_translations(course)
    translation = Translation.objects.get(
        source__object_id=course.translation_key, target_locale=target
    )
    if strings is not None:
        po = translation.export_po()
        for number, entry in enumerate(po):
            if strings == "all" or number < strings:
                entry.msgstr = f"{language}-{entry.msgid}"
        translation.import_po(po)
    return translation


def cells(course):
    [row] = [
        r
        for r in ts.translation_status_rows(ts.CoursePage.objects.all())
        if r.course_pk == course.pk
    ]
    return {cell.language: cell for cell in row.cells}


@pytest.fixture
def course():
    return f.build_course(f.UniversityFactory(code="tra"), title="Translated", modules=1)


def test_every_language_has_a_cell_and_the_source_is_the_original(course):
    row = cells(course)
    assert list(row) == ["en", "ru", "tg", "kk", "uz", "ky", "zh-hans"]
    assert row["en"].state == ts.ORIGINAL
    assert row["en"].action_url == reverse("wagtailadmin_pages:edit", args=[course.pk])


def test_a_language_without_a_page_is_missing_and_links_to_the_translate_form(course):
    cell = cells(course)["tg"]
    assert cell.state == ts.MISSING
    url = reverse("wagtail_localize:submit_page_translation", args=[course.pk])
    assert cell.action_url == f"{url}?select_locale=tg"


def test_an_alias_is_missing(course):
    alias = course.copy_for_translation(locale("kk"), copy_parents=True, alias=True)
    assert alias.alias_of_id == course.pk
    cell = cells(course)["kk"]
    assert cell.state == ts.MISSING
    assert "select_locale=kk" in cell.action_url


def test_a_partly_translated_course_is_incomplete_with_its_counts(course):
    translate(course, "ru", strings=1)
    cell = cells(course)["ru"]
    assert cell.state == ts.INCOMPLETE
    assert (cell.translated, cell.total) == (1, 3)
    target = course.get_translation(locale("ru"))
    assert cell.action_url == reverse("wagtailadmin_pages:edit", args=[target.pk])
    assert cell.po_download_url


def test_a_fully_translated_course_is_complete(course):
    translation = translate(course, "ru", strings="all")
    cell = cells(course)["ru"]
    assert cell.state == ts.COMPLETE
    assert cell.translated == cell.total == translation.get_progress()[0]


def test_publishing_the_source_after_translating_makes_it_outdated_until_synced(course):
    translation = translate(course, "ru", strings="all")
    course.summary = "A new summary the translator has not seen."
    f.publish(course)
    cell = cells(course)["ru"]
    assert cell.state == ts.OUTDATED
    assert cell.sync_url == reverse(
        "wagtail_localize:update_translations", args=[translation.source_id]
    )
    # "Sync translated pages" extracts the new text: the new summary is then untranslated.
    translation.source.update_from_db()
    cell = cells(course)["ru"]
    assert cell.state == ts.INCOMPLETE
    assert cell.translated == cell.total - 1


def test_a_page_translated_by_hand_is_complete_until_the_source_changes(course):
    by_hand = course.copy_for_translation(locale("uz"), copy_parents=True)
    f.publish(by_hand)
    assert cells(course)["uz"].state == ts.COMPLETE
    course.summary = "Changed after the manual translation."
    f.publish(course)
    assert cells(course)["uz"].state == ts.OUTDATED


def _translated_courses(university, count):
    for number in range(count):
        course = f.build_course(university, title=f"Course {number}", modules=1)
        translate(course, "ru", strings="all")
        translate(course, "tg", strings=1)
        course.copy_for_translation(locale("kk"), copy_parents=True, alias=True)


def test_the_number_of_queries_does_not_grow_with_the_number_of_courses():
    university = f.UniversityFactory(code="trq")
    instructor = f.make_member("instructor", university)
    _translated_courses(university, 1)
    # A fresh user each time: Wagtail caches the user's page permissions on the object.
    user = type(instructor).objects.get(pk=instructor.pk)
    with CaptureQueriesContext(connection) as one:
        rows = ts.translation_status_for(user)
    assert len(rows) == 1
    _translated_courses(university, 2)
    user = type(instructor).objects.get(pk=instructor.pk)
    with CaptureQueriesContext(connection) as three:
        rows = ts.translation_status_for(user)
    assert len(rows) == 3
    assert {c.state for r in rows for c in r.cells} == {
        ts.ORIGINAL,
        ts.COMPLETE,
        ts.INCOMPLETE,
        ts.MISSING,
    }
    assert len(three.captured_queries) == len(one.captured_queries)
    # Two for the admin permission gate, then locales, pages and translations with counts.
    assert len(one.captured_queries) <= 5


def test_the_admin_report_shows_the_table_to_instructors_of_the_course_only(client, course):
    translate(course, "ru", strings=1)
    a = course.get_parent().specific.university
    b = f.UniversityFactory(code="trb")
    client.force_login(f.make_member("instructor", a))
    page = client.get(reverse("course_translations"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Translated" in html
    assert "1 / 3" in html
    assert reverse("wagtail_localize:submit_page_translation", args=[course.pk]) in html
    client.force_login(f.make_member("instructor", b))
    page = client.get(reverse("course_translations"))
    assert page.status_code == 200
    assert "Translated" not in page.content.decode()
    client.force_login(f.make_member("learner", a))
    assert client.get(reverse("course_translations")).status_code in (302, 403)


def test_the_teaching_dashboard_shows_the_table(client, course):
    translate(course, "ru", strings="all")
    a = course.get_parent().specific.university
    client.force_login(f.make_member("instructor", a))
    html = client.get(reverse("teaching:runs")).content.decode()
    assert "Translations" in html
    assert "Translated" in html
    assert "Complete" in html
    # Seven language columns do not fit 360 px: the table scrolls inside its own box.
    assert 'class="translation-status" role="region"' in html
    assert "overflow-x:auto" in html


def test_the_table_labels_are_translated(client, course):
    translate(course, "ru", strings="all")
    a = course.get_parent().specific.university
    client.force_login(f.make_member("instructor", a))
    with override("ru"):
        url = reverse("teaching:runs")
    html = client.get(url).content.decode()
    assert "Переводы" in html
    assert "Готово" in html
    assert "Оригинал" in html
