"""Writes for university sign-in: the provider's configuration, and what a sign-in grants."""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from universities.models import Membership, Role, University
from universities.services import membership_grant, membership_revoke

from .claims import ClaimsError, Identity
from .models import PROVIDER_ID_PREFIX, UniversitySignIn
from .saml import SAML_PROVIDER, app_settings

OIDC_PROVIDER = "openid_connect"
STAFF_ROLES = (Role.INSTRUCTOR, Role.REGISTRAR)


@transaction.atomic
def sign_in_save(
    *,
    university: University,
    server_url: str,
    client_id: str,
    secret: str,
    sign_in: UniversitySignIn | None = None,
    **settings,
) -> UniversitySignIn:
    """Give `university` an OpenID Connect provider, or change the one it has.

    The allauth `SocialApp` is named after the university (its button reads "Sign in with
    <name>") and identified as `uni-<code>`; `settings` are `UniversitySignIn` fields.
    """
    provider_id = f"{PROVIDER_ID_PREFIX}{university.code}"
    app = sign_in.social_app if sign_in else SocialApp(provider=OIDC_PROVIDER)
    app.provider = OIDC_PROVIDER
    app.provider_id = provider_id
    app.name = university.name
    app.client_id = client_id
    if secret or not app.secret:
        app.secret = secret
    app.settings = {**(app.settings or {}), "server_url": server_url.rstrip("/")}
    return _save(app, university, sign_in, settings)


def _save(app, university, sign_in, settings) -> UniversitySignIn:
    app.full_clean()
    app.save()
    sign_in = sign_in or UniversitySignIn(university=university, social_app=app)
    for field, value in settings.items():
        setattr(sign_in, field, value)
    sign_in.university = university
    sign_in.social_app = app
    sign_in.full_clean()
    sign_in.save()
    return sign_in


@transaction.atomic
def saml_sign_in_save(
    *,
    university: University,
    idp_entity_id: str,
    sso_url: str = "",
    slo_url: str = "",
    x509cert: str = "",
    metadata_url: str = "",
    email_attribute: str = "",
    sign_in: UniversitySignIn | None = None,
    **settings,
) -> UniversitySignIn:
    """Give `university` a SAML 2.0 identity provider, or change the one it has (ADR 0059).

    Either `metadata_url` or `sso_url` with the IdP's `x509cert` says where the IdP is and
    which key signs its assertions. allauth finds the app by `client_id`, the university code.
    """
    app = sign_in.social_app if sign_in else SocialApp()
    app.provider = SAML_PROVIDER
    app.provider_id = f"{PROVIDER_ID_PREFIX}{university.code}"
    app.name = university.name
    app.client_id = university.code
    app.secret = ""
    extra = {"email_attribute": email_attribute} if email_attribute else {}
    app.settings = app_settings(
        code=university.code,
        idp_entity_id=idp_entity_id,
        sso_url=sso_url,
        slo_url=slo_url,
        x509cert=x509cert,
        metadata_url=metadata_url,
        **extra,
    )
    return _save(app, university, sign_in, settings)


def identity_check(*, user, sign_in: UniversitySignIn, identity: Identity) -> None:
    """Refuse, before anything is written, a sign-in that would break a membership rule."""
    university = sign_in.university
    if identity.roles:
        return  # staff are not given a learner membership (see identity_apply)
    taken = Membership.objects.filter(
        university=university, role=Role.LEARNER, student_number=identity.student_number
    )
    if user is not None and user.pk is not None:
        taken = taken.exclude(user=user)
        elsewhere = Membership.objects.filter(user=user, role=Role.LEARNER).exclude(
            university=university
        )
        if elsewhere.exists():
            raise ClaimsError(
                _("This Ilm account already belongs to another university as a learner.")
            )
    if taken.exists():
        raise ClaimsError(
            _(
                "Another Ilm account already holds this student number at your university. "
                "Ask your university's registrar for help."
            )
        )


@transaction.atomic
def identity_apply(*, user, sign_in: UniversitySignIn, identity: Identity) -> None:
    """Make `user` what the university's provider says: a learner with their student number,
    or (when roles come from claims) an instructor or registrar there.

    The university is the provider's, never one the person chose. Roles from claims are
    granted and taken away to match the claims; roles managed in Ilm are left alone.
    """
    identity_check(user=user, sign_in=sign_in, identity=identity)
    university = sign_in.university
    if identity.full_name and user.full_name != identity.full_name:
        user.full_name = identity.full_name
        user.save(update_fields=["full_name"])
    if identity.roles is not None:
        for role in STAFF_ROLES:
            if role in identity.roles:
                membership_grant(user=user, university=university, role=role)
            else:
                membership_revoke(user=user, university=university, role=role)
    if not identity.roles:
        membership_grant(
            user=user,
            university=university,
            role=Role.LEARNER,
            student_number=identity.student_number,
        )
