"""Issuer identities: the did:web DIDs universities sign under, stored once (ADR 0046).

A university's DID is computed from `SITE_URL` exactly once, when its first key is made,
and stored in `IssuerIdentity`. From then on every credential, status list and DID document
uses the stored text: changing `SITE_URL` changes none of them. Moving to a new domain is an
operator's decision (`issuer_identity_move`, `manage.py move_issuer_identity`): it mints a
DID under the new `SITE_URL` for new credentials, and the old identity stays, with its keys
and its status lists, so everything it signed keeps verifying. Both documents name each other
in `alsoKnownAs`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from universities.models import University

from . import composition, did_web
from .models import IssuerIdentity, IssuerKey


class IdentityError(Exception):
    """An identity cannot be moved; the message is shown to the operator."""


def did_for_site_url(university: University) -> str:
    """The DID the current `SITE_URL` would give `university`; used only to mint one."""
    return did_web.did_web(urlsplit(settings.SITE_URL).netloc, "universities", university.code)


def current_identity(university: University) -> IssuerIdentity | None:
    return IssuerIdentity.objects.filter(university=university, current=True).first()


def identity_for_did(did: str) -> IssuerIdentity | None:
    """The stored identity named `did`, whichever site address it was minted under."""
    if not isinstance(did, str) or not did.startswith("did:web:"):
        return None
    return IssuerIdentity.objects.filter(did=did).select_related("university").first()


def identity_ensure(university: University) -> IssuerIdentity:
    """The university's current identity, minted from `SITE_URL` if it has none yet.

    Call inside a transaction holding the university's row lock (as key creation does).
    """
    identity = current_identity(university)
    if identity is None:
        identity = IssuerIdentity.objects.create(
            university=university, did=did_for_site_url(university), current=True
        )
    return identity


def identity_did_document(identity: IssuerIdentity) -> dict:
    """The DID document of `identity`: every key it has signed with, oldest first.

    Retired keys stay listed (they verify what they signed) and are marked with the time
    they were retired; the university's other DIDs are listed under `alsoKnownAs`.
    """
    keys = list(identity.keys.order_by("created_at", "pk"))
    others = (
        IssuerIdentity.objects.filter(university_id=identity.university_id)
        .exclude(pk=identity.pk)
        .values_list("did", flat=True)
    )
    return did_web.did_document(
        identity.did,
        [key.public_multikey for key in keys],
        retired={
            key.public_multikey: composition.xsd_date_time(key.retired_at)
            for key in keys
            if key.retired_at is not None
        },
        also_known_as=list(others),
    )


def signing_key_for(identity: IssuerIdentity) -> IssuerKey:
    """The key that signs on `identity`'s behalf; it is listed in its DID document.

    The current identity signs with the university's active key (added to its document when
    first used, as after a rotation). An identity left behind by a move keeps signing its
    status lists with the newest key its document already lists, so that document, perhaps
    archived or served from the old domain, never needs to change.
    """
    if identity.current:
        key = IssuerKey.objects.filter(university_id=identity.university_id, active=True).first()
        if key is None:
            raise IdentityError(_("The university has no signing key."))
        identity.keys.add(key)
        return key
    key = identity.keys.order_by("-created_at", "-pk").first()
    if key is None:
        raise IdentityError(_("This issuer identity has no key to sign with."))
    return key


def issuer_identity_move(*, university: University, actor=None) -> IssuerIdentity:
    """Issue new credentials under the DID of the current `SITE_URL` (a new domain).

    The old identity stops issuing but stays resolvable with every key it used; its status
    lists stay its own, so revoking an old credential keeps working. Moving back to an
    address used before makes that identity current again rather than minting a duplicate.
    """
    with transaction.atomic():
        University.objects.select_for_update().get(pk=university.pk)
        old = current_identity(university)
        new_did = did_for_site_url(university)
        if old is None:
            raise IdentityError(_("The university has not issued anything yet: nothing to move."))
        if old.did == new_did:
            raise IdentityError(
                _("The issuer already uses %(did)s; change SITE_URL first.") % {"did": new_did}
            )
        if IssuerIdentity.objects.filter(did=new_did).exclude(university=university).exists():
            raise IdentityError(_("%(did)s belongs to another university.") % {"did": new_did})
        old.current = False
        old.save(update_fields=["current"])
        new, _created = IssuerIdentity.objects.get_or_create(
            did=new_did, defaults={"university": university, "current": True}
        )
        if not new.current:
            new.current = True
            new.save(update_fields=["current"])
        signing_key_for(new)
        audit_record(
            actor=actor,
            action="issuer_identity.moved",
            university=university,
            target=new,
            summary=f"{university.code} now issues as {new.did}",
            details={"from": old.did, "to": new.did},
        )
        return new
