"""Offline courses (ADR 0041) in Chromium with the network switched off: a learner saves a
course, opens its lessons offline, marks one complete and answers a quiz; back online, the
queued work is graded on the server and recorded exactly once, even when the same queue is
sent again from two tabs."""

from playwright.sync_api import Error as PlaywrightError

from learning import services as learning
from learning.models import Enrollment, LessonProgress, QuizAttempt
from offline.models import OfflineSubmission
from tests.factories import lessons_of, make_member, publish

from .conftest import assert_accessible
from .content import course_with_quiz

READ_QUEUE = """() => new Promise((resolve) => {
  const open = indexedDB.open("ilm-offline", 1);
  open.onsuccess = () => {
    const request = open.result.transaction("queue").objectStore("queue").getAll();
    request.onsuccess = () => resolve(request.result);
  };
})"""

WRITE_QUEUE = """(items) => new Promise((resolve) => {
  const open = indexedDB.open("ilm-offline", 1);
  open.onsuccess = () => {
    const tx = open.result.transaction("queue", "readwrite");
    items.forEach((item) => tx.objectStore("queue").put(item));
    tx.oncomplete = () => resolve(items.length);
  };
})"""


def test_a_saved_course_works_offline_and_is_graded_once_back_online(page_as):
    course = course_with_quiz()
    learner = make_member("learner", course.university)
    enrollment = learning.enrollment_create(learner=learner, run=course.runs.first())
    reading, quiz_lesson = lessons_of(course)
    page = page_as(learner)

    # Save the course: the size is shown first, then the copy is made.
    page.goto(course.url)
    page.get_by_role("link", name="Save for offline use").click()
    page.get_by_text("takes about", exact=False).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save for offline use").click()
    page.locator("#offline-status[data-saved='true']").wait_for()
    assert "Foundations of AI" in page.inner_text("#offline-status")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # Offline: the saved lessons open, and what the learner does is kept on the device.
    page.context.set_offline(True)
    page.goto(reading.url)
    page.get_by_role("heading", name="Lesson 1.1", level=1).wait_for()
    page.get_by_text("Offline:", exact=False).wait_for()
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_role("heading", name="Kept on this device").wait_for()

    page.goto(quiz_lesson.url)
    page.get_by_label("Tajik").check()
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("heading", name="Kept on this device").wait_for()
    page.get_by_text("Waiting to be sent: 2").wait_for()
    queue = page.evaluate(READ_QUEUE)
    assert sorted(item["kind"] for item in queue) == ["complete", "quiz"]
    assert all("score" not in item["payload"] for item in queue)
    assert not LessonProgress.objects.filter(enrollment=enrollment).exists()
    assert not QuizAttempt.objects.filter(enrollment=enrollment, submitted_at__isnull=False)

    # Back online: the queue is sent, graded on the server, and the learner sees the result.
    page.context.set_offline(False)
    page.locator("#offline-status[data-synced='2']").wait_for()
    status = page.inner_text("#offline-status")
    assert "Lesson completed." in status and "Quiz passed with 100%." in status
    assert page.evaluate(READ_QUEUE) == []
    attempt = QuizAttempt.objects.get(enrollment=enrollment, submitted_at__isnull=False)
    assert attempt.passed and attempt.score == 100
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 2
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED

    # The same queue sent again, from two tabs at once: nothing is counted twice.
    page.evaluate(WRITE_QUEUE, queue)
    second = page.context.new_page()
    second.goto(reading.url)
    page.reload()
    for tab in (page, second):
        tab.locator("#offline-status[data-ready='true']").wait_for()
    assert page.evaluate(READ_QUEUE) == []
    assert QuizAttempt.objects.filter(enrollment=enrollment).count() == 1
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 2
    assert OfflineSubmission.objects.filter(user=learner).count() == 2

    # The dashboard shows the finished course.
    page.goto("/en/learn/")
    completed = page.locator("section[aria-labelledby='completed']")
    assert "Foundations of AI" in completed.inner_text()
    assert "score 100%" in completed.inner_text()


def test_a_saved_copy_follows_a_republished_course_and_can_be_removed(page_as):
    """The copy on the device is replaced when the course is republished (its manifest's
    version changes), and once removed its lessons no longer open offline."""
    course = course_with_quiz(title="Offline updates")
    learner = make_member("learner", course.university)
    learning.enrollment_create(learner=learner, run=course.runs.first())
    reading = lessons_of(course)[0]
    page = page_as(learner)

    page.goto(course.url)
    page.get_by_role("link", name="Save for offline use").click()
    save_page = page.url
    page.get_by_role("button", name="Save for offline use").click()
    page.locator("#offline-status[data-saved='true']").wait_for()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # The author republishes the lesson; the next page read online refreshes the copy.
    reading.body = [{"type": "rich_text", "value": "<p>Rewritten after saving.</p>"}]
    publish(reading)
    page.goto(lessons_of(course)[1].url)
    page.locator("#offline-status[data-ready='true']").wait_for()
    page.get_by_text("The saved copy was updated to the latest version").wait_for()
    page.context.set_offline(True)
    page.goto(reading.url)
    page.get_by_text("Rewritten after saving.").wait_for()

    # Removed from the device: offline, the lesson is no longer there to open.
    page.context.set_offline(False)
    page.goto(save_page)
    page.get_by_role("button", name="Remove from this device").click()
    page.get_by_text("Removed from this device.").wait_for()
    assert page.evaluate("caches.keys()") == []
    page.context.set_offline(True)
    response = None
    try:
        response = page.goto(reading.url)
    except PlaywrightError as error:  # an uncached page offline is a network error
        assert "ERR_INTERNET_DISCONNECTED" in str(error) or "ERR_FAILED" in str(error)
    if response is not None:
        assert "Rewritten after saving." not in page.content()
    page.context.set_offline(False)


def test_a_sending_that_fails_after_the_connection_returns_is_tried_again(page_as):
    """The "online" event can come before the link carries anything: the first sendings
    fail, and the queue is sent by a later try without the learner doing anything."""
    course = course_with_quiz(title="Offline retries")
    learner = make_member("learner", course.university)
    enrollment = learning.enrollment_create(learner=learner, run=course.runs.first())
    reading = lessons_of(course)[0]
    page = page_as(learner)
    page.goto(course.url)
    page.get_by_role("link", name="Save for offline use").click()
    page.get_by_role("button", name="Save for offline use").click()
    page.locator("#offline-status[data-saved='true']").wait_for()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.goto(reading.url)
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_role("heading", name="Kept on this device").wait_for()

    refused = []

    def refuse_twice(route):
        if len(refused) < 2:
            refused.append(route.request.method)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/offline/sync/", refuse_twice)
    page.context.set_offline(False)
    page.locator("#offline-status[data-synced='1']").wait_for()
    assert len(refused) == 2
    assert page.evaluate(READ_QUEUE) == []
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1
