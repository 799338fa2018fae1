"""LTI Dynamic Registration 1.0, the tool's side: read the platform's OpenID configuration,
post Ilm's registration to it, and keep what the platform answers (ADR 0058)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext_lazy as _

from universities.models import University

from .models import PlatformRegistration
from .services import REQUEST_TIMEOUT_SECONDS, registration_save

logger = logging.getLogger(__name__)

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)


class RegistrationError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def platform_configuration(url: str) -> dict:
    """The platform's OpenID configuration, whose issuer must share the URL's origin."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise RegistrationError(_("The platform's configuration address is not a web address."))
    try:
        answer = requests.get(url, timeout=REQUEST_TIMEOUT_SECONDS)
        answer.raise_for_status()
        configuration = answer.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("lti dynamic registration: configuration %s unreadable: %s", url, error)
        raise RegistrationError(_("The platform's configuration could not be read.")) from None
    if not isinstance(configuration, dict):
        raise RegistrationError(_("The platform's configuration could not be read."))
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not all(isinstance(configuration.get(k), str) for k in (*needed, "registration_endpoint")):
        raise RegistrationError(_("The platform's configuration lacks required endpoints."))
    if _origin(configuration["issuer"]) != _origin(url):
        raise RegistrationError(
            _("The platform's issuer does not match the address its configuration came from.")
        )
    return configuration


def tool_registration(*, base_url: str, name: str) -> dict:
    """What Ilm asks the platform to register (Dynamic Registration §3.3)."""
    base = base_url.rstrip("/")
    launch = f"{base}/lti/launch/"
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": f"{base}/lti/login/",
        "redirect_uris": [launch],
        "client_name": name,
        "jwks_uri": f"{base}/lti/jwks.json",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(base).netloc,
            "target_link_uri": launch,
            "claims": ["iss", "sub", "name", "email", "locale"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": launch},
                {"type": "LtiDeepLinkingRequest", "target_link_uri": launch},
            ],
        },
    }


def registration_dynamic(
    *,
    university: University,
    openid_configuration: str,
    registration_token: str,
    base_url: str,
    name: str,
) -> PlatformRegistration:
    """Register Ilm with the platform at `openid_configuration` on behalf of `university`."""
    configuration = platform_configuration(openid_configuration)
    headers = {"Content-Type": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        answer = requests.post(
            configuration["registration_endpoint"],
            json=tool_registration(base_url=base_url, name=name),
            headers=headers,
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
        answer.raise_for_status()
        client = answer.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("lti dynamic registration refused by %s: %s", openid_configuration, error)
        raise RegistrationError(_("The platform refused Ilm's registration.")) from None
    if not isinstance(client, dict) or not client.get("client_id"):
        raise RegistrationError(_("The platform's answer names no client id."))
    tool = client.get(TOOL_CONFIGURATION) or {}
    deployment = tool.get("deployment_id")
    platform = configuration.get(PLATFORM_CONFIGURATION) or {}
    return registration_save(
        university=university,
        issuer=configuration["issuer"],
        client_id=str(client["client_id"]),
        auth_url=configuration["authorization_endpoint"],
        token_url=configuration["token_endpoint"],
        keyset_url=configuration["jwks_uri"],
        deployment_ids=[str(deployment)] if deployment else [],
        name=str(platform.get("product_family_code", ""))[:200],
    )
