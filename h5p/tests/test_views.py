import json
import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from h5p.access import PLAY_TOKEN_SALT, play_token_issue
from h5p.models import H5PUserData
from h5p.tests.test_services import answered
from learning.models import ActivityResult
from tests import factories as f
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def grant(setup, content, user=None):
    return play_token_issue(user=user or setup.learner, content=content, lesson_id=setup.lesson.pk)


def package_url(content, token, path):
    return reverse(
        "h5p:package_file", kwargs={"content_uuid": content.uuid, "token": token, "path": path}
    )


def user_data_url(content, token, data_type="state", sub="0"):
    return reverse(
        "h5p:user_data",
        kwargs={
            "content_uuid": content.uuid,
            "token": token,
            "data_type": data_type,
            "sub_content_id": sub,
        },
    )


def statements_url(setup, content):
    return reverse(
        "h5p:statements", kwargs={"lesson_id": setup.lesson.pk, "content_uuid": content.uuid}
    )


# --- the player page and its files ------------------------------------------------------------


def test_player_page_is_sandboxed(client, activity_lesson, tiny_content):
    token = grant(activity_lesson, tiny_content)
    response = client.get(
        reverse("h5p:play", kwargs={"content_uuid": tiny_content.uuid}) + f"?token={token}"
    )

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox allow-scripts")
    assert "allow-same-origin" not in csp
    assert "frame-ancestors 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    config = json.loads(
        re.search(
            r'<script id="h5p-player-config" type="application/json">(.*?)</script>',
            response.content.decode(),
            re.S,
        ).group(1)
    )
    assert config["xAPIObjectIRI"] == tiny_content.xapi_iri
    assert activity_lesson.learner.email not in response.content.decode()


@pytest.mark.parametrize(
    "token",
    ["", "garbage", signing.dumps({"u": 1, "c": "0" * 32, "l": None}, salt=PLAY_TOKEN_SALT)],
)
def test_player_page_refuses_bad_grants(client, tiny_content, token):
    response = client.get(
        reverse("h5p:play", kwargs={"content_uuid": tiny_content.uuid}) + f"?token={token}"
    )
    assert response.status_code == 403


def test_grant_for_one_content_does_not_open_another(client, activity_lesson, tiny_content):
    import io

    from h5p.services import h5p_content_create
    from h5p.tests.packages import tiny_quiz_h5p

    other = h5p_content_create(
        source=io.BytesIO(tiny_quiz_h5p(include_library=False, title="Other")),
        filename="other.h5p",
        university=tiny_content.university,
        may_install_libraries=False,
    )
    token = grant(activity_lesson, tiny_content)

    response = client.get(package_url(other, token, "content/content.json"))

    assert response.status_code == 403


def test_content_files_are_served_inert(client, activity_lesson, tiny_content):
    token = grant(activity_lesson, tiny_content)

    response = client.get(package_url(tiny_content, token, "content/content.json"))

    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content))["maxScore"] == 4
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(package_url(tiny_content, token, "h5p.json")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "content/../h5p.json",
        "content/../../../../etc/passwd",
        "content/%2e%2e/h5p.json",
        "content/.hidden",
        "content/missing.json",
        "../libraries/H5P.IlmTinyQuiz-1.0/tiny-quiz.js",
        "other.txt",
    ],
)
def test_content_file_paths_cannot_escape(client, activity_lesson, tiny_content, path):
    token = grant(activity_lesson, tiny_content)
    response = client.get(package_url(tiny_content, token, "content/x").replace("content/x", path))
    assert response.status_code == 404


def test_library_files_are_served_inert(client, tiny_content):
    url = reverse(
        "h5p:library_file", kwargs={"folder": "H5P.IlmTinyQuiz-1.0", "path": "tiny-quiz.js"}
    )
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.parametrize(
    ("folder", "path"),
    [
        ("H5P.IlmTinyQuiz-1.0", "../../content/x/h5p.json"),
        ("H5P.IlmTinyQuiz-1.0", "missing.js"),
        ("H5P.NotInstalled-1.0", "library.json"),
        ("H5P.IlmTinyQuiz-2.0", "library.json"),
        ("nonsense", "library.json"),
    ],
)
def test_library_file_requests_outside_installed_libraries_are_not_found(
    client, tiny_content, folder, path
):
    url = reverse("h5p:library_file", kwargs={"folder": folder, "path": "x"})
    response = client.get(url[: -len("x")] + path)
    assert response.status_code == 404


# --- resume: content user data ------------------------------------------------------------


def test_user_data_round_trip(activity_lesson, tiny_content):
    anonymous = Client()  # the sandboxed player has no session cookie
    token = grant(activity_lesson, tiny_content)
    url = user_data_url(tiny_content, token)

    assert anonymous.get(url).json() == {"success": True, "data": False}

    saved = anonymous.post(url, {"data": '{"answered":true}', "preload": "1", "invalidate": "1"})
    assert saved.json() == {"success": True}
    assert anonymous.get(url).json() == {"success": True, "data": '{"answered":true}'}
    assert H5PUserData.objects.get().user == activity_lesson.learner

    anonymous.post(url, {"data": "0", "preload": "0", "invalidate": "0"})
    assert not H5PUserData.objects.exists()


