"""SAML 2.0 sign-in through allauth's `saml` provider (ADR 0059).

A university whose identity provider speaks SAML gets a `SocialApp` with `provider = "saml"`,
`provider_id = uni-<code>` and `client_id = <code>` (allauth's "organization slug", so its
URLs are `accounts/saml/<code>/acs/`, `sls/`, `metadata/`, `login/`). Its settings, built here,
are what python3-saml checks a response against: the IdP's entity id and certificate (or its
metadata URL), Ilm's own entity id as the audience, signed assertions, strict mode.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.urls import reverse
from django.utils import translation

SAML_PROVIDER = "saml"
EMAIL_ATTRIBUTE = "urn:oid:0.9.2342.19200300.100.1.3"  # eduPerson/inetOrgPerson `mail`
NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
METADATA_TIMEOUT = 5  # seconds, like SOCIALACCOUNT_REQUESTS_TIMEOUT


def certificate_body(text: str) -> str:
    """The base64 body of the IdP's X.509 certificate pasted by platform staff, PEM armour
    and line breaks taken off; `ValueError` if it is not one certificate."""
    from cryptography import x509

    lines = [line.strip() for line in str(text).strip().splitlines()]
    body = "".join(line for line in lines if line and not line.startswith("-----"))
    try:
        x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except (ValueError, TypeError) as error:
        raise ValueError("not an X.509 certificate") from error
    return body


def sp_entity_id(code: str) -> str:
    """Ilm's entity id towards the university `code`: its metadata URL in the default
    language. Fixed at save time, so a sign-in started under `/ru/` has the same audience."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("saml_metadata", kwargs={"organization_slug": code})
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def app_settings(
    *,
    code: str,
    idp_entity_id: str,
    sso_url: str = "",
    slo_url: str = "",
    x509cert: str = "",
    metadata_url: str = "",
    email_attribute: str = EMAIL_ATTRIBUTE,
) -> dict:
    """allauth's `SocialApp.settings` for a SAML identity provider."""
    if metadata_url:
        idp = {
            "entity_id": idp_entity_id,
            "metadata_url": metadata_url,
            "metadata_request_timeout": METADATA_TIMEOUT,
        }
    else:
        idp = {"entity_id": idp_entity_id, "sso_url": sso_url, "x509cert": x509cert}
        if slo_url:
            idp["slo_url"] = slo_url
    return {
        "idp": idp,
        "sp": {"entity_id": sp_entity_id(code)},
        # The account is linked to the NameID (persistent); the email comes from an attribute.
        "attribute_mapping": {"email": [email_attribute]},
        "advanced": {
            "strict": True,
            "want_assertion_signed": True,
            "reject_idp_initiated_sso": True,
            "reject_deprecated_algorithm": True,
        },
    }


SAML_FIELDS = ("idp_entity_id", "metadata_url", "sso_url", "slo_url", "x509cert", "email_attribute")


def saml_initial(saved: dict) -> dict:
    """The admin form's SAML fields, read back from a saved `SocialApp.settings`."""
    idp = saved.get("idp", {})
    emails = saved.get("attribute_mapping", {}).get("email") or [EMAIL_ATTRIBUTE]
    return {
        "idp_entity_id": idp.get("entity_id", ""),
        "metadata_url": idp.get("metadata_url", ""),
        "sso_url": idp.get("sso_url", ""),
        "slo_url": idp.get("slo_url", ""),
        "x509cert": idp.get("x509cert", ""),
        "email_attribute": emails[0],
    }


def logout_url(request, sign_in, return_to: str) -> str | None:
    """Where to send the browser to end the IdP's session too (SAML single logout, HTTP
    redirect binding), or None when the IdP has no single logout service."""
    from allauth.socialaccount.providers.saml.utils import build_auth

    user = request.user
    account = (
        user.socialaccount_set.filter(provider=sign_in.provider_id).first()
        if user.is_authenticated
        else None
    )
    if account is None:
        return None
    provider = sign_in.social_app.get_provider(request)
    auth = build_auth(request, provider)
    if not auth.get_slo_url():
        return None
    return auth.logout(return_to=return_to, name_id=account.uid, name_id_format=NAMEID_PERSISTENT)
