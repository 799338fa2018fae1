"""University sign-in through a real SAML 2.0 identity provider in another process.

The IdP is pysaml2's (sso/tests/saml_idp), signing with a key and self-signed certificate
made at start; Ilm runs in pytest-django's `live_server` with allauth's SAML provider
(python3-saml). A `requests.Session` is the browser: it follows the redirect to the IdP, signs
in there, and posts the signed response to Ilm's assertion consumer service, so a test can
tamper with the response or post it twice. Nothing of the protocol is mocked.
"""

from __future__ import annotations

import base64
import logging
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User
from sso.saml import sp_entity_id
from sso.services import saml_sign_in_save
from sso.tests.saml_idp.process import SamlIdentityProvider
from tests.factories import UniversityFactory
from tests.services.processes import free_port
from universities.models import Membership, Role

MAIL = "urn:oid:0.9.2342.19200300.100.1.3"


def person(username: str, quirk: str | None = None, **attributes) -> dict:
    found = {
        "username": username,
        "password": f"pw-{username}-1",
        "attributes": {MAIL: [f"{username}@alpha.example"], **attributes},
    }
    if quirk:
        found["quirk"] = quirk
    return found


AZIZ = person("aziz", studentNumber=["S-1001"], displayName=["Aziz Karimov"])
NOSTUDENT = person("nostudent", displayName=["No Number"])
TEACHER = person("teacher", displayName=["Malika Teacher"], memberOf=["faculty", "staff"])
ELSEWHERE = person("elsewhere", "audience", studentNumber=["S-2002"])
STALE = person("stale", "expired", studentNumber=["S-3003"])
ACS = "/en/accounts/saml/alpha/acs/"
SLS = "/en/accounts/saml/alpha/sls/"


@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory):
    provider = SamlIdentityProvider(
        tmp_path_factory.mktemp("saml_idp"),
        people=[AZIZ, NOSTUDENT, TEACHER, ELSEWHERE, STALE],
        sps=[
            {
                "entity_id": sp_entity_id("alpha"),
                "acs": f"{live_server.url}{ACS}",
                "slo": f"{live_server.url}{SLS}",
            },
            # Another service provider at the same IdP; its assertions are not for Ilm.
            {"entity_id": "https://other.example/saml/metadata/", "acs": f"{live_server.url}{ACS}"},
        ],
    ).start()
    try:
        yield provider
    finally:
        provider.stop()


def alpha_sign_in(idp: SamlIdentityProvider, *, metadata_url: str = "", **settings):
    university = UniversityFactory(code="alpha", name="Alpha University")
    settings = {
        "student_number_claim": "studentNumber",
        "name_claim": "urn:mace:dir:attribute-def:displayName",
        **settings,
    }
    if metadata_url:
        place = {"metadata_url": metadata_url}
    else:
        place = {"sso_url": idp.sso_url, "slo_url": idp.slo_url, "x509cert": idp.certificate()}
    return saml_sign_in_save(
        university=university, idp_entity_id=idp.entity_id, **place, **settings
    )


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs.get("action") or ""
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def form_of(html: str) -> tuple[str, dict[str, str]]:
    parser = _Forms()
    parser.feed(html)
    return parser.action, parser.fields


def start(browser: requests.Session, live: str, process: str = "login") -> requests.Response:
    """Press "Sign in with Alpha University" on Ilm's sign-in page (or, to connect it to the
    account already signed in, on the account's connections page)."""
    page = browser.get(f"{live}/en/accounts/{'3rdparty' if process == 'connect' else 'login'}/")
    assert "Sign in with Alpha University" in page.text
    return browser.post(
        f"{live}/en/accounts/university/alpha/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"], "process": process},
        allow_redirects=False,
    )


