"""Issuer keys, revocation lists and issued credentials.

A credential's `signed_json` is the exact text that was signed. It is stored once and served
byte for byte; nothing is ever rebuilt from the other columns, which exist for lookups,
revocation and the pages that list certificates.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuerKey(models.Model):
    """An Ed25519 signing key of a university. Retired keys stay listed in the DID document."""

    university = models.ForeignKey(
        "universities.University", on_delete=models.PROTECT, related_name="issuer_keys"
    )
    public_multikey = models.CharField(max_length=64, unique=True)
    # AES-GCM-sealed private key (see certificates/keys.py); never the key itself.
    sealed_private_key = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["university"],
                condition=models.Q(active=True),
                name="issuer_key_one_active_per_university",
            )
        ]

    def __str__(self) -> str:
        return f"{self.university.code} · {self.public_multikey[:16]}…"


class IssuerIdentity(models.Model):
    """A DID a university issues under, stored when first used and never recomputed.

    Credentials name their issuer's DID for ever, so it is kept as text rather than derived
    from `SITE_URL` (ADR 0046). A university has one `current` identity, which new
    credentials and new status lists use; an identity left behind by a move to a new domain
    stays, with its keys and status lists, so what it signed keeps verifying.
    """

    university = models.ForeignKey(
        "universities.University", on_delete=models.PROTECT, related_name="issuer_identities"
    )
    did = models.CharField(max_length=255, unique=True)
    current = models.BooleanField(default=True)
    # Every key that has signed on this DID's behalf, retired ones included.
    keys = models.ManyToManyField(IssuerKey, related_name="identities", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "issuer identities"
        constraints = [
            models.UniqueConstraint(
                fields=["university"],
                condition=models.Q(current=True),
                name="issuer_identity_one_current_per_university",
            )
        ]

    def __str__(self) -> str:
        return self.did


class StatusList(models.Model):
    """One Bitstring Status List of a university, and its latest signed credential.

    It belongs to the DID that signs it (the issuer of every credential pointing at it), and
    its URL is stored when it is opened: credentials carry that URL for ever.
    """

    university = models.ForeignKey(
        "universities.University", on_delete=models.PROTECT, related_name="status_lists"
    )
    identity = models.ForeignKey(
        IssuerIdentity, on_delete=models.PROTECT, related_name="status_lists"
    )
    url = models.CharField(max_length=500, unique=True)
    number = models.PositiveIntegerField()
    encoded_list = models.TextField()
    signed_json = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["university", "number"], name="status_list_unique")
        ]

    def __str__(self) -> str:
        return f"{self.university.code} · list {self.number}"


class Credential(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course certificate")
        PROGRAM = "program", _("Program certificate")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    university = models.ForeignKey(
        "universities.University", on_delete=models.PROTECT, related_name="credentials"
    )
    # SET_NULL: a learner erased under a data-protection request leaves the credential (and
    # the name as issued) verifiable; the page then says the account no longer exists.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credentials",
    )
    enrollment = models.ForeignKey(
        "learning.Enrollment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credentials",
    )
    program_enrollment = models.ForeignKey(
        "learning.ProgramEnrollment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credentials",
    )
    # What was achieved, stable across runs: "course:<translation key>" or "program:<key>".
    achievement_key = models.CharField(max_length=100)
    recipient_name = models.CharField(max_length=200)
    achievement_name = models.CharField(max_length=255)
    language = models.CharField(max_length=10)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    revoked = models.BooleanField(default=False)
    revocation_reason = models.CharField(max_length=300, blank=True)
    signed_json = models.TextField()
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "achievement_key"],
                condition=models.Q(learner__isnull=False),
                name="credential_one_per_learner_achievement",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credential_unique_status_index"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} · {self.achievement_name}"

    @property
    def learner_deleted(self) -> bool:
        # Every credential is issued to an account; no account now means it was erased.
        return self.learner_id is None


class Endorsement(models.Model):
    """A partner university's signed EndorsementCredential of a program credential."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credential = models.ForeignKey(
        Credential, on_delete=models.CASCADE, related_name="endorsements"
    )
    university = models.ForeignKey("universities.University", on_delete=models.PROTECT)
    signed_json = models.TextField()
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "university"], name="endorsement_one_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.university.code} endorses {self.credential_id}"


class IssuanceFailure(models.Model):
    """A credential that a completion earned but that could not be signed yet.

    Written by the issuing task when the service fails for a reason other than "not completed"
    (a missing key-encryption key, a database error, a bug). The task retries with backoff
    when it runs on a broker; `issuance.missing_credentials_issue`, run by Celery beat and by
    `manage.py issue_missing_credentials`, retries once `next_attempt_at` has passed. The row
    goes when the credential is issued. Registrars see their university's rows on the
    certificates page.
    """

    university = models.ForeignKey(
        "universities.University", on_delete=models.CASCADE, related_name="+"
    )
    enrollment = models.OneToOneField(
        "learning.Enrollment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="issuance_failure",
    )
    program_enrollment = models.OneToOneField(
        "learning.ProgramEnrollment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="issuance_failure",
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300)
    first_failed_at = models.DateTimeField(auto_now_add=True)
    last_failed_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()

    class Meta:
        ordering = ["first_failed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enrollment__isnull=False, program_enrollment__isnull=True)
                | models.Q(enrollment__isnull=True, program_enrollment__isnull=False),
                name="issuance_failure_one_subject",
            )
        ]

    def __str__(self) -> str:
        subject = self.enrollment_id or self.program_enrollment_id
        return f"{self.university_id} · {subject} · {self.attempts} attempts"


class RecipientIdentification(models.TextChoices):
    NAME = "name", _("Name only")
    NAME_AND_EMAIL_HASH = "name+email-hash", _("Name and a salted hash of the email address")


class CredentialPolicy(models.Model):
    """A university's choices for the credentials it issues from now on.

    Only new credentials follow a change: what is signed is never rebuilt. A university
    without a row identifies learners by name only.
    """

    university = models.OneToOneField(
        "universities.University", on_delete=models.CASCADE, related_name="credential_policy"
    )
    recipient_identification = models.CharField(
        _("how learners are identified"),
        max_length=20,
        choices=RecipientIdentification.choices,
        default=RecipientIdentification.NAME,
        help_text=_(
            "A salted hash lets a verifier check the credential against an email address the "
            "learner gives, without the credential revealing it."
        ),
    )
    # Printed in the signature area of the PDF certificate; both optional.
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title = models.CharField(
        _("signatory's title"),
        max_length=200,
        blank=True,
        help_text=_("For example 'Rector' or 'Head of the registry office'."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "credential policies"

    def __str__(self) -> str:
        return f"{self.university_id} · {self.recipient_identification}"
