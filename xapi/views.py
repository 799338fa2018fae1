"""HTTP endpoints of the LRS. They parse the request, call the gate and a service, and answer.

`xapi_endpoint` does what every resource shares: the alternate request syntax
(Communication 1.3), the X-Experience-API-Version header, body size limits, authentication
through `access.principal_for_request`, HEAD, and turning `XAPIError` into the status the
specification names. CSRF: Django's middleware is bypassed for these views because Basic-auth
clients carry no cookie; `access.principal_for_request` runs the CSRF check itself for
session-authenticated requests.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from universities.models import University
from universities.selectors import has_role, is_platform_staff

from . import conf, multipart, selectors, services
from .access import (
    Principal,
    check_document_access,
    principal_for_request,
    statements_for_write,
    statements_visible_to,
)
from .models import LRSClient
from .signatures import check_signed_statement, sha2_hex
from .validation import (
    XAPIError,
    format_timestamp,
    is_iri,
    is_uuid,
    parse_agent_parameter,
    parse_timestamp,
    validate_statement_batch,
)

XAPI_VERSION = "1.0.3"
_HEADER_FORM_FIELDS = {
    "authorization": "authorization",
    "x-experience-api-version": "x-experience-api-version",
    "content-type": "content-type",
    "content-length": "content-length",
    "if-match": "if-match",
    "if-none-match": "if-none-match",
}
_ALTERNATE_METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}


@dataclass
class XRequest:
    """An xAPI request after the alternate syntax has been unfolded."""

    django: object
    method: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    principal: Principal | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _read_body(request) -> bytes:
    limit = conf.max_body_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise XAPIError("invalid Content-Length") from None
    if declared > limit:
        raise XAPIError(f"the request body is larger than {limit} bytes", 413)
    # Reading the stream directly, not request.body, keeps Django's form-size limit out of
    # the way of attachments and applies our own limit instead.
    body = request.read(limit + 1)
    if len(body) > limit:
        raise XAPIError(f"the request body is larger than {limit} bytes", 413)
    return body


def _single_values(query: QueryDict, where: str) -> dict[str, str]:
    values = {}
    for key, items in query.lists():
        if len(items) > 1:
            raise XAPIError(f"parameter {key!r} is given more than once in the {where}")
        values[key] = items[0]
    return values


def _unfold(request) -> XRequest:
    headers = {
        name: request.headers[name] for name in _HEADER_FORM_FIELDS if name in request.headers
    }
    params = _single_values(request.GET, "query string")
    if request.method == "POST" and "method" in params:
        method = params.pop("method").upper()
        if method not in _ALTERNATE_METHODS:
            raise XAPIError("the method parameter names no xAPI method")
        if params:
            raise XAPIError(
                "with the alternate request syntax, only 'method' may be in the query string"
            )
        if (
            not headers.get("content-type", "")
            .lower()
            .startswith("application/x-www-form-urlencoded")
        ):
            raise XAPIError(
                "the alternate request syntax needs an application/x-www-form-urlencoded body"
            )
        try:
            form = QueryDict(_read_body(request), encoding="utf-8")
        except UnicodeDecodeError:
            raise XAPIError("the form is not UTF-8") from None
        body = b""
        for key, value in _single_values(form, "form").items():
            if key == "content":
                body = value.encode("utf-8")
            elif key.lower() in _HEADER_FORM_FIELDS:
                headers[key.lower()] = value
            else:
                params[key] = value
        headers.pop("content-length", None)
        if body and "content-type" not in {k for k in form if k.lower() == "content-type"}:
            headers["content-type"] = "application/json"
        elif "content-type" not in {k.lower() for k in form}:
            headers.pop("content-type", None)
        return XRequest(request, method, params, headers, body)
    if "method" in params:
        raise XAPIError("the method parameter is only allowed on POST")
    body = _read_body(request) if request.method in {"PUT", "POST"} else b""
    return XRequest(request, request.method, params, headers, body)


def _check_version(headers: dict[str, str]) -> None:
    version = headers.get("x-experience-api-version")
    if version is None:
        raise XAPIError("the X-Experience-API-Version header is required")
    parts = version.strip().split(".")
    if not (parts[:2] == ["1", "0"] and len(parts) in {2, 3} and all(p.isdigit() for p in parts)):
        raise XAPIError(f"xAPI version {version!r} is not supported; this LRS speaks 1.0.x")


def _error_response(exc: XAPIError) -> HttpResponse:
    response = JsonResponse(
        {"error": {"code": exc.status, "message": exc.message}}, status=exc.status
    )
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="xAPI"'
    return response


def xapi_endpoint(
    methods: set[str], *, authenticate: bool = True, consistent_through: bool = False
):
    """Wrap a resource handler `(xrequest) -> HttpResponse` with the shared xAPI rules."""

    def decorator(handler):
        @csrf_exempt
        @functools.wraps(handler)
        def view(request, *args, **kwargs):
            try:
                xrequest = _unfold(request)
                if xrequest.method == "HEAD":
                    xrequest.method = "GET"
                    head = True
                else:
                    head = False
                if xrequest.method not in methods:
                    raise XAPIError(f"{xrequest.method} is not allowed here", 405)
                if authenticate:
                    _check_version(xrequest.headers)
                    xrequest.principal = principal_for_request(
                        request, xrequest.headers.get("authorization")
                    )
                response = handler(xrequest, *args, **kwargs)
                if head:
                    response.content = b""
            except XAPIError as exc:
                response = _error_response(exc)
            response["X-Experience-API-Version"] = XAPI_VERSION
            if consistent_through:
                margin = dt.timedelta(seconds=conf.consistency_margin_seconds())
                response["X-Experience-API-Consistent-Through"] = format_timestamp(
                    timezone.now() - margin
                )
            return response

        return view

    return decorator


def _allow_params(xrequest: XRequest, allowed: set[str]) -> None:
    unknown = set(xrequest.params) - allowed
    if unknown:
        raise XAPIError("unknown parameter(s): " + ", ".join(sorted(unknown)))


def _bool_param(xrequest: XRequest, name: str) -> bool:
    value = xrequest.params.get(name, "false")
    if value not in {"true", "false"}:
        raise XAPIError(f"{name} must be true or false")
    return value == "true"


def _timestamp_param(xrequest: XRequest, name: str) -> dt.datetime | None:
    if name not in xrequest.params:
        return None
    try:
        return parse_timestamp(xrequest.params[name])
    except ValueError:
        raise XAPIError(f"{name} must be an ISO 8601 timestamp") from None


def _iri_param(xrequest: XRequest, name: str, *, required: bool = False) -> str | None:
    value = xrequest.params.get(name)
    if value is None:
        if required:
            raise XAPIError(f"the {name} parameter is required")
        return None
    if not is_iri(value):
        raise XAPIError(f"{name} must be an IRI")
    return value


def _required(xrequest: XRequest, name: str) -> str:
    if name not in xrequest.params:
        raise XAPIError(f"the {name} parameter is required")
    return xrequest.params[name]


def _json_body(xrequest: XRequest):
    try:
        return json.loads(xrequest.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise XAPIError("the body is not valid JSON") from None


# --- statements ----------------------------------------------------------------------------


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
        try:
            payload = json.loads(first.content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise XAPIError("the statements part is not valid JSON") from None
        for part in rest:
            declared = part.headers.get("x-experience-api-hash", "").lower()
            if not declared:
                raise XAPIError("every attachment part needs an X-Experience-API-Hash header")
            if part.headers.get("content-transfer-encoding", "").lower() != "binary":
                raise XAPIError("every attachment part needs Content-Transfer-Encoding: binary")
            if sha2_hex(part.content, declared) != declared:
                raise XAPIError(f"attachment part {declared}: its content does not match its hash")
            parts[declared] = services.AttachmentPart(
                content_type=part.headers.get("content-type", "application/octet-stream"),
                content=part.content,
            )
    elif xrequest.content_type == "application/json":
        payload = _json_body(xrequest)
    else:
        raise XAPIError("statements must be sent as application/json or multipart/mixed")
    return payload, parts


def _store(xrequest: XRequest, statements, parts) -> list[str]:
    principal = xrequest.principal
    validated = validate_statement_batch(statements, max_statements=conf.max_batch_statements())
    for statement in validated:
        check_signed_statement(statement, parts)
    validated = statements_for_write(principal, validated)
    return services.statements_store(
        validated,
        authority=principal.authority,
        university_id=principal.university_id,
        client_id=principal.client.pk if principal.client else None,
        may_void=not principal.is_learner,
        attachments=parts,
    )


def _statement_result(xrequest: XRequest) -> HttpResponse:
    params = xrequest.params
    _allow_params(xrequest, _GET_STATEMENT_PARAMS)
    fmt = params.get("format", "exact")
    if fmt not in {"exact", "ids", "canonical"}:
        raise XAPIError("format must be ids, exact or canonical")
    with_attachments = _bool_param(xrequest, "attachments")
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
            verb=_iri_param(xrequest, "verb"),
            activity=_iri_param(xrequest, "activity"),
            registration=params.get("registration"),
            related_activities=_bool_param(xrequest, "related_activities"),
            related_agents=_bool_param(xrequest, "related_agents"),
            since=_timestamp_param(xrequest, "since"),
            until=_timestamp_param(xrequest, "until"),
            ascending=_bool_param(xrequest, "ascending"),
        )
        if query.registration is not None and not is_uuid(query.registration):
            raise XAPIError("registration must be a UUID")
        limit = params.get("limit", "0")
        if not limit.isdigit():
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
        selectors.format_statement(s.data, fmt, accept_languages=accept, activities=activities)
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
        _allow_params(xrequest, {"statementId"})
        statement_id = _required(xrequest, "statementId")
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
    _allow_params(xrequest, set())
    ids = _store(xrequest, *_statements_from_body(xrequest))
    return JsonResponse(ids, safe=False)


# --- documents --------------------------------------------------------------------------------


def _document_response(xrequest: XRequest, address: services.DocumentAddress, id_param: str):
    since = _timestamp_param(xrequest, "since")
    if id_param in xrequest.params:
        if since:
            raise XAPIError(f"since cannot be used with {id_param}")
        document = selectors.document_get(address)
        if document is None:
            raise XAPIError("no such document", 404)
        response = HttpResponse(bytes(document.content), content_type=document.content_type)
        response["ETag"] = f'"{document.etag}"'
        response["Last-Modified"] = http_date(document.updated.timestamp())
        return response
    ids, last = selectors.document_ids(address, since=since)
    response = JsonResponse(ids, safe=False)
    if last:
        response["Last-Modified"] = http_date(last.timestamp())
    return response


def _document_write(xrequest: XRequest, address, id_param: str, *, profile: bool) -> HttpResponse:
    method = xrequest.method
    if_match = xrequest.headers.get("if-match")
    if_none_match = xrequest.headers.get("if-none-match")
    if method == "DELETE":
        if id_param not in xrequest.params and profile:
            raise XAPIError(f"the {id_param} parameter is required")
        services.document_delete(address, if_match=if_match, single=id_param in xrequest.params)
        return HttpResponse(status=204)
    _required(xrequest, id_param)
    services.document_save(
        address,
        content=xrequest.body,
        content_type=xrequest.headers.get("content-type", "application/octet-stream"),
        merge=method == "POST",
        if_match=if_match,
        if_none_match=if_none_match,
        require_precondition=profile and method == "PUT",
    )
    return HttpResponse(status=204)


def _agent_param(xrequest: XRequest) -> dict:
    return parse_agent_parameter(_required(xrequest, "agent"), allow_group=False)


@xapi_endpoint({"GET", "PUT", "POST", "DELETE"})
def state(xrequest: XRequest) -> HttpResponse:
    _allow_params(xrequest, {"activityId", "agent", "registration", "stateId", "since"})
    activity_iri = _iri_param(xrequest, "activityId", required=True)
    agent = _agent_param(xrequest)
    registration = xrequest.params.get("registration", "")
    if registration and not is_uuid(registration):
        raise XAPIError("registration must be a UUID")
    check_document_access(
        xrequest.principal, agent=agent, write=xrequest.method != "GET", kind="state"
    )
    address = services.DocumentAddress(
        kind="state",
        university_id=xrequest.principal.university_id,
        activity_iri=activity_iri,
        agent=agent,
        registration=registration,
        document_id=xrequest.params.get("stateId", ""),
    )
    if xrequest.method == "GET":
        return _document_response(xrequest, address, "stateId")
    if xrequest.method == "DELETE" and "since" in xrequest.params:
        raise XAPIError("since is only for GET")
    return _document_write(xrequest, address, "stateId", profile=False)


@xapi_endpoint({"GET", "PUT", "POST", "DELETE"})
def activity_profile(xrequest: XRequest) -> HttpResponse:
    _allow_params(xrequest, {"activityId", "profileId", "since"})
    activity_iri = _iri_param(xrequest, "activityId", required=True)
    check_document_access(
        xrequest.principal, agent=None, write=xrequest.method != "GET", kind="activity_profile"
    )
    address = services.DocumentAddress(
        kind="activity_profile",
        university_id=xrequest.principal.university_id,
        activity_iri=activity_iri,
        document_id=xrequest.params.get("profileId", ""),
    )
    if xrequest.method == "GET":
        return _document_response(xrequest, address, "profileId")
    return _document_write(xrequest, address, "profileId", profile=True)


@xapi_endpoint({"GET", "PUT", "POST", "DELETE"})
def agent_profile(xrequest: XRequest) -> HttpResponse:
    _allow_params(xrequest, {"agent", "profileId", "since"})
    agent = _agent_param(xrequest)
    check_document_access(
        xrequest.principal, agent=agent, write=xrequest.method != "GET", kind="agent_profile"
    )
    address = services.DocumentAddress(
        kind="agent_profile",
        university_id=xrequest.principal.university_id,
        agent=agent,
        document_id=xrequest.params.get("profileId", ""),
    )
    if xrequest.method == "GET":
        return _document_response(xrequest, address, "profileId")
    return _document_write(xrequest, address, "profileId", profile=True)


# --- activities, agents, about ---------------------------------------------------------------


@xapi_endpoint({"GET"})
def activities(xrequest: XRequest) -> HttpResponse:
    _allow_params(xrequest, {"activityId"})
    iri = _iri_param(xrequest, "activityId", required=True)
    activity = {"objectType": "Activity", "id": iri}
    definition = selectors.activity_definition(iri, xrequest.principal.university_id)
    if definition:
        activity["definition"] = definition
    return JsonResponse(activity)


@xapi_endpoint({"GET"})
def agents(xrequest: XRequest) -> HttpResponse:
    _allow_params(xrequest, {"agent"})
    agent = _agent_param(xrequest)
    # We hold no directory linking one person's identifiers, so the Person object carries
    # what the request named (Communication 2.4.s3.b3).
    person = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return JsonResponse(person)


@xapi_endpoint({"GET"}, authenticate=False)
def about(xrequest: XRequest) -> HttpResponse:
    return JsonResponse({"version": ["1.0.0", XAPI_VERSION]})


# --- registrar pages: LRS client credentials -----------------------------------------------------


def _registrar_university(user, code: str) -> University:
    university = get_object_or_404(University, code=code)
    if not (is_platform_staff(user) or has_role(user, "registrar", university.pk)):
        raise PermissionDenied
    return university


@login_required
def client_list(request, code: str):
    """Registrars see their university's LRS clients and create new credentials."""
    university = _registrar_university(request.user, code)
    new_credentials = None
    if request.method == "POST":
        action = request.POST.get("action", "create")
        if action == "deactivate":
            client = get_object_or_404(
                LRSClient, pk=request.POST.get("client"), university=university
            )
            services.lrs_client_deactivate(client=client)
            messages.success(request, _("The client was deactivated."))
            return redirect("xapi:clients", code=university.code)
        name = request.POST.get("name", "").strip()
        if not name or len(name) > 200:
            messages.error(request, _("Give the client a name of at most 200 characters."))
        else:
            new_credentials = services.lrs_client_create(
                university=university, name=name, created_by=request.user
            )
    clients = LRSClient.objects.filter(university=university).order_by("-created_at")
    return render(
        request,
        "xapi/client_list.html",
        {
            "university": university,
            "clients": clients,
            "new_credentials": new_credentials,
            "endpoint": request.build_absolute_uri("/xapi/"),
        },
    )
