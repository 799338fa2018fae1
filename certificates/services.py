"""Issuing, endorsing and revoking credentials; managing issuer keys and status lists.

Every function here writes inside a transaction. Signing happens in the same transaction as
the row that stores the signed text, so a worker dying halfway leaves either nothing or a
complete credential, and a second run of the same task finds the first one's credential.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from learning.models import Enrollment, ProgramEnrollment
from universities.models import University

from . import achievements, composition, did_web, identities, keys, policies, proofs
from .models import Credential, Endorsement, IssuerIdentity, IssuerKey, StatusList
from .schemas import achievement_credential_problems
from .status_list import MIN_ENTRIES, Bitstring, allocate_index, status_entry
from .status_list import status_list_credential as build_status_list_credential

logger = logging.getLogger(__name__)


class CertificateError(Exception):
    """A credential cannot be issued or changed; the message is shown to staff.

    `code` tells callers what kind of refusal it is: "unchanged" when the credential is
    already in the asked-for state, "invalid" otherwise.
    """

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.code = code


REVOCATION_REASON_MAX_CHARS = 300


# --- identities --------------------------------------------------------------------------


def site_url(path: str = "") -> str:
    return settings.SITE_URL.rstrip("/") + path


def issuer_did(university: University) -> str:
    """The DID new credentials of `university` are issued under (stored, ADR 0046).

    A university that has never signed has no stored DID yet: the answer is then the one its
    first key will store, `did:web:<SITE_URL host>:universities:<code>`.
    """
    identity = identities.current_identity(university) if university.pk else None
    return identity.did if identity else identities.did_for_site_url(university)


def issuer_profile(university: University, did: str | None = None) -> composition.IssuerProfile:
    return composition.IssuerProfile(
        did=did or issuer_did(university),
        name=university.localized_name("en"),
        url=university.website or site_url("/"),
        country_code=university.country,
    )


def university_did_document(university: University) -> dict:
    """The DID document of the university's current DID, with every key it has signed with."""
    identity = identities.current_identity(university)
    if identity is None:
        raise CertificateError(_("This university has not issued anything yet."))
    return identities.identity_did_document(identity)


def _kek() -> bytes:
    # Development and tests may derive the KEK from SECRET_KEY; production turns that off.
    fallback_secret = settings.SECRET_KEY if settings.CERTIFICATES_ALLOW_KEK_FALLBACK else None
    return keys.key_encryption_key(fallback_secret=fallback_secret)


def _now_seconds() -> datetime:
    return timezone.now().replace(microsecond=0)


# --- keys ----------------------------------------------------------------------------------


def issuer_key_create(*, university: University) -> IssuerKey:
    """Create the university's first signing key; return the active key if it has one."""
    with transaction.atomic():
        University.objects.select_for_update().get(pk=university.pk)
        existing = IssuerKey.objects.filter(university=university, active=True).first()
        if existing:
            return existing
        generated = keys.generate_key()
        key = IssuerKey.objects.create(
            university=university,
            public_multikey=generated.public_multikey,
            sealed_private_key=keys.seal_private_key(generated.private_key, _kek()),
        )
        # The DID is stored with the first key and never recomputed (ADR 0046).
        identities.identity_ensure(university).keys.add(key)
        return key


def issuer_key_rotate(*, university: University, actor=None) -> IssuerKey:
    """Retire the active key and sign from now on with a new one.

    The old key stays in the DID document (marked retired), so every credential it signed
    keeps verifying; the current identity's status lists are re-signed with the new key.
    """
    with transaction.atomic():
        University.objects.select_for_update().get(pk=university.pk)
        IssuerKey.objects.filter(university=university, active=True).update(
            active=False, retired_at=timezone.now()
        )
        generated = keys.generate_key()
        key = IssuerKey.objects.create(
            university=university,
            public_multikey=generated.public_multikey,
            sealed_private_key=keys.seal_private_key(generated.private_key, _kek()),
        )
        identity = identities.identity_ensure(university)
        identity.keys.add(key)
        for status_list in StatusList.objects.select_for_update().filter(identity=identity):
            _status_list_sign(status_list, _Signer.of(identity, key, generated.private_key))
        audit_record(
            actor=actor,
            action="issuer_key.rotated",
            university=university,
            target=key,
            summary=f"New signing key for {university.code}",
            details={"public_multikey": key.public_multikey},
        )
        return key


