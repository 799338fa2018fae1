"""A university's statement retention period (ADR 0060): its statements older than the
period go, with their filter keys and the attachment content nobody else declares; newer
ones, other universities' ones and ones still waiting to be forwarded stay; a second run
deletes nothing.
"""

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from xapi.models import (
    AttachmentContent,
    ExternalLRS,
    ForwardedStatement,
    Statement,
    StatementKey,
    StatementRetention,
)
from xapi.services import (
    AttachmentPart,
    client_authority,
    lrs_client_create,
    statements_store,
    university_retention_enforce,
)
from xapi.services import erasure as erasure_module
from xapi.tasks import retention_enforce

from .conftest import make_statement


def _store(lrs, statements, attachments=None):
    client = lrs.credentials.client
    return statements_store(
        statements,
        authority=client_authority(client),
        university_id=client.university_id,
        client_id=client.pk,
        attachments=attachments,
    )


def _university_id(lrs) -> int:
    return lrs.credentials.client.university_id


def _age(statement_ids, days):
    Statement.objects.filter(statement_id__in=statement_ids).update(
        stored=timezone.now() - dt.timedelta(days=days)
    )


def _attached(content: bytes):
    sha2 = hashlib.sha256(content).hexdigest()
    statement = make_statement(
        attachments=[
            {
                "usageType": "http://example.com/attachment-usage/test",
                "display": {"en-US": "proof"},
                "contentType": "text/plain",
                "length": len(content),
                "sha2": sha2,
            }
        ]
    )
    return statement, {sha2: AttachmentPart(content_type="text/plain", content=content)}


@pytest.mark.django_db
def test_statements_past_the_universitys_period_go_with_their_keys(lrs_a, university_b):
    old, new = make_statement(), make_statement()
    other_old = make_statement()
    _store(lrs_a, [old, new])
    other = lrs_client_create(university=university_b, name="B").client
    statements_store([other_old], authority=client_authority(other), university_id=university_b.pk)
    _age([old["id"], other_old["id"]], 400)
    StatementRetention.objects.create(university_id=_university_id(lrs_a), days=365)

    assert university_retention_enforce() == 1
    assert {str(i) for i in Statement.objects.values_list("statement_id", flat=True)} == {
        new["id"],
        other_old["id"],
    }
    assert not StatementKey.objects.filter(statement__statement_id=old["id"]).exists()
    assert university_retention_enforce() == 0  # idempotent


@pytest.mark.django_db
def test_without_a_period_statements_are_kept_forever(lrs_a):
    old = make_statement()
    _store(lrs_a, [old])
    _age([old["id"]], 10_000)
    assert retention_enforce() == 0
    assert Statement.objects.filter(statement_id=old["id"]).exists()


@pytest.mark.django_db
def test_pruning_runs_in_slices(lrs_a, monkeypatch):
    monkeypatch.setattr(erasure_module, "PRUNE_BATCH", 2)
    statements = [make_statement() for _ in range(5)]
    _store(lrs_a, statements)
    _age([s["id"] for s in statements], 30)
    StatementRetention.objects.create(university_id=_university_id(lrs_a), days=7)
    assert university_retention_enforce() == 5
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_attachment_content_goes_only_when_no_statement_declares_it(lrs_a):
    old, parts = _attached(b"shared proof")
    kept, _ = _attached(b"shared proof")
    lonely, lonely_parts = _attached(b"only the old one")
    _store(lrs_a, [old, lonely], attachments={**parts, **lonely_parts})
    _store(lrs_a, [kept], attachments=parts)
    _age([old["id"], lonely["id"]], 100)
    StatementRetention.objects.create(university_id=_university_id(lrs_a), days=30)

    assert university_retention_enforce() == 2
    assert AttachmentContent.objects.filter(sha2__in=parts).exists()
    assert not AttachmentContent.objects.filter(sha2__in=lonely_parts).exists()


@pytest.mark.django_db
def test_voided_statements_stay_voided_whichever_of_the_pair_goes(lrs_a):
    target = make_statement()
    voiding = make_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target["id"]},
    )
    _store(lrs_a, [voiding])  # the voiding statement first: the target is voided on arrival
    _store(lrs_a, [target])
    _age([voiding["id"]], 100)
    StatementRetention.objects.create(university_id=_university_id(lrs_a), days=30)

    assert university_retention_enforce() == 1
    assert Statement.objects.get(statement_id=target["id"]).voided is True
    got = lrs_a.get("statements", {"voidedStatementId": target["id"]})
    assert got.status_code == 200, got.content


@pytest.mark.django_db
def test_statements_waiting_to_be_forwarded_stay_until_sent(lrs_a):
    statement = make_statement()
    _store(lrs_a, [statement])
    _age([statement["id"]], 100)
    row = Statement.objects.get(statement_id=statement["id"])
    university_id = lrs_a.credentials.client.university_id
    lrs = ExternalLRS.objects.create(
        university_id=university_id, name="own", endpoint="https://lrs.example/xapi/"
    )
    delivery = ForwardedStatement.objects.create(
        lrs=lrs, statement=row, statement_uuid=row.statement_id, next_attempt_at=timezone.now()
    )
    StatementRetention.objects.create(university_id=university_id, days=30)

    assert university_retention_enforce() == 0
    delivery.status = ForwardedStatement.Status.SENT
    delivery.save()
    assert university_retention_enforce() == 1


@pytest.mark.django_db
def test_the_command_sets_and_clears_a_universitys_period(university_a, capsys):
    call_command("xapi_retention", "365", university=university_a.code)
    assert StatementRetention.objects.get(university=university_a).days == 365
    call_command("xapi_retention", "30", university=university_a.code)
    assert StatementRetention.objects.get(university=university_a).days == 30
    call_command("xapi_retention", "forever", university=university_a.code)
    assert not StatementRetention.objects.exists()
    assert "kept forever" in capsys.readouterr().out
    for bad in ("0", "-3", "ten", "1e3"):
        with pytest.raises(CommandError):
            call_command("xapi_retention", bad, university=university_a.code)
    with pytest.raises(CommandError):
        call_command("xapi_retention", "10", university="no-such-university")


@pytest.mark.postgres
@pytest.mark.django_db
def test_retention_on_postgresql_deletes_in_slices_with_attachments(lrs_a, monkeypatch):
    monkeypatch.setattr(erasure_module, "PRUNE_BATCH", 3)
    attached, parts = _attached(b"postgres proof")
    statements = [attached, *(make_statement() for _ in range(6))]
    _store(lrs_a, statements, attachments=parts)
    _age([s["id"] for s in statements], 100)
    StatementRetention.objects.create(university_id=_university_id(lrs_a), days=30)
    assert university_retention_enforce() == 7
    assert not AttachmentContent.objects.filter(sha2__in=parts).exists()
    assert university_retention_enforce() == 0
