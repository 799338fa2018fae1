"""Every page answers under every language prefix (ADR 0030).

Where no translation exists the locale holds an alias of the original: the interface is in
the reader's language, the content in the original's, with a note saying so.
"""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from courses import language_versions
from courses.models import CoursePage, LessonPage
from courses.selectors import CatalogueFilters, catalogue_courses
from learning import services
from tests import factories as f

pytestmark = pytest.mark.django_db

CODES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def university():
    return f.UniversityFactory(code="kaznu", name="Al-Farabi Kazakh National University")


@pytest.fixture
def course(university):
    # Written in the English tree though taught in Russian, as an author may do.
    return f.build_course(university, title="Машинное обучение", language="ru")


def _codes(annotated: str) -> set[str]:
    return {code for code in annotated.split(",") if code}


def _lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def test_a_live_page_gets_a_version_in_every_locale_and_filling_again_adds_nothing(course):
    made = language_versions.versions_fill_all()

    for code in CODES:
        version = course.get_translation_or_none(_locale(code))
        assert version is not None and version.live, code
        assert (version.alias_of_id is None) == (code == "en"), code
    lessons = f.lessons_of(course)
    for lesson in lessons:
        assert lesson.get_translations().count() == len(CODES) - 1
    assert made > 0
    assert language_versions.versions_fill_all() == 0


def test_every_version_answers_in_its_own_interface_language_with_working_switcher(client, course):
    language_versions.versions_fill_all()

    for code in CODES:
        url = course.get_translation(_locale(code)).url
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert url.startswith(f"/{code}/")
        assert _lang_of(html) == code
        assert '<h1 lang="en">Машинное обучение</h1>' in html  # the content stays as written
        switcher = re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"[^>]*rel="alternate"', html)
        assert {lang for _href, lang in switcher} == set(CODES) - {code}
        for href, lang in switcher:
            assert href.startswith(f"/{lang}/")
            assert client.get(href).status_code == 200, href


def test_an_untranslated_page_says_which_language_it_is_shown_in(client, course):
    language_versions.versions_fill_all()

    kazakh = client.get(course.get_translation(_locale("kk")).url).content.decode()
    original = client.get(course.url).content.decode()

    assert 'class="content-language"' in kazakh
    assert "Қазақ тілі" in kazakh and "English" in kazakh
    assert 'class="content-language"' not in original


def test_a_draft_gets_no_versions_until_it_is_published(university):
    course = f.build_course(university, modules=1, lessons_per_module=1)
    draft = CoursePage(
        title="Draft course",
        slug="draft-course",
        summary="Not yet.",
        language="en",
        level="advanced",
    )
    f.university_section(university).add_child(instance=draft)
    draft.unpublish()
    draft.refresh_from_db()

    assert language_versions.versions_fill(draft) == []
    assert len(language_versions.versions_fill(course)) == len(CODES) - 1


def test_publishing_a_page_fills_the_other_locales_once_the_transaction_commits(
    university, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course = f.build_course(university, modules=1, lessons_per_module=1)

    assert course.get_translations().count() == len(CODES) - 1
    [lesson] = f.lessons_of(course)
    kazakh_course = course.get_translation(_locale("kk"))
    # The lesson was live before its course was published; the sweep covers it.
    out = io.StringIO()
    call_command("fill_language_versions", stdout=out)
    # The module and the lesson, in six other languages each.
    assert out.getvalue().startswith(f"{2 * (len(CODES) - 1)} language version")
    kazakh_lesson = lesson.get_translation(_locale("kk"))
    assert kazakh_lesson.get_parent().get_parent().pk == kazakh_course.pk


def test_a_new_lesson_published_later_appears_under_every_locale(
    university, django_capture_on_commit_callbacks
):
    course = f.build_course(university, modules=1, lessons_per_module=1)
    language_versions.versions_fill_all()
    module = f.lessons_of(course)[0].get_parent()

    with django_capture_on_commit_callbacks(execute=True):
        lesson = LessonPage(title="Added later", slug="added-later", body=[])
        module.add_child(instance=lesson)
        f.publish(lesson)

    for code in set(CODES) - {"en"}:
        version = lesson.get_translation(_locale(code))
        assert version.alias_of_id == lesson.pk
        assert version.url.startswith(f"/{code}/")


def _translate(page, code: str, title: str):
    """Translate `page` into `code` with wagtail-localize, as the admin does."""
    source, _created = TranslationSource.get_or_create_from_instance(page.specific)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=_locale(code)
    )
    translation.save_target(publish=True)
    target = page.get_translation(_locale(code))
    target.title = title
    return f.publish(target.specific)


