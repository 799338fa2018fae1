"""Assignment and Grade Services 2.0, the tool's side: scores for LTI-launched learners.

A score is a `ScoreDelivery` row written in the transaction that earned it; after commit the
outbox runs `lti.deliver_scores`, which sends every due row: it finds the line item by
`resourceId` in the context's container (creating it, out of 100, when missing) and posts the
score. Access tokens come from the platform's token endpoint with a private_key_jwt client
assertion signed by Ilm's key, cached until they expire. 5xx, timeouts, 401, 408 and 429 are
retried with exponential backoff (failed after `MAX_ATTEMPTS`); any other 4xx will never
succeed and the row is `refused`.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import requests
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from jwcrypto import jwt

from outbox.services import enqueue

from .keys import signing_key
from .models import ContextLink, LtiIdentity, PlatformRegistration, ScoreDelivery
from .tasks import deliver_scores

logger = logging.getLogger(__name__)

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 60 * 60
TIMEOUT_SECONDS = 15
RETRIED_4XX = (401, 408, 429)


class PlatformAnswer(Exception):
    def __init__(self, status: int | None, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _token_cache_key(registration, scopes) -> str:
    return f"lti-token:{registration.pk}:{' '.join(sorted(scopes))}"


def access_token(registration: PlatformRegistration, scopes: tuple[str, ...]) -> str:
    """A bearer token for `scopes` from the platform, cached until shortly before it expires."""
    scope = " ".join(sorted(scopes))
    cache_key = _token_cache_key(registration, scopes)
    token = cache.get(cache_key)
    if token:
        return token
    key = signing_key()
    now = int(time.time())
    assertion = jwt.JWT(
        header={"alg": "RS256", "kid": key.kid, "typ": "JWT"},
        claims={
            "iss": registration.client_id,
            "sub": registration.client_id,
            "aud": registration.token_url,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_urlsafe(16),
        },
    )
    assertion.make_signed_token(key)
    answer = _call(
        "post",
        registration.token_url,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion.serialize(),
            "scope": scope,
        },
    )
    body = answer.json()
    token = body["access_token"]
    lifetime = int(body.get("expires_in", 3600))
    cache.set(cache_key, token, max(lifetime - 30, 1))
    return token


def _call(method: str, url: str, **kwargs) -> requests.Response:
    try:
        answer = requests.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
    except requests.RequestException as error:
        raise PlatformAnswer(None, type(error).__name__) from None
    if answer.status_code >= 400:
        raise PlatformAnswer(answer.status_code, f"{answer.status_code} {answer.text[:200]}")
    return answer


def _with_path(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def _lineitem_url(delivery: ScoreDelivery, headers: dict) -> str:
    if delivery.lineitem_url:
        return delivery.lineitem_url
    container = delivery.context.lineitems_url
    found = _call(
        "get",
        container,
        params={"resource_id": delivery.resource_id},
        headers={**headers, "Accept": "application/vnd.ims.lis.v2.lineitemcontainer+json"},
    ).json()
    if found:
        return found[0]["id"]
    made = _call(
        "post",
        container,
        json={"scoreMaximum": 100, "label": delivery.label, "resourceId": delivery.resource_id},
        headers={**headers, "Content-Type": "application/vnd.ims.lis.v2.lineitem+json"},
    ).json()
    return made["id"]


def _send(delivery: ScoreDelivery) -> None:
    registration = delivery.context.registration
    token = access_token(registration, (SCORE_SCOPE, LINEITEM_SCOPE))
    headers = {"Authorization": f"Bearer {token}"}
    try:
        delivery.lineitem_url = _lineitem_url(delivery, headers)
        _call(
            "post",
            _with_path(delivery.lineitem_url, "/scores"),
            json={
                "userId": delivery.identity.sub,
                "scoreGiven": float(delivery.score_given),
                "scoreMaximum": 100,
                "activityProgress": delivery.activity_progress,
                "gradingProgress": delivery.grading_progress,
                "timestamp": delivery.timestamp.isoformat(),
            },
            headers={**headers, "Content-Type": "application/vnd.ims.lis.v1.score+json"},
        )
    except PlatformAnswer as error:
        if error.status == 401:
            cache.delete(
                f"lti-token:{registration.pk}:{' '.join(sorted((SCORE_SCOPE, LINEITEM_SCOPE)))}"
            )
        raise


def _deliver_one(delivery_id: int) -> bool:
    with transaction.atomic():
        delivery = (
            ScoreDelivery.objects.select_for_update(skip_locked=True)
            .select_related("context__registration", "identity")
            .filter(pk=delivery_id, status=ScoreDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return False
        delivery.attempts += 1
        try:
            _send(delivery)
        except PlatformAnswer as error:
            delivery.last_error = error.detail[:500]
            final = error.status is not None and 400 <= error.status < 500
            if final and error.status not in RETRIED_4XX:
                delivery.status = ScoreDelivery.Status.REFUSED
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = ScoreDelivery.Status.FAILED
            else:
                wait = min(BACKOFF_BASE_SECONDS * 2 ** (delivery.attempts - 1), BACKOFF_MAX_SECONDS)
                delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=wait)
            logger.warning(
                "lti score %s to %s refused: %s", delivery.pk, delivery.context_id, error.detail
            )
            delivery.save()
            return False
        delivery.status = ScoreDelivery.Status.SENT
        delivery.last_error = ""
        delivery.save()
        return True


def scores_deliver(*, limit: int = 500) -> int:
    """Send every due pending score; returns how many the platforms accepted."""
    now = timezone.now()
    due = ScoreDelivery.objects.filter(status=ScoreDelivery.Status.PENDING).exclude(
        next_attempt_at__gt=now
    )
    return sum(_deliver_one(pk) for pk in due.order_by("pk").values_list("pk", flat=True)[:limit])


def score_record(*, enrollment, resource_key, label: str, score: Decimal, progress="Completed"):
    """In the transaction that earned it: a score for each platform context the learner was
    launched from into this run. Nothing for learners who never came through LTI."""
    identities = LtiIdentity.objects.filter(user_id=enrollment.learner_id)
    if not identities.exists():
        return 0
    made = 0
    for context in ContextLink.objects.filter(
        run_id=enrollment.run_id, learners=enrollment.learner_id
    ).exclude(lineitems_url=""):
        identity = identities.filter(registration_id=context.registration_id).first()
        if identity is None:
            continue
        ScoreDelivery.objects.create(
            context=context,
            identity=identity,
            resource_id=f"ilm-{resource_key}",
            label=label[:255],
            score_given=score,
            activity_progress=progress,
            timestamp=timezone.now(),
        )
        made += 1
    if made:
        enqueue(deliver_scores)
    return made
