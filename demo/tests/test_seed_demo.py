import copy
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from certificates.policies import certificate_signatory, recipient_identification
from courses.models import CoursePage, CourseRun, LessonPage, ModulePage, ProgramPage
from demo import pages, people, translations
from demo.content import COURSES, TRANSLATIONS
from demo.content.blocks import lesson, module, question, quiz, text
from demo.content.institutions import DEMO_PASSWORD, PROGRAM
from demo.content.titles import OUTDATED, TITLES
from learning.models import Enrollment, LessonProgress, QuizAttempt
from teaching import translation_status
from universities.models import University

User = get_user_model()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--learners", "16", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_and_a_second_run_changes_nothing():
    # Test settings run with DEBUG off: no fixed password may be set or printed.
    output = seed()
    assert DEMO_PASSWORD not in output
    admin = User.objects.get(email="admin@demo.ilm.test")
    assert admin.is_superuser and not admin.has_usable_password()

    output = seed("--force")
    assert DEMO_PASSWORD in output and "learner@demo.ilm.test" in output
    admin.refresh_from_db()
    assert admin.check_password(DEMO_PASSWORD)
    before, password_hash = row_counts(), admin.password

    seed("--force")
    assert row_counts() == before
    admin.refresh_from_db()
    assert admin.password == password_hash

    universities = University.objects.filter(is_demo=True)
    assert sorted(universities.values_list("country", flat=True)) == ["KG", "KZ", "TJ", "UZ"]
    # Their certificates carry a logo and a signatory; DTU identifies learners by a hashed email.
    for university in universities:
        assert university.logo is not None and university.logo.width == 240
        name, title = certificate_signatory(university)
        assert name and title
    identification = {u.code: recipient_identification(u) for u in universities}
    assert identification == {
        "demo-dtu": "name+email-hash",
        "demo-adu": "name",
        "demo-tids": "name",
        "demo-bpu": "name",
    }

    demo_courses = CoursePage.objects.filter(slug__in=[c["slug"] for c in COURSES])
    sources = [course for course in demo_courses if course.source_page.pk == course.pk]
    assert len(sources) == len(COURSES) >= 6
    assert {c.language for c in sources} >= {"en", "ru", "tg"}
    for course in sources:
        lessons = LessonPage.objects.descendant_of(course).live()
        assert lessons.count() >= 4
        assert any(lesson.quiz_blocks() for lesson in lessons), course.title
        run = CourseRun.objects.filter(course=course).first()
        assert run.is_open_for_enrollment()

    # The right answer sits at varied positions, and one quiz limits and paces its attempts
    # and draws from a pool.
    quizzes = [
        quiz
        for lesson in LessonPage.objects.filter(locale__language_code__in=["en", "ru", "tg"])
        .live()
        .filter(alias_of__isnull=True)
        for quiz in lesson.quiz_blocks()
    ]
    positions = {
        index
        for quiz in quizzes
        for question in quiz.value["questions"]
        for index, choice in enumerate(question["choices"])
        if choice["is_correct"]
    }
    assert len(positions) >= 3
    assert any(
        quiz.value["attempt_limit"]
        and quiz.value["cooldown_minutes"]
        and 0 < quiz.value["questions_per_attempt"] < len(quiz.value["questions"])
        for quiz in quizzes
    )

    translated = CoursePage.objects.get(
        slug=TRANSLATIONS[0]["source"]["slug"], locale__language_code="ru"
    )
    assert translated.live and translated.title == TRANSLATIONS[0]["title"]
    assert translated.source_page.locale.language_code == "en"
    ru_lessons = LessonPage.objects.descendant_of(translated).live()
    assert ru_lessons.count() == LessonPage.objects.descendant_of(translated.source_page).count()

    program = ProgramPage.objects.get(slug=PROGRAM["slug"], locale__language_code="en")
    assert program.partner_universities.count() == 4
    assert program.program_courses.filter(is_required=True).count() == 4

    learners = User.objects.filter(memberships__role="learner").distinct()
    # The generated ones, the demo learner and the demo graduate.
    assert learners.count() == 16 + 2
    homes = set(learners.values_list("memberships__university__code", flat=True))
    assert len(homes) == 4
    assert Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).exists()
    assert Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).exists()
    assert LessonProgress.objects.exists() and QuizAttempt.objects.filter(passed=False).exists()

    # The translated lesson keeps the source's quiz ids, so progress is shared across languages.
    translated = LessonPage.objects.get(slug="measuring-bias", locale__language_code="ru")
    source = LessonPage.objects.get(
        translation_key=translated.translation_key, locale__language_code="en"
    )
    assert [b.id for b in translated.quiz_blocks()] == [b.id for b in source.quiz_blocks()]
    prompt = translated.quiz_blocks()[0].value["questions"][0]["prompt"]
    assert prompt.startswith("С чего")

    client = Client()
    assert client.login(email="learner@demo.ilm.test", password=DEMO_PASSWORD)
    # The demo learner is in the program, whose required courses include this one.
    response = client.get(translated.get_url())
    assert response.status_code == 200
    assert "Предвзятость попадает в систему" in response.content.decode()
    # The Kazakh lesson and a title-only Chinese course page are served as well.
    kk_lesson = LessonPage.objects.get(slug="measuring-bias", locale__language_code="kk")
    response = client.get(kk_lesson.get_url())
    assert response.status_code == 200
    assert "Біржақтылық жүйеге" in response.content.decode()
    zh_course = CoursePage.objects.get(slug="computer-vision", locale__language_code="zh-hans")
    response = client.get(zh_course.get_url())
    assert response.status_code == 200 and "计算机视觉基础" in response.content.decode()

    assert_every_program_and_course_is_translated()
    assert_two_courses_are_fully_translated_into_three_languages()
    assert_one_course_translation_is_outdated()


