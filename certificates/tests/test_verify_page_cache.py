"""The verification page remembers a valid verdict briefly, and forgets it the moment anything
it rests on changes (ADR 0062)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates import selectors, services
from certificates.verification import Verdict, VerificationResult

from .test_verify_page import outcomes, page, tone

pytestmark = pytest.mark.django_db


def queries_for(client, credential) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        _response, body = page(client, credential)
    return len(queries), body


def test_a_valid_verdict_is_remembered_and_the_page_then_skips_the_lookups(client, issued):
    first, body = queries_for(client, issued)
    assert tone(body) == "valid"
    again, body = queries_for(client, issued)
    assert tone(body) == "valid"
    assert set(outcomes(body).values()) == {"passed"}
    assert again <= first - 4  # no DID document, keys or status list read again


def test_a_revocation_shows_at_once_though_the_valid_verdict_was_remembered(
    client, issued, django_capture_on_commit_callbacks
):
    page(client, issued)
    page(client, issued)
    with django_capture_on_commit_callbacks(execute=True):  # the verdicts go on commit
        services.credential_revoke(credential=issued, reason="Exam misconduct")
    _response, body = page(client, issued)
    assert tone(body) == "revoked"
    with django_capture_on_commit_callbacks(execute=True):
        services.credential_unrevoke(credential=issued, reason="Appeal upheld")
    _response, body = page(client, issued)
    assert tone(body) == "valid"


def test_a_key_rotation_drops_the_remembered_verdicts(
    client, issued, django_capture_on_commit_callbacks
):
    page(client, issued)
    generation = selectors.verification_generation()
    with django_capture_on_commit_callbacks(execute=True):
        services.issuer_key_rotate(university=issued.university)
    assert selectors.verification_generation() > generation
    _response, body = page(client, issued)
    assert tone(body) == "valid"  # an earlier key still verifies what it signed


def test_a_verdict_is_never_remembered_past_the_credential_expiry():
    now = datetime(2030, 1, 1, tzinfo=UTC)
    soon = {"validUntil": (now + timedelta(seconds=20)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    later = {"validUntil": "2040-01-01T00:00:00Z"}
    result = VerificationResult(Verdict.VALID, [], later)
    assert selectors._seconds_until_invalid(result, now) == selectors.VERIFICATION_CACHE_SECONDS
    result.endorsements.append(VerificationResult(Verdict.VALID, [], soon))
    assert selectors._seconds_until_invalid(result, now) == pytest.approx(20)
