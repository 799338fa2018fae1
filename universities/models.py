"""Institutions and who belongs to them.

A `University` is an institution that owns courses and issues certificates. A `Membership`
says what a person is at a university: a learner (with the university's own student number),
an instructor, an editor (curriculum lead) or a registrar. Platform staff are superusers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .countries import country_name


class University(models.Model):
    code = models.SlugField(
        _("short code"),
        max_length=20,
        unique=True,
        help_text=_("Stable identifier used in URLs, reports and the issuer DID, e.g. 'tnu'."),
    )
    name = models.CharField(_("name"), max_length=200)
    # Names in other languages, keyed by language code ({"ru": "...", "tg": "..."}). A JSON
    # map keeps one row per institution, so every foreign key points at one thing (ADR 0003).
    name_translations = models.JSONField(_("name in other languages"), default=dict, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo institution"), default=False)
    # The Wagtail workflow and approval tasks made for the university (`universities.roles`).
    # Linked, not found by name, so their names can be the university's own, which is what
    # authors read ("Submit to Tajik Technical University"), and follow a renamed university.
    approval_workflow = models.OneToOneField(
        "wagtailcore.Workflow",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approval_task = models.OneToOneField(
        "wagtailcore.GroupApprovalTask",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    program_approval_task = models.OneToOneField(
        "wagtailcore.GroupApprovalTask",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("university")
        verbose_name_plural = _("universities")

    def __str__(self) -> str:
        return self.localized_name()

    def localized_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").lower()
        return self.name_translations.get(language) or self.name

    @property
    def country_name(self) -> str:
        """The country's name in the active language ("Тоҷикистон", "塔吉克斯坦")."""
        return country_name(self.country)


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    INSTRUCTOR = "instructor", _("Instructor")
    EDITOR = "editor", _("Editor")
    REGISTRAR = "registrar", _("Registrar")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    university = models.ForeignKey(University, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    student_number = models.CharField(
        _("student number"),
        max_length=64,
        blank=True,
        help_text=_("The university's own identifier for a learner, used in its reports."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "university", "role"], name="membership_unique_role"
            ),
            # A learner has exactly one home university.
            models.UniqueConstraint(
                fields=["user"], condition=Q(role="learner"), name="membership_one_home_university"
            ),
            models.UniqueConstraint(
                fields=["university", "student_number"],
                condition=Q(role="learner") & ~Q(student_number=""),
                name="membership_unique_student_number",
            ),
        ]
        indexes = [models.Index(fields=["university", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.university.code}"
