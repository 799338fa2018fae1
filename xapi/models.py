"""Tables of the learning record store, sized for millions of statements.

How the statement tables are shaped, and why:

- `Statement` holds each statement once, as the JSON the LRS returns (`data`), plus the
  columns the store itself needs: the scope (`university`, `learner`), `stored`, `voided`.
  Paging is by keyset on (`stored`, `id`) in either direction, never by OFFSET, so the cost
  of a page does not grow with its depth.
- `StatementKey` is the one index every filter of GET /statements uses. Each statement gets
  one row per thing a query can filter on (its verb, the activity that is its object, every
  related activity, its actor/object agents, every related agent, its registration). A row
  stores a SHA-1 of the value, so IRIs of any length index in fixed width, and a copy of
  `stored`, so `(kind, value_hash, stored, statement)` answers "the newest N statements with
  verb V" from one index range. Statements whose object is a StatementRef also get the keys
  of the statement they target (Communication 2.1.3.s3): the targeted statement is
  immutable, so copying its keys once at write time is exact and avoids a recursive query.
- `Activity` keeps the LRS's canonical definition of each activity per university, for the
  Activities resource and `format=canonical`.
- Documents (state, activity profile, agent profile) live in one table, addressed by hashes
  of their activity IRI and agent IFI, with an ETag (SHA-1 of the content) for concurrency.
- Attachment content is stored once per SHA-2 hash, whoever sent it.
"""

import hashlib

from django.conf import settings
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def value_hash(value: str) -> str:
    """The fixed-width key under which an IRI, IFI or registration is indexed."""
    return hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()


