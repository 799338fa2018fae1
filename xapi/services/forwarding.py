"""Writes of a university's external LRS configuration and its queue (ADR 0057)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outbox.services import enqueue

from ..forwarding import secret_seal
from ..forwarding_hosts import endpoint_refusal
from ..models import ExternalLRS, ForwardedStatement
from ..tasks import forward_statements


@transaction.atomic
def external_lrs_create(
    *,
    university,
    name: str,
    endpoint: str,
    key: str,
    secret: str,
    xapi_version: str = "1.0.3",
    verb_iris: str = "",
    activity_prefixes: str = "",
) -> ExternalLRS:
    """Configure forwarding; raises ValidationError on bad input. The secret is sealed."""
    key = key.strip()
    lrs = ExternalLRS(
        university=university,
        name=name.strip(),
        endpoint=endpoint.strip(),
        key=key,
        secret_sealed=secret_seal(secret, key=key),
        xapi_version=xapi_version,
        verb_iris=verb_iris.strip(),
        activity_prefixes=activity_prefixes.strip(),
    )
    lrs.full_clean()
    refusal = endpoint_refusal(lrs.endpoint)
    if refusal:
        raise ValidationError({"endpoint": refusal})
    lrs.save()
    return lrs


def external_lrs_deactivate(*, lrs: ExternalLRS) -> None:
    """Stop forwarding; queued statements stay queued and go on if it is reactivated."""
    ExternalLRS.objects.filter(pk=lrs.pk).update(is_active=False)


@transaction.atomic
def external_lrs_reactivate(*, lrs: ExternalLRS) -> None:
    """Forward again: its queue goes on where it stopped. The endpoint is checked again (it
    may resolve elsewhere by now); raises ValidationError if it is refused. Statements stored
    while it was stopped were not queued: a back-fill sends them."""
    refusal = endpoint_refusal(lrs.endpoint)
    if refusal:
        raise ValidationError({"endpoint": refusal})
    ExternalLRS.objects.filter(pk=lrs.pk).update(is_active=True)
    lrs.is_active = True
    enqueue(forward_statements, lrs_id=lrs.pk)


@transaction.atomic
def forwards_retry(*, lrs: ExternalLRS) -> int:
    """Try the LRS's failing and failed deliveries again now, as if they were new: their
    attempts start over, so does the backoff, and failed ones get their retries back.
    Returns how many; the last error stays until a delivery succeeds."""
    retried = ForwardedStatement.objects.filter(
        lrs=lrs,
        status__in=[ForwardedStatement.Status.FAILING, ForwardedStatement.Status.FAILED],
    ).update(status=ForwardedStatement.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    if retried and lrs.is_active:
        enqueue(forward_statements, lrs_id=lrs.pk)
    return retried
