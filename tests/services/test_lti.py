"""Ilm as an LTI 1.3 tool against a real LTI 1.3 Advantage platform in another process
(`lti/tests/platform`, written from the specifications on its own code): the platform
registers Ilm dynamically, an instructor deep-links a course, a learner launches and completes
its lesson, the scores arrive through AGS, the roster through NRPS, and hostile launches are
refused with nothing created. Ilm runs in pytest-django's `live_server`; a `requests.Session`
is the browser. Without a broker the outbox runs `lti.deliver_scores` after commit, in-process.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import requests
from django.conf import settings
from django.test import Client

from learning.models import Enrollment
from learning.services import lesson_mark_complete
from lti.ags import score_record, scores_deliver
from lti.models import ContextLink, LtiIdentity, PlatformRegistration, ScoreDelivery
from lti.nrps import roster_compare
from lti.tests.platform.driver import PlatformDriver
from lti.tests.platform.process import LtiPlatform
from tests.factories import UniversityFactory, UserFactory, build_course, lessons_of, open_run

CONTEXT = {"id": "phys-101", "title": "Physics 101", "label": "PHYS"}
LEARNER = {
    "sub": "moodle-42",
    "name": "Dilnoza Karimova",
    "email": "d@partner.example",
    "roles": ["learner"],
}
TEACHER = {
    "sub": "moodle-7",
    "name": "Malika Teacher",
    "email": "m@partner.example",
    "roles": ["instructor"],
}


class _Forms(HTMLParser):
    """Every <form>: its action and its named inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


class _Form:
    def __init__(self, action, fields):
        self.action, self.fields = action, fields


def _form(html: str, needs: str) -> _Form:
    """The form that holds an input named `needs`."""
    parsed = _Forms()
    parsed.feed(html)
    for form in parsed.forms:
        if needs in form["fields"]:
            return _Form(form["action"], form["fields"])
    raise AssertionError(f"no form with {needs}: {html[:500]}")


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with LtiPlatform(tmp_path_factory.mktemp("lti-platform")) as running:
        yield running


def _signed_in_browser(user) -> requests.Session:
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return browser


def _launch(browser, login_url, *, keep_cookie=False):
    """Follow a launch: Ilm's login, the platform's /auth, then post its form back to Ilm."""
    to_auth = browser.get(login_url, allow_redirects=False)
    if to_auth.status_code != 302:
        return to_auth, None
    page = browser.get(to_auth.headers["Location"], allow_redirects=False)
    assert page.status_code == 200, page.text[:300]
    form = _form(page.text, "id_token")
    cookies = browser.cookies.copy()
    answer = browser.post(form.action, data=form.fields, allow_redirects=False)
    return answer, (form, cookies)


