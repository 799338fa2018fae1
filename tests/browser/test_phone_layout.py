"""Every page a person reaches fits a 360 px phone, and its primary action is in sight.

One browser context visits every page type in turn (switching who is logged in by swapping
the session cookie), so the suite stays quick. A page "fits" when the document does not
scroll sideways: code blocks and tables scroll inside their own boxes instead. The primary
action (Enroll, Continue, Submit) must sit in the first 740 px without scrolling.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from courses.models import CourseRun
from learning.models import Enrollment
from learning.services import enrollment_create, lesson_mark_complete
from tests.factories import (
    UniversityFactory,
    UserFactory,
    add_instructor,
    build_course,
    build_program,
    lessons_of,
    make_member,
    open_run,
    publish,
    quiz_attempt_answer,
)
from xapi.services import external_lrs_create, external_lrs_deactivate

from .conftest import assert_accessible
from .content import quiz_block_with_ids

PHONE = {"width": 360, "height": 740}
# A line no phone can show whole: the code block must scroll inside itself, not the page.
LONG_CODE = "model = train(" + ", ".join(f"feature_{n}=dataset.column_{n}" for n in range(12)) + ")"
LONG_RUSSIAN_NAME = (
    "Таджикский национальный университет имени Героя Советского Союза и академика "
    "Бободжона Гафурова"
)


def png_bytes(width: int = 1200, height: int = 600) -> bytes:
    # Wagtail's own test image (a real PNG): the tests need no imaging library of their own.
    image_file = get_test_image_file(size=(width, height))
    image_file.seek(0)
    return image_file.read()


def lesson_image():
    return get_image_model().objects.create(
        title="Decision boundary", file=ContentFile(png_bytes(), name="boundary.png")
    )


def rich_course(university, *, title: str):
    """A course whose first lesson holds a long code block and a wide image, and whose last
    lesson holds a quiz; with an open run."""
    course = build_course(
        university, title=title, modules=1, lessons_per_module=2, quiz_in_last_lesson=False
    )
    first, last = lessons_of(course)
    first.body = [
        {"type": "rich_text", "value": "<p>Read the code, then look at the picture.</p>"},
        {"type": "code", "value": {"language": "python", "code": LONG_CODE}},
        {
            "type": "image",
            "value": {"image": lesson_image().pk, "alt_text": "A boundary", "caption": "Fig. 1"},
        },
    ]
    publish(first)
    last.body = [{"type": "rich_text", "value": "<p>Time to check.</p>"}, quiz_block_with_ids()]
    publish(last)
    publish(course)
    open_run(course)
    return course


def overflow(page) -> dict:
    """The document's widths, and the first elements that stick out past the viewport."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            const width = root.clientWidth;
            const wide = [...document.body.querySelectorAll("*")]
                .filter(e => e.getBoundingClientRect().right > width + 1
                             && !e.parentElement.closest("pre, .table-box"))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className);
            return {scroll: root.scrollWidth, client: width, wide};
        }"""
    )


class Visit:
    """Goes to pages on one browser page and collects what does not fit, to report all."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        self.visited: list[str] = []

    def as_user(self, user) -> None:
        self.page.context.clear_cookies()
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            self.page.context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": self.base_url}]
            )

    def check(self, label: str, url: str | None = None, *, status: int = 200) -> None:
        if url is not None:
            response = self.page.goto(url)
            if response.status != status:
                self.problems.append(f"{label} {url}: status {response.status}, not {status}")
                return
        self.visited.append(label)
        widths = overflow(self.page)
        if widths["scroll"] > widths["client"]:
            self.problems.append(
                f"{label} {self.page.url}: {widths['scroll']} px wide in a {widths['client']}"
                f" px viewport; sticking out: {widths['wide']}"
            )

    def in_first_screen(self, label: str, locator) -> None:
        box = locator.bounding_box()
        if box is None:
            self.problems.append(f"{label}: the primary action is not shown on {self.page.url}")
        elif box["y"] + box["height"] > PHONE["height"]:
            self.problems.append(
                f"{label}: the primary action ends at {box['y'] + box['height']:.0f} px,"
                f" below the first {PHONE['height']} px of {self.page.url}"
            )


