"""Accessibility (axe-core), page weight and the language switch, page by page."""

import re

from courses.models import CourseRun
from learning.services import enrollment_create, lesson_mark_complete
from tests.factories import UniversityFactory, lessons_of, make_member

from .conftest import assert_accessible
from .content import course_with_quiz

# README: "a lesson page stays under 100 KB of HTML, CSS and JavaScript before media".
LESSON_BUDGET_BYTES = 100 * 1024
CODE_RESOURCE_TYPES = {"link", "script", "css", "navigation", "fetch", "xmlhttprequest"}


def enrolled_learner():
    university = UniversityFactory()
    course = course_with_quiz(university=university)
    learner = make_member("learner", university)
    enrollment = enrollment_create(learner=learner, run=CourseRun.objects.get(course=course))
    first, last = lessons_of(course)
    lesson_mark_complete(enrollment=enrollment, lesson_key=first.translation_key)
    return learner, course, first, last


def test_public_pages_have_no_serious_accessibility_issues(page):
    course = course_with_quiz()
    for url in ("/en/", "/en/catalogue/", course.url, "/en/accounts/login/"):
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page)


def test_learner_pages_have_no_serious_accessibility_issues(page_as):
    learner, course, first, last = enrolled_learner()
    page = page_as(learner)
    for url in (course.url, first.url, last.url, "/en/learn/"):
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page)
    # The quiz with its feedback shown (a failed attempt) is a page state of its own.
    page.goto(last.url)
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit answers").wait_for()
    assert_accessible(page)
    page.get_by_label("Latin").check()
    page.get_by_label("22").check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("Not passed yet", exact=False).first.wait_for()
    assert_accessible(page)


def transfer_sizes(page) -> list[dict]:
    """What the browser fetched for the page: the document and every resource, with the bytes
    that crossed the wire (compressed body plus headers) and the decoded body size."""
    return page.evaluate(
        """() => [
            ...performance.getEntriesByType("navigation"),
            ...performance.getEntriesByType("resource"),
        ].map(e => ({
            name: e.name, type: e.initiatorType, transfer: e.transferSize,
            encoded: e.encodedBodySize, decoded: e.decodedBodySize,
        }))"""
    )


def test_lesson_page_stays_within_the_page_weight_budget(page_as):
    learner, _course, _first, last = enrolled_learner()
    # No axe script here: only what the site itself sends is weighed.
    page = page_as(learner, axe=False)
    response = page.goto(last.url, wait_until="load")
    assert response.status == 200
    assert response.headers.get("content-encoding") == "gzip"  # compression is on

    entries = transfer_sizes(page)
    code = [e for e in entries if e["type"] in CODE_RESOURCE_TYPES]
    assert any(e["type"] == "navigation" for e in code)
    assert any(e["name"].endswith(".css") for e in code)  # the stylesheet was weighed too
    # Every weighed response really came over the network, compressed where it is text.
    assert all(e["transfer"] > 0 for e in code), code
    total = sum(e["transfer"] for e in code)
    print(f"lesson page: {total} bytes of HTML/CSS/JS on the wire (budget {LESSON_BUDGET_BYTES})")
    assert total <= LESSON_BUDGET_BYTES, (
        f"lesson page weighs {total} bytes of HTML/CSS/JS (budget {LESSON_BUDGET_BYTES}):\n"
        + "\n".join(f"  {e['transfer']:>7} {e['name']}" for e in code)
    )


def switch_language(page, name: str) -> None:
    page.get_by_role("navigation", name=re.compile("Language|Язык|Забон")).get_by_role(
        "link", name=name
    ).click()


def catalogue_link_text(page) -> str:
    """The main navigation's link to the catalogue, as the reader sees it."""
    return page.locator(".main-nav a[href$='/catalogue/']").inner_text().strip()


def test_language_switch_changes_the_page_and_the_interface(page):
    page.goto("/en/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    english_form = page.locator("main form").first.inner_text()
    assert catalogue_link_text(page) == "Catalogue"

    switch_language(page, "Русский")
    page.wait_for_url(re.compile(r"/ru/accounts/login/$"))
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator(".language-switcher [aria-current]").inner_text() == "Русский"
    russian_form = page.locator("main form").first.inner_text()
    assert russian_form != english_form  # the interface speaks Russian now
    assert re.search("[а-яА-Я]", russian_form)
    assert catalogue_link_text(page) == "Каталог"  # locale/ru/LC_MESSAGES/django.po
    assert_accessible(page)

    switch_language(page, "Тоҷикӣ")
    page.wait_for_url(re.compile(r"/tg/accounts/login/$"))
    assert page.locator("html").get_attribute("lang") == "tg"
    assert page.locator(".language-switcher [aria-current]").inner_text() == "Тоҷикӣ"
    # The interface speaks Tajik, not Russian left over: its own words, letters only it uses.
    assert catalogue_link_text(page) == "Феҳрист"  # locale/tg/LC_MESSAGES/django.po
    tajik_form = page.locator("main form").first.inner_text()
    assert tajik_form not in (english_form, russian_form)
    assert re.search("[ҳҷғқӯӣҲҶҒҚӮӢ]", tajik_form)
    assert_accessible(page)


def test_a_kazakh_reader_keeps_the_kazakh_interface_on_a_course_written_in_russian(page):
    from courses.language_versions import versions_fill_all

    course = course_with_quiz(title="Основы машинного обучения")
    versions_fill_all()

    page.goto("/kk/catalogue/")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.get_by_role("link", name="Основы машинного обучения").click()

    page.wait_for_url(re.compile(r"^[^?]*/kk/"))
    assert page.locator("html").get_attribute("lang") == "kk"
    assert catalogue_link_text(page) == "Каталог"  # the Kazakh interface, not the English one
    assert page.locator("h1").get_attribute("lang") == course.locale.language_code
    assert page.locator(".content-language").is_visible()  # says the content is not in Kazakh
    assert_accessible(page)

    # Every switcher link leads to the same course in that language.
    hrefs = page.locator(".language-switcher a").evaluate_all("els => els.map(e => e.href)")
    assert len(hrefs) == 6
    for href in hrefs:
        response = page.goto(href)
        assert response.status == 200, href
        assert page.locator("h1").inner_text() == "Основы машинного обучения"
