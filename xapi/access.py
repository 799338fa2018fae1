"""Who may read and write what in the learning record store. Every xAPI resource and the
registrars' client pages go through here.

A request to an xAPI resource reaches the LRS as one of two principals:

**An LRS client** (HTTP Basic auth with a key and secret a university created). Its scope is
its university U:

- it reads exactly the statements whose scope is U: statements written by any of U's
  clients, and statements the platform or a learner's browser wrote for a learner whose
  home university is U (`Statement.university_id == U`);
- every statement it writes is put in scope U, with the client as authority; a statement
  whose actor names an Ilm user (an account under our own homePage) is refused with 403
  unless that user is a learner whose home university is U;
- it may void statements of scope U only;
- its documents (state, profiles) and activity definitions live in U's partition.

**A learner's browser session** (Django session; unsafe methods need the CSRF token). Its
scope is the learner themself:

- it reads only statements about the learner (`Statement.learner_id == user.id`);
- every statement it writes has its actor replaced by the learner's own Agent, is put in
  the scope of the learner's home university, and has the learner as authority;
- it may not void statements;
- it may only touch state and agent-profile documents of its own Agent, and may read (not
  write) activity profiles of its home university's partition.

Anything else is refused: no credentials 401, wrong credentials 401, a deactivated client 401,
an action outside the scope 403.

**The registrars' pages** (`client_views`, where LRS clients are created and deactivated;
`forwarding_views`, the university's own LRS; `retention_views`, its retention period) are
for platform staff and the registrars of the university, checked with the access core
(`universities.access.may_act_for`). An unknown university code is 404; a university the
user is not registrar of is 403 (its code is public anyway, in its DID document's URL). A client
or an external LRS of another university is 404, as one that does not exist.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone

from universities.access import may_act_for, object_or_404, reach
from universities.models import Membership, Role, University
from universities.selectors import home_membership

from .errors import XAPIError
from .identities import client_authority, learner_agent, learner_id_from_agent
from .models import ExternalLRS, LRSClient, Statement
from .validation import agent_ifi

# Verified key → (secret digest, its expiry, client row, the row's expiry). Password hashing
# is deliberately slow (hundreds of ms): paying it on every statement POST would cap the LRS
# at a few requests per second, so a per-process memo of a keyed digest of the secret skips
# it for a while. Reading the client row (with its creator, and their memberships when a
# registrar made it) is a round trip on every request, the largest share of a small POST
# after the store's own; the memo keeps the row for a few seconds. That is a security
# trade-off, decided in ADR 0060: in other processes a deactivation (or a registrar losing the
# role) takes effect after at most `_CLIENT_ROW_TTL_SECONDS`; in the process that deactivates,
# at once (`client_memo_forget`).
_VERIFIED: dict[str, tuple[bytes, float, LRSClient, float]] = {}
_VERIFIED_TTL_SECONDS = 300
_CLIENT_ROW_TTL_SECONDS = 5
_LAST_USED_RESOLUTION_SECONDS = 300


def client_memo_forget(*keys: str) -> None:
    """Drop memoised credentials (all of them without `keys`): the next request reads the row."""
    if not keys:
        _VERIFIED.clear()
    for key in keys:
        _VERIFIED.pop(key, None)


@dataclass
class Principal:
    """The authenticated party of one xAPI request and the scope it acts in."""

    authority: dict
    university_id: int | None
    client: LRSClient | None = None
    user: object | None = None
    uses_session: bool = False
    _agent_ifi: str = field(default="", repr=False)

    @property
    def is_learner(self) -> bool:
        return self.client is None

    @property
    def learner_agent(self) -> dict | None:
        return learner_agent(self.user) if self.is_learner else None


def _secret_digest(key: str, secret: str) -> bytes:
    return hmac.new(key.encode(), secret.encode(), hashlib.sha256).digest()


def lrs_client_holder_keeps_role(client: LRSClient) -> bool:
    """A client a registrar made works only while they are active and a registrar of its
    university; one an operator made from the command line (no creator) is not bound."""
    if client.created_by_id is None:
        return True
    return may_act_for(client.created_by, client.university_id, Role.REGISTRAR)


def _client_from_basic(header: str) -> LRSClient:
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode("utf-8")
        key, secret = decoded.split(":", 1)
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        raise XAPIError("malformed Basic credentials", 401) from None
    digest = _secret_digest(key, secret)
    memo = _VERIFIED.get(key)
    now = time.monotonic()
    secret_known = bool(memo and memo[1] > now and hmac.compare_digest(memo[0], digest))
    if secret_known and memo[3] > now:
        client = memo[2]
    else:
        client = _client_verified(key, secret, secret_known=secret_known)
        secret_until = memo[1] if secret_known else now + _VERIFIED_TTL_SECONDS
        _VERIFIED[key] = (digest, secret_until, client, now + _CLIENT_ROW_TTL_SECONDS)
    used = timezone.now()
    if (
        client.last_used_at is None
        or (used - client.last_used_at).total_seconds() > _LAST_USED_RESOLUTION_SECONDS
    ):
        LRSClient.objects.filter(pk=client.pk).update(last_used_at=used)
        client.last_used_at = used
    return client


def _client_verified(key: str, secret: str, *, secret_known: bool) -> LRSClient:
    """The active client `key` names, if `secret` is its secret (already verified when
    `secret_known`) and its maker keeps the role; else 401."""
    client = LRSClient.objects.select_related("created_by").filter(key=key, is_active=True).first()
    if client is not None and not lrs_client_holder_keeps_role(client):
        # Its registrar lost the role without the receivers hearing of it: it dies now.
        LRSClient.objects.filter(pk=client.pk).update(is_active=False)
        client = None
    if client is None:
        client_memo_forget(key)
        # Spend the hashing time anyway, so unknown keys and wrong secrets look alike.
        check_password(secret, "pbkdf2_sha256$1$x$x")
        raise XAPIError("unknown or inactive credentials", 401)
    if not secret_known and not check_password(secret, client.secret_hash):
        raise XAPIError("unknown or inactive credentials", 401)
    return client


def principal_for_request(request, authorization: str | None) -> Principal:
    """Authenticate an xAPI request by Basic credentials or the learner's session.

    `authorization` is the Authorization header, or the form parameter of the alternate
    request syntax. Session requests with unsafe methods must pass Django's CSRF check.
    """
    if authorization:
        if not authorization.lower().startswith("basic "):
            raise XAPIError("only HTTP Basic authentication is supported", 401)
        client = _client_from_basic(authorization)
        return Principal(
            authority=client_authority(client), university_id=client.university_id, client=client
        )
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise XAPIError("authentication required", 401)
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if rejected is not None:
            raise XAPIError("CSRF verification failed", 403)
    membership = home_membership(user)
    return Principal(
        authority=learner_agent(user),
        university_id=membership.university_id if membership else None,
        user=user,
        uses_session=True,
    )


# --- statements ------------------------------------------------------------------------------


def statements_visible_to(principal: Principal):
    """The statements this principal may read (before voided ones are hidden)."""
    if principal.is_learner:
        return Statement.objects.filter(learner_id=principal.user.pk)
    return Statement.objects.filter(university_id=principal.university_id)


def statements_for_write(principal: Principal, statements: list[dict]) -> list[dict]:
    """Apply the write rules of the principal's scope to validated statements.

    For a learner the actor is replaced by the learner's own Agent. For a client, a statement
    whose actor is an Ilm user must be about one of its own university's learners (403).
    """
    if principal.is_learner:
        agent = learner_agent(principal.user)
        return [dict(s, actor=agent) for s in statements]
    learner_ids = {learner_id_from_agent(s["actor"]) for s in statements} - {None}
    if learner_ids:
        own = set(
            Membership.objects.filter(
                user_id__in=learner_ids, role=Role.LEARNER, university_id=principal.university_id
            ).values_list("user_id", flat=True)
        )
        if learner_ids - own:
            raise XAPIError("a statement is about a learner outside this client's university", 403)
    return statements


# --- documents ------------------------------------------------------------------------------


def check_document_access(
    principal: Principal, *, agent: dict | None, write: bool, kind: str
) -> None:
    """Learners touch only their own state and agent profile, and read activity profiles."""
    if not principal.is_learner:
        return
    if kind == "activity_profile":
        if write:
            raise XAPIError("learners may not change activity profiles", 403)
        return
    if agent is None or agent_ifi(agent) != agent_ifi(learner_agent(principal.user)):
        raise XAPIError("learners may only use documents of their own Agent", 403)


# --- LRS client credentials: the registrars' pages --------------------------------------------


def university_for_registrar(user, code: str) -> University:
    """The university `code` names, if `user` may manage its LRS clients (staff or registrar).

    Unknown code: 404. Known university, no registrar role there: 403.
    """
    university = object_or_404(University.objects.all(), code=code)
    if not may_act_for(user, university.pk, Role.REGISTRAR):
        raise PermissionDenied
    return university


def lrs_clients_for_registrar(user, university: University) -> QuerySet[LRSClient]:
    """The queryset gate: the university's LRS clients, if `user` is staff or its registrar."""
    clients = LRSClient.objects.filter(university=university)
    return reach(user, Role.REGISTRAR).filter(clients, "university_id")


def lrs_client_for_registrar(user, university: University, client_id) -> LRSClient:
    """The by-id gate: one of the university's clients, or 404 (missing and foreign alike)."""
    return object_or_404(lrs_clients_for_registrar(user, university), pk=client_id)


# --- forwarding to a university's own LRS: the registrars' status page ------------------------


def external_lrs_for_registrar(user, university: University) -> QuerySet[ExternalLRS]:
    """The queryset gate: the university's external LRSs, if `user` is staff or its registrar."""
    configured = ExternalLRS.objects.filter(university=university)
    return reach(user, Role.REGISTRAR).filter(configured, "university_id")


def one_external_lrs_for_registrar(user, university: University, lrs_id) -> ExternalLRS:
    """The by-id gate: one of the university's external LRSs, or 404 (foreign alike)."""
    return object_or_404(external_lrs_for_registrar(user, university), pk=lrs_id)
