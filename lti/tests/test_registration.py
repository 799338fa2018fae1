"""Dynamic registration's refusals, against a small configuration server on loopback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lti.models import PlatformRegistration
from lti.registration import RegistrationError, platform_configuration, tool_registration
from tests.factories import UniversityFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFIGURATIONS = {
    "/impostor": {
        "issuer": "https://elsewhere.example",
        "authorization_endpoint": "x",
        "token_endpoint": "x",
        "jwks_uri": "x",
        "registration_endpoint": "x",
    },
    "/incomplete": {"issuer": "http://127.0.0.1"},
    "/not-json": "<html>",
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = CONFIGURATIONS.get(self.path)
        payload = body if isinstance(body, str) else json.dumps(body)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("path", ["/impostor", "/incomplete", "/not-json", "/missing"])
def test_a_configuration_ilm_cannot_trust_is_refused(server, path):
    with pytest.raises(RegistrationError):
        platform_configuration(server + path)


def test_a_configuration_address_that_is_not_the_web_is_refused():
    with pytest.raises(RegistrationError):
        platform_configuration("file:///etc/passwd")


def test_ilms_registration_asks_for_the_lti_advantage_services():
    asked = tool_registration(base_url="https://ilm.example.org/", name="Ilm")
    assert asked["jwks_uri"] == "https://ilm.example.org/lti/jwks.json"
    assert asked["initiate_login_uri"] == "https://ilm.example.org/lti/login/"
    assert asked["token_endpoint_auth_method"] == "private_key_jwt"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in asked["scope"]


def test_staff_choose_the_university_and_a_refusal_stores_nothing(client, server):
    university = UniversityFactory(code="partner", name="Partner University")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    query = {"openid_configuration": f"{server}/impostor", "registration_token": "t"}
    page = client.get("/lti/register/", query)
    assert page.status_code == 200 and "Partner University" in page.content.decode()
    answer = client.post("/lti/register/", {**query, "university": university.pk})
    assert answer.status_code == 400
    assert "does not match" in answer.content.decode()
    assert not PlatformRegistration.objects.exists()


def test_only_platform_staff_may_register(client):
    client.force_login(UserFactory())
    answer = client.get("/lti/register/", {"openid_configuration": "https://lms.example/"})
    assert answer.status_code == 403
