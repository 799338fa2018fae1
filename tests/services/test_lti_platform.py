"""The test LTI 1.3 platform (lti/tests/platform) itself, run in its own process.

A throw-away tool key is served by a tiny HTTP server in a thread; the tests play the tool's
part by hand with jwcrypto (login initiation, authorization request, id_token checks, deep
linking response, client assertions, service calls), so the platform's answers are checked
against the specifications before any tool relies on them.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

from lti.tests.platform.driver import PlatformDriver
from lti.tests.platform.process import LtiPlatform

pytestmark = pytest.mark.services

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
TOOL = "http://127.0.0.1:1"  # the tool's pages are never fetched: the test plays the browser
AZIZ = {"sub": "u-aziz", "name": "Aziz Karimov", "given_name": "Aziz"}
AZIZ |= {"family_name": "Karimov", "email": "aziz@alpha.example", "roles": ["learner"]}
COURSE = {"id": "course-7", "title": "Algebra", "label": "ALG"}


def _get(address: str, **options) -> requests.Response:
    return requests.get(address, timeout=10, **options)


def _post(address: str, **options) -> requests.Response:
    return requests.post(address, timeout=10, **options)


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs.get("action")
        elif tag == "input":
            self.fields[attrs["name"]] = attrs.get("value", "")


@pytest.fixture(scope="module")
def tool_key():
    key = jwk.JWK.generate(kty="RSA", size=2048, kid="tool-1", alg="RS256", use="sig")
    body = json.dumps({"keys": [json.loads(key.export_public())]}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    key.jwks_uri = f"http://127.0.0.1:{server.server_port}/jwks.json"
    yield key
    server.shutdown()


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with LtiPlatform(tmp_path_factory.mktemp("lti-platform")) as running:
        yield running


@pytest.fixture(scope="module")
def client(platform, tool_key):
    return PlatformDriver(platform).add_client(
        initiate_login_uri=f"{TOOL}/lti/login/",
        redirect_uris=[f"{TOOL}/lti/launch/"],
        jwks_uri=tool_key.jwks_uri,
        target_link_uri=f"{TOOL}/lti/launch/",
    )


def _platform_keys(platform) -> jwk.JWKSet:
    return jwk.JWKSet.from_json(_get(f"{platform.url}/.well-known/jwks.json").text)


def _authorize(login_url: str, **override) -> requests.Response:
    """The tool's answer to login initiation: the OIDC authorization request (form_post)."""
    login = {k: v[0] for k, v in parse_qs(urlparse(login_url).query).items()}
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": login["client_id"],
        "redirect_uri": f"{TOOL}/lti/launch/",
        "login_hint": login["login_hint"],
        "lti_message_hint": login["lti_message_hint"],
        "state": "state-1",
        "nonce": "nonce-" + uuid.uuid4().hex,
    } | override
    return _post(f"{login['iss']}/auth", data=params)


def _id_token(login_url: str) -> str:
    response = _authorize(login_url)
    assert response.status_code == 200, response.text
    form = _Form()
    form.feed(response.text)
    assert form.action == f"{TOOL}/lti/launch/" and form.fields["state"] == "state-1"
    return form.fields["id_token"]


def _verified(platform, token: str) -> dict:
    checked = jwt.JWT(jwt=token, key=_platform_keys(platform), algs=["RS256"])
    return json.loads(checked.claims)


def _tool_jwt(key: jwk.JWK, claims: dict) -> str:
    token = jwt.JWT(header={"alg": "RS256", "kid": key["kid"]}, claims=claims)
    token.make_signed_token(key)
    return token.serialize()


def _assertion(key, client, platform, **override) -> str:
    stamp = int(time.time())
    claims = {"iss": client["client_id"], "sub": client["client_id"], "iat": stamp}
    claims |= {"aud": f"{platform.url}/token", "exp": stamp + 300, "jti": uuid.uuid4().hex}
    return _tool_jwt(key, claims | override)


def _access_token(platform, assertion: str, scope: str) -> requests.Response:
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": scope,
    }
    return _post(f"{platform.url}/token", data=data)