def assert_every_program_and_course_is_translated():
    """A real (not alias) live translation in every other locale, with its own title."""
    originals = [pages._source_course(c["slug"]) for c in COURSES]
    originals.append(ProgramPage.objects.filter(slug=PROGRAM["slug"]).order_by("pk").first())
    assert len(TITLES) == len(originals)
    for original in originals:
        versions = {
            page.locale.language_code: page
            for page in Page.objects.filter(translation_key=original.translation_key)
            .select_related("locale")
            .specific()
        }
        assert set(versions) == set(translations.LANGUAGES), original.slug
        for language, page in versions.items():
            assert page.live and page.alias_of_id is None, (original.slug, language)
            if page.pk == original.pk:
                continue
            assert (page.title, page.summary) == TITLES[original.slug][language]
            assert page.title != original.title
            assert Translation.objects.filter(
                source__object_id=original.translation_key, target_locale=page.locale
            ).exists()


def assert_two_courses_are_fully_translated_into_three_languages():
    full = {}
    for data in TRANSLATIONS:
        full.setdefault(data["source"]["slug"], set()).add(data["locale"])
    assert len([slug for slug, languages in full.items() if len(languages) >= 3]) >= 2
    for slug, languages in full.items():
        course = pages._source_course(slug)
        descendants = list(course.get_descendants().specific())
        assert len(descendants) >= 6
        for language in languages:
            locale = Locale.objects.get(language_code=language)
            for page in [course, *descendants]:
                translated = pages.translated_or_none(page, locale)
                assert translated is not None and translated.live, (slug, language, page.slug)
                assert translated.title != page.title, (slug, language, page.slug)
            lessons = LessonPage.objects.filter(locale=locale).descendant_of(
                course.get_translation(locale)
            )
            texts = [str(block.value) for page in lessons for block in page.body]
            source_texts = [
                str(block.value)
                for page in LessonPage.objects.descendant_of(course)
                for block in page.body
            ]
            # Lesson text and quizzes are translated too; only the code samples read the same.
            assert len(set(texts) & set(source_texts)) <= 1, (slug, language)


def assert_one_course_translation_is_outdated():
    course = pages._source_course(OUTDATED["slug"])
    assert course.summary == OUTDATED["summary"]
    source = TranslationSource.objects.get_for_instance(course)
    assert course.last_published_at > source.last_updated_at
    # Its translations still show the summary they were made from.
    translated = course.get_translation(Locale.objects.get(language_code="kk"))
    assert translated.summary == TITLES[OUTDATED["slug"]]["kk"][1]
    # Every other demo course's translations are up to date with their source.
    for data in COURSES:
        if data["slug"] != OUTDATED["slug"]:
            other = pages._source_course(data["slug"])
            other_source = TranslationSource.objects.get_for_instance(other)
            assert other.last_published_at <= other_source.last_updated_at, data["slug"]

    # The teaching dashboard shows all three states: outdated, complete, and title-only.
    slugs = dict(CoursePage.objects.values_list("pk", "slug"))
    states = {
        (slugs[row.course_pk], cell.language): cell.state
        for row in translation_status.translation_status_rows(CoursePage.objects.all())
        for cell in row.cells
    }
    outdated = {key for key, state in states.items() if state == translation_status.OUTDATED}
    assert outdated == {(OUTDATED["slug"], language) for language in TITLES[OUTDATED["slug"]]}
    complete = {key for key, state in states.items() if state == translation_status.COMPLETE}
    assert complete == {(data["source"]["slug"], data["locale"]) for data in TRANSLATIONS}
    assert translation_status.INCOMPLETE in states.values()
    # Every language of every course is accounted for: with aliases, nothing is "missing".
    assert translation_status.MISSING not in states.values()


def tiny_course() -> dict:
    return {
        "slug": "tiny-course",
        "university": "demo-dtu",
        "co_teaching": [],
        "language": "en",
        "level": "introductory",
        "ects": "1.0",
        "effort_hours": 2,
        "title": "Tiny course",
        "summary": "Two paragraphs.",
        "description": "<p>One.</p>",
        "outcomes": ["Read two paragraphs."],
        "modules": [
            module(
                "Only module",
                "only",
                "<p>Intro.</p>",
                [
                    lesson(
                        "Only lesson",
                        "only-lesson",
                        [
                            text("<p>First paragraph.</p><p>Second paragraph.</p>"),
                            quiz("Check", [question("Yes?", [("Yes", True), ("No", False)])]),
                        ],
                    )
                ],
            )
        ],
    }


