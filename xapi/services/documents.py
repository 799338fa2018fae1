"""Writes of the Document Resources: state, agent profiles and activity profiles
(Communication 2.2, 2.3, 2.6 and 2.7), with their ETag preconditions (Communication 3.1).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..errors import XAPIError
from ..models import Document, value_hash
from ..validation import agent_ifi, parse_json

# The width of the content_type columns of Document and AttachmentContent.
MAX_CONTENT_TYPE_LENGTH = 255


def document_etag(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class DocumentAddress:
    kind: str
    university_id: int | None
    activity_iri: str = ""
    agent: dict | None = None
    registration: str = ""
    document_id: str = ""

    def lookup(self) -> dict:
        return {
            "kind": self.kind,
            "university_id": self.university_id,
            "activity_hash": value_hash(self.activity_iri) if self.activity_iri else "",
            "agent_hash": value_hash(agent_ifi(self.agent)) if self.agent else "",
            "registration": self.registration.lower(),
        }


def _check_preconditions(
    document: Document | None, *, if_match: str | None, if_none_match: str | None
) -> None:
    if if_match is not None:
        tags = {tag.strip().strip('"') for tag in if_match.split(",")}
        if document is None or ("*" not in tags and document.etag not in tags):
            raise XAPIError("If-Match does not match the document's current ETag", 412)
    if if_none_match is not None:
        tags = {tag.strip().strip('"') for tag in if_none_match.split(",")}
        if document is not None and ("*" in tags or document.etag in tags):
            raise XAPIError("If-None-Match: the document already exists", 412)


def document_save(
    address: DocumentAddress,
    *,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
) -> Document:
    """PUT (merge=False) or POST (merge=True) a document, honouring ETag preconditions.

    POST merges JSON objects at the top level (Communication 2.2.s7); either side not being
    a JSON object is a 400. With `require_precondition` (a PUT to a profile, or under xAPI 2.0
    to any document), a PUT without If-Match/If-None-Match changes nothing: a 409 when the
    document exists, as the specification asks, and a 400 when it does not (ADRs 0022, 0045).
    """
    content_type = (content_type or "application/octet-stream").split(";")[0].strip()
    if len(content_type) > MAX_CONTENT_TYPE_LENGTH:
        raise XAPIError(f"the Content-Type is longer than {MAX_CONTENT_TYPE_LENGTH} characters")
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .filter(**address.lookup(), document_hash=value_hash(address.document_id))
            .first()
        )
        _check_preconditions(document, if_match=if_match, if_none_match=if_none_match)
        if require_precondition and if_match is None and if_none_match is None:
            if document is not None:
                raise XAPIError(
                    "the document exists: check its current state and send If-Match with its ETag",
                    409,
                )
            # The client had to send one of the two headers (Communication 3.1.s3.b1); with
            # nothing to conflict with, the request is missing an argument (ADR 0022).
            raise XAPIError(
                "a PUT to this document needs If-Match with the document's ETag, or "
                "If-None-Match: * to create it"
            )
        if merge and document is not None:
            incoming = _json_object(content, content_type, "the posted document")
            current = _json_object(
                bytes(document.content), document.content_type, "the stored document"
            )
            current.update(incoming)
            content = json.dumps(current, ensure_ascii=False).encode("utf-8")
            content_type = "application/json"
        elif merge and content_type == "application/json":
            _json_object(content, content_type, "the posted document")
        now = timezone.now()
        if document is None:
            document = Document(
                **address.lookup(),
                activity_iri=address.activity_iri,
                agent=address.agent,
                document_id=address.document_id,
                document_hash=value_hash(address.document_id),
            )
        document.content = content
        document.content_type = content_type
        document.etag = document_etag(content)
        document.updated = now
        document.save()
        return document


def _json_object(content: bytes, content_type: str, what: str) -> dict:
    if content_type != "application/json":
        raise XAPIError(f"{what} is not application/json, so it cannot be merged")
    value = parse_json(content, what)
    if not isinstance(value, dict):
        raise XAPIError(f"{what} is not a JSON object, so it cannot be merged")
    return value


def document_delete(
    address: DocumentAddress, *, if_match: str | None = None, single: bool = True
) -> int:
    """Delete one document (or, for state without stateId, all in its context)."""
    with transaction.atomic():
        queryset = Document.objects.select_for_update().filter(**address.lookup())
        if single:
            queryset = queryset.filter(document_hash=value_hash(address.document_id))
            document = queryset.first()
            if if_match is not None:
                _check_preconditions(document, if_match=if_match, if_none_match=None)
        deleted, _ = queryset.delete()
        return deleted
