"""The save page, the manifest a copy is made from, and the root files of the web app."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from learning import services as learning
from learning.models import QuizAttempt
from offline.selectors import course_offline_manifest
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(learner):
    client = Client()
    client.force_login(learner)
    return client


def test_the_save_page_shows_the_size_before_any_download(client_as, course, enrollment):
    response = client_as.get(reverse("offline:course", args=[course.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    manifest = response.context["manifest"]
    assert manifest.size_bytes > 0
    assert "takes about" in html and "KB" in html
    assert "offline/offline.js" in html and 'rel="manifest"' in html
    assert "<noscript>" in html


def test_the_manifest_lists_the_lessons_in_the_readers_language(client_as, course, enrollment):
    data = client_as.get(reverse("offline:manifest", args=[course.pk])).json()
    lessons = f.lessons_of(course)
    assert [lesson["id"] for lesson in data["lessons"]] == [lesson.pk for lesson in lessons]
    assert all(url.startswith("/en/") for url in data["urls"])
    assert "/en/offline/queued/" in data["urls"]
    assert data["size"] > 0 and len(data["version"]) == 16


def test_the_manifest_counts_the_images_renditions(course, enrollment, university):
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
        b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    image = get_image_model().objects.create(
        title="Diagram", file=ContentFile(gif, name="diagram.gif")
    )
    lesson = f.lessons_of(course)[0]
    lesson.body = [
        *lesson.body.raw_data,
        {"type": "image", "value": {"image": image.pk, "alt_text": "A diagram", "caption": ""}},
    ]
    f.publish(lesson)
    before = course_offline_manifest(course, enrollment)
    assert len(before.images) == 1
    assert before.images[0] == image.get_rendition("max-960x720").url


def test_republishing_a_lesson_changes_the_version(course, enrollment):
    before = course_offline_manifest(course, enrollment).version
    lesson = f.lessons_of(course)[0]
    lesson.body = [{"type": "rich_text", "value": "<p>Rewritten.</p>"}]
    f.publish(lesson)
    assert course_offline_manifest(course, enrollment).version != before


@pytest.mark.parametrize("name", ["offline:course", "offline:manifest"])
def test_only_the_courses_own_learners_get_a_copy(name, course, enrollment, university):
    url = reverse(name, args=[course.pk])
    stranger = Client()
    stranger.force_login(f.make_member("learner", university))
    assert stranger.get(url).status_code == 404
    other_university = Client()
    other_university.force_login(f.make_member("instructor", f.UniversityFactory(code="oth")))
    assert other_university.get(url).status_code == 404
    assert Client().get(url).status_code in {302, 401}


def test_a_withdrawn_learner_gets_no_copy(client_as, course, enrollment):
    learning.enrollment_withdraw(enrollment=enrollment)
    assert client_as.get(reverse("offline:manifest", args=[course.pk])).status_code == 404
    assert client_as.post(reverse("offline:save", args=[course.pk])).status_code == 404


def test_a_missing_course_answers_like_a_forbidden_one(client_as, enrollment):
    assert client_as.get(reverse("offline:manifest", args=[999_999])).status_code == 404


def test_saving_opens_the_quizzes_and_turns_offline_mode_on(client_as, course, enrollment):
    response = client_as.post(
        reverse("offline:save", args=[course.pk]), headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["course"] == course.pk
    assert response.cookies["ilm_offline"].value == "1"
    assert QuizAttempt.objects.filter(enrollment=enrollment, submitted_at=None).count() == 1
    # Saving again reuses the open attempt: no redraw, nothing counted.
    client_as.post(reverse("offline:save", args=[course.pk]))
    assert QuizAttempt.objects.filter(enrollment=enrollment).count() == 1
    lesson = f.lessons_of(course)[1]
    html = client_as.get(lesson.url).content.decode()
    assert 'name="attempt"' in html and "offline/offline.js" in html


def test_saving_without_javascript_returns_to_the_save_page(client_as, course, enrollment):
    response = client_as.post(reverse("offline:save", args=[course.pk]))
    assert response.status_code == 303
    assert response["Location"] == reverse("offline:course", args=[course.pk])


def test_lesson_pages_load_no_script_unless_offline_mode_was_asked_for(
    client_as, course, enrollment
):
    lesson = f.lessons_of(course)[0]
    html = client_as.get(lesson.url).content.decode()
    assert "offline.js" not in html and "<script" not in html


def test_the_course_page_offers_saving_to_its_learners_only(client_as, course, enrollment):
    link = reverse("offline:course", args=[course.pk])
    assert link in client_as.get(course.url).content.decode()
    assert link not in Client().get(course.url).content.decode()


def test_the_service_worker_is_served_from_the_root_with_root_scope():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert b"ilm-course-" in response.content


def test_the_web_app_manifest_names_the_icon():
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["icons"][0]["src"].endswith(".svg") and data["start_url"].startswith("/")


def test_the_queued_page_is_translated():
    assert "Kept on this device" in Client().get("/en/offline/queued/").content.decode()


def test_a_lesson_in_offline_mode_stays_within_the_page_budget(client_as, university, learner):
    """Budget (README): under 100 KB of HTML + CSS + JS before media, offline script included."""
    from pathlib import Path

    from django.conf import settings

    big = f.build_course(university, modules=4, lessons_per_module=6)
    learning.enrollment_create(learner=learner, run=f.open_run(big))
    client_as.cookies["ilm_offline"] = "1"
    html = client_as.get(f.lessons_of(big)[5].url).content
    static = Path(settings.BASE_DIR)
    css = (static / "lms" / "static" / "css" / "site.css").read_bytes()
    script = (static / "offline" / "static" / "offline" / "offline.js").read_bytes()
    assert b"offline/offline.js" in html
    assert len(html) + len(css) + len(script) < 100_000