@pytest.mark.django_db
def test_a_translation_that_does_not_mirror_its_course_is_refused_and_writes_nothing():
    people.universities_ensure()
    course_data = tiny_course()
    course, created = pages.course_build(course_data, instructors=[])
    assert created
    good = {
        "source": course_data,
        "locale": "ru",
        "title": "Крошечный курс",
        "summary": "Два абзаца.",
        "description": "<p>Один.</p>",
        "outcomes": ["Прочитать два абзаца."],
        "modules": copy.deepcopy(course_data["modules"]),
    }
    # The translated lesson drops a paragraph: strings can no longer be paired with the source.
    bad = copy.deepcopy(good)
    bad["modules"][0]["lessons"][0]["body"][0] = text("<p>Только один абзац.</p>")
    pages_before = CoursePage.objects.count()
    with pytest.raises(ImproperlyConfigured, match="does not match"):
        pages.course_translate(course, bad)
    assert CoursePage.objects.count() == pages_before

    missing_module = copy.deepcopy(good)
    missing_module["modules"] = []
    with pytest.raises(ImproperlyConfigured):
        pages.course_translate(course, missing_module)

    translated = pages.course_translate(course, good)
    assert translated.title == "Крошечный курс" and translated.live


def test_block_ids_are_stable_and_shared_by_identical_positions():
    body = [text("<p>A</p>"), quiz("Q", [question("P", [("x", True), ("y", False)])])]
    first = pages.with_block_ids(body, "course", 0, "lesson")
    again = pages.with_block_ids(body, "course", 0, "lesson")
    other = pages.with_block_ids(body, "course", 1, "lesson")
    assert first == again
    assert first[1]["id"] != other[1]["id"]
    choices = first[1]["value"]["questions"][0]["value"]["choices"]
    assert len({c["id"] for c in choices}) == 2
    assert "id" not in body[0]  # the content module's data is left untouched


@pytest.mark.django_db
def test_a_title_and_summary_translation_covers_the_page_alone_and_converts_an_alias():
    people.universities_ensure()
    course, _created = pages.course_build(tiny_course(), instructors=[])
    kk = Locale.objects.get(language_code="kk")

    translated = translations.titles_translate(course, "kk", "Шағын курс", "Екі абзац.")
    assert (translated.title, translated.summary) == ("Шағын курс", "Екі абзац.")
    assert translated.live and translated.alias_of_id is None
    # What nobody translated yet reads as the source; the modules are not translated at all.
    assert translated.description == course.description
    assert ModulePage.objects.filter(locale=kk).count() == 0
    # The parents in Kazakh are aliases of the originals, not pages passing for translations.
    assert all(p.alias_of_id for p in translated.get_ancestors().filter(depth__gt=1))

    before = row_counts()
    again = translations.titles_translate(course, "kk", "Другое", "Другое.")
    assert again.pk == translated.pk and again.title == "Шағын курс"
    assert row_counts() == before

    # An alias already in the page's place becomes the translation, at the same address.
    uz = Locale.objects.get(language_code="uz")
    pages.ancestors_ensure(course, uz)
    alias = course.copy_for_translation(uz, alias=True)
    converted = translations.titles_translate(course, "uz", "Kichik kurs", "Ikki xatboshi.")
    assert converted.pk == alias.pk and converted.alias_of_id is None
    assert converted.title == "Kichik kurs" and converted.live


def test_titles_cover_every_page_in_every_other_language_in_the_right_script():
    slugs = [c["slug"] for c in COURSES] + [PROGRAM["slug"]]
    originals = {c["slug"]: c for c in COURSES} | {PROGRAM["slug"]: {**PROGRAM, "language": "en"}}
    assert sorted(TITLES) == sorted(slugs)
    for slug, by_language in TITLES.items():
        original = originals[slug]
        expected = {"en", "ru", "tg", "kk", "uz", "ky", "zh-hans"} - {original["language"]}
        assert set(by_language) == expected, slug
        for title, summary in by_language.values():
            assert title != original["title"] and summary != original["summary"]
            assert len(title) <= 255 and len(summary) <= 300
        # Uzbek Latin writes oʻ and gʻ with U+02BB, never with an apostrophe or a quote mark.
        uzbek = " ".join(by_language["uz"])
        assert not any(bad in uzbek for bad in ("o'", "g'", "o‘", "g‘", "o’", "g’", "O'", "G'"))
    assert "\u02bb" in " ".join(" ".join(t["uz"]) for t in TITLES.values())
    # Whole-course translations use the same title and summary as the catalogue.
    for data in TRANSLATIONS:
        assert (data["title"], data["summary"]) == TITLES[data["source"]["slug"]][data["locale"]]
