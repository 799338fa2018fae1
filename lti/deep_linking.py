"""Deep Linking 2.0, the tool's side: the signed LtiDeepLinkingResponse (ADR 0058)."""

from __future__ import annotations

import secrets
import time

from jwcrypto import jwt

from .keys import signing_key
from .tokens import DL, LTI

RESPONSE_LIFETIME_SECONDS = 300


def resource_id_of(translation_key) -> str:
    """The line item's resourceId: the page's translation key, the same in every language."""
    return f"ilm-{translation_key}"


def content_item(*, title: str, url: str, page_id: int, resource_key, graded: bool) -> dict:
    """An `ltiResourceLink` that launches into one Ilm page; graded items ask the platform to
    make a line item out of 100 (Ilm posts percentages)."""
    item = {
        "type": "ltiResourceLink",
        "title": title,
        "url": url,
        "custom": {"ilm_page_id": str(page_id)},
    }
    if graded:
        item["lineItem"] = {
            "scoreMaximum": 100,
            "label": title,
            "resourceId": resource_id_of(resource_key),
        }
    return item


def deep_linking_response(
    *, client_id: str, issuer: str, deployment_id: str, data, items: list[dict]
) -> str:
    """The compact JWT the platform's deep_link_return_url receives, signed with Ilm's key."""
    key = signing_key()
    now = int(time.time())
    claims = {
        "iss": client_id,
        "aud": issuer,
        "iat": now,
        "exp": now + RESPONSE_LIFETIME_SECONDS,
        "nonce": secrets.token_urlsafe(16),
        LTI + "deployment_id": deployment_id,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        DL + "content_items": items,
    }
    if data is not None:
        claims[DL + "data"] = data
    token = jwt.JWT(header={"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims=claims)
    token.make_signed_token(key)
    return token.serialize()
