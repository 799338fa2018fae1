"""Ilm as an LTI 1.3 tool: the partner platforms it trusts and the keys it signs with (ADR 0058).

A `PlatformRegistration` is one partner LMS (issuer + client id) tied to one university, with
the courses that university has been given. An `LtiIdentity` links a platform's `sub` to an
Ilm account; it is the only link ever made (never the email). `LaunchNonce` makes each
id_token's nonce single-use. `ToolKey` holds Ilm's RSA signing keys, private halves sealed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from universities.models import University


class PlatformRegistration(models.Model):
    university = models.ForeignKey(
        University,
        on_delete=models.CASCADE,
        related_name="lti_platforms",
        verbose_name=_("university"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    issuer = models.URLField(_("issuer"), max_length=500)
    client_id = models.CharField(_("client id"), max_length=255)
    auth_url = models.URLField(_("authorization URL"), max_length=500)
    token_url = models.URLField(_("access token URL"), max_length=500)
    keyset_url = models.URLField(_("keyset URL"), max_length=500)
    deployment_ids = models.TextField(
        _("deployment ids"), blank=True, help_text=_("One deployment id a line.")
    )
    courses = models.ManyToManyField(
        CoursePage,
        blank=True,
        related_name="+",
        verbose_name=_("courses given"),
        help_text=_("The courses this partner may place in its LMS and launch into."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The platform's public keys, cached (refetched once when a token names an unknown kid).
    keyset = models.JSONField(default=dict, blank=True, editable=False)
    keyset_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LTI platform")
        verbose_name_plural = _("LTI platforms")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_unique_client")
        ]

    def __str__(self) -> str:
        return self.name or f"{self.issuer} ({self.client_id})"

    @property
    def deployments(self) -> list[str]:
        return [line.strip() for line in self.deployment_ids.splitlines() if line.strip()]


class LtiIdentity(models.Model):
    """A platform's `sub` for a person, per issuer: the one link from a launch to an account."""

    registration = models.ForeignKey(
        PlatformRegistration, on_delete=models.CASCADE, related_name="identities"
    )
    issuer = models.URLField(max_length=500)
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    # What the platform said, kept for the roster view; never used to find an account.
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sub"], name="lti_unique_sub_per_issuer")
        ]

    def __str__(self) -> str:
        return f"{self.sub} @ {self.issuer}"


class LaunchNonce(models.Model):
    """A nonce seen in an accepted id_token; a second token with it is a replay."""

    registration = models.ForeignKey(PlatformRegistration, on_delete=models.CASCADE)
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "nonce"], name="lti_nonce_once")
        ]

    def __str__(self) -> str:
        return self.nonce


class ToolKey(models.Model):
    """One of Ilm's RSA signing keys. The newest unretired key signs; retired keys stay in the
    JWKS until `retired_at` + the grace period, so tokens signed just before rotation verify."""

    kid = models.CharField(max_length=64, unique=True)
    public_jwk = models.JSONField()
    private_sealed = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.kid


class ContextLink(models.Model):
    """A platform course (LTI context) launched into an Ilm run, with the services it offers."""

    registration = models.ForeignKey(
        PlatformRegistration, on_delete=models.CASCADE, related_name="contexts"
    )
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    run = models.ForeignKey("courses.CourseRun", on_delete=models.CASCADE, related_name="+")
    lineitems_url = models.URLField(max_length=500, blank=True)
    memberships_url = models.URLField(max_length=500, blank=True)
    instructors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    learners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "context_id", "run"], name="lti_unique_context_run"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.context_id


class ScoreDelivery(models.Model):
    """One score for one learner's line item, sent to the platform through AGS (ADR 0058).

    Written in the transaction that earned the score; sent by `lti.deliver_scores` with
    backoff; a 4xx other than 401/408/429 will never succeed and is `refused` (shown in the
    admin's status list)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    context = models.ForeignKey(ContextLink, on_delete=models.CASCADE, related_name="scores")
    identity = models.ForeignKey(LtiIdentity, on_delete=models.CASCADE, related_name="+")
    resource_id = models.CharField(max_length=100)
    label = models.CharField(max_length=255)
    score_given = models.DecimalField(max_digits=6, decimal_places=2)
    activity_progress = models.CharField(max_length=20, default="Completed")
    grading_progress = models.CharField(max_length=20, default="FullyGraded")
    timestamp = models.DateTimeField()
    lineitem_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LTI score delivery")
        verbose_name_plural = _("LTI score deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.label}: {self.score_given}"
