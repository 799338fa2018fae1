"""The Statement Resource (Communication 2.1): PUT, POST and GET /xapi/statements.

PUT and POST take statements as JSON or, with attachments, as multipart/mixed; they are
validated, their signatures checked, the principal's write rules applied (`access`) and then
stored (`services.statements_store`). GET returns one statement or a page of them in the
format asked for, with a signed `more` cursor and, on request, their attachments.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date

from .. import conf, multipart, selectors, services
from ..access import statements_for_write, statements_visible_to
from ..errors import XAPIError
from ..parameters import allow_params, bool_param, iri_param, required_param, timestamp_param
from ..protocol import XRequest, xapi_endpoint
from ..services.documents import MAX_CONTENT_TYPE_LENGTH
from ..signatures import check_signed_statement, sha2_hex
from ..validation import is_uuid, parse_agent_parameter, parse_json, validate_statement_batch

_GET_STATEMENT_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "cursor",
}


def _statements_from_body(xrequest: XRequest):
    """The statements and attachment parts of a PUT/POST body."""
    parts: dict[str, services.AttachmentPart] = {}
    if xrequest.content_type == "multipart/mixed":
        found = multipart.parse(xrequest.body, xrequest.headers.get("content-type", ""))
        first, rest = found[0], found[1:]
        if first.content_type != "application/json":
            raise XAPIError("the first part must be the statements, as application/json")
        payload = parse_json(first.content, "the statements part")
        for part in rest:
            declared = part.headers.get("x-experience-api-hash", "").lower()
            if not declared:
                raise XAPIError("every attachment part needs an X-Experience-API-Hash header")
            if part.headers.get("content-transfer-encoding", "").lower() != "binary":
                raise XAPIError("every attachment part needs Content-Transfer-Encoding: binary")
            if sha2_hex(part.content, declared) != declared:
                raise XAPIError(f"attachment part {declared}: its content does not match its hash")
            content_type = part.headers.get("content-type", "application/octet-stream")
            if len(content_type) > MAX_CONTENT_TYPE_LENGTH:
                raise XAPIError(f"attachment part {declared}: its Content-Type is too long")
            parts[declared] = services.AttachmentPart(
                content_type=content_type, content=part.content
            )
    elif xrequest.content_type == "application/json":
        payload = parse_json(xrequest.body)
    else:
        raise XAPIError("statements must be sent as application/json or multipart/mixed")
    return payload, parts


def _store(xrequest: XRequest, statements, parts) -> list[str]:
    principal = xrequest.principal
    validated = validate_statement_batch(
        statements, max_statements=conf.max_batch_statements(), version=xrequest.version
    )
    for statement in validated:
        check_signed_statement(statement, parts, version=xrequest.version)
    validated = statements_for_write(principal, validated)
    return services.statements_store(
        validated,
        authority=principal.authority,
        university_id=principal.university_id,
        client_id=principal.client.pk if principal.client else None,
        may_void=not principal.is_learner,
        attachments=parts,
        version=xrequest.version,
    )


def _statement_result(xrequest: XRequest) -> HttpResponse:
    params = xrequest.params
    allow_params(xrequest, _GET_STATEMENT_PARAMS)
    fmt = params.get("format", "exact")
    if fmt not in {"exact", "ids", "canonical"}:
        raise XAPIError("format must be ids, exact or canonical")
    with_attachments = bool_param(xrequest, "attachments")
    accept = [
        item.split(";")[0].strip()
        for item in xrequest.django.headers.get("Accept-Language", "").split(",")
        if item.strip() and item.strip() != "*"
    ]
    principal = xrequest.principal
    visible = statements_visible_to(principal)
    single_names = {"statementId", "voidedStatementId"} & set(params)
    single = bool(single_names)
    if single:
        if len(single_names) == 2:
            raise XAPIError("statementId and voidedStatementId cannot be used together")
        extra = set(params) - single_names - {"format", "attachments"}
        if extra:
            raise XAPIError("with statementId only format and attachments may be given")
        name = single_names.pop()
        statement = selectors.statement_by_id(
            visible, params[name], voided=name == "voidedStatementId"
        )
        if statement is None:
            raise XAPIError("no such statement", 404)
        statements = [statement]
        more = None
    else:
        query = selectors.StatementQuery(
            agent=parse_agent_parameter(params["agent"]) if "agent" in params else None,
            verb=iri_param(xrequest, "verb"),
            activity=iri_param(xrequest, "activity"),
            registration=params.get("registration"),
            related_activities=bool_param(xrequest, "related_activities"),
            related_agents=bool_param(xrequest, "related_agents"),
            since=timestamp_param(xrequest, "since"),
            until=timestamp_param(xrequest, "until"),
            ascending=bool_param(xrequest, "ascending"),
        )
        if query.registration is not None and not is_uuid(query.registration):
            raise XAPIError("registration must be a UUID")
        limit = params.get("limit", "0")
        if not (limit.isascii() and limit.isdigit()):
            raise XAPIError("limit must be a non-negative integer")
        query.limit = int(limit)
        statements, position = selectors.statements_page(
            visible, query, page_size=conf.page_size(), cursor=params.get("cursor")
        )
        more = ""
        if position:
            next_params = {k: v for k, v in params.items() if k != "cursor"}
            next_params["cursor"] = selectors.encode_cursor(*position)
            more = xrequest.django.path + "?" + urlencode(next_params)
    activities = (
        selectors.canonical_activities(statements, principal.university_id)
        if fmt == "canonical"
        else {}
    )
    rendered = [
        selectors.format_statement(
            s.data, fmt, accept_languages=accept, activities=activities, version=xrequest.version
        )
        for s in statements
    ]
    body = rendered[0] if single else {"statements": rendered, "more": more}
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    if with_attachments:
        parts = [({"Content-Type": "application/json"}, content)]
        for attachment in selectors.attachment_contents([s.data for s in statements]):
            parts.append(
                (
                    {
                        "Content-Type": attachment.content_type,
                        "Content-Transfer-Encoding": "binary",
                        "X-Experience-API-Hash": attachment.sha2,
                    },
                    bytes(attachment.content),
                )
            )
        payload, content_type = multipart.build(parts)
        response = HttpResponse(payload, content_type=content_type)
    else:
        response = HttpResponse(content, content_type="application/json")
    if single:
        response["Last-Modified"] = http_date(statements[0].stored.timestamp())
    return response


@xapi_endpoint({"GET", "PUT", "POST"}, consistent_through=True)
def statements(xrequest: XRequest) -> HttpResponse:
    if xrequest.method == "GET":
        return _statement_result(xrequest)
    if xrequest.method == "PUT":
        allow_params(xrequest, {"statementId"})
        statement_id = required_param(xrequest, "statementId")
        if not is_uuid(statement_id):
            raise XAPIError("statementId must be a UUID")
        payload, parts = _statements_from_body(xrequest)
        if not isinstance(payload, dict):
            raise XAPIError("PUT takes a single statement object")
        if "id" in payload and str(payload["id"]).lower() != statement_id.lower():
            raise XAPIError("the statement's id does not match the statementId parameter")
        payload = dict(payload, id=payload.get("id", statement_id))
        _store(xrequest, payload, parts)
        return HttpResponse(status=204)
    allow_params(xrequest, set())
    ids = _store(xrequest, *_statements_from_body(xrequest))
    return JsonResponse(ids, safe=False)
