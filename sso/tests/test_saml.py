"""SAML 2.0 sign-in below the protocol (ADR 0059): the attribute statement read as claims,
the SocialApp Ilm saves for a SAML IdP, the pasted certificate, the admin screen."""

import base64
import contextlib
import datetime
from types import SimpleNamespace

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from sso.adapter import SignInAdapter
from sso.claims import claims_for, identity_from_claims, saml_claims
from sso.models import UniversitySignIn
from sso.saml import certificate_body, sp_entity_id
from sso.services import saml_sign_in_save, sign_in_save
from tests.factories import UniversityFactory, UserFactory

MAIL = "urn:oid:0.9.2342.19200300.100.1.3"


def certificate_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.alpha.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


PEM = certificate_pem()


def config(**overrides):
    values = {
        "student_number_claim": "studentNumber",
        "name_claim": "displayName",
        "role_source": "claims",
        "roles_claim": "memberOf",
        "instructor_values": "faculty",
        "registrar_values": "registry",
        "protocol": "saml",
    }
    return SimpleNamespace(**{**values, **overrides})


# --- the attribute statement ---------------------------------------------------------------


def test_single_values_are_values_and_groups_stay_lists():
    attributes = {"studentNumber": ["S-1"], "memberOf": ["faculty"], "ou": ["a", "b"]}
    assert saml_claims(attributes, lists=frozenset({"memberOf"})) == {
        "studentNumber": "S-1",
        "memberOf": ["faculty"],
        "ou": ["a", "b"],
    }


def test_a_group_with_a_space_in_its_name_is_one_group():
    sign_in = config(instructor_values="Faculty of Law")
    claims = claims_for(sign_in, {"memberOf": ["Faculty of Law"], "displayName": ["T"]})
    assert identity_from_claims(claims, sign_in).roles == frozenset({"instructor"})


def test_a_student_number_sent_twice_is_no_student_number():
    sign_in = config(role_source="ilm")
    claims = claims_for(sign_in, {"studentNumber": ["S-1", "S-2"]})
    with pytest.raises(ValueError, match="student number"):
        identity_from_claims(claims, sign_in)


def test_oidc_claims_are_read_as_before():
    sign_in = config(protocol="openid_connect", role_source="ilm")
    claims = claims_for(sign_in, {"userinfo": {"studentNumber": "S-1", "displayName": "A"}})
    assert identity_from_claims(claims, sign_in).student_number == "S-1"


@given(
    st.dictionaries(
        st.text(max_size=20),
        st.one_of(st.none(), st.text(), st.lists(st.one_of(st.text(), st.integers()))),
    )
)
def test_any_attribute_statement_is_read_or_refused_never_crashes(attributes):
    sign_in = config()
    claims = claims_for(sign_in, attributes)
    with contextlib.suppress(ValueError):
        identity_from_claims(claims, sign_in)


# --- the pasted certificate ----------------------------------------------------------------


def test_a_pem_or_its_body_is_a_certificate():
    body = certificate_body(PEM)
    assert "BEGIN" not in body and "\n" not in body
    assert certificate_body(body) == body
    assert certificate_body(f"  {PEM}\r\n") == body


@given(st.text(max_size=300))
def test_anything_else_is_a_value_error(text):
    with contextlib.suppress(ValueError):
        certificate_body(text)