class LRSClient(models.Model):
    """Basic-auth credentials a university gives to a tool that talks xAPI to Ilm.

    The secret is stored as a Django password hash; only the key is stored in clear.
    """

    university = models.ForeignKey(
        "universities.University", on_delete=models.CASCADE, related_name="lrs_clients"
    )
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("key"), max_length=64, unique=True)
    secret_hash = models.CharField(max_length=256)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("LRS client")
        verbose_name_plural = _("LRS clients")
        ordering = ["university", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class Statement(models.Model):
    statement_id = models.UUIDField(unique=True)
    data = models.JSONField()
    stored = models.DateTimeField()
    timestamp = models.DateTimeField()
    verb_iri = models.TextField()
    registration = models.UUIDField(null=True, blank=True)
    # Scope: the university whose learners/clients the statement belongs to (see access.py).
    university = models.ForeignKey(
        "universities.University", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        LRSClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The statement this one targets through a StatementRef object (voiding or otherwise).
    target_statement_id = models.UUIDField(null=True, blank=True)
    is_voiding = models.BooleanField(default=False)
    voided = models.BooleanField(default=False)

    class Meta:
        # Listing walks a scope's (stored, id) index; `voided` is a condition of the partial
        # indexes rather than a column of its own, because every listing wants voided=False
        # and a boolean index on its own would never be selective. Verb, activity, agent and
        # registration filters use StatementKey.
        indexes = [
            models.Index(fields=["stored", "id"], name="xapi_stmt_stored"),
            models.Index(
                fields=["university", "stored", "id"],
                name="xapi_stmt_univ_live",
                condition=models.Q(voided=False),
            ),
            models.Index(
                fields=["learner", "stored", "id"],
                name="xapi_stmt_learner_live",
                condition=models.Q(voided=False),
            ),
            models.Index(fields=["target_statement_id"], name="xapi_stmt_target"),
            models.Index(fields=["registration"], name="xapi_stmt_registration"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementKey(models.Model):
    """One filterable value of a statement (see the module docstring)."""

    class Kind(models.IntegerChoices):
        VERB = 1
        ACTIVITY = 2  # the object activity: matches `activity`
        RELATED_ACTIVITY = 3  # object, context activities, substatement: `related_activities`
        AGENT = 4  # actor or object agent/group (and its members): matches `agent`
        RELATED_AGENT = 5  # also authority, instructor, team, substatement: `related_agents`
        REGISTRATION = 6
        # The SHA-2 of an attachment the statement (or its SubStatement) declares: no filter
        # matches it; retention asks it whether any statement still needs the content.
        ATTACHMENT = 7

    # No index of its own: `xapi_key_unique` starts with the statement and serves the cascade
    # and every read by statement; a second index only slowed each key inserted (ADR 0060).
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="keys", db_index=False
    )
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    value_hash = models.CharField(max_length=40)
    stored = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["kind", "value_hash", "stored", "statement"], name="xapi_key_lookup"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "kind", "value_hash"], name="xapi_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value_hash}"


class StatementRetention(models.Model):
    """How long a university keeps its statements (ADR 0060). No row: kept forever (unless
    the platform-wide `ILM_XAPI_STATEMENT_RETENTION_DAYS` is shorter)."""

    university = models.OneToOneField(
        "universities.University", on_delete=models.CASCADE, related_name="xapi_retention"
    )
    days = models.PositiveIntegerField(
        _("keep statements for (days)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("statement retention")
        verbose_name_plural = _("statement retentions")

    def __str__(self) -> str:
        return f"{self.university_id}: {self.days} d"


class Activity(models.Model):
    """The canonical definition of an activity, as this university's statements define it."""

    university = models.ForeignKey(
        "universities.University", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    iri_hash = models.CharField(max_length=40)
    iri = models.TextField()
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["university", "iri_hash"], name="xapi_activity_unique")
        ]

    def __str__(self) -> str:
        return self.iri


class AttachmentContent(models.Model):
    """Raw attachment bytes, stored once per SHA-2 hash (the only key the spec matches on)."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha2


class Document(models.Model):
    """A state, activity profile or agent profile document."""

    class Kind(models.TextChoices):
        STATE = "state"
        ACTIVITY_PROFILE = "activity_profile"
        AGENT_PROFILE = "agent_profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    university = models.ForeignKey(
        "universities.University", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Empty strings, not NULLs, for "not part of this kind's address", so the unique
    # constraint below holds (services also lock before they create, for the NULL university).
    activity_hash = models.CharField(max_length=40, blank=True)
    activity_iri = models.TextField(blank=True)
    agent_hash = models.CharField(max_length=40, blank=True)
    agent = models.JSONField(null=True, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.TextField()
    document_hash = models.CharField(max_length=40)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "university",
                    "activity_hash",
                    "agent_hash",
                    "registration",
                    "document_hash",
                ],
                name="xapi_document_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "university", "activity_hash", "agent_hash", "updated"],
                name="xapi_document_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class ExternalLRS(models.Model):
    """A university's own LRS, to which Ilm forwards its learners' statements (ADR 0057).

    The Basic-auth secret is stored sealed with AES-GCM (`xapi.forwarding.secret_seal`):
    Ilm must send it, so a one-way hash will not do.
    """

    university = models.ForeignKey(
        "universities.University", on_delete=models.CASCADE, related_name="external_lrs"
    )
    name = models.CharField(_("name"), max_length=200)
    endpoint = models.URLField(
        _("endpoint"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    key = models.CharField(_("key"), max_length=200)
    secret_sealed = models.TextField(editable=False)
    xapi_version = models.CharField(
        _("xAPI version"),
        max_length=10,
        default="1.0.3",
        choices=[("1.0.3", "1.0.3"), ("2.0.0", "2.0.0")],
    )
    verb_iris = models.TextField(
        _("only these verbs"), blank=True, help_text=_("One IRI a line; empty: every verb.")
    )
    activity_prefixes = models.TextField(
        _("only activities starting with"),
        blank=True,
        help_text=_("One IRI prefix a line; empty: every activity."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("external LRS")
        verbose_name_plural = _("external LRSs")
        ordering = ["university", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.endpoint})"


class ForwardedStatement(models.Model):
    """One statement on its way to one external LRS; rows are made with the statement."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILING = "failing", _("failing")
        FAILED = "failed", _("failed")

    lrs = models.ForeignKey(ExternalLRS, on_delete=models.CASCADE, related_name="deliveries")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    statement_uuid = models.UUIDField()
    # The learner whose statements are sent in order (0: statements without an Ilm learner).
    learner_key = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lrs", "statement"], name="xapi_forward_unique")
        ]
        # A learner's queue is in the order their statements were stored (the statement's
        # row id), so back-filled statements take their place among the ones queued live.
        indexes = [
            models.Index(
                fields=["lrs", "learner_key", "statement"],
                name="xapi_forward_queue_stmt",
                condition=~models.Q(status="sent"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_uuid} → {self.lrs_id} ({self.status})"


class ForwardingBackfill(models.Model):
    """A registrar's request to forward statements stored before the LRS queued them (ADR 0057).

    It walks the university's statements in row order, in slices, up to `until_statement`
    (the newest statement when it was asked for); `cursor` is the last statement considered.
    While it runs, the LRS is sent only statements up to the cursor, so each learner's
    statements still arrive in the order they were stored.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("finished")

    lrs = models.ForeignKey(ExternalLRS, on_delete=models.CASCADE, related_name="backfills")
    since = models.DateTimeField(_("stored since"), null=True, blank=True)
    until_statement = models.BigIntegerField()
    cursor = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    queued = models.PositiveIntegerField(_("queued"), default=0)
    already_queued = models.PositiveIntegerField(_("already queued or sent"), default=0)
    filtered_out = models.PositiveIntegerField(_("left out by the filters"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lrs"],
                condition=models.Q(status="running"),
                name="xapi_backfill_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"back-fill {self.pk} → {self.lrs_id} ({self.status})"