@dataclass
class _Signer:
    identity: IssuerIdentity
    key: IssuerKey
    private_key: object
    verification_method: str

    @classmethod
    def of(cls, identity: IssuerIdentity, key: IssuerKey, private_key) -> _Signer:
        method = did_web.verification_method_id(identity.did, key.public_multikey)
        return cls(identity=identity, key=key, private_key=private_key, verification_method=method)

    def sign(self, document: dict) -> dict:
        created = composition.xsd_date_time(_now_seconds())
        return proofs.sign(
            document,
            self.private_key,
            verification_method=self.verification_method,
            created=created,
        )


def _signer(university: University, identity: IssuerIdentity | None = None) -> _Signer:
    """Who signs for `identity` (by default the university's current one, made if need be)."""
    if identity is None:
        if not IssuerKey.objects.filter(university=university, active=True).exists():
            issuer_key_create(university=university)
        identity = identities.identity_ensure(university)
    try:
        key = identities.signing_key_for(identity)
    except identities.IdentityError as error:
        raise CertificateError(str(error)) from None
    private_key = keys.open_private_key(key.sealed_private_key, key.public_multikey, _kek())
    return _Signer.of(identity, key, private_key)


def university_sign(
    *, university: University, build, identity: IssuerIdentity | None = None
) -> dict:
    """Sign `build(did)` as `university` under `identity` (default: its current one); for
    documents built on demand and never stored (`clr.py`, `holder_copies.py`)."""
    with transaction.atomic():
        signer = _signer(university, identity)
        return signer.sign(build(signer.identity.did))


# --- status lists ----------------------------------------------------------------------------


def status_list_url(status_list: StatusList) -> str:
    """The list's stored URL; for a list not opened yet, the one opening it would store."""
    if status_list.url:
        return status_list.url
    return site_url(f"/universities/{status_list.university.code}/status/{status_list.number}")


def _status_list_sign(status_list: StatusList, signer: _Signer) -> None:
    # A list is signed by its own DID (the issuer of its credentials) at its stored URL.
    if signer.identity.pk != status_list.identity_id:
        raise CertificateError(_("A status list is signed only by the DID it belongs to."))
    document = build_status_list_credential(
        url=status_list.url,
        issuer=signer.identity.did,
        valid_from=composition.xsd_date_time(_now_seconds()),
        bitstring=Bitstring.decode(status_list.encoded_list),
    )
    status_list.signed_json = _dump(signer.sign(document))
    status_list.save(update_fields=["signed_json", "encoded_list", "updated_at"])


def _open_status_list(university: University, signer: _Signer) -> StatusList:
    """The signing identity's current list, locked, with room for one more credential."""
    current = (
        StatusList.objects.select_for_update()
        .filter(identity=signer.identity)
        .order_by("-number")
        .first()
    )
    # Random indexes need free space to land in: open a new list at half capacity.
    if current is None or current_usage(current) > MIN_ENTRIES // 2:
        # Numbers run per university, across its identities: the path stays unique.
        last = StatusList.objects.filter(university=university).order_by("-number").first()
        number = (last.number + 1) if last else 1
        pending = StatusList(university=university, identity=signer.identity, number=number)
        current = StatusList.objects.create(
            university=university,
            identity=signer.identity,
            number=number,
            url=status_list_url(pending),
            encoded_list=Bitstring().encode(),
        )
        _status_list_sign(current, signer)
    return current


def current_usage(status_list: StatusList) -> int:
    return Credential.objects.filter(status_list=status_list).count()