def at_idp(browser: requests.Session, redirect: requests.Response, who: dict) -> dict:
    """Follow Ilm's redirect to the IdP, sign in there; the form the IdP posts back to Ilm."""
    assert redirect.status_code == 302, redirect.text[:500]
    login = browser.get(redirect.headers["Location"])
    action, fields = form_of(login.text)
    answer = browser.post(
        urlparse(redirect.headers["Location"])._replace(path=action, query="").geturl(),
        data={**fields, "username": who["username"], "password": who["password"]},
    )
    action, fields = form_of(answer.text)
    assert action.endswith(ACS), answer.text[:500]
    return fields


def post_to_ilm(browser: requests.Session, live: str, fields: dict) -> requests.Response:
    return browser.post(f"{live}{ACS}", data=fields)


def sign_in(browser, live, who) -> requests.Response:
    return post_to_ilm(browser, live, at_idp(browser, start(browser, live), who))


def test_first_sign_in_creates_a_learner_of_the_idps_university(live_server, idp):
    alpha_sign_in(idp)
    browser = requests.Session()
    landed = sign_in(browser, live_server.url, AZIZ)

    assert landed.status_code == 200, landed.text[:800]
    user = User.objects.get(email="aziz@alpha.example")
    assert user.full_name == "Aziz Karimov"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.university.code, membership.role) == ("alpha", Role.LEARNER)
    assert membership.student_number == "S-1001"
    assert SocialAccount.objects.get(user=user).provider == "uni-alpha"
    assert browser.get(f"{live_server.url}/en/accounts/email/", allow_redirects=False).ok

    # A second sign-in finds the same account (the persistent NameID).
    sign_in(requests.Session(), live_server.url, AZIZ)
    assert User.objects.filter(email="aziz@alpha.example").count() == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_roles_from_the_idps_groups_and_metadata_url(live_server, idp):
    alpha_sign_in(
        idp,
        metadata_url=idp.entity_id,
        role_source="claims",
        roles_claim="memberOf",
        instructor_values="faculty",
    )
    assert sign_in(requests.Session(), live_server.url, TEACHER).ok
    user = User.objects.get(email="teacher@alpha.example")
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    assert roles == {Role.INSTRUCTOR}


def refused(answer: requests.Response, caplog, *, status=400, says="could not be completed"):
    assert answer.status_code == status, answer.text[:800]
    assert says in answer.text
    assert any(record.name == "sso" for record in caplog.records), caplog.text
    assert not SocialAccount.objects.exists()
    assert not User.objects.filter(email__endswith="@alpha.example").exists()


def test_missing_student_number_creates_nothing(live_server, idp, caplog):
    alpha_sign_in(idp)
    with caplog.at_level(logging.WARNING, logger="sso"):
        answer = sign_in(requests.Session(), live_server.url, NOSTUDENT)
    refused(answer, caplog, says="did not say your student number")


def test_a_tampered_response_fails_its_signature(live_server, idp, caplog):
    alpha_sign_in(idp)
    browser = requests.Session()
    fields = at_idp(browser, start(browser, live_server.url), AZIZ)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert "S-1001" in xml
    fields["SAMLResponse"] = base64.b64encode(xml.replace("S-1001", "S-6666").encode()).decode()
    with caplog.at_level(logging.WARNING, logger="sso"):
        refused(post_to_ilm(browser, live_server.url, fields), caplog)


def test_an_assertion_for_another_audience_is_refused(live_server, idp, caplog):
    alpha_sign_in(idp)
    with caplog.at_level(logging.WARNING, logger="sso"):
        refused(sign_in(requests.Session(), live_server.url, ELSEWHERE), caplog)
    assert "audience" in caplog.text.lower()


def test_an_expired_assertion_is_refused(live_server, idp, caplog):
    alpha_sign_in(idp)
    with caplog.at_level(logging.WARNING, logger="sso"):
        refused(sign_in(requests.Session(), live_server.url, STALE), caplog)


def test_a_replayed_response_is_refused(live_server, idp, caplog):
    alpha_sign_in(idp)
    browser = requests.Session()
    fields = at_idp(browser, start(browser, live_server.url), AZIZ)
    assert post_to_ilm(browser, live_server.url, fields).ok
    SocialAccount.objects.all().delete()
    User.objects.filter(email="aziz@alpha.example").delete()

    with caplog.at_level(logging.WARNING, logger="sso"):
        # Again in the same browser, and in another one (a response copied from a log).
        refused(post_to_ilm(browser, live_server.url, fields), caplog)
        refused(post_to_ilm(requests.Session(), live_server.url, fields), caplog)


