"""The learner's offer page: only the credential's own learner makes an offer; the page
shows the QR code and the link; the code is stored only as its hash."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from certificates.services import credential_revoke
from tests.factories import make_member
from wallets.models import CredentialOffer
from wallets.services import secret_hash

from .conftest import offer_link_for

pytestmark = pytest.mark.django_db


def test_the_learner_gets_a_qr_code_and_a_link(learner, issued, settings):
    client = Client()
    client.force_login(learner)
    page = client.get(f"/certificates/{issued.pk}/wallet/")
    assert page.status_code == 200 and "offer_link" not in page.context
    link = offer_link_for(learner, issued)
    offer = json.loads(parse_qs(urlsplit(link).query)["credential_offer"][0])
    assert offer["credential_issuer"] == settings.SITE_URL.rstrip("/")
    code = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"][
        "pre-authorized_code"
    ]
    stored = CredentialOffer.objects.get()
    assert stored.code_hash == secret_hash(code) and code not in stored.code_hash
    page = client.post(f"/certificates/{issued.pk}/wallet/")
    assert page.context["qr_data_uri"].startswith("data:image/svg+xml")
    assert page["Cache-Control"].startswith("max-age=0")


def test_nobody_else_may_offer_the_credential(learner, issued, university):
    other = make_member("learner", university)
    registrar = make_member("registrar", university)
    for person in (other, registrar):
        client = Client()
        client.force_login(person)
        assert client.post(f"/certificates/{issued.pk}/wallet/").status_code == 404
    anonymous = Client().post(f"/certificates/{issued.pk}/wallet/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not CredentialOffer.objects.exists()


def test_a_revoked_credential_is_not_offered(learner, issued):
    credential_revoke(credential=issued, reason="Issued by mistake")
    client = Client()
    client.force_login(learner)
    page = client.post(f"/certificates/{issued.pk}/wallet/")
    assert page.status_code == 409
    assert "openid-credential-offer://" not in page.content.decode()
    assert not CredentialOffer.objects.exists()


def test_the_certificates_page_links_to_the_wallet_page(learner, issued):
    client = Client()
    client.force_login(learner)
    page = client.get("/certificates/")
    assert f"/certificates/{issued.pk}/wallet/" in page.content.decode()


def test_metadata_documents(client, settings):
    issuer = client.get("/.well-known/openid-credential-issuer").json()
    server = client.get("/.well-known/oauth-authorization-server").json()
    site = settings.SITE_URL.rstrip("/")
    assert issuer["credential_issuer"] == site == server["issuer"]
    assert issuer["credential_endpoint"] == site + "/wallet/credential"
    assert issuer["nonce_endpoint"] == site + "/wallet/nonce"
    assert server["token_endpoint"] == site + "/wallet/token"
    assert server["pre-authorized_grant_anonymous_access_supported"] is True
    bound = issuer["credential_configurations_supported"]["OpenBadgeCredential_holder_bound"]
    assert bound["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == [
        "ES256",
        "EdDSA",
    ]
    assert bound["credential_definition"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    # Language-neutral: no redirect to /en/.
    assert client.get("/.well-known/openid-credential-issuer").status_code == 200