def _dump(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


# --- issuing -------------------------------------------------------------------------------


def _issue(
    *,
    kind: str,
    university: University,
    learner,
    achievement_key: str,
    achievement: composition.AchievementData,
    final_score: Decimal | None,
    enrollment: Enrollment | None = None,
    program_enrollment: ProgramEnrollment | None = None,
    endorsers: tuple[University, ...] = (),
) -> Credential:
    existing = Credential.objects.filter(learner=learner, achievement_key=achievement_key).first()
    if existing:
        return existing
    signer = _signer(university)
    status_list = _open_status_list(university, signer)
    taken = set(
        Credential.objects.filter(status_list=status_list).values_list("status_index", flat=True)
    )
    index = allocate_index(taken.__contains__)
    credential_id = uuid.uuid4()
    issued_at = _now_seconds()
    endorsements = []
    for partner in endorsers:
        partner_signer = _signer(partner)
        document = composition.endorsement_credential(
            credential_id=uuid.uuid4(),
            endorser=issuer_profile(partner, partner_signer.identity.did),
            endorsed_id=f"urn:uuid:{credential_id}",
            comment=_("%(partner)s co-delivered this program and endorses this credential.")
            % {"partner": partner.localized_name("en")},
            issued_at=issued_at,
        )
        endorsements.append((partner, partner_signer.sign(document)))
    data = composition.CourseCredentialData(
        credential_id=credential_id,
        issuer=issuer_profile(university, signer.identity.did),
        achievement=achievement,
        recipient_name=learner.get_full_name(),
        issued_at=issued_at,
        credential_status=status_entry(status_list_url(status_list), index),
        final_score=final_score,
        endorsements=tuple(document for _partner, document in endorsements),
        extra_identifiers=policies.recipient_identifiers(university, learner),
    )
    signed = signer.sign(composition.open_badge_credential(data))
    # What is stored is final (never rebuilt, never re-signed): a credential that wallets and
    # 1EdTech's validator would refuse must not be stored at all. Raising here rolls back the
    # caller's transaction, status list and key rows included.
    problems = "; ".join(achievement_credential_problems(signed))
    if problems:
        logger.error(
            "credential for %s (%s) fails the OB 3.0 schema: %s",
            achievement_key,
            university.code,
            problems,
        )
        raise CertificateError(
            _("The credential would not meet the Open Badges 3.0 schema: %(problems)s")
            % {"problems": problems}
        )
    credential = Credential(
        id=credential_id,
        kind=kind,
        university=university,
        learner=learner,
        enrollment=enrollment,
        program_enrollment=program_enrollment,
        achievement_key=achievement_key,
        recipient_name=data.recipient_name,
        achievement_name=achievement.name,
        language=achievement.language,
        status_list=status_list,
        status_index=index,
        signed_json=_dump(signed),
        issued_at=issued_at,
    )
    credential.full_clean()
    credential.save(force_insert=True)
    for partner, document in endorsements:
        Endorsement.objects.create(
            id=uuid.UUID(document["id"].removeprefix("urn:uuid:")),
            credential=credential,
            university=partner,
            signed_json=_dump(document),
            issued_at=issued_at,
        )
    return credential


def certificate_issue(*, enrollment_id: int) -> Credential:
    """Issue (once) the course credential for a completed enrollment. Idempotent.

    Two concurrent runs serialise on the enrollment row; a run that loses a race to the
    unique constraint returns the credential the other run stored.
    """
    try:
        with transaction.atomic():
            enrollment = (
                Enrollment.objects.select_for_update()
                .select_related("learner", "run__course", "outline__university")
                .get(pk=enrollment_id)
            )
            if enrollment.status != Enrollment.Status.COMPLETED:
                raise CertificateError(_("The course is not completed yet."), code="not_completed")
            course = enrollment.run.course
            outline = enrollment.outline
            url = site_url(f"/achievements/course/{course.translation_key}/")
            achievement = composition.AchievementData(
                id=url,
                name=course.title,
                name_en=achievements.english_title(course),
                language=course.language,
                description=course.summary,
                criteria=achievements.course_criteria(outline),
                ects_credits=outline.ects_credits,
                outcomes=achievements.outcomes(course, url),
            )
            return _issue(
                kind=Credential.Kind.COURSE,
                university=outline.university,
                learner=enrollment.learner,
                achievement_key=f"course:{course.translation_key}",
                achievement=achievement,
                final_score=enrollment.final_score,
                enrollment=enrollment,
            )
    except IntegrityError:
        enrollment = Enrollment.objects.select_related("run__course").get(pk=enrollment_id)
        key = f"course:{enrollment.run.course.translation_key}"
        return Credential.objects.get(learner_id=enrollment.learner_id, achievement_key=key)


def program_achievement(program) -> composition.AchievementData:
    """What a joint program's credential (and its learner record) says the program is."""
    url = site_url(f"/achievements/program/{program.translation_key}/")
    return composition.AchievementData(
        id=url,
        name=program.title,
        name_en=achievements.english_title(program),
        language=program.locale.language_code,
        description=program.summary,
        criteria=_("Completed every required course of the joint program."),
        ects_credits=program.total_credits,
        outcomes=achievements.outcomes(program, url),
        achievement_type="Certificate",
    )


def program_certificate_issue(*, program_enrollment_id: int) -> Credential:
    """Issue (once) the lead university's program credential, endorsed by each partner."""
    try:
        with transaction.atomic():
            program_enrollment = (
                ProgramEnrollment.objects.select_for_update()
                .select_related("learner", "program__lead_university")
                .get(pk=program_enrollment_id)
            )
            if program_enrollment.status != ProgramEnrollment.Status.COMPLETED:
                raise CertificateError(_("The program is not completed yet."), code="not_completed")
            program = program_enrollment.program
            scores = [
                e.final_score
                for e in program_enrollment.course_enrollments.all()
                if e.final_score is not None
            ]
            final = (
                (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"))
                if scores
                else None
            )
            achievement = program_achievement(program)
            partners = tuple(
                p
                for p in program.partner_universities.all().order_by("code")
                if p.pk != program.lead_university_id
            )
            return _issue(
                kind=Credential.Kind.PROGRAM,
                university=program.lead_university,
                learner=program_enrollment.learner,
                achievement_key=f"program:{program.translation_key}",
                achievement=achievement,
                final_score=final,
                program_enrollment=program_enrollment,
                endorsers=partners,
            )
    except IntegrityError:
        program_enrollment = ProgramEnrollment.objects.select_related("program").get(
            pk=program_enrollment_id
        )
        key = f"program:{program_enrollment.program.translation_key}"
        return Credential.objects.get(learner_id=program_enrollment.learner_id, achievement_key=key)


# --- revocation ----------------------------------------------------------------------------


def _set_revoked(*, credential: Credential, revoked: bool, reason: str, actor) -> Credential:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason; it goes to the audit log."))
    if len(reason) > REVOCATION_REASON_MAX_CHARS:
        raise CertificateError(
            _("Keep the reason under %(limit)s characters.")
            % {"limit": REVOCATION_REASON_MAX_CHARS}
        )
    with transaction.atomic():
        # The state is checked under the row lock, so two registrars acting at once cannot
        # both revoke (and log) the same credential.
        credential = Credential.objects.select_for_update().get(pk=credential.pk)
        if credential.revoked == revoked:
            message = (
                _("This credential is already revoked.")
                if revoked
                else _("This credential is not revoked.")
            )
            raise CertificateError(message, code="unchanged")
        status_list = StatusList.objects.select_for_update().get(pk=credential.status_list_id)
        bitstring = Bitstring.decode(status_list.encoded_list)
        bitstring.set(credential.status_index, revoked)
        status_list.encoded_list = bitstring.encode()
        _status_list_sign(status_list, _signer(status_list.university, status_list.identity))
        credential.revoked = revoked
        credential.revocation_reason = reason if revoked else ""
        credential.save(update_fields=["revoked", "revocation_reason"])
        audit_record(
            actor=actor,
            action="credential.revoked" if revoked else "credential.unrevoked",
            university=credential.university,
            target=credential,
            summary=f"{credential.recipient_name} · {credential.achievement_name}",
            details={"reason": reason, "status_index": credential.status_index},
        )
    return credential


def credential_revoke(*, credential: Credential, reason: str, actor=None) -> Credential:
    """Revoke: set the credential's bit in its status list and re-sign the list."""
    return _set_revoked(credential=credential, revoked=True, reason=reason, actor=actor)


def credential_unrevoke(*, credential: Credential, reason: str, actor=None) -> Credential:
    """Undo a revocation (a registrar's mistake, an appeal upheld); also audited."""
    return _set_revoked(credential=credential, revoked=False, reason=reason, actor=actor)