def test_idp_down_answers_clearly_and_creates_nothing(live_server, idp, caplog):
    alpha_sign_in(idp, metadata_url=f"http://127.0.0.1:{free_port()}/metadata/")
    with caplog.at_level(logging.WARNING, logger="sso"):
        answer = start(requests.Session(), live_server.url)
    refused(answer, caplog, status=502, says="did not answer")


def test_a_local_account_with_the_same_email_is_linked_only_after_proof(live_server, idp):
    alpha_sign_in(idp)
    local = User.objects.create_user("aziz@alpha.example", password="local-pass-1")
    EmailAddress.objects.create(user=local, email=local.email, verified=True, primary=True)

    stranger = requests.Session()
    sign_in(stranger, live_server.url, AZIZ)
    assert not SocialAccount.objects.exists()
    assert not Membership.objects.filter(user=local).exists()
    assert stranger.get(f"{live_server.url}/en/accounts/email/", allow_redirects=False).is_redirect

    # The owner signs in with the local password, then connects the university account.
    owner = requests.Session()
    owner.get(f"{live_server.url}/en/accounts/login/")
    assert owner.post(
        f"{live_server.url}/en/accounts/login/",
        data={
            "csrfmiddlewaretoken": owner.cookies["csrftoken"],
            "login": "aziz@alpha.example",
            "password": "local-pass-1",
        },
    ).ok
    fields = at_idp(owner, start(owner, live_server.url, process="connect"), AZIZ)
    post_to_ilm(owner, live_server.url, fields)

    assert SocialAccount.objects.get().user == local
    membership = Membership.objects.get(user=local)
    assert (membership.university.code, membership.student_number) == ("alpha", "S-1001")


def test_metadata_names_what_university_it_must_paste(live_server, idp):
    alpha_sign_in(idp)
    metadata = requests.get(f"{live_server.url}/en/accounts/saml/alpha/metadata/", timeout=10)
    assert metadata.ok
    assert f'entityID="{sp_entity_id("alpha")}"' in metadata.text
    assert f"{live_server.url}{ACS}" in metadata.text
    assert f"{live_server.url}{SLS}" in metadata.text


def test_single_logout_through_the_idp(live_server, idp):
    alpha_sign_in(idp, local_passwords_allowed=False)
    browser = requests.Session()
    assert sign_in(browser, live_server.url, AZIZ).ok

    browser.get(f"{live_server.url}/en/accounts/logout/")
    out = browser.post(
        f"{live_server.url}/en/accounts/logout/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
    )
    assert out.headers["Location"].startswith(idp.slo_url), out.headers
    assert "SAMLRequest" in parse_qs(urlparse(out.headers["Location"]).query)
    # The IdP ends its session and sends its LogoutResponse back to Ilm's SLS.
    back = browser.get(out.headers["Location"], allow_redirects=False)
    assert back.status_code == 303, back.text[:500]
    assert back.headers["Location"].startswith(f"{live_server.url}{SLS}")
    landed = browser.get(back.headers["Location"], allow_redirects=False)
    assert landed.status_code == 302, landed.text[:500]
    assert browser.get(f"{live_server.url}/en/accounts/email/", allow_redirects=False).is_redirect

    # Passwords are off for Alpha: a password cannot get Aziz back in.
    user = User.objects.get(email="aziz@alpha.example")
    user.set_password("local-pass-1")
    user.save()
    again = requests.Session()
    again.get(f"{live_server.url}/en/accounts/login/")
    answer = again.post(
        f"{live_server.url}/en/accounts/login/",
        data={
            "csrfmiddlewaretoken": again.cookies["csrftoken"],
            "login": "aziz@alpha.example",
            "password": "local-pass-1",
        },
    )
    assert "signs its people in itself" in answer.text