def test_every_page_type_fits_a_360_px_phone_with_its_primary_action_in_sight(
    new_page, site_server
):
    university = UniversityFactory(
        name="Tajik National University", name_translations={"ru": LONG_RUSSIAN_NAME}
    )
    course = rich_course(university, title="Foundations of Machine Learning for Public Services")
    other = rich_course(university, title="Data Ethics")
    program = build_program(university, [], [course, other])
    run = CourseRun.objects.get(course=course)

    learner = make_member("learner", university, full_name="Aziza Karimova")
    enrollment = enrollment_create(learner=learner, run=run)
    first, last = lessons_of(course)
    lesson_mark_complete(enrollment=enrollment, lesson_key=first.translation_key)
    newcomer = make_member("learner", university, full_name="Dilnoza Yusupova")
    instructor = make_member(
        "instructor", university, full_name="Abdurakhmonzoda-Sulaymonovich Farrukhjon"
    )
    add_instructor(course, instructor)
    registrar = make_member("registrar", university)
    # A credential: a learner who finished the second course (issued on commit).
    graduate = make_member("learner", university, full_name="Farhod Rahimov")
    graduation = enrollment_create(learner=graduate, run=CourseRun.objects.get(course=other))
    other_first, other_last = lessons_of(other)
    lesson_mark_complete(enrollment=graduation, lesson_key=other_first.translation_key)
    quiz_attempt_answer(graduation, other_last, correct=True)
    graduation.refresh_from_db()
    assert graduation.status == Enrollment.Status.COMPLETED
    credential = graduation.credentials.get()

    page = new_page(viewport=PHONE)
    visit = Visit(page, site_server.url)

    # Anyone.
    visit.as_user(None)
    visit.check("home", "/en/")
    visit.check("catalogue (en)", "/en/catalogue/")
    visit.check("catalogue (ru)", "/ru/catalogue/")
    visit.check("program", program.url)
    visit.check("course, anonymous", course.url)
    visit.check("log in", reverse("account_login"))
    visit.check("sign up", reverse("account_signup"))
    visit.check("verify upload", reverse("certificates:verify_upload"))
    visit.check("verify", reverse("certificates:verify", args=[credential.pk]))
    visit.check("not found", "/en/no-such-page/", status=404)

    # On a wide screen too, no fact spills out of the Facts card.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(course.url)
    spill = page.evaluate(
        """() => {
            const card = document.querySelector(".course-facts .card").getBoundingClientRect();
            return [...document.querySelectorAll(".facts dt, .facts dd")]
                .filter(e => e.getBoundingClientRect().right > card.right + 0.5)
                .map(e => e.textContent);
        }"""
    )
    if spill:
        visit.problems.append(f"Facts spill out of their card at 1280 px: {spill}")
    page.set_viewport_size(PHONE)

    # A learner who has not enrolled: Enroll is in sight.
    visit.as_user(newcomer)
    visit.check("course, not enrolled", course.url)
    visit.in_first_screen("Enroll", page.get_by_role("button", name="Enroll"))

    # The enrolled learner.
    visit.as_user(learner)
    visit.check("course, enrolled", course.url)
    visit.in_first_screen("Continue on the course", page.get_by_role("link", name="Continue:"))
    visit.check("dashboard", reverse("learning:dashboard"))
    visit.in_first_screen("Continue on the dashboard", page.locator("main .card .button").first)
    visit.check("lesson with code and image", first.url)
    visit.check("quiz", last.url)
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit answers").wait_for()
    visit.check("quiz, open attempt")
    visit.in_first_screen("Submit", page.get_by_role("button", name="Submit answers"))
    page.get_by_label("Tajik").check()
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("Passed", exact=False).first.wait_for()
    visit.check("quiz result")
    visit.check("account: email", reverse("account_email"))
    visit.check("account: password", reverse("account_change_password"))
    visit.check("account: data saver", reverse("accounts:data_saver"))

    # The graduate's certificates.
    visit.as_user(graduate)
    visit.check("my certificates", reverse("certificates:mine"))
    visit.check("send to a wallet", reverse("wallets:offer", args=[credential.pk]))
    page.get_by_role("button", name="Make an offer").click()
    page.get_by_role("img", name="QR code of the wallet offer").wait_for()
    visit.check("wallet offer with its QR code")

    # Staff pages: teaching and the registrar's.
    visit.as_user(instructor)
    visit.check("teach: runs", reverse("teaching:runs"))
    for name in ("roster", "gradebook", "quiz_analysis", "announcements", "bulk_enrollment"):
        visit.check(f"teach: {name}", reverse(f"teaching:{name}", args=[run.pk]))
    visit.as_user(registrar)
    visit.check("reports", reverse("reports_site:dashboard"))
    visit.check("reports: tokens", reverse("reports_site:tokens"))
    visit.check("reports: schedules", reverse("reports_site:schedules"))
    visit.check("credentials", reverse("certificates:manage"))
    visit.check("certificate settings", reverse("certificates:settings"))
    # The learning record store's pages, with one LRS forwarded to and one stopped.
    for name in ("Campus learning record store", "Ministry of Education archive"):
        external_lrs_create(
            university=university,
            name=name,
            endpoint="https://lrs.example.org/xapi/",
            key="campus",
            secret="secret",
            verb_iris="http://adlnet.gov/expapi/verbs/completed",
        )
    external_lrs_deactivate(lrs=university.external_lrs.get(name__startswith="Ministry"))
    for name in ("clients", "forwarding", "retention"):
        visit.check(f"lrs: {name}", reverse(f"xapi:{name}", args=[university.code]))

    # Platform staff connecting a partner LMS (LTI Dynamic Registration), and a refused launch.
    visit.as_user(UserFactory(is_superuser=True, is_staff=True))
    configuration = "https://lms.example/.well-known/openid-configuration"
    visit.check("lti: register", f"/lti/register/?openid_configuration={configuration}")
    visit.check("lti: refused launch", "/lti/login/", status=400)

    print(f"checked at 360 px: {', '.join(visit.visited)}")
    assert not visit.problems, "\n".join(visit.problems)
    assert len(visit.visited) >= 30


