"""Verify a credential the way an outside verifier would.

Nothing here trusts our own database: the signature is checked against the key the
issuer's DID document lists, the issuer must control that key, the validity dates are
compared with the clock, and the revocation bit is read from a status list credential that
must itself carry a valid signature by the same issuer. Where DID documents and status
lists come from is the caller's business (a `Resolver`): the web site looks them up
locally, `manage.py verify_credential` reads them from files, never from the network.

Every failure comes with a sentence a non-specialist can read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from . import did_web, proofs
from .canonicalization import CanonicalizationError, DocumentLoader
from .contexts import load_bundled_context
from .multikey import MultibaseError, multikey_to_public_key
from .status_list import Bitstring, StatusListError

MAX_CREDENTIAL_BYTES = 256 * 1024


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    TAMPERED = "tampered"
    UNKNOWN_ISSUER = "unknown-issuer"
    STATUS_UNKNOWN = "status-unknown"
    MALFORMED = "malformed"


VERDICT_LABELS = {
    Verdict.VALID: _("Valid"),
    Verdict.REVOKED: _("Revoked"),
    Verdict.EXPIRED: _("Expired"),
    Verdict.NOT_YET_VALID: _("Not yet valid"),
    Verdict.TAMPERED: _("Tampered or forged"),
    Verdict.UNKNOWN_ISSUER: _("Unknown issuer"),
    Verdict.STATUS_UNKNOWN: _("Revocation status unknown"),
    Verdict.MALFORMED: _("Not a readable credential"),
}


class Resolver(Protocol):
    def did_document(self, did: str) -> dict | None:
        """The DID document for `did`, or None when it cannot be resolved."""

    def status_list_credential(self, url: str) -> dict | None:
        """The status list credential published at `url`, or None."""


@dataclass
class VerificationResult:
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    credential: dict | None = None
    endorsements: list[VerificationResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])

    def as_dict(self) -> dict:
        return {
            "verdict": str(self.verdict),
            "reasons": [str(reason) for reason in self.reasons],
            "endorsements": [endorsement.as_dict() for endorsement in self.endorsements],
        }


class CredentialParseError(ValueError):
    """Uploaded bytes are not a credential we will even look at."""


def _reject_constant(name: str):
    raise CredentialParseError(_("The file contains a number JSON does not allow (%s).") % name)


def parse_credential(data: bytes, *, max_bytes: int = MAX_CREDENTIAL_BYTES) -> dict:
    """Parse uploaded JSON defensively: size, encoding, syntax, nesting and shape."""
    if len(data) > max_bytes:
        raise CredentialParseError(
            _("The file is larger than %(limit)d KB; a credential is much smaller.")
            % {"limit": max_bytes // 1024}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CredentialParseError(_("The file is not UTF-8 text.")) from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except CredentialParseError:
        raise  # a NaN or Infinity, refused by `_reject_constant`
    except json.JSONDecodeError as error:
        raise CredentialParseError(
            _("The file is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    except RecursionError:
        raise CredentialParseError(_("The JSON is nested too deeply.")) from None
    except ValueError:
        # Python refuses to read an integer of more than 4300 digits.
        raise CredentialParseError(_("The file contains a number too long to read.")) from None
    if not isinstance(document, dict):
        raise CredentialParseError(_("A credential is a JSON object, not a list or a value."))
    return document


def parse_date(value: Any) -> datetime | None:
    """An XML Schema dateTime with a time zone, or None if it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def issuer_id(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _types(node: dict) -> list:
    value = node.get("type")
    return value if isinstance(value, list) else [value]


def _check_signature(
    document: dict, expected_issuer: str, resolver: Resolver, loader: DocumentLoader
) -> VerificationResult | None:
    """None when every proof is a valid signature by a key the issuer controls."""
    try:
        document_proofs = proofs.proofs_of(document)
    except proofs.ProofError as error:
        return VerificationResult(
            Verdict.MALFORMED, [_("The credential carries no usable signature."), str(error)]
        )
    for proof in document_proofs:
        method_id = proof["verificationMethod"]
        did = method_id.split("#", 1)[0]
        if did != expected_issuer:
            return VerificationResult(
                Verdict.TAMPERED,
                [_("It was signed by a key that does not belong to the issuer it names.")],
            )
        try:
            did_document = resolver.did_document(did)
        except Exception:
            did_document = None
        if did_document is None:
            return VerificationResult(
                Verdict.UNKNOWN_ISSUER,
                [_("The issuer's identity (%(did)s) could not be looked up.") % {"did": did}],
            )
        try:
            method = did_web.assertion_method(did_document, method_id)
            public_key = multikey_to_public_key(method["publicKeyMultibase"])
        except (did_web.DidError, MultibaseError):
            return VerificationResult(
                Verdict.TAMPERED,
                [_("It was signed with a key the issuer does not list as its own.")],
            )
        try:
            valid = proofs.verify(document, proof, public_key, loader)
        except (proofs.ProofError, CanonicalizationError) as error:
            return VerificationResult(
                Verdict.MALFORMED, [_("The credential cannot be processed."), str(error)]
            )
        if not valid:
            return VerificationResult(
                Verdict.TAMPERED,
                [_("The signature does not match the content: it was changed after signing.")],
            )
    return None


def _check_dates(credential: dict, now: datetime) -> VerificationResult | None:
    valid_from = parse_date(credential.get("validFrom"))
    if valid_from is None:
        return VerificationResult(Verdict.MALFORMED, [_("The credential has no valid start date.")])
    if "validUntil" in credential:
        valid_until = parse_date(credential["validUntil"])
        if valid_until is None:
            return VerificationResult(Verdict.MALFORMED, [_("The expiry date is malformed.")])
        if valid_until < now:
            return VerificationResult(
                Verdict.EXPIRED,
                [_("It expired on %(date)s.") % {"date": valid_until.date().isoformat()}],
            )
    if valid_from > now:
        return VerificationResult(
            Verdict.NOT_YET_VALID,
            [_("It only becomes valid on %(date)s.") % {"date": valid_from.date().isoformat()}],
        )
    return None


def _check_status(
    credential: dict, resolver: Resolver, now: datetime, loader: DocumentLoader
) -> VerificationResult | None:
    entries = credential.get("credentialStatus")
    if entries is None:
        return None
    entries = entries if isinstance(entries, list) else [entries]
    issuer = issuer_id(credential)
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return VerificationResult(
                Verdict.STATUS_UNKNOWN, [_("It uses a revocation method we cannot check.")]
            )
        url = entry.get("statusListCredential")
        index_text = entry.get("statusListIndex")
        if (
            not isinstance(url, str)
            or not isinstance(index_text, str)
            # ASCII digits only ("²".isdigit() is true) and few enough for int() to read.
            or not (index_text.isascii() and index_text.isdigit() and len(index_text) <= 12)
        ):
            return VerificationResult(Verdict.MALFORMED, [_("Its revocation entry is malformed.")])
        try:
            status_list = resolver.status_list_credential(url)
        except Exception:
            status_list = None
        if not isinstance(status_list, dict):
            return VerificationResult(
                Verdict.STATUS_UNKNOWN, [_("The issuer's revocation list could not be obtained.")]
            )
        problem = _check_status_list(status_list, issuer, url, resolver, now, loader)
        if problem:
            return VerificationResult(Verdict.STATUS_UNKNOWN, [problem])
        subject = status_list["credentialSubject"]
        if subject.get("statusPurpose") != entry.get("statusPurpose"):
            return VerificationResult(
                Verdict.STATUS_UNKNOWN, [_("The revocation list is for another purpose.")]
            )
        try:
            revoked = Bitstring.decode(subject.get("encodedList")).get(int(index_text))
        except StatusListError:
            return VerificationResult(
                Verdict.STATUS_UNKNOWN, [_("The issuer's revocation list is unreadable.")]
            )
        if revoked and entry.get("statusPurpose") == "revocation":
            return VerificationResult(
                Verdict.REVOKED, [_("The issuer has revoked this credential.")]
            )
    return None


def _check_status_list(
    status_list: dict,
    issuer: str | None,
    url: str,
    resolver: Resolver,
    now: datetime,
    loader: DocumentLoader,
) -> str | None:
    """A reason the status list cannot be trusted, or None."""
    if "BitstringStatusListCredential" not in _types(status_list):
        return _("The revocation list is not a status list credential.")
    if status_list.get("id") != url:
        return _("The revocation list does not carry the address it was fetched from.")
    if issuer_id(status_list) != issuer:
        return _("The revocation list was published by someone other than the issuer.")
    if not isinstance(status_list.get("credentialSubject"), dict):
        return _("The revocation list is malformed.")
    problem = _check_signature(status_list, issuer, resolver, loader)
    if problem is not None:
        return _("The revocation list is not signed by the issuer.")
    valid_until = parse_date(status_list.get("validUntil"))
    if valid_until is not None and valid_until < now:
        return _("The revocation list has expired.")
    return None


def verify_credential(
    credential: Any,
    resolver: Resolver,
    *,
    now: datetime | None = None,
    loader: DocumentLoader = load_bundled_context,
    _depth: int = 0,
) -> VerificationResult:
    """Check signature, issuer key, dates and revocation; return the first failure or VALID."""
    now = now or datetime.now(UTC)
    if not isinstance(credential, dict):
        return VerificationResult(Verdict.MALFORMED, [_("A credential is a JSON object.")])
    if "VerifiableCredential" not in _types(credential):
        return VerificationResult(
            Verdict.MALFORMED, [_("This is not a verifiable credential.")], credential
        )
    issuer = issuer_id(credential)
    if issuer is None:
        return VerificationResult(
            Verdict.MALFORMED, [_("The credential does not name its issuer.")], credential
        )
    for check in (
        lambda: _check_signature(credential, issuer, resolver, loader),
        lambda: _check_status(credential, resolver, now, loader),
        lambda: _check_dates(credential, now),
    ):
        result = check()
        if result is not None:
            result.credential = credential
            return result
    result = VerificationResult(
        Verdict.VALID,
        [_("The signature is valid, the issuer controls the key, and it is not revoked.")],
        credential,
    )
    if _depth == 0:
        for endorsement in credential.get("endorsement") or []:
            result.endorsements.append(
                verify_credential(endorsement, resolver, now=now, loader=loader, _depth=1)
            )
    return result


@dataclass
class StaticResolver:
    """A resolver over documents the caller already holds (files, an export, a test)."""

    did_documents: dict[str, dict] = field(default_factory=dict)
    status_lists: dict[str, dict] = field(default_factory=dict)

    def did_document(self, did: str) -> dict | None:
        return self.did_documents.get(did)

    def status_list_credential(self, url: str) -> dict | None:
        return self.status_lists.get(url)