def test_a_truncated_certificate_is_refused():
    with pytest.raises(ValueError):
        certificate_body(PEM[: len(PEM) // 2])
    with pytest.raises(ValueError):
        certificate_body(base64.b64encode(b"not der").decode())


# --- what Ilm saves --------------------------------------------------------------------------


@pytest.fixture
def alpha(db):
    return saml_sign_in_save(
        university=UniversityFactory(code="alpha", name="Alpha University"),
        idp_entity_id="https://idp.alpha.example/idp",
        sso_url="https://idp.alpha.example/sso",
        slo_url="https://idp.alpha.example/slo",
        x509cert=certificate_body(PEM),
        student_number_claim="studentNumber",
    )


def test_the_social_app_is_allauths_saml_app_of_the_university(alpha):
    app = SocialApp.objects.get()
    assert (app.provider, app.provider_id, app.client_id, app.name) == (
        "saml",
        "uni-alpha",
        "alpha",
        "Alpha University",
    )
    assert app.settings["idp"]["entity_id"] == "https://idp.alpha.example/idp"
    assert app.settings["advanced"]["want_assertion_signed"] is True
    assert app.settings["advanced"]["reject_idp_initiated_sso"] is True
    assert app.settings["attribute_mapping"] == {"email": [MAIL]}
    assert alpha.protocol == "saml"


def test_ilms_entity_id_does_not_depend_on_the_language(db):
    with translation.override("ru"):
        assert sp_entity_id("alpha").endswith("/en/accounts/saml/alpha/metadata/")


def test_switching_a_university_to_oidc_and_back(alpha):
    oidc = sign_in_save(
        university=alpha.university,
        server_url="https://login.alpha.example",
        client_id="ilm",
        secret="s",
        sign_in=alpha,
    )
    assert oidc.social_app.provider == "openid_connect"
    saml = saml_sign_in_save(
        university=alpha.university,
        idp_entity_id="https://idp.alpha.example/idp",
        metadata_url="https://idp.alpha.example/metadata",
        sign_in=oidc,
    )
    assert (saml.social_app.provider, saml.social_app.secret) == ("saml", "")
    assert SocialApp.objects.count() == 1


def test_the_adapter_reads_saml_attributes_and_trusts_the_email(alpha):
    account = SocialAccount(
        provider="uni-alpha", uid="nameid-1", extra_data={"studentNumber": ["S-1"]}
    )
    login = SocialLogin(account=account, user=User(email="a@alpha.example"))
    login.email_addresses = [SimpleNamespace(email="a@alpha.example", verified=False)]
    req = RequestFactory().post("/en/accounts/saml/alpha/acs/finish/")
    req.user, req.session = AnonymousUser(), {}
    SignInAdapter().pre_social_login(req, login)
    assert login.email_addresses[0].verified is True

    empty = SocialLogin(account=SocialAccount(provider="uni-alpha", uid="n2", extra_data={}))
    with pytest.raises(ImmediateHttpResponse) as refused:
        SignInAdapter().pre_social_login(req, empty)
    assert b"student number" in refused.value.response.content


# --- the admin screen ------------------------------------------------------------------------


def admin_post(client, university, **fields):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client.post(
        reverse("university_sign_in:add"),
        {
            "university": university.pk,
            "protocol": "saml",
            "idp_entity_id": "https://idp.gamma.example/idp",
            "sso_url": "https://idp.gamma.example/sso",
            "email_attribute": MAIL,
            "student_number_claim": "studentNumber",
            "name_claim": "displayName",
            "role_source": "ilm",
            "roles_claim": "memberOf",
            "local_passwords_allowed": "on",
            **fields,
        },
    )


def test_platform_staff_add_a_saml_idp_in_the_admin(client, db):
    gamma = UniversityFactory(code="gamma", name="Gamma University")
    answer = admin_post(client, gamma, x509cert=PEM)
    assert answer.status_code == 302, answer.context["form"].errors
    sign_in = UniversitySignIn.objects.get(university=gamma)
    assert sign_in.protocol == "saml"
    assert sign_in.social_app.settings["idp"]["x509cert"] == certificate_body(PEM)
    edit = client.get(reverse("university_sign_in:edit", args=[sign_in.pk]))
    assert "https://idp.gamma.example/sso" in edit.content.decode()
    listing = client.get(reverse("university_sign_in:index"))
    assert listing.status_code == 200
    assert "Gamma University" in listing.content.decode()


def test_a_bad_certificate_is_a_form_error_not_a_500(client, db):
    gamma = UniversityFactory(code="gamma", name="Gamma University")
    answer = admin_post(client, gamma, x509cert="-----BEGIN CERTIFICATE-----\nnope\n")
    assert answer.status_code == 200
    assert "not an X.509 certificate" in answer.content.decode()
    answer = admin_post(client, gamma, x509cert="", sso_url="")
    assert "Give the SSO URL" in answer.content.decode()
    assert not UniversitySignIn.objects.exists()


def test_the_metadata_is_published_per_university(client, alpha):
    # python3-saml refuses single-label hosts ("testserver") in Ilm's own URLs.
    answer = client.get("/en/accounts/saml/alpha/metadata/", HTTP_HOST="ilm.example.org")
    assert answer.status_code == 200
    text = answer.content.decode()
    assert f'entityID="{sp_entity_id("alpha")}"' in text
    assert "/en/accounts/saml/alpha/acs/" in text
    assert "http://ilm.example.org/en/accounts/saml/alpha/acs/" in text
    assert client.get("/en/accounts/saml/nowhere/metadata/").status_code == 404


def test_an_unverifiable_logout_message_answers_a_clear_page(client, alpha, caplog):
    answer = client.get(
        "/en/accounts/saml/alpha/sls/",
        {"SAMLResponse": "bm90IHNhbWw="},
        HTTP_HOST="ilm.example.org",
    )
    assert answer.status_code == 400
    assert "could not be verified" in answer.content.decode()


@pytest.mark.parametrize("garbage", ["bm90IHNhbWw=", "%%%", "PHNhbWw+PC9zYW1sPg=="])
def test_a_response_that_is_not_saml_answers_a_clear_page(client, alpha, garbage):
    host = {"HTTP_HOST": "ilm.example.org"}
    answer = client.post(
        "/en/accounts/saml/alpha/acs/", {"SAMLResponse": garbage}, follow=True, **host
    )
    assert answer.status_code == 400
    assert "could not be completed" in answer.content.decode()
    logout = client.get("/en/accounts/saml/alpha/sls/", {"SAMLResponse": garbage}, **host)
    assert logout.status_code == 400
    assert "could not be verified" in logout.content.decode()
