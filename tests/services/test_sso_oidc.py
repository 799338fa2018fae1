"""University sign-in through a real OpenID Connect provider in another process.

The provider is django-oauth-toolkit's (sso/tests/idp), with its RS256 key made at start;
Ilm runs in pytest-django's `live_server`. A `requests.Session` is the browser: it carries
both sites' cookies and follows the authorization-code flow hop by hop, so a test can stop at
the callback and replay or tamper with it. Nothing of the protocol is mocked.
"""

from __future__ import annotations

import socket
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

from accounts.models import User
from sso.services import sign_in_save
from sso.tests.idp.process import IdentityProvider
from tests.factories import UniversityFactory
from tests.services.processes import free_port
from universities.models import Membership, Role

AZIZ = {
    "username": "aziz",
    "password": "pw-aziz-1",
    "claims": {
        "email": "aziz@alpha.example",
        "email_verified": True,
        "name": "Aziz Karimov",
        "student_number": "S-1001",
        "groups": ["students"],
    },
}
NOSTUDENT = {
    "username": "nostudent",
    "password": "pw-nostudent-1",
    "claims": {"email": "nostudent@alpha.example", "email_verified": True, "name": "No Number"},
}
TEACHER = {
    "username": "teacher",
    "password": "pw-teacher-1",
    "claims": {
        "email": "teacher@alpha.example",
        "email_verified": True,
        "name": "Malika Teacher",
        "groups": ["faculty", "staff"],
    },
}
CALLBACK = "/en/accounts/oidc/uni-alpha/login/callback/"


@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory):
    callback = f"{live_server.url}{CALLBACK}"
    provider = IdentityProvider(
        tmp_path_factory.mktemp("idp"),
        people=[AZIZ, NOSTUDENT, TEACHER],
        clients=[
            {
                "id": "ilm",
                "secret": "ilm-secret",
                "redirect_uris": [callback],
                "post_logout_redirect_uris": [f"{live_server.url}/en/start/"],
            },
            # Another relying party at the same provider that (wrongly or maliciously) lists
            # Ilm's callback: its codes and tokens are for audience "other", not Ilm.
            {"id": "other", "secret": "other-secret", "redirect_uris": [callback]},
        ],
    ).start()
    try:
        yield provider
    finally:
        provider.stop()


def alpha_sign_in(server_url: str, **settings):
    university = UniversityFactory(code="alpha", name="Alpha University")
    return sign_in_save(
        university=university,
        server_url=server_url,
        client_id="ilm",
        secret="ilm-secret",
        **settings,
    )


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


