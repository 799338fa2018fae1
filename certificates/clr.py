"""A learner's record of a joint program: a 1EdTech CLR 2.0 `ClrCredential` (ADR 0051).

The record gathers the learner's signed course credentials of the program, each issued by the
university that taught the course, and the program credential once the lead university has
issued it. They travel inside the record unchanged (`verifiableCredential`), so each keeps
verifying on its own; the record lists every achievement with the university that created it
and says that the program's achievement is the parent of each course's (`association`). The
lead university signs the whole (eddsa-rdfc-2022), under its stored DID.

Records are built when asked for and never stored: what they hold is already signed and
stored, and a record built now leaves out what has been revoked since. So a record has no
status list entry of its own. Revoked credentials are left out and the record is then
`partial`, as it is until the program credential is in it.
"""

from __future__ import annotations

import copy
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import ProgramCourse
from learning.models import ProgramEnrollment

from . import composition, keys, policies, services
from .contexts import CLR_V2, OB_V3, VC_V2
from .models import Credential

CONTEXT = [VC_V2, CLR_V2, OB_V3]
logger = logging.getLogger(__name__)


class LearnerRecordError(Exception):
    """No record can be made; the message is for the learner.

    `code` is "empty" when the learner holds no credential of the program yet, "unavailable"
    when the lead university cannot sign now.
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class LearnerRecord:
    program_enrollment: ProgramEnrollment
    document: dict  # signed
    included: tuple[Credential, ...]
    left_out_revoked: int

    @property
    def filename(self) -> str:
        return f"learner-record-{self.program_enrollment.program.translation_key}.json"


# --- what goes in --------------------------------------------------------------------------


def _achievement_keys(program_ids) -> dict[int, set[str]]:
    """{program id: the achievement keys of its courses and of itself}, in one query."""
    found: dict[int, set[str]] = {}
    rows = ProgramCourse.objects.filter(program_id__in=program_ids).values_list(
        "program_id", "course__translation_key", "program__translation_key"
    )
    for program_id, course_key, program_key in rows:
        found.setdefault(program_id, {f"program:{program_key}"}).add(f"course:{course_key}")
    return found


def record_credentials(program_enrollment: ProgramEnrollment) -> list[Credential]:
    """The learner's credentials that belong in the program's record, revoked ones included."""
    achievement_keys = _achievement_keys([program_enrollment.program_id]).get(
        program_enrollment.program_id, set()
    )
    return list(
        Credential.objects.filter(
            learner_id=program_enrollment.learner_id, achievement_key__in=achievement_keys
        )
        .select_related("university")
        .order_by("issued_at", "pk")
    )


def learner_records_offered(user) -> list[dict]:
    """The joint programs `user` is enrolled in that have at least one unrevoked credential
    of theirs, each with how many it holds (three queries whatever the number)."""
    if not user.is_authenticated:
        return []
    enrollments = list(
        ProgramEnrollment.objects.filter(learner=user).select_related("program").order_by("pk")
    )
    by_program = _achievement_keys([e.program_id for e in enrollments])
    held = set(
        Credential.objects.filter(learner=user, revoked=False).values_list(
            "achievement_key", flat=True
        )
    )
    offered = []
    for enrollment in enrollments:
        count = len(by_program.get(enrollment.program_id, set()) & held)
        if count:
            offered.append({"program": enrollment.program, "credentials": count})
    return offered


# --- composition ----------------------------------------------------------------------------


def _with_creator(achievement: dict, issuer: dict) -> dict:
    """The achievement as the record lists it: with the university that created it."""
    listed = copy.deepcopy(achievement)
    listed.setdefault(
        "creator", {key: issuer[key] for key in ("id", "type", "name") if key in issuer}
    )
    return listed


def clr_credential(
    *,
    record_id: uuid.UUID,
    issuer: composition.IssuerProfile,
    name: str,
    description: str,
    identifiers: tuple[dict, ...],
    members: list[dict],
    program_achievement: dict,
    partial: bool,
    issued_at: datetime,
) -> dict:
    """The unsigned `ClrCredential` holding `members` (signed credentials, unchanged)."""
    if not members:
        raise composition.CompositionError("a learner record holds at least one credential")
    program_id = program_achievement["id"]
    achievements: dict[str, dict] = {}
    for member in members:
        achievement = member["credentialSubject"]["achievement"]
        achievements.setdefault(achievement["id"], _with_creator(achievement, member["issuer"]))
    # The program's achievement comes first; as signed in the program credential if issued.
    program = achievements.pop(program_id, None) or program_achievement
    associations = [
        {
            "type": "Association",
            "associationType": "isParentOf",
            "sourceId": program_id,
            "targetId": achievement_id,
        }
        for achievement_id in achievements
    ]
    subject: dict = {
        "type": ["ClrSubject"],
        "identifier": [dict(identifier) for identifier in identifiers],
        "achievement": [program, *achievements.values()],
        "verifiableCredential": [copy.deepcopy(member) for member in members],
    }
    if associations:
        subject["association"] = associations
    return {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:{record_id}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": composition.clean_text(name, "record name"),
        "description": composition.clean_text(description, "record description"),
        "issuer": composition.issuer_profile(issuer),
        "validFrom": composition.xsd_date_time(issued_at),
        "partial": partial,
        "credentialSubject": subject,
    }


def learner_record_problems(document: dict) -> list[str]:
    """Departures from what CLR 2.0 requires of a ClrCredential (no JSON Schema is pinned)."""
    problems = []
    if document.get("@context", [])[:3] != CONTEXT:
        problems.append("@context must start with the VC 2.0, CLR 2.0 and OB 3.0 contexts")
    if not {"VerifiableCredential", "ClrCredential"} <= set(document.get("type", [])):
        problems.append("type must include VerifiableCredential and ClrCredential")
    for field_name in ("id", "name", "issuer", "validFrom", "credentialSubject"):
        if not document.get(field_name):
            problems.append(f"{field_name} is required")
    subject = document.get("credentialSubject") or {}
    if "ClrSubject" not in subject.get("type", []):
        problems.append("credentialSubject.type must include ClrSubject")
    if not subject.get("id") and not subject.get("identifier"):
        problems.append("credentialSubject needs an id or an identifier")
    members = subject.get("verifiableCredential")
    if not isinstance(members, list) or not members:
        problems.append("credentialSubject.verifiableCredential must hold a credential")
    elif not all(isinstance(m, dict) and m.get("proof") for m in members):
        problems.append("every credential in the record must carry its proof")
    return problems


# --- the service -------------------------------------------------------------------------


def learner_record_build(*, program_enrollment: ProgramEnrollment) -> LearnerRecord:
    """Build and sign, now, the learner's record of a joint program (never stored).

    Holds every unrevoked credential of the learner for the program's courses and for the
    program; signed by the program's lead university. Raises `LearnerRecordError` when the
    learner holds none yet, or when the lead university cannot sign.
    """
    program = program_enrollment.program
    learner = program_enrollment.learner
    credentials = record_credentials(program_enrollment)
    included = tuple(c for c in credentials if not c.revoked)
    if not included:
        raise LearnerRecordError(
            _(
                "There is nothing in your learner record of this program yet: it lists the "
                "certificates of its courses once you have earned one."
            ),
            code="empty",
        )
    program_key = f"program:{program.translation_key}"
    lead = program.lead_university
    revoked = len(credentials) - len(included)
    partial = revoked > 0 or not any(c.achievement_key == program_key for c in included)
    language = program.locale.language_code
    with translation.override(language):
        name = _("Learner record: %(program)s") % {"program": program.title}
        description = _(
            "The certificates earned in the joint program %(program)s, each signed by the "
            "university that issued it, gathered and signed by %(lead)s."
        ) % {"program": program.title, "lead": lead.localized_name(language)}
    achievement = composition.achievement(services.program_achievement(program))
    # The learner is identified as their credentials identify them: by the name they carry
    # (the newest's), and by a salted email hash if the lead university's policy says so.
    identifiers = (
        {
            "type": "IdentityObject",
            "identityHash": composition.clean_text(included[-1].recipient_name, "name"),
            "identityType": "name",
            "hashed": False,
        },
        *policies.recipient_identifiers(lead, learner),
    )
    members = [json.loads(c.signed_json) for c in included]

    def build(did: str) -> dict:
        return clr_credential(
            record_id=uuid.uuid4(),
            issuer=services.issuer_profile(lead, did),
            name=name,
            description=description,
            identifiers=identifiers,
            members=members,
            program_achievement=achievement,
            partial=partial,
            issued_at=timezone.now().replace(microsecond=0),
        )

    unavailable = _("Your learner record cannot be signed right now. Please try again later.")
    try:
        signed = services.university_sign(university=lead, build=build)
    except (services.CertificateError, keys.KeyEncryptionError) as error:
        logger.error("learner record of %s not signed: %s", program_enrollment.pk, error)
        raise LearnerRecordError(unavailable, code="unavailable") from error
    problems = learner_record_problems(signed)
    if problems:  # a bug, not the learner's doing: logged, and the download refused
        logger.error("learner record of %s is malformed: %s", program_enrollment.pk, problems)
        raise LearnerRecordError(unavailable, code="unavailable")
    return LearnerRecord(
        program_enrollment=program_enrollment,
        document=signed,
        included=included,
        left_out_revoked=revoked,
    )
