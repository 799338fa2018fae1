"""The launch, end to end through Django's test client, with tokens signed by a test
platform key (jwcrypto): a good launch lets the learner in, every forged one creates nothing."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from jwcrypto import jwk, jwt

from accounts.models import User
from learning.models import Enrollment
from lti.models import LaunchNonce, LtiIdentity
from lti.tests.conftest import ISSUER, PLATFORM_KEY
from lti.tokens import LTI
from tests.factories import UniversityFactory, build_course, lessons_of, open_run
from universities.models import Membership, Role

pytestmark = pytest.mark.django_db

OTHER_KEY = jwk.JWK.generate(kty="RSA", size=2048, kid="platform-1")


def _login(client):
    answer = client.get(
        "/lti/login/",
        {"iss": ISSUER, "login_hint": "u1", "target_link_uri": "http://testserver/lti/launch/"},
    )
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["redirect_uri"] == ["http://testserver/lti/launch/"]
    return query["state"][0], query["nonce"][0]


def _token(nonce, page_id, *, key=PLATFORM_KEY, roles=None, message_type=None, **overrides):
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "ilm-client",
        "sub": "moodle-user-7",
        "name": "Dilnoza Karimova",
        "email": "dilnoza@partner.example",
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        LTI + "deployment_id": "dep-1",
        LTI + "message_type": message_type or "LtiResourceLinkRequest",
        LTI + "version": "1.3.0",
        LTI + "resource_link": {"id": "rl-1"},
        LTI + "roles": roles or ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        LTI + "context": {"id": "ctx-1", "title": "Physics 101"},
        LTI + "custom": {"ilm_page_id": str(page_id)},
        LTI + "launch_presentation": {"locale": "ru_RU"},
        **overrides,
    }
    token = jwt.JWT(header={"alg": "RS256", "kid": key.kid}, claims=claims)
    token.make_signed_token(key)
    return token.serialize()


def _nothing_created():
    assert not User.objects.filter(email__endswith="@lti.invalid").exists()
    assert not LtiIdentity.objects.exists()
    assert not Enrollment.objects.exists()
    assert not Membership.objects.filter(role=Role.LEARNER).exists()


def test_a_verified_launch_enrolls_the_learner_in_their_language(client, setup):
    lesson = lessons_of(setup["course"])[0]
    state, nonce = _login(client)
    assert f"lti-state-{state}" in client.cookies
    answer = client.post("/lti/launch/", {"id_token": _token(nonce, lesson.pk), "state": state})
    assert answer.status_code == 302, answer.content
    identity = LtiIdentity.objects.get()
    assert (identity.issuer, identity.sub) == (ISSUER, "moodle-user-7")
    assert identity.user.email.endswith("@lti.invalid")  # never the platform's email
    assert Enrollment.objects.filter(learner=identity.user, run=setup["run"]).exists()
    assert Membership.objects.get(user=identity.user).university == setup["partner"]
    assert client.cookies["django_language"].value == "ru"
    assert int(client.session["_auth_user_id"]) == identity.user.pk


def test_a_second_launch_reuses_the_account(client, setup):
    lesson = lessons_of(setup["course"])[0]
    for _ in range(2):
        state, nonce = _login(client)
        answer = client.post("/lti/launch/", {"id_token": _token(nonce, lesson.pk), "state": state})
        assert answer.status_code == 302
    assert LtiIdentity.objects.count() == 1
    assert Enrollment.objects.count() == 1


def test_an_instructor_lands_in_the_runs_teaching_tools(client, setup):
    lesson = lessons_of(setup["course"])[0]
    state, nonce = _login(client)
    token = _token(
        nonce, lesson.pk, roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
    )
    answer = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert answer.status_code == 302
    assert answer["Location"] == f"/ru/teach/runs/{setup['run'].pk}/roster/"
    assert client.get(answer["Location"]).status_code == 200
    assert not Enrollment.objects.exists()


HOSTILE = {
    "bad_signature": ({"key": OTHER_KEY}, 400),
    "wrong_aud": ({"aud": "someone-else"}, 400),
    "expired": ({"exp": int(time.time()) - 3600}, 400),
    "unknown_deployment": ({LTI + "deployment_id": "dep-9"}, 403),
    "wrong_message_type": ({"message_type": "LtiSubmissionReviewRequest"}, 400),
    "wrong_version": ({LTI + "version": "1.1"}, 400),
    "no_nonce": ({"nonce": ""}, 400),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_forged_launch_is_refused_and_creates_nothing(client, setup, case, caplog):
    lesson = lessons_of(setup["course"])[0]
    overrides, status = HOSTILE[case]
    state, nonce = _login(client)
    overrides = dict(overrides)
    if "nonce" in overrides:
        nonce = overrides.pop("nonce")
    answer = client.post(
        "/lti/launch/", {"id_token": _token(nonce, lesson.pk, **overrides), "state": state}
    )
    assert answer.status_code == status
    assert "lti launch refused" in caplog.text
    _nothing_created()


def test_a_replayed_token_is_refused(client, setup):
    lesson = lessons_of(setup["course"])[0]
    state, nonce = _login(client)
    token = _token(nonce, lesson.pk)
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 302
    client.logout()
    client.cookies[f"lti-state-{state}"] = _state_cookie_again(client, state)
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 400
    assert LaunchNonce.objects.count() == 1


def _state_cookie_again(client, state):
    # An attacker who kept the state cookie too: only the spent nonce stops the replay.
    from django.core import signing

    registration_id = LaunchNonce.objects.get().registration_id
    nonce = LaunchNonce.objects.get().nonce
    return signing.dumps({"nonce": nonce, "registration": registration_id}, salt="lti.state")


def test_a_launch_without_the_browsers_state_is_refused(client, setup):
    lesson = lessons_of(setup["course"])[0]
    state, nonce = _login(client)
    client.cookies.clear()
    answer = client.post("/lti/launch/", {"id_token": _token(nonce, lesson.pk), "state": state})
    assert answer.status_code == 400
    _nothing_created()


def test_a_course_not_given_is_refused(client, setup):
    other = build_course(UniversityFactory(code="third"), modules=1, lessons_per_module=1)
    open_run(other)
    state, nonce = _login(client)
    token = _token(nonce, lessons_of(other)[0].pk)
    answer = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert answer.status_code == 403
    _nothing_created()
    assert not LaunchNonce.objects.exists()


def test_an_unknown_platform_cannot_start_a_login(client, setup):
    answer = client.get(
        "/lti/login/", {"iss": "https://evil.example", "login_hint": "x", "target_link_uri": "y"}
    )
    assert answer.status_code == 403
    assert client.get("/lti/login/").status_code == 400
    assert client.post("/lti/launch/", {}).status_code == 400