def at_provider(browser: requests.Session, redirect: requests.Response, person: dict) -> str:
    """Follow a redirect to the provider, log in there if asked, return the callback URL."""
    assert redirect.status_code == 302, redirect.text[:500]
    authorize = redirect.headers["Location"]
    answer = browser.get(authorize, allow_redirects=False)
    if answer.status_code == 302 and "/login/" in answer.headers["Location"]:
        login = urljoin(authorize, answer.headers["Location"])
        browser.get(login)
        answer = browser.post(
            login,
            data={
                "csrfmiddlewaretoken": browser.cookies["idp_csrftoken"],
                "username": person["username"],
                "password": person["password"],
                "next": parse_qs(urlparse(login).query)["next"][0],
            },
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text[:500]
        answer = browser.get(urljoin(authorize, answer.headers["Location"]), allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    callback = answer.headers["Location"]
    assert CALLBACK in callback, callback
    return callback


def sign_in(browser, live, person, process="login") -> requests.Response:
    callback = at_provider(browser, start(browser, live, process), person)
    return browser.get(callback)


def test_first_sign_in_creates_a_learner_of_the_providers_university(live_server, idp):
    alpha_sign_in(idp.issuer)
    browser = requests.Session()
    landed = sign_in(browser, live_server.url, AZIZ)

    assert landed.status_code == 200
    user = User.objects.get(email="aziz@alpha.example")
    assert user.full_name == "Aziz Karimov"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.university.code, membership.role) == ("alpha", Role.LEARNER)
    assert membership.student_number == "S-1001"
    assert SocialAccount.objects.get(user=user).provider == "uni-alpha"
    # Signed in on Ilm: the account page answers instead of sending to the login page.
    assert browser.get(f"{live_server.url}/en/accounts/email/", allow_redirects=False).ok

    # A second sign-in finds the same account.
    again = requests.Session()
    sign_in(again, live_server.url, AZIZ)
    assert User.objects.filter(email="aziz@alpha.example").count() == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_roles_from_the_providers_groups(live_server, idp):
    alpha_sign_in(
        idp.issuer, role_source="claims", roles_claim="groups", instructor_values="faculty"
    )
    sign_in(requests.Session(), live_server.url, TEACHER)
    user = User.objects.get(email="teacher@alpha.example")
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    assert roles == {Role.INSTRUCTOR}


def test_claims_without_a_student_number_create_nothing(live_server, idp):
    alpha_sign_in(idp.issuer)
    answer = sign_in(requests.Session(), live_server.url, NOSTUDENT)

    assert answer.status_code == 400
    assert "did not say your student number" in answer.text
    assert not User.objects.filter(email="nostudent@alpha.example").exists()
    assert not SocialAccount.objects.exists()


def test_provider_down_answers_clearly_and_creates_nothing(live_server, idp):
    alpha_sign_in(f"http://127.0.0.1:{free_port()}/o")  # nobody listens there
    answer = start(requests.Session(), live_server.url)

    assert answer.status_code == 502
    assert "did not answer" in answer.text
    assert not User.objects.exclude(is_superuser=True).filter(email__endswith="alpha.example")


def test_provider_down_behind_allauths_own_login_url(live_server, idp):
    alpha_sign_in(f"http://127.0.0.1:{free_port()}/o")
    browser = requests.Session()
    browser.get(f"{live_server.url}/en/accounts/login/")
    answer = browser.post(
        f"{live_server.url}/en/accounts/oidc/uni-alpha/login/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
    )
    assert answer.status_code == 502
    assert "did not answer" in answer.text


def test_provider_gone_between_the_redirect_and_the_callback(live_server, tmp_path):
    # A provider of its own, stopped after it issued the code: the token exchange fails.
    provider = IdentityProvider(
        tmp_path / "idp",
        people=[AZIZ],
        clients=[
            {"id": "ilm", "secret": "ilm-secret", "redirect_uris": [f"{live_server.url}{CALLBACK}"]}
        ],
    ).start()
    try:
        alpha_sign_in(provider.issuer)
        browser = requests.Session()
        callback = at_provider(browser, start(browser, live_server.url), AZIZ)
    finally:
        provider.stop()
    answer = browser.get(callback)

    assert answer.status_code == 502
    assert "did not answer" in answer.text
    assert not User.objects.filter(email="aziz@alpha.example").exists()


def test_provider_too_slow_answers_clearly(live_server, idp, settings):
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 1
    # A provider that takes the connection and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        alpha_sign_in(f"http://127.0.0.1:{silent.getsockname()[1]}/o")
        answer = start(requests.Session(), live_server.url)

    assert answer.status_code == 502
    assert "did not answer" in answer.text


def test_wrong_state_and_replayed_callback_are_refused(live_server, idp):
    alpha_sign_in(idp.issuer)
    browser = requests.Session()
    callback = at_provider(browser, start(browser, live_server.url), AZIZ)
    query = parse_qs(urlparse(callback).query)

    forged = browser.get(
        f"{live_server.url}{CALLBACK}?{urlencode({'code': query['code'][0], 'state': 'forged'})}"
    )
    assert forged.status_code == 400
    assert "could not be completed" in forged.text
    assert not User.objects.filter(email="aziz@alpha.example").exists()

    assert browser.get(callback).status_code == 200  # the genuine one, once
    replayed = browser.get(callback)
    assert replayed.status_code == 400
    assert "could not be completed" in replayed.text
    # The same code in another browser (stolen from a log or a referrer) is refused too.
    stolen = requests.Session().get(callback)
    assert stolen.status_code == 400
    assert SocialAccount.objects.count() == 1


def test_a_code_issued_to_another_client_is_refused(live_server, idp):
    alpha_sign_in(idp.issuer)
    browser = requests.Session()
    # Ilm's own start, for a state Ilm will accept ...
    ours = start(browser, live_server.url)
    state = parse_qs(urlparse(ours.headers["Location"]).query)["state"][0]
    # ... and a code the provider issued to the other client, for the same person.
    authorize = urlparse(ours.headers["Location"])
    foreign = authorize._replace(
        query=urlencode(
            {
                "client_id": "other",
                "response_type": "code",
                "scope": "openid profile email",
                "redirect_uri": f"{live_server.url}{CALLBACK}",
                "state": "theirs",
            }
        )
    )
    theirs = at_provider(browser, _redirect(foreign), AZIZ)
    code = parse_qs(urlparse(theirs).query)["code"][0]

    answer = browser.get(f"{live_server.url}{CALLBACK}?{urlencode({'code': code, 'state': state})}")
    assert answer.status_code == 400
    assert "could not be completed" in answer.text
    assert not User.objects.filter(email="aziz@alpha.example").exists()


def test_an_id_token_for_another_audience_does_not_verify(live_server, idp):
    # A genuine token, signed by the provider, issued to the other client.
    browser = requests.Session()
    base = urlparse(idp.issuer)
    authorize = base._replace(
        path="/o/authorize/",
        query=urlencode(
            {
                "client_id": "other",
                "response_type": "code",
                "scope": "openid profile email",
                "redirect_uri": f"{live_server.url}{CALLBACK}",
                "state": "s",
            }
        ),
    )
    code = parse_qs(urlparse(at_provider(browser, _redirect(authorize), AZIZ)).query)["code"]
    token = requests.post(
        f"{idp.issuer}/token/",
        data={
            "grant_type": "authorization_code",
            "code": code[0],
            "redirect_uri": f"{live_server.url}{CALLBACK}",
        },
        auth=("other", "other-secret"),
        timeout=10,
    ).json()["id_token"]
    keys = f"{idp.issuer}/.well-known/jwks.json"

    claims = jwtkit.verify_and_decode(
        credential=token,
        keys_url=keys,
        issuer=idp.issuer,
        audience="other",
        lookup_kid=jwtkit.lookup_kid_jwk,
    )
    assert claims["student_number"] == "S-1001"
    with pytest.raises(OAuth2Error):
        jwtkit.verify_and_decode(
            credential=token,
            keys_url=keys,
            issuer=idp.issuer,
            audience="ilm",
            lookup_kid=jwtkit.lookup_kid_jwk,
        )


class _HiddenFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    parser = _HiddenFields()
    parser.feed(html)
    return parser.fields


def _redirect(url) -> requests.Response:
    response = requests.Response()
    response.status_code = 302
    response.headers["Location"] = url.geturl()
    return response


def test_a_local_account_with_the_same_email_is_linked_only_after_proof(live_server, idp):
    alpha_sign_in(idp.issuer)
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
    signed_in = owner.post(
        f"{live_server.url}/en/accounts/login/",
        data={
            "csrfmiddlewaretoken": owner.cookies["csrftoken"],
            "login": "aziz@alpha.example",
            "password": "local-pass-1",
        },
    )
    assert signed_in.ok
    owner.get(at_provider(owner, start(owner, live_server.url, process="connect"), AZIZ))

    assert SocialAccount.objects.get().user == local
    membership = Membership.objects.get(user=local)
    assert (membership.university.code, membership.student_number) == ("alpha", "S-1001")


def test_passwords_off_and_single_logout(live_server, idp):
    sign_in_ = alpha_sign_in(idp.issuer, local_passwords_allowed=False)
    browser = requests.Session()
    sign_in(browser, live_server.url, AZIZ)

    # Single logout: Ilm sends the browser to the provider's end_session_endpoint.
    browser.get(f"{live_server.url}/en/accounts/logout/")
    out = browser.post(
        f"{live_server.url}/en/accounts/logout/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
    )
    assert out.headers["Location"].startswith(f"{idp.issuer}/logout/")
    confirm = browser.get(out.headers["Location"])
    # Without an ID token to hint with, the provider asks the person to confirm (as the
    # specification suggests); they do.
    back = browser.post(confirm.url, data={**hidden_fields(confirm.text), "allow": "Logout"})
    assert back.url.startswith(f"{live_server.url}/en/")
    # The provider's session ended too: a new sign-in asks for the password again.
    again = browser.get(start(browser, live_server.url).headers["Location"], allow_redirects=False)
    assert "/login/" in again.headers["Location"]

    # A password the person set later (by a reset, say) is refused, pointing to the button.
    user = User.objects.get(email="aziz@alpha.example")
    user.set_password("chosen-later-1")
    user.save()
    form = requests.Session()
    form.get(f"{live_server.url}/en/accounts/login/")
    refused = form.post(
        f"{live_server.url}/en/accounts/login/",
        data={
            "csrfmiddlewaretoken": form.cookies["csrftoken"],
            "login": user.email,
            "password": "chosen-later-1",
        },
    )
    assert "Sign in with Alpha University" in refused.text
    assert "signs its people in itself" in refused.text
    assert form.get(f"{live_server.url}/en/accounts/email/", allow_redirects=False).is_redirect
    assert sign_in_.university.code == "alpha"
