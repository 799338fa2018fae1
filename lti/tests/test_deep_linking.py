"""Deep Linking: an instructor picks among the partner's courses, and the platform receives
a response signed with Ilm's published key."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from jwcrypto import jwk, jwt

from lti.tests.test_launch import _login, _token
from lti.tokens import DL, LTI
from tests.factories import UniversityFactory, build_course, lessons_of

pytestmark = pytest.mark.django_db

INSTRUCTOR = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
SETTINGS = {
    "deep_link_return_url": "https://moodle.partner.example/deep-link/return",
    "accept_types": ["ltiResourceLink"],
    "data": "opaque-123",
}


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "lti-return":
            self.action = attrs["action"]
        if tag == "input" and attrs.get("name") == "JWT":
            self.fields["JWT"] = attrs["value"]


def _deep_link_launch(client, page_id, roles=INSTRUCTOR):
    state, nonce = _login(client)
    token = _token(
        nonce,
        page_id,
        roles=roles,
        message_type="LtiDeepLinkingRequest",
        **{DL + "deep_linking_settings": SETTINGS},
    )
    return client.post("/lti/launch/", {"id_token": token, "state": state})


def test_an_instructor_places_a_lesson_and_the_answer_is_signed(client, setup):
    lesson = lessons_of(setup["course"])[0]
    answer = _deep_link_launch(client, lesson.pk)
    assert answer.status_code == 302 and answer["Location"] == "/lti/deep-link/"
    picker = client.get("/lti/deep-link/")
    assert picker.status_code == 200
    assert lesson.title in picker.content.decode()
    other = build_course(UniversityFactory(code="third"), modules=1, lessons_per_module=1)
    assert other.title not in picker.content.decode()
    assert client.post("/lti/deep-link/", {"page": [other.pk]}).status_code == 404
    done = client.post("/lti/deep-link/", {"page": [lesson.pk]})
    assert done.status_code == 200
    assert "form-action 'self' https://moodle.partner.example" in done["Content-Security-Policy"]
    form = _Form()
    form.feed(done.content.decode())
    assert form.action == SETTINGS["deep_link_return_url"]
    keyset = jwk.JWKSet.from_json(client.get("/lti/jwks.json").content.decode())
    claims = json.loads(jwt.JWT(jwt=form.fields["JWT"], key=keyset).claims)
    assert claims["iss"] == "ilm-client" and claims["aud"] == "https://moodle.partner.example"
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "deployment_id"] == "dep-1"
    assert claims[DL + "data"] == "opaque-123"
    [item] = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == lesson.title
    assert item["custom"] == {"ilm_page_id": str(lesson.pk)}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert urlsplit(item["url"]).path == "/lti/launch/"
    # The request is spent: the picker does not open twice.
    assert client.get("/lti/deep-link/").status_code == 403


def test_a_learner_cannot_deep_link(client, setup):
    lesson = lessons_of(setup["course"])[0]
    learner = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    assert _deep_link_launch(client, lesson.pk, roles=learner).status_code == 403
    assert client.get("/lti/deep-link/").status_code == 403
