"""An H5P activity of a saved course plays offline (ADR 0061), in Chromium with the network
switched off. The live server answers as `site.ilm.localhost` (the site) and as
`h5p.ilm.localhost` (the H5P origin): one server under two host names of one site, which are
two origins, and the session cookie (host-only, on the site's name) never reaches the second.
Browsers refuse a service worker to a cross-site frame, hence one site and not
127.0.0.1 beside localhost. The activity's statement is queued on the device and, back
online, recorded and counted once."""

import io

import pytest

from h5p.management.commands.h5p_player_install import TARGET, install_player
from h5p.services import h5p_content_create
from h5p.tests.packages import tiny_quiz_h5p
from learning import services as learning
from learning.models import ActivityResult, Enrollment
from tests import factories as f
from xapi.models import Statement

from .conftest import STEP_TIMEOUT_MS, log_in
from .test_offline import READ_QUEUE

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


@pytest.fixture
def origins(settings, site_server, tmp_path):
    if not (TARGET / "main.bundle.js").is_file():
        install_player()
    site = site_server.url.replace("127.0.0.1", "site.ilm.localhost")
    media = site_server.url.replace("127.0.0.1", "h5p.ilm.localhost")
    settings.ALLOWED_HOSTS = ["site.ilm.localhost", "h5p.ilm.localhost", "127.0.0.1"]
    settings.H5P_ROOT = tmp_path / "h5p-root"
    settings.SITE_URL = site
    settings.ILM_H5P_ORIGIN = media
    settings.SECURE_CSP = {**settings.SECURE_CSP, "frame-src": ["'self'", media]}
    return site, media


@pytest.fixture
def site_page(browser, origins):
    site, _media = origins
    context = browser.new_context(base_url=site, locale="en-GB")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_saved_h5p_activity_plays_offline_and_is_counted_once(site_page, origins):
    site, media = origins
    university = f.UniversityFactory(code="tnu", name="Tajik National University")
    content = h5p_content_create(
        source=io.BytesIO(tiny_quiz_h5p()),
        filename="tiny.h5p",
        university=university,
        may_install_libraries=True,
    )
    course = f.build_course(university, modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    lesson = f.lessons_of(course)[0]
    lesson.body = [
        {"type": "rich_text", "value": "<p>Try the activity.</p>"},
        {"type": "h5p", "value": {"content": content.pk, "height": 400}},
    ]
    f.publish(lesson)
    course = f.publish(course)
    learner = f.make_member("learner", university)
    enrollment = learning.enrollment_create(learner=learner, run=f.open_run(course))
    page = site_page
    log_in(page, learner, base_url=site)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Saving keeps the lesson on the site's worker and the activity on the H5P origin's.
    page.goto(course.url)
    page.get_by_role("link", name="Save for offline use").click()
    assert "need a connection" not in page.content()
    page.get_by_role("button", name="Save for offline use").click()
    page.locator("#offline-status[data-saved='true']").wait_for(timeout=60_000)
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # Offline: the lesson opens, the activity plays, and its statement waits on the device.
    page.context.set_offline(True)
    page.goto(lesson.url)
    frame = page.locator("iframe[data-h5p-activity]")
    assert frame.get_attribute("src").startswith(f"{media}/h5p/play/")
    frame.scroll_into_view_if_needed()
    activity = page.frame_locator("iframe[data-h5p-activity]")
    activity.locator("button.ilm-tiny-quiz-answer").click()
    page.wait_for_function(
        f"""() => new Promise((resolve) => {{
          const read = {READ_QUEUE};
          read().then((items) => resolve(items.some((i) => i.kind === "h5p_statement")));
        }})"""
    )
    assert not Statement.objects.filter(learner=learner).exists()

    # Back online: sent, recorded and graded once.
    page.context.set_offline(False)
    page.locator("#offline-status[data-synced]").wait_for()
    page.wait_for_function(f"({READ_QUEUE})().then((items) => items.length === 0)")
    assert Statement.objects.filter(learner=learner, verb_iri=ANSWERED).count() == 1
    result = ActivityResult.objects.get(enrollment=enrollment)
    assert float(result.best_scaled_score) == pytest.approx(0.75)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert errors == []
