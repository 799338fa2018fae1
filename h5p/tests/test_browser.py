"""Play the tiny quiz in Chromium, inside a real lesson page, and check progress and score.

The lesson is built as an editor would build it (an `h5p` block in the lesson body, the course
published so the learning outline records the activity) and served by the site itself
(`courses.wagtail_hooks` -> `courses.views.serve_lesson_page`) to an enrolled learner.
"""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from h5p.blocks import activity_id_of
from h5p.management.commands.h5p_player_install import TARGET, install_player
from h5p.models import H5PUserData
from h5p.services import h5p_content_create
from h5p.tests.conftest import ActivityLesson
from h5p.tests.test_player import with_core_api
from learning import services as learning
from learning.models import ActivityResult, Enrollment, LessonProgress, OutlineLesson
from tests import factories as f
from xapi.models import Statement

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def player_installed():
    if not (TARGET / "main.bundle.js").is_file():
        install_player()
    return Path(TARGET)


@pytest.fixture
def browser(monkeypatch):

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still synchronous, so tell Django not to refuse them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def lesson_page_with_activity(university, content) -> ActivityLesson:
    """A published one-lesson course whose lesson plays `content`, and an enrolled learner."""
    course = f.build_course(university, modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    lesson = f.lessons_of(course)[0]
    lesson.body = [
        {"type": "rich_text", "value": "<p>Try the activity.</p>"},
        {"type": "h5p", "value": {"content": content.pk, "height": 400}},
    ]
    f.publish(lesson)
    # Publishing the course, as an editor finishing it would, syncs the learning outline.
    course = f.publish(course)
    run = f.open_run(course)
    learner = f.make_member("learner", university)
    enrollment = learning.enrollment_create(learner=learner, run=run)
    return ActivityLesson(course, lesson, run, learner, enrollment)


def open_lesson(page, lesson):
    """Open the lesson page as the site serves it; return the activity's frame locator."""
    response = page.goto(lesson.url)
    assert response.status == 200
    frame = page.locator("iframe[data-h5p-activity]")
    # The frame loads lazily: bring it into view as a reader scrolling down would.
    frame.scroll_into_view_if_needed()
    return page.frame_locator("iframe[data-h5p-activity]")


def logged_in_context(browser, live_server, user):
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_learner_plays_tiny_quiz_and_lesson_records_score(
    settings, live_server, browser, player_installed, university, tiny_content
):
    settings.SITE_URL = live_server.url
    setup = lesson_page_with_activity(university, tiny_content)
    outline_lesson = OutlineLesson.objects.get(lesson_key=setup.lesson.translation_key)
    assert outline_lesson.activity_ids == [activity_id_of(tiny_content)]
    context = logged_in_context(browser, live_server, setup.learner)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    activity = open_lesson(page, setup.lesson)
    expect(page.locator("h1")).to_contain_text(setup.lesson.title)
    activity.locator("button.ilm-tiny-quiz-answer").click()
    page.wait_for_selector("[data-h5p-status][data-h5p-finished='true']")

    enrollment = Enrollment.objects.get(pk=setup.enrollment.pk)
    assert enrollment.lessons_completed == 1
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.final_score == Decimal("75.00")
    result = ActivityResult.objects.get(enrollment=enrollment)
    assert result.best_scaled_score == Decimal("0.75")
    assert result.activity_id == activity_id_of(tiny_content)
    progress = LessonProgress.objects.get(enrollment=enrollment)
    assert progress.lesson_key == setup.lesson.translation_key
    assert progress.source == "activity"
    stored = Statement.objects.get(verb_iri="http://adlnet.gov/expapi/verbs/answered")
    assert stored.learner_id == setup.learner.pk
    assert stored.data["object"]["id"] == tiny_content.xapi_iri
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_activity_cannot_read_the_session_and_resumes_its_state(
    settings, live_server, browser, player_installed, university, tiny_content
):
    settings.SITE_URL = live_server.url
    setup = lesson_page_with_activity(university, tiny_content)
    context = logged_in_context(browser, live_server, setup.learner)
    page = context.new_page()
    activity = open_lesson(page, setup.lesson)
    activity.locator("button.ilm-tiny-quiz-answer").click()
    page.wait_for_selector("[data-h5p-status][data-h5p-finished='true']")

    frame = next(f for f in page.frames if "/h5p/play/" in f.url)
    assert frame.evaluate("self.origin") == "null"
    cookie = frame.evaluate(
        "() => { try { return document.cookie; } catch (e) { return e.name; } }"
    )
    assert cookie == "SecurityError"
    learner_fetch = frame.evaluate(
        """async (url) => {
             try { const r = await fetch(url, {credentials: 'include'}); return r.url; }
             catch (error) { return 'blocked'; }
           }""",
        live_server.url + reverse("learning:dashboard"),
    )
    assert learner_fetch == "blocked"

    # The player saves its state (saveFreq) and on leaving; reload and it is offered back.
    frame.evaluate(
        "H5P.instances[0] && H5P.setUserData(H5P.instances[0].contentId, 'state',"
        " H5P.instances[0].getCurrentState())"
    )
    for _attempt in range(50):
        if H5PUserData.objects.filter(user=setup.learner, content=tiny_content).exists():
            break
        page.wait_for_timeout(100)
    assert '"answered":true' in H5PUserData.objects.get(user=setup.learner).data

    page.reload()
    page.locator("iframe[data-h5p-activity]").scroll_into_view_if_needed()
    activity = page.frame_locator("iframe[data-h5p-activity]")
    expect(activity.locator(".ilm-tiny-quiz-status")).to_have_text("Answered before")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_package_whose_library_declares_core_api_1_28_imports_and_plays(
    settings, live_server, browser, player_installed, university
):
    """Today's H5P releases declare core API 1.28 (issue 17): such a package is accepted
    because the bundled player provides it, and plays and scores in the lesson page."""
    settings.SITE_URL = live_server.url
    content = h5p_content_create(
        source=io.BytesIO(with_core_api(1, 28)),
        filename="current-release.h5p",
        university=university,
        may_install_libraries=True,
    )
    library = content.main_library
    assert library.metadata["coreApi"] == {"majorVersion": 1, "minorVersion": 28}
    setup = lesson_page_with_activity(university, content)
    page = logged_in_context(browser, live_server, setup.learner).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    activity = open_lesson(page, setup.lesson)
    activity.locator("button.ilm-tiny-quiz-answer").click()
    page.wait_for_selector("[data-h5p-status][data-h5p-finished='true']")
    result = ActivityResult.objects.get(enrollment=setup.enrollment)
    assert result.best_scaled_score == Decimal("0.75")
    assert errors == []
