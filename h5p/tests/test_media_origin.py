"""H5P on its own origin (ADR 0061): the player keeps that origin so it can play offline,
which is safe only because the origin holds no session and is framed by the site alone."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from h5p.access import play_token_issue
from h5p.tests.test_views import package_url

pytestmark = pytest.mark.django_db

MEDIA = "http://h5p.testserver"
SITE = "http://testserver"


@pytest.fixture
def media(settings):
    settings.ILM_H5P_ORIGIN = MEDIA
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "h5p.testserver"]
    return MEDIA


def _config(response) -> dict:
    found = re.search(
        r'<script id="h5p-player-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


def _play(setup, content):
    token = play_token_issue(user=setup.learner, content=content, lesson_id=setup.lesson.pk)
    return reverse("h5p:play", kwargs={"content_uuid": content.uuid}) + f"?token={token}", token


def _lesson_frame(setup) -> str:
    client = Client()
    client.force_login(setup.learner)
    page = client.get(setup.lesson.url).content.decode()
    return re.search(r"<iframe class=\"h5p-activity-frame\"[^>]*>", page, re.S).group(0)


def test_without_the_setting_the_frame_is_an_opaque_sandbox_on_the_site(activity_lesson):
    frame = _lesson_frame(activity_lesson)
    assert 'src="/h5p/play/' in frame
    assert "allow-same-origin" not in frame


def test_with_the_setting_lessons_frame_the_player_from_its_origin(media, activity_lesson):
    frame = _lesson_frame(activity_lesson)
    assert f'src="{MEDIA}/h5p/play/' in frame
    assert 'sandbox="allow-scripts allow-same-origin' in frame


def test_the_player_on_its_origin_keeps_it_and_only_the_site_may_frame_it(
    media, activity_lesson, tiny_content
):
    url, _token = _play(activity_lesson, tiny_content)
    response = Client().get(url, HTTP_HOST="h5p.testserver")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox allow-scripts allow-same-origin")
    assert f"frame-ancestors {SITE}" in csp and "'self'" not in csp.split("frame-ancestors")[1]
    assert "X-Frame-Options" not in response  # cannot name another origin; CSP does
    config = _config(response)
    assert config["parentOrigin"] == SITE
    assert config["keepWorker"] == "/h5p/keep-sw.js"


def test_the_player_on_the_site_stays_an_opaque_sandbox_when_an_origin_is_set(
    media, activity_lesson, tiny_content
):
    url, _token = _play(activity_lesson, tiny_content)
    response = Client().get(url)
    assert "allow-same-origin" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert _config(response)["keepWorker"] == ""


def test_the_media_origin_never_sees_a_session(media, activity_lesson, tiny_content):
    client = Client()
    client.force_login(activity_lesson.learner)  # the session cookie is sent along
    url, token = _play(activity_lesson, tiny_content)
    response = client.get(url, HTTP_HOST="h5p.testserver")
    assert response.status_code == 200
    assert not response.cookies
    assert response.wsgi_request.user.is_anonymous
    # Nothing but the player's paths is answered there: no sign-in, no pages, no statements.
    for path in ("/accounts/login/", "/en/", "/admin/", "/h5p/statements/1/x/", "/sw.js"):
        assert client.get(path, HTTP_HOST="h5p.testserver").status_code == 404
    assert (
        client.get(package_url(tiny_content, token, "h5p.json"), HTTP_HOST="h5p.testserver")[
            "Access-Control-Allow-Origin"
        ]
        == "*"
    )


def test_the_keeping_worker_is_served_on_the_media_origin_only(media):
    worker = Client().get("/h5p/keep-sw.js", HTTP_HOST="h5p.testserver")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/h5p/"
    assert Client().get("/h5p/keep-sw.js").status_code == 404


def test_a_package_file_can_never_become_a_service_worker(media, activity_lesson, tiny_content):
    _url, token = _play(activity_lesson, tiny_content)
    response = Client().get(
        package_url(tiny_content, token, "h5p.json"),
        HTTP_HOST="h5p.testserver",
        HTTP_SERVICE_WORKER="script",
    )
    assert response.status_code == 404


@pytest.mark.usefixtures("production_caches")
def test_a_lesson_with_an_activity_is_never_kept_for_its_learner(activity_lesson):
    """Its frame carries a play token issued per render and the page reads the CSRF token
    directly, so the learner's kept pages (ADR 0067) leave it out."""
    client = Client()
    client.force_login(activity_lesson.learner)
    answers = [client.get(activity_lesson.lesson.url) for _ in range(3)]
    assert all(answer.status_code == 200 for answer in answers)
    assert all("X-Ilm-Cache" not in answer for answer in answers)
    assert all('class="h5p-activity-frame"' in answer.content.decode() for answer in answers)