def test_translating_a_page_replaces_its_alias_and_is_served_instead(client, course):
    language_versions.versions_fill_all()
    alias = course.get_translation(_locale("kk"))

    translated = _translate(course, "kk", "Машиналық оқыту")

    assert translated.pk == alias.pk and translated.alias_of_id is None
    html = client.get(translated.url).content.decode()
    assert '<h1 lang="kk">Машиналық оқыту</h1>' in html
    assert 'class="content-language"' not in html
    # A lesson not translated yet is still the original's, noted as such, under /kk/.
    lesson = f.lessons_of(course)[0].get_translation(_locale("kk"))
    assert lesson.url.startswith(translated.url)


def test_deleting_an_original_deletes_its_aliases(course):
    language_versions.versions_fill_all()
    before = Page.objects.count()
    pages_in_course = CoursePage.objects.get(pk=course.pk).get_descendants(inclusive=True).count()

    course.delete()

    assert Page.objects.count() == before - pages_in_course * len(CODES)
    assert not Page.objects.filter(translation_key=course.translation_key).exists()


def test_deleting_a_translation_brings_the_original_back_under_that_prefix(
    course, django_capture_on_commit_callbacks
):
    language_versions.versions_fill_all()
    translated = _translate(course, "uz", "Mashinali oʻqitish")

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=translated.pk).delete()

    version = course.get_translation(_locale("uz"))
    assert version.alias_of_id == course.pk


def test_catalogue_cards_stay_in_the_readers_language_and_name_the_teaching_languages(
    client, course, university
):
    english = f.build_course(university, title="Python for Data Science", language="en")
    language_versions.versions_fill_all()
    _translate(course, "kk", "Машиналық оқыту")

    html = client.get("/kk/catalogue/").content.decode()
    links = re.findall(r'<h3><a href="([^"]+)">', html)

    assert len(links) == 2 and all(link.startswith("/kk/") for link in links)
    assert client.get(links[0]).status_code == 200
    assert _lang_of(client.get(links[0]).content.decode()) == "kk"
    # The Kazakh translation has its title only: its lessons are still aliases, so it is not
    # yet a course one can take in Kazakh.
    kazakh = _locale("kk")
    rows = {
        c.translation_key: _codes(c.teaching_languages)
        for c in catalogue_courses(CatalogueFilters(), kazakh)
    }
    assert rows[course.translation_key] == {"ru"}
    assert rows[english.translation_key] == {"en"}
    assert "Оқыту тілі: Русский" in html  # "Taught in", in Kazakh


def test_a_fully_translated_course_is_taught_in_both_languages_and_found_by_the_filter(
    course, university
):
    f.build_course(university, title="Python for Data Science", language="en")
    language_versions.versions_fill_all()
    _translate(course, "kk", "Машиналық оқыту")
    for page in CoursePage.objects.get(pk=course.pk).get_descendants():
        _translate(page, "kk", f"{page.title} (kk)")
    kazakh = _locale("kk")

    [row] = catalogue_courses(CatalogueFilters(language="kk"), kazakh)
    everything = list(catalogue_courses(CatalogueFilters(), kazakh))

    assert row.translation_key == course.translation_key
    assert _codes(row.teaching_languages) == {"ru", "kk"}
    assert len(everything) == 2
    assert catalogue_courses(CatalogueFilters(language="zh-hans"), kazakh).count() == 0
    [english] = catalogue_courses(CatalogueFilters(language="en"), kazakh)
    assert english.title == "Python for Data Science"


def test_search_finds_each_course_once_whatever_the_number_of_versions(course, university):
    language_versions.versions_fill_all()

    results = list(catalogue_courses(CatalogueFilters(query="машин"), _locale("tg")))

    assert [c.translation_key for c in results] == [course.translation_key]
    assert results[0].url.startswith("/tg/")


def test_progress_is_shared_by_every_version_of_a_lesson(client, course, university):
    language_versions.versions_fill_all()
    learner = f.make_member("learner", university)
    enrollment = services.enrollment_create(learner=learner, run=f.open_run(course))
    first = f.lessons_of(course)[0]
    services.lesson_mark_complete(enrollment=enrollment, lesson_key=first.translation_key)
    client.force_login(learner)

    kyrgyz = client.get(first.get_translation(_locale("ky")).url)
    chinese_course = client.get(course.get_translation(_locale("zh-hans")).url)

    assert kyrgyz.status_code == 200 and _lang_of(kyrgyz.content.decode()) == "ky"
    assert 'class="done"' in chinese_course.content.decode()
