"""A university's choices for the credentials it issues next (`CredentialPolicy`).

Today one choice: how the learner is identified, by name only or by name and a salted hash of
the email address (`recipient.py`). A change applies to new credentials only; signed ones are
never rebuilt.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from audit.services import audit_record
from universities.models import University

from . import recipient
from .models import CredentialPolicy, RecipientIdentification

logger = logging.getLogger(__name__)


class PolicyError(ValueError):
    """A policy value is refused; the message is shown to the operator."""


def recipient_identification(university: University) -> str:
    """How `university` identifies learners in new credentials (name only by default)."""
    policy = CredentialPolicy.objects.filter(university=university).first()
    return policy.recipient_identification if policy else RecipientIdentification.NAME


def recipient_identifiers(university: University, learner) -> tuple[dict, ...]:
    """The `IdentityObject`s a new credential carries besides the learner's name."""
    if recipient_identification(university) != RecipientIdentification.NAME_AND_EMAIL_HASH:
        return ()
    if "@" not in (learner.email or ""):
        # Never refuse a credential for a missing address: the name still identifies.
        logger.warning("learner %s has no email to hash; identified by name only", learner.pk)
        return ()
    return (recipient.hashed_email_identity(learner.email),)


def credential_policy_set(
    *, university: University, recipient_identification: str, actor=None
) -> CredentialPolicy:
    """Choose how the university identifies learners in the credentials it issues next."""
    with transaction.atomic():
        policy = CredentialPolicy.objects.select_for_update().filter(university=university).first()
        policy = policy or CredentialPolicy(university=university)
        policy.recipient_identification = recipient_identification
        try:
            policy.full_clean()
        except ValidationError:
            raise PolicyError(
                _("Unknown way to identify learners: %(value)s.")
                % {"value": recipient_identification}
            ) from None
        policy.save()
        audit_record(
            actor=actor,
            action="credential_policy.changed",
            university=university,
            target=policy,
            summary=f"{university.code}: learners identified by {recipient_identification}",
            details={"recipient_identification": recipient_identification},
        )
        return policy


def certificate_signatory(university: University) -> tuple[str, str]:
    """The (name, title) printed in the signature area of `university`'s certificates."""
    if university.pk is None:
        return ("", "")  # an unsaved university (the PDF benchmark's) has chosen nothing
    policy = CredentialPolicy.objects.filter(university=university).first()
    return (policy.signatory_name, policy.signatory_title) if policy else ("", "")


def certificate_signatory_set(
    *, university: University, name: str, title: str, actor=None
) -> CredentialPolicy:
    """Name who signs `university`'s printed certificates (blank for none).

    Only the PDF shows it, and the PDF is drawn when downloaded: the signed credential, which
    does not name a signatory, is unchanged.
    """
    with transaction.atomic():
        policy = CredentialPolicy.objects.select_for_update().filter(university=university).first()
        policy = policy or CredentialPolicy(university=university)
        policy.signatory_name = name.strip()
        policy.signatory_title = title.strip()
        try:
            policy.full_clean()
        except ValidationError as error:
            raise PolicyError(" ".join(error.messages)) from None
        policy.save()
        audit_record(
            actor=actor,
            action="credential_policy.signatory_changed",
            university=university,
            target=policy,
            summary=f"{university.code}: certificates signed by {policy.signatory_name or '-'}",
            details={"name": policy.signatory_name, "title": policy.signatory_title},
        )
        return policy


def university_logo_set(*, university: University, image_file=None, actor=None):
    """Give `university` a new logo from an uploaded image (None removes it).

    Stored as a Wagtail image, so every rendition the site and the PDF draw comes from one
    original. The previous image is kept, because pages may still show it.
    """
    with transaction.atomic():
        image = None
        if image_file is not None:
            image = get_image_model()(title=university.name, file=image_file)
            try:
                image.full_clean(exclude=["collection"])
            except ValidationError as error:
                raise PolicyError(" ".join(error.messages)) from None
            image.save()
        university.logo = image
        university.save(update_fields=["logo"])
        audit_record(
            actor=actor,
            action="university.logo_changed" if image else "university.logo_removed",
            university=university,
            target=university,
            summary=f"{university.code}: logo {'changed' if image else 'removed'}",
            details={"image": image.pk if image else None},
        )
        return image


def credential_settings_set(
    *,
    university: University,
    recipient_identification: str,
    signatory_name: str,
    signatory_title: str,
    logo_file=None,
    remove_logo: bool = False,
    actor=None,
) -> None:
    """Save the settings page's choices for `university` all together, or none of them."""
    with transaction.atomic():
        policy = CredentialPolicy.objects.filter(university=university).first()
        current = policy or CredentialPolicy(university=university)
        if current.recipient_identification != recipient_identification or policy is None:
            credential_policy_set(
                university=university,
                recipient_identification=recipient_identification,
                actor=actor,
            )
        if (current.signatory_name, current.signatory_title) != (
            signatory_name.strip(),
            signatory_title.strip(),
        ):
            certificate_signatory_set(
                university=university, name=signatory_name, title=signatory_title, actor=actor
            )
        if logo_file is not None:
            university_logo_set(university=university, image_file=logo_file, actor=actor)
        elif remove_logo and university.logo_id is not None:
            university_logo_set(university=university, image_file=None, actor=actor)
