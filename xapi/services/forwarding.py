"""Writes of a university's external LRS configuration (ADR 0057)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..forwarding import secret_seal
from ..forwarding_hosts import endpoint_refusal
from ..models import ExternalLRS


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
