"""The learner's whole journey in a real browser: sign up, verify the email address, enroll,
read a lesson, pass a quiz, watch the progress bar move, finish the course, download the
certificate and open its verification page. The keyboard-only variant does the same course
without a mouse."""

import re
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.core import mail

from certificates.models import Credential
from learning.models import Enrollment
from tests.factories import UniversityFactory, make_member

from .conftest import assert_accessible
from .content import course_with_quiz

PASSWORD = "a-long-learner-passphrase-42"


def progress_of(page) -> float:
    return float(page.locator("progress").first.get_attribute("value"))


def test_learner_signs_up_verifies_enrolls_learns_and_gets_a_certificate(page):
    course_with_quiz()

    # Sign up.
    page.goto("/en/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("dilnoza@example.org")
    page.get_by_label("Full name").fill("Dilnoza Yusupova")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()

    # Verify the email address through the link in the message the site sent.
    message = next(m for m in mail.outbox if "dilnoza@example.org" in m.to)
    link = re.search(r"https?://\S+/confirm-email/\S+", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert EmailAddress.objects.get(email="dilnoza@example.org").verified

    # Find the course in the catalogue and enroll.
    page.get_by_role("link", name="Catalogue").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Foundations of AI").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Enroll").click()
    page.get_by_text("You are enrolled", exact=False).first.wait_for()
    assert progress_of(page) == 0

    # Read the first lesson and mark it complete: the progress bar moves.
    page.get_by_role("link", name=re.compile("Continue: Lesson 1.1")).click()
    page.get_by_role("heading", name="Lesson 1.1", level=1).wait_for()
    assert "Lesson 1.1 teaches things." in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_role("heading", name="Lesson 1.2", level=1).wait_for()
    assert progress_of(page) == 50

    # Pass the quiz of the last lesson: the course is complete.
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit answers").wait_for()
    page.get_by_label("Tajik").check()
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("Quiz passed", exact=False).first.wait_for()
    assert progress_of(page) == 100
    enrollment = Enrollment.objects.get(learner__email="dilnoza@example.org")
    assert enrollment.status == Enrollment.Status.COMPLETED

    # The dashboard lists it as completed.
    page.get_by_role("link", name="My learning").click()
    completed = page.locator("section", has=page.locator("#completed"))
    assert "Foundations of AI" in completed.inner_text()
    assert_accessible(page)

    # The certificate: download its PDF, then open its public verification page.
    credential = Credential.objects.get(enrollment=enrollment)
    page.goto("/certificates/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf_path = download_info.value.path()
    with open(pdf_path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    share_url = page.get_by_label("Share link").input_value()
    assert str(credential.pk) in share_url
    # The share link carries the configured SITE_URL; open its path on this test server.
    page.goto(urlsplit(share_url).path)
    verdict = page.get_by_role("status")
    assert "Foundations of AI" in verdict.inner_text()
    assert page.locator(".verdict-valid").count() == 1
    assert_accessible(page)


def test_learner_journey_by_keyboard_only(page):
    course_with_quiz()
    learner = make_member("learner", UniversityFactory(code="kbd"))
    learner.set_password(PASSWORD)
    learner.save()

    def tab_to(name: str, *, role: str = "link", exact: bool = False) -> None:
        """Press Tab until the element with this accessible name has focus."""
        target = page.get_by_role(role, name=name, exact=exact).first
        for _ in range(80):
            page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"{role} {name!r} cannot be reached with Tab on {page.url}")

    # Log in through the form, by keyboard.
    page.goto("/en/")
    tab_to("Skip to content")  # the first stop on every page
    tab_to("Log in")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.get_by_label("Email").focus()
    page.keyboard.type(learner.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My learning").wait_for()

    tab_to("Catalogue")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Catalogue", level=1).wait_for()
    tab_to("Foundations of AI")
    page.keyboard.press("Enter")
    tab_to("Enroll", role="button")
    page.keyboard.press("Enter")
    page.get_by_text("You are enrolled", exact=False).first.wait_for()

    tab_to("Continue: Lesson 1.1")
    page.keyboard.press("Enter")
    tab_to("Mark as complete", role="button")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Lesson 1.2", level=1).wait_for()

    tab_to("Start the quiz", role="button")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Submit answers").wait_for()

    # Radio buttons: Tab reaches a group at its first option (the order is shuffled per
    # attempt); Space picks the focused option, arrow keys move to and pick another.
    def pick(name: str) -> None:
        target = page.get_by_role("radio", name=name, exact=True)
        group = target.get_attribute("name")
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == group:
                break
        page.keyboard.press("Space")
        for _ in range(10):
            if target.is_checked():
                return
            page.keyboard.press("ArrowDown")
        raise AssertionError(f"radio {name!r} cannot be picked by keyboard")

    pick("Tajik")
    pick("4")
    tab_to("Submit answers", role="button")
    page.keyboard.press("Enter")
    page.get_by_text("Quiz passed", exact=False).first.wait_for()

    enrollment = Enrollment.objects.get(learner=learner)
    assert enrollment.status == Enrollment.Status.COMPLETED
