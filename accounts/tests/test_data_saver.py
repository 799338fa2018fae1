"""The data saver (ADR 0043): kept on the account, or in a cookie before logging in; with it
on, lesson images are rendered behind a closed box that fetches nothing until opened."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from accounts.data_saver import COOKIE_NAME
from accounts.services import user_data_saver_set
from courses.models import CourseRun
from learning.services import enrollment_create
from tests.factories import (
    UniversityFactory,
    UserFactory,
    build_course,
    lessons_of,
    make_member,
    open_run,
    publish,
)

pytestmark = pytest.mark.django_db
URL = "/en/accounts/data-saver/"


def test_the_page_answers_anyone_and_offers_to_turn_it_on(client):
    assert reverse("accounts:data_saver") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert "Turn the data saver on" in response.text
    assert "This browser remembers the setting" in response.text


def test_a_visitor_turns_it_on_and_the_cookie_remembers(client):
    response = client.post(URL, {"on": "1", "next": "/en/catalogue/"})
    assert response.status_code == 302 and response["Location"] == "/en/catalogue/"
    assert client.cookies[COOKIE_NAME].value == "1"
    assert client.cookies[COOKIE_NAME]["httponly"]
    page = client.get(URL)
    assert "The data saver is on." in page.text and "Turn the data saver off" in page.text

    client.post(URL, {"on": "0"})
    assert client.cookies[COOKIE_NAME].value == ""  # deleted
    assert "Turn the data saver on" in client.get(URL).text


def test_a_logged_in_person_keeps_it_on_the_account(client):
    user = UserFactory()
    client.force_login(user)
    client.post(URL, {"on": "1"})
    user.refresh_from_db()
    assert user.data_saver is True
    # The account decides, not this browser's cookie.
    client.cookies[COOKIE_NAME] = ""
    assert "Turn the data saver off" in client.get(URL).text
    client.post(URL, {"on": "0"})
    user.refresh_from_db()
    assert user.data_saver is False


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_a_foreign_or_missing_next_goes_back_to_the_setting(client, target):
    response = client.post(URL, {"on": "1", "next": target})
    assert response.status_code == 302 and response["Location"] == URL


@pytest.mark.parametrize("value", ["yes", "true", "2", "<script>", "1" * 5000])
def test_anything_but_the_exact_value_is_off(client, value):
    # A hostile form value turns it off; a hostile cookie reads as off; neither is an error.
    assert client.post(URL, {"on": value}).status_code == 302
    client.cookies[COOKIE_NAME] = value
    response = client.get(URL)
    assert response.status_code == 200 and "Turn the data saver on" in response.text


def test_other_methods_are_refused(client):
    assert client.put(URL).status_code == 405


def test_the_service_reports_a_change_only_once():
    user = UserFactory()
    assert user_data_saver_set(user=user, on=True) is True
    assert user_data_saver_set(user=user, on=True) is False
    user.refresh_from_db()
    assert user.data_saver is True


def _png() -> ContentFile:
    # Wagtail's own test image (a real PNG), so the test needs no imaging library of its own.
    image_file = get_test_image_file(size=(400, 200))
    image_file.seek(0)
    return ContentFile(image_file.read(), name="boundary.png")


def test_a_lesson_image_waits_behind_a_closed_box_with_the_saver_on(client):
    university = UniversityFactory()
    course = build_course(university, modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    [lesson] = lessons_of(course)
    image = get_image_model().objects.create(title="Boundary", file=_png())
    lesson.body = [{"type": "image", "value": {"image": image.pk, "alt_text": "A boundary"}}]
    publish(lesson)
    open_run(course)
    learner = make_member("learner", university)
    enrollment_create(learner=learner, run=CourseRun.objects.get(course=course))
    client.force_login(learner)

    off = client.get(lesson.url).text
    assert '<img src="/media/images/boundary' in off and "media-saver" not in off

    user_data_saver_set(user=learner, on=True)
    on = client.get(lesson.url).text
    assert '<details class="media-saver">' in on and '<details class="media-saver" open' not in on
    assert re.search(r"Show image \([\d.]+\s(bytes|KB)\)", on)  # the size, to decide by
    assert '<img src="/media/images/boundary' not in on  # nothing a browser fetches eagerly
    assert 'role="img" aria-label="A boundary"' in on
    assert "url(&quot;/media/images/boundary" in on
