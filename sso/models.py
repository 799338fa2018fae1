"""A university's identity provider: how Ilm reads the people it vouches for.

The protocol side (client id, secret, the provider's address) lives in allauth's `SocialApp`;
this table says what Ilm makes of a sign-in: which claims hold the student number and the name,
whether roles come from the provider or stay managed in Ilm, and whether the university's people
may still sign in with a local password (ADR 0053).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from universities.models import University

PROVIDER_ID_PREFIX = "uni-"


class RoleSource(models.TextChoices):
    ILM = "ilm", _("Managed in Ilm")
    CLAIMS = "claims", _("From the identity provider's claims")


class UniversitySignIn(models.Model):
    university = models.OneToOneField(
        University, on_delete=models.CASCADE, related_name="sign_in", verbose_name=_("university")
    )
    social_app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.PROTECT, related_name="university_sign_in"
    )
    student_number_claim = models.CharField(
        _("student number claim"),
        max_length=100,
        default="student_number",
        help_text=_("The claim that holds the learner's student number."),
    )
    name_claim = models.CharField(
        _("name claim"),
        max_length=100,
        default="name",
        help_text=_("The claim that holds the person's full name."),
    )
    role_source = models.CharField(
        _("roles"), max_length=10, choices=RoleSource.choices, default=RoleSource.ILM
    )
    roles_claim = models.CharField(
        _("roles claim"),
        max_length=100,
        default="groups",
        help_text=_("The claim listing the person's groups, read when roles come from claims."),
    )
    instructor_values = models.CharField(
        _("instructor groups"),
        max_length=500,
        blank=True,
        help_text=_("Group names that make a person an instructor, separated by commas."),
    )
    registrar_values = models.CharField(
        _("registrar groups"),
        max_length=500,
        blank=True,
        help_text=_("Group names that make a person a registrar, separated by commas."),
    )
    local_passwords_allowed = models.BooleanField(
        _("local passwords allowed"),
        default=True,
        help_text=_("Off: the university's people sign in only through its identity provider."),
    )

    class Meta:
        verbose_name = _("university sign-in")
        verbose_name_plural = _("university sign-ins")

    def __str__(self) -> str:
        return str(self.university)

    @property
    def provider_id(self) -> str:
        return self.social_app.provider_id

    @property
    def protocol(self) -> str:
        """allauth's provider: `openid_connect` or `saml` (ADR 0059)."""
        return self.social_app.provider
