"""What Ilm reads from an identity provider's claims: plain Python, no requests.

An OpenID Connect sign-in carries the ID token's claims and the userinfo answer; userinfo is
read first, the ID token fills what it lacks. Anything unusable raises `ClaimsError` with a
message for the person signing in, so nothing is created for an incomplete identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from universities.models import Role

MAX_STUDENT_NUMBER = 64
MAX_NAME = 200


class ClaimsError(ValueError):
    """The provider vouched for someone, but not with what this university's sign-in needs."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Identity:
    student_number: str
    full_name: str
    roles: frozenset[str] | None  # None: roles stay managed in Ilm


def merged_claims(extra_data: Mapping) -> dict:
    """The ID token's claims overlaid with userinfo's (allauth keeps both)."""
    claims: dict = {}
    for part in ("id_token", "userinfo"):
        value = extra_data.get(part)
        if isinstance(value, Mapping):
            claims.update(value)
    return claims


def saml_claims(attributes: Mapping, *, lists: frozenset[str] = frozenset()) -> dict:
    """A SAML attribute statement (name -> list of values, as python3-saml reads it) as
    claims: an attribute with one value is that value, except those in `lists` (groups),
    which stay lists. An attribute sent with several values is kept as a list, so a
    student number or name sent twice is unusable rather than silently the first."""
    claims: dict = {}
    for name, values in attributes.items():
        if not isinstance(name, str) or not isinstance(values, list | tuple):
            continue
        if name in lists:
            claims[name] = list(values)
        elif len(values) == 1:
            claims[name] = values[0]
        elif values:
            claims[name] = list(values)
    return claims


def claims_for(sign_in, extra_data: Mapping) -> dict:
    """The claims of a sign-in, whatever the protocol that carried them."""
    if not isinstance(extra_data, Mapping):
        return {}
    if sign_in.protocol == "saml":
        return saml_claims(extra_data, lists=frozenset({sign_in.roles_claim}))
    return merged_claims(extra_data)


def _text(value, limit: int) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())
    if len(text) > limit or any(ord(char) < 32 for char in text):
        return ""
    return text


def _values(setting: str) -> frozenset[str]:
    return frozenset(v.strip() for v in setting.split(",") if v.strip())


def _groups(value) -> frozenset[str]:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list | tuple):
        return frozenset()
    return frozenset(v for v in value if isinstance(v, str))


def identity_from_claims(claims: Mapping, sign_in) -> Identity:
    """Read the student number, name and (if the university says so) roles from `claims`."""

    full_name = _text(claims.get(sign_in.name_claim), MAX_NAME)
    if not full_name:
        given = _text(claims.get("given_name"), MAX_NAME)
        family = _text(claims.get("family_name"), MAX_NAME)
        full_name = f"{given} {family}".strip()[:MAX_NAME]
    roles = None
    if sign_in.role_source == "claims":
        groups = _groups(claims.get(sign_in.roles_claim))
        roles = frozenset(
            role
            for role, setting in (
                (Role.INSTRUCTOR, sign_in.instructor_values),
                (Role.REGISTRAR, sign_in.registrar_values),
            )
            if groups & _values(setting)
        )
    student_number = _text(claims.get(sign_in.student_number_claim), MAX_STUDENT_NUMBER)
    # Staff (roles from claims) need no student number; a learner always does.
    if not student_number and not roles:
        raise ClaimsError(
            _(
                "Your university's sign-in did not say your student number. Ask your "
                "university's IT service to release it to Ilm."
            )
        )
    return Identity(student_number=student_number, full_name=full_name, roles=roles)
