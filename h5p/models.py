"""Installed H5P libraries, uploaded H5P content, and learners' saved player state.

Files live outside MEDIA_ROOT, under `H5P_ROOT` (see `storage.py` and ADR 0007);
these rows point at them by paths relative to that root.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class H5PLibrary(models.Model):
    """A library (content type or helper) installed once and shared by all content.

    Libraries are code that runs in learners' browsers, so only platform staff install them.
    A newer patch of the same major.minor replaces the files in place, as H5P does.
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    runnable = models.BooleanField(_("content type"), default=False)
    metadata = models.JSONField(_("library.json"), default=dict)
    installed_path = models.CharField(_("installed path"), max_length=300)
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("installed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="h5p_library_unique_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major_version}.{self.minor_version}.{self.patch_version}"

    @property
    def folder_name(self) -> str:
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"


class H5PContent(models.Model):
    """One uploaded H5P activity, reusable in any lesson of its university's courses."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    university = models.ForeignKey(
        "universities.University", on_delete=models.PROTECT, related_name="h5p_contents"
    )
    title = models.CharField(_("title"), max_length=255)
    language = models.CharField(_("language"), max_length=10, blank=True)
    main_library = models.ForeignKey(
        H5PLibrary, on_delete=models.PROTECT, related_name="contents", verbose_name=_("type")
    )
    folder = models.CharField(_("extracted folder"), max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def xapi_iri(self) -> str:
        """The activity IRI the player puts in `object.id` of this content's statements."""
        return f"{settings.SITE_URL}/h5p/content/{self.uuid}"


class H5PUserData(models.Model):
    """What the player saved for one learner and one content (H5P's "content user data")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_user_data"
    )
    content = models.ForeignKey(H5PContent, on_delete=models.CASCADE, related_name="user_data")
    data_type = models.CharField(max_length=64)
    sub_content_id = models.CharField(max_length=64, default="0")
    data = models.TextField()
    preload = models.BooleanField(default=False)
    invalidate = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content", "data_type", "sub_content_id"],
                name="h5p_user_data_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.content_id} · {self.data_type}/{self.sub_content_id}"


class H5PAttempt(models.Model):
    """One go at an activity in a lesson: from its first statement to the one that finishes it.

    The score is the player's, computed in the learner's browser (ADR 0007). An attempt with no
    `finished_at` is still open: the next statements about the activity belong to it.
    """

    enrollment = models.ForeignKey(
        "learning.Enrollment", on_delete=models.CASCADE, related_name="h5p_attempts"
    )
    content = models.ForeignKey(H5PContent, on_delete=models.CASCADE, related_name="attempts")
    lesson_key = models.UUIDField()
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    raw_score = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    scaled_score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    duration = models.DurationField(null=True, blank=True)
    response = models.TextField(blank=True)
    # The statement that finished the attempt, as stored in the learning record store.
    statement_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("H5P attempt")
        verbose_name_plural = _("H5P attempts")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["enrollment", "content", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.enrollment_id} · {self.content_id} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int | None:
        return round(100 * self.scaled_score) if self.scaled_score is not None else None


class H5PInteraction(models.Model):
    """One answered question inside an attempt: the activity itself or one of its parts."""

    attempt = models.ForeignKey(H5PAttempt, on_delete=models.CASCADE, related_name="interactions")
    statement_id = models.UUIDField(unique=True)
    object_iri = models.TextField()
    # H5P's `?subContentId=` of a part of a container; empty for the activity itself.
    sub_content_id = models.CharField(max_length=64, blank=True)
    interaction_type = models.CharField(max_length=32, blank=True)
    description = models.TextField(blank=True)
    # The xAPI `object.definition` (choices, correct responses pattern, ...), for item analysis.
    definition = models.JSONField(default=dict, blank=True)
    response = models.TextField(blank=True)
    raw_score = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    scaled_score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    duration = models.DurationField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("H5P interaction")
        verbose_name_plural = _("H5P interactions")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.sub_content_id or 'main'} · {self.interaction_type}"