def test_register_deep_link_launch_grade_and_roster(live_server, platform):
    live = live_server.url
    driver = PlatformDriver(platform)
    partner = UniversityFactory(code="partner", name="Partner University")
    course = build_course(
        UniversityFactory(code="owner"), modules=1, lessons_per_module=1, quiz_in_last_lesson=False
    )
    run = open_run(course)
    staff = UserFactory(is_superuser=True, is_staff=True)

    # Dynamic registration: the LMS opens Ilm's page; platform staff name the university.
    browser = _signed_in_browser(staff)
    opened = browser.get(driver.registration_start(f"{live}/lti/register/"))
    assert opened.status_code == 200, opened.text[:300]
    fields = _form(opened.text, "openid_configuration").fields
    done = browser.post(
        f"{live}/lti/register/",
        data={**fields, "university": partner.pk},
        headers={"Referer": f"{live}/lti/register/"},
    )
    assert done.status_code == 200 and "org.imsglobal.lti.close" in done.text, done.text[:500]
    registration = PlatformRegistration.objects.get()
    assert registration.issuer == platform.issuer and registration.university == partner
    [client] = [c for c in driver.clients() if c["via"] == "dynamic"]
    assert client["client_id"] == registration.client_id
    registration.courses.add(course)

    # Deep linking: the instructor places the course.
    teacher = requests.Session()
    answer, _ = _launch(
        teacher, driver.deep_linking_launch(registration.client_id, TEACHER, context=CONTEXT)
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/lti/deep-link/"
    picker = teacher.get(f"{live}/lti/deep-link/")
    assert course.title in picker.text
    returned = teacher.post(
        f"{live}/lti/deep-link/",
        data={"page": course.pk, "csrfmiddlewaretoken": teacher.cookies["csrftoken"]},
    )
    back = _form(returned.text, "JWT")
    assert back.action == f"{platform.url}/deep-link/return"
    assert teacher.post(back.action, data=back.fields).status_code in (200, 302)
    [link] = driver.links()
    assert link["custom"] == {"ilm_page_id": str(course.pk)}

    # The learner launches in Russian, lands in the course, is enrolled in the run.
    learner = requests.Session()
    answer, used = _launch(
        learner,
        driver.launch(
            registration.client_id,
            LEARNER,
            context=CONTEXT,
            locale="ru-RU",
            resource_link_id=link["id"],
        ),
    )
    assert answer.status_code == 302, answer.text[:500]
    assert answer.headers["Location"].startswith("/ru/")
    identity = LtiIdentity.objects.get(sub=LEARNER["sub"])
    enrollment = Enrollment.objects.get(learner=identity.user, run=run)

    # A replay of the same id_token and state, cookie and all, is refused.
    form, cookies = used
    replay = requests.post(
        form.action, data=form.fields, cookies=cookies, allow_redirects=False, timeout=10
    )
    assert replay.status_code == 400

    # The lesson (and with it the course) is completed: the scores arrive through AGS.
    lesson = lessons_of(course)[0]
    lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    scores = driver.scores()
    assert {s["userId"] for s in scores} == {LEARNER["sub"]}
    assert all(s["scoreGiven"] == 100 for s in scores) and len(scores) == 2
    assert set(ScoreDelivery.objects.values_list("status", flat=True)) == {"sent"}

    # A refused post is retried; a 4xx that will never succeed stops as refused.
    context = ContextLink.objects.get(context_id=CONTEXT["id"], run=run)
    driver.refuse_scores(503, 1)
    score_record(enrollment=enrollment, resource_key="retry", label="Retry", score=50)
    retried = ScoreDelivery.objects.get(resource_id="ilm-retry")
    assert retried.status == "pending" and retried.next_attempt_at is not None
    ScoreDelivery.objects.filter(pk=retried.pk).update(next_attempt_at=None)
    assert scores_deliver() == 1
    driver.refuse_scores(400, 1)
    score_record(enrollment=enrollment, resource_key="never", label="Never", score=10)
    assert ScoreDelivery.objects.get(resource_id="ilm-never").status == "refused"

    # The roster through NRPS, beside Ilm's enrollments.
    driver.set_roster(
        CONTEXT,
        [
            {"user_id": LEARNER["sub"], "name": LEARNER["name"], "roles": ["learner"]},
            {"user_id": "moodle-99", "name": "Not Yet", "roles": ["learner"]},
        ],
    )
    rows = {row.user_id: row.enrolled for row in roster_compare(context)}
    assert rows == {LEARNER["sub"]: True, "moodle-99": False}

    # Hostile launches: refused, logged, nothing created.
    people = LtiIdentity.objects.count()
    for number, tamper in enumerate(
        [
            "bad_signature",
            "wrong_aud",
            "wrong_iss",
            "expired",
            "unknown_deployment",
            "no_nonce",
            "wrong_message_type",
            "missing_azp_multi_aud",
        ]
    ):
        stranger = {"sub": f"hostile-{number}", "name": "X", "roles": ["learner"]}
        answer, _ = _launch(
            requests.Session(),
            driver.launch(
                registration.client_id,
                stranger,
                context=CONTEXT,
                resource_link_id=link["id"],
                tamper=tamper,
            ),
        )
        assert answer.status_code in (400, 403), (tamper, answer.status_code)
    other = build_course(UniversityFactory(code="third"), modules=1, lessons_per_module=1)
    open_run(other)
    answer, _ = _launch(
        requests.Session(),
        driver.launch(
            registration.client_id,
            {"sub": "hostile-x", "roles": ["learner"]},
            context=CONTEXT,
            custom={"ilm_page_id": str(other.pk)},
        ),
    )
    assert answer.status_code == 403
    assert LtiIdentity.objects.count() == people