def test_configuration_keys_and_dynamic_registration(platform, tool_key):
    config = _get(f"{platform.url}/.well-known/openid-configuration").json()
    assert config["issuer"] == platform.issuer == platform.url
    assert config["authorization_endpoint"] == f"{platform.url}/auth"
    assert config["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    lti_config = config["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert lti_config["product_family_code"] == "ilm-test-platform"
    assert {m["type"] for m in lti_config["messages_supported"]} == {
        "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest",
    }
    (key,) = _get(config["jwks_uri"]).json()["keys"]
    assert key["kid"] and key["alg"] == "RS256" and key["use"] == "sig" and "d" not in key

    driver = PlatformDriver(platform)
    start = driver.registration_start(f"{TOOL}/lti/register/?x=1")
    query = parse_qs(urlparse(start).query)
    assert query["openid_configuration"] == [f"{platform.url}/.well-known/openid-configuration"]
    token = query["registration_token"][0]
    registration = {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": f"{TOOL}/lti/login/",
        "redirect_uris": [f"{TOOL}/lti/launch/"],
        "client_name": "Ilm",
        "jwks_uri": tool_key.jwks_uri,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": f"{AGS}score {NRPS}",
        TOOL_CONFIG: {
            "domain": "127.0.0.1:1",
            "target_link_uri": f"{TOOL}/lti/launch/",
            "claims": ["iss", "sub", "name", "email"],
            "messages": [{"type": "LtiDeepLinkingRequest"}],
        },
    }
    register = f"{platform.url}/register"
    assert _post(register, json=registration).status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    for broken in ({"response_types": ["code"]}, {"jwks_uri": "not a url"}, {TOOL_CONFIG: 1}):
        refused = _post(register, json=registration | broken, headers=bearer)
        assert refused.status_code == 400 and refused.json()["error"].startswith("invalid_")
    answer = _post(register, json=registration, headers=bearer)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["scope"] == f"{AGS}score {NRPS}"
    assert _post(register, json=registration, headers=bearer).status_code == 401
    (stored,) = [c for c in driver.clients() if c["client_id"] == body["client_id"]]
    assert stored["via"] == "dynamic"
    assert stored["deployment_id"] == body[TOOL_CONFIG]["deployment_id"]


def test_launch_id_token_carries_every_claim(platform, client):
    driver = PlatformDriver(platform)
    login_url = driver.launch(
        client["client_id"], AZIZ, context=COURSE, locale="uz", custom={"unit": "3"}
    )
    login = parse_qs(urlparse(login_url).query)
    assert login["iss"] == [platform.issuer] and login["client_id"] == [client["client_id"]]
    assert login["lti_deployment_id"] == [client["deployment_id"]]
    assert login["target_link_uri"] == [f"{TOOL}/lti/launch/"]

    assert _authorize(login_url, redirect_uri=f"{TOOL}/elsewhere/").status_code == 400
    assert _authorize(login_url, lti_message_hint="made-up").status_code == 400
    token = _id_token(login_url)
    claims = _verified(platform, token)
    assert claims["iss"] == platform.issuer and claims["aud"] == client["client_id"]
    assert claims["azp"] == client["client_id"] and claims["sub"] == "u-aziz"
    assert 0 < claims["exp"] - claims["iat"] <= 300 and claims["nonce"].startswith("nonce-")
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == client["deployment_id"]
    assert claims[LTI + "roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    assert claims[LTI + "context"]["id"] == "course-7"
    assert claims[LTI + "resource_link"]["id"]
    assert claims[LTI + "launch_presentation"]["locale"] == "uz"
    assert claims[LTI + "custom"] == {"unit": "3"}
    assert claims["email"] == "aziz@alpha.example" and claims["name"] == "Aziz Karimov"
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitems"] == f"{platform.url}/contexts/course-7/lineitems"
    assert f"{AGS}score" in ags["scope"]
    second = driver.add_deployment(client["client_id"])
    other = _verified(
        platform, _id_token(driver.launch(client["client_id"], AZIZ, deployment_id=second))
    )
    assert other[LTI + "deployment_id"] == second
    nrps = claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"]
    assert nrps["context_memberships_url"] == f"{platform.url}/contexts/course-7/memberships"
    assert nrps["service_versions"] == ["2.0"]


def test_each_tamper_breaks_what_it_says(platform, client):
    driver = PlatformDriver(platform)

    def claims_of(tamper):
        token = _id_token(driver.launch(client["client_id"], AZIZ, tamper=tamper))
        return json.loads(jwt.JWT(jwt=token).token.objects["payload"]), token

    _, forged = claims_of("bad_signature")
    with pytest.raises(JWException):
        _verified(platform, forged)
    assert claims_of("wrong_aud")[0]["aud"] != client["client_id"]
    assert claims_of("wrong_iss")[0]["iss"] != platform.issuer
    assert claims_of("expired")[0]["exp"] < time.time()
    assert claims_of("unknown_deployment")[0][LTI + "deployment_id"] != client["deployment_id"]
    assert "nonce" not in claims_of("no_nonce")[0]
    assert claims_of("wrong_message_type")[0][LTI + "message_type"] != "LtiResourceLinkRequest"
    multi = claims_of("missing_azp_multi_aud")[0]
    assert len(multi["aud"]) == 2 and "azp" not in multi
    for tamper in ("wrong_aud", "expired", "no_nonce"):  # still signed by the platform
        signed = jws.JWS()
        signed.deserialize(claims_of(tamper)[1])
        signed.verify(_platform_keys(platform).get_key(signed.jose_header["kid"]))


def test_deep_linking_creates_links_with_line_items(platform, client, tool_key):
    driver = PlatformDriver(platform)
    login_url = driver.deep_linking_launch(
        client["client_id"], AZIZ | {"roles": ["instructor"]}, context=COURSE
    )
    claims = _verified(platform, _id_token(login_url))
    settings = claims[DL + "deep_linking_settings"]
    assert settings["deep_link_return_url"] == f"{platform.url}/deep-link/return"
    assert settings["accept_types"] == ["ltiResourceLink"] and settings["accept_multiple"]
    stamp = int(time.time())
    response = {
        "iss": client["client_id"],
        "aud": platform.issuer,
        "iat": stamp,
        "exp": stamp + 300,
        "nonce": uuid.uuid4().hex,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": client["deployment_id"],
        DL + "data": settings["data"],
        DL + "content_items": [
            {
                "type": "ltiResourceLink",
                "title": "Quiz 1",
                "url": f"{TOOL}/lti/launch/quiz-1/",
                "custom": {"quiz": "1"},
                "lineItem": {"scoreMaximum": 10, "label": "Quiz 1", "resourceId": "q1"},
            }
        ],
    }
    back = f"{platform.url}/deep-link/return"
    other = jwk.JWK.generate(kty="RSA", size=2048, kid=tool_key["kid"])
    assert _post(back, data={"JWT": _tool_jwt(other, response)}).status_code == 400
    stale = response | {DL + "data": "not-the-platforms"}
    assert _post(back, data={"JWT": _tool_jwt(tool_key, stale)}).status_code == 400
    assert driver.links() == []
    assert _post(back, data={"JWT": _tool_jwt(tool_key, response)}).status_code == 200
    (link,) = driver.links()
    assert (link["title"], link["custom"]) == ("Quiz 1", {"quiz": "1"})
    assert link["lineitem"].startswith(f"{platform.url}/contexts/course-7/lineitems/")

    relaunch = _verified(
        platform,
        _id_token(
            driver.launch(client["client_id"], AZIZ, context=COURSE, resource_link_id=link["id"])
        ),
    )
    assert relaunch[LTI + "target_link_uri"] == f"{TOOL}/lti/launch/quiz-1/"
    assert relaunch[LTI + "custom"] == {"quiz": "1"}
    ags = relaunch["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitem"] == link["lineitem"]


def test_token_endpoint_and_services(platform, client, tool_key):
    driver = PlatformDriver(platform)
    everything = f"{AGS}lineitem {AGS}result.readonly {AGS}score {NRPS}"
    other = jwk.JWK.generate(kty="RSA", size=2048, kid=tool_key["kid"])
    wrong = _access_token(platform, _assertion(other, client, platform), everything)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assertion = _assertion(tool_key, client, platform)
    granted = _access_token(platform, assertion, everything)
    assert granted.status_code == 200 and granted.json()["token_type"] == "Bearer"
    assert _access_token(platform, assertion, everything).json()["error"] == "invalid_client"
    bad_scope = _access_token(platform, _assertion(tool_key, client, platform), "admin")
    assert bad_scope.status_code == 400 and bad_scope.json()["error"] == "invalid_scope"
    bearer = {"Authorization": f"Bearer {granted.json()['access_token']}"}
    narrow = _access_token(platform, _assertion(tool_key, client, platform), NRPS).json()

    lineitems = f"{platform.url}/contexts/course-9/lineitems"
    item = {"scoreMaximum": 20, "label": "Essay", "tag": "essay"}
    assert _post(lineitems, json=item).status_code == 401
    denied = {"Authorization": f"Bearer {narrow['access_token']}"}
    assert _post(lineitems, json=item, headers=denied).status_code == 403
    created = _post(lineitems, json=item, headers=bearer).json()
    listed = _get(lineitems, params={"tag": "essay"}, headers=bearer)
    assert listed.headers["Content-Type"] == "application/vnd.ims.lis.v2.lineitemcontainer+json"
    assert [row["id"] for row in listed.json()] == [created["id"]]

    def post_score(given, stamp):
        score = {"userId": "u-aziz", "scoreGiven": given, "scoreMaximum": 20}
        score |= {"activityProgress": "Completed", "gradingProgress": "FullyGraded"}
        score |= {"timestamp": stamp}
        kind = {"Content-Type": "application/vnd.ims.lis.v1.score+json"}
        return _post(f"{created['id']}/scores", data=json.dumps(score), headers=bearer | kind)

    assert post_score(15, "2026-01-01T10:00:00+00:00").status_code == 200
    assert post_score(9, "2026-01-01T09:00:00Z").status_code == 200  # older: kept, not applied
    assert post_score(5, "2026-01-01T10:00:00").status_code == 400  # no zone
    driver.refuse_scores(status=503, times=1)
    assert post_score(18, "2026-01-01T11:00:00+00:00").status_code == 503
    assert post_score(18, "2026-01-01T11:00:00+00:00").status_code == 200
    received = [(s["scoreGiven"], s["applied"]) for s in driver.scores()]
    assert received == [(15, True), (9, False), (18, True)]
    (result,) = _get(f"{created['id']}/results", headers=bearer).json()
    assert (result["userId"], result["resultScore"]) == ("u-aziz", 18)

    members = [{"user_id": f"u-{n}", "name": f"Student {n}"} for n in range(3)]
    driver.set_roster(COURSE, [*members, {"user_id": "u-t", "roles": ["instructor"]}])
    memberships = f"{platform.url}/contexts/course-7/memberships"
    page = _get(memberships, params={"limit": 3}, headers=denied)
    assert page.headers["Content-Type"].startswith("application/vnd.ims.lti-nrps.v2")
    assert [m["user_id"] for m in page.json()["members"]] == ["u-0", "u-1", "u-2"]
    following = page.links["next"]["url"]
    rest = _get(following, headers=denied)
    assert [(m["user_id"], m["status"]) for m in rest.json()["members"]] == [("u-t", "Active")]
    assert "next" not in rest.links
    assert _get(memberships, headers={"Authorization": "Bearer x"}).status_code == 401
    assert driver.expire_tokens() >= 2
    assert _get(memberships, headers=denied).status_code == 401


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = [
    "user",
    "context",
    "custom",
    "roles",
    "members",
    "message_type",
    "tamper",
    "client_id",
    "scoreGiven",
    "scoreMaximum",
    "label",
    "timestamp",
    "userId",
    "activityProgress",
    "gradingProgress",
    "redirect_uris",
    "jwks_uri",
    TOOL_CONFIG,
    "grant_types",
    "scope",
]


@pytest.fixture(scope="module")
def service_headers(platform, client, tool_key):
    everything = f"{AGS}lineitem {AGS}score"
    granted = _access_token(platform, _assertion(tool_key, client, platform), everything)
    return {"Authorization": f"Bearer {granted.json()['access_token']}"}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.sampled_from(["launch", "roster", "clients", "register", "lineitems", "scores"]),
    changes=st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=4),
)
def test_bad_input_is_refused_never_a_server_error(
    platform, client, service_headers, target, changes
):
    """Whatever a hostile or buggy caller sends, the platform answers 4xx, never 500."""
    base = {
        "launch": {"client_id": client["client_id"], "user": AZIZ, "context": COURSE},
        "roster": {"context": COURSE, "members": [{"user_id": "u-1"}]},
        "clients": {"initiate_login_uri": f"{TOOL}/l", "jwks_uri": f"{TOOL}/k"},
        "register": {"application_type": "web", "response_types": ["id_token"]},
        "lineitems": {"scoreMaximum": 3, "label": "x"},
        "scores": {"userId": "u", "activityProgress": "Started", "gradingProgress": "Pending"},
    }[target]
    lineitem = _post(
        f"{platform.url}/contexts/fuzz/lineitems",
        json={"scoreMaximum": 3, "label": "x"},
        headers=service_headers,
    ).json()["id"]
    path = {
        "launch": "/driver/launch",
        "roster": "/driver/roster",
        "clients": "/driver/clients",
        "register": "/register",
        "lineitems": "/contexts/fuzz/lineitems",
        "scores": lineitem.removeprefix(platform.url) + "/scores",
    }[target]
    kind = "application/vnd.ims.lis.v1.score+json" if target == "scores" else "application/json"
    headers = service_headers | {"Content-Type": kind}
    response = _post(f"{platform.url}{path}", data=json.dumps(base | changes), headers=headers)
    assert response.status_code < 500, response.text
    if target == "launch" and response.status_code == 200:
        assert _authorize(response.json()["login_url"]).status_code < 500