def test_quiz_result_takes_the_focus_after_a_keyboard_submit(page_as):
    university = UniversityFactory()
    course = rich_course(university, title="Foundations of AI")
    learner = make_member("learner", university)
    enrollment_create(learner=learner, run=CourseRun.objects.get(course=course))
    last = lessons_of(course)[-1]

    page = page_as(learner, axe=False, viewport=PHONE)
    page.goto(last.url)
    page.get_by_role("button", name="Start the quiz").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Submit answers").wait_for()
    page.get_by_label("Latin").check()
    page.get_by_label("22").check()
    page.get_by_role("button", name="Submit answers").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Not passed yet", exact=False).first.wait_for()

    focused = page.evaluate(
        "() => ({id: document.activeElement.id, text: document.activeElement.innerText})"
    )
    assert focused["id"].endswith("-result"), focused
    assert "Not passed yet" in focused["text"]
    # The result is on screen, not merely focused somewhere below.
    box = page.locator(f"#{focused['id']}").bounding_box()
    assert -1 <= box["y"] < PHONE["height"]


def image_requests(page) -> list[str]:
    """The URLs of the images `page` requests from now on (cache hits included)."""
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url) if r.resource_type == "image" else None)
    return urls


def test_data_saver_fetches_no_image_until_the_reader_asks(page_as):
    university = UniversityFactory()
    course = rich_course(university, title="Foundations of AI")
    learner = make_member("learner", university)
    enrollment_create(learner=learner, run=CourseRun.objects.get(course=course))
    first = lessons_of(course)[0]

    page = page_as(learner, axe=False, viewport=PHONE)
    images = image_requests(page)

    # Off by default: the lesson's image is fetched with the page.
    page.goto(first.url, wait_until="load")
    page.locator("figure img").wait_for()
    assert any("boundary" in url for url in images), images

    # Turned on from the account page, and remembered on the account.
    page.goto(reverse("accounts:data_saver"))
    page.get_by_role("button", name="Turn the data saver on").click()
    page.get_by_text("The data saver is on", exact=False).first.wait_for()
    learner.refresh_from_db()
    assert learner.data_saver is True

    # On another device (a fresh browser, nothing cached, JavaScript off), the account's
    # setting holds: the image stays behind its summary until tapped.
    page = page_as(learner, axe=False, viewport=PHONE, java_script_enabled=False)
    images = image_requests(page)
    page.goto(first.url, wait_until="load")
    page.wait_for_load_state("networkidle")
    summary = page.locator("details.media-saver summary")
    assert "Show image" in summary.inner_text() and "KB" in summary.inner_text()
    assert not any("boundary" in url for url in images), images  # not fetched yet
    with page.expect_request(lambda request: "boundary" in request.url):
        summary.click()  # fetched once tapped
    assert page.locator("details.media-saver").get_attribute("open") is not None
    assert page.get_by_role("img", name="A boundary").is_visible()

    # The page says the saver is on, and turns it off from there.
    page.get_by_role("button", name="Turn the data saver off").click()
    page.locator("figure img").first.wait_for()
    learner.refresh_from_db()
    assert learner.data_saver is False
    assert page.locator("details.media-saver").count() == 0


def test_data_saver_is_remembered_for_an_anonymous_visitor_by_cookie(page):
    page.goto(reverse("accounts:data_saver"))
    page.get_by_role("button", name="Turn the data saver on").click()
    page.get_by_text("The data saver is on", exact=False).first.wait_for()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("ilm_data_saver") == "1"
    assert_accessible(page)
    page.goto("/en/")
    assert page.get_by_role("button", name="Turn the data saver off").count() == 1
    # A forged cookie value is read as off, not as an error.
    page.context.add_cookies(
        [{"name": "ilm_data_saver", "value": uuid.uuid4().hex, "url": page.url.split("/en/")[0]}]
    )
    page.goto(reverse("accounts:data_saver"))
    assert page.get_by_role("button", name="Turn the data saver on").count() == 1