def test_user_data_is_scoped_to_the_learner_in_the_grant(university, activity_lesson, tiny_content):
    other = f.make_member("learner", university)
    Client().post(user_data_url(tiny_content, grant(activity_lesson, tiny_content)), {"data": "1"})

    response = Client().get(
        user_data_url(tiny_content, grant(activity_lesson, tiny_content, other))
    )

    assert response.json() == {"success": True, "data": False}


@pytest.mark.parametrize(
    ("data_type", "sub", "body", "status"),
    [
        ("state", "0", {"data": "x" * (70 * 1024)}, 413),
        ("state", "0", {}, 400),
        ("st ate", "0", {"data": "1"}, 400),
        ("state", "a/b", {"data": "1"}, 405),  # not the user-data route at all
        ("state", "x" * 65, {"data": "1"}, 400),
    ],
)
def test_bad_user_data_is_refused_and_nothing_saved(
    activity_lesson, tiny_content, data_type, sub, body, status
):
    token = grant(activity_lesson, tiny_content)
    url = user_data_url(tiny_content, token).replace("/state/0", f"/{data_type}/{sub}")

    response = Client().post(url, body)

    assert response.status_code == status
    assert not H5PUserData.objects.exists()


def test_user_data_needs_a_valid_grant(tiny_content):
    response = Client().post(user_data_url(tiny_content, "forged"), {"data": "1"})
    assert response.status_code == 403
    assert not H5PUserData.objects.exists()


# --- counting: the statements endpoint -----------------------------------------------------


def test_statement_is_recorded_for_the_logged_in_learner(activity_lesson, tiny_content):
    client = Client(enforce_csrf_checks=True)
    client.force_login(activity_lesson.learner)
    csrf = "a" * 32  # the CSRF secret as the cookie holds it; the header repeats it
    client.cookies["csrftoken"] = csrf

    response = client.post(
        statements_url(activity_lesson, tiny_content),
        data=json.dumps(answered(tiny_content)),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert response.status_code == 200, response.content
    assert response.json()["finished"] is True
    stored = Statement.objects.get(statement_id=response.json()["id"])
    assert stored.learner == activity_lesson.learner
    assert ActivityResult.objects.get().best_scaled_score == pytest.approx(0.75)


def test_statement_without_csrf_token_is_refused(activity_lesson, tiny_content):
    client = Client(enforce_csrf_checks=True)
    client.force_login(activity_lesson.learner)

    response = client.post(
        statements_url(activity_lesson, tiny_content),
        data=json.dumps(answered(tiny_content)),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not Statement.objects.exists()


def test_statement_needs_a_session(activity_lesson, tiny_content):
    response = Client().post(
        statements_url(activity_lesson, tiny_content),
        data=json.dumps(answered(tiny_content)),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Statement.objects.exists()


def test_learner_not_enrolled_cannot_record(university, activity_lesson, tiny_content):
    stranger = f.make_member("learner", university)
    client = Client()
    client.force_login(stranger)

    response = client.post(
        statements_url(activity_lesson, tiny_content),
        data=json.dumps(answered(tiny_content)),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not Statement.objects.exists()


def test_content_not_in_the_lesson_cannot_be_recorded(activity_lesson, tiny_content):
    import io

    from h5p.services import h5p_content_create
    from h5p.tests.packages import tiny_quiz_h5p

    other = h5p_content_create(
        source=io.BytesIO(tiny_quiz_h5p(include_library=False)),
        filename="other.h5p",
        university=tiny_content.university,
        may_install_libraries=False,
    )
    client = Client()
    client.force_login(activity_lesson.learner)

    response = client.post(
        statements_url(activity_lesson, other),
        data=json.dumps(answered(other)),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "This activity is not part of the lesson.",
        "code": "not_in_lesson",
    }
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}}', 400),
        (b"x" * (65 * 1024), 413),
    ],
)
def test_malformed_statements_are_refused(activity_lesson, tiny_content, body, status):
    client = Client()
    client.force_login(activity_lesson.learner)

    response = client.post(
        statements_url(activity_lesson, tiny_content), data=body, content_type="application/json"
    )

    assert response.status_code == status
    assert "error" in response.json()
    assert not Statement.objects.exists()


def test_statement_pointing_at_other_content_is_refused(activity_lesson, tiny_content):
    client = Client()
    client.force_login(activity_lesson.learner)
    statement = answered(tiny_content)
    statement["object"]["id"] = "https://evil.example/h5p/content/" + str(tiny_content.uuid)

    response = client.post(
        statements_url(activity_lesson, tiny_content),
        data=json.dumps(statement),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_object"
    assert not Statement.objects.exists()
