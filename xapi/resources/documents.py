"""The Document Resources (Communication 2.2): state (2.3), agent profiles (2.6) and
activity profiles (2.7).

Each names its document by parameters, checks the principal may touch it
(`access.check_document_access`), then reads it (`selectors.document_get`, `document_ids`) or
writes it (`services.document_save`, `document_delete`) with the ETag preconditions the
request carries. Under xAPI 2.0 a PUT to any of the three, State included, needs If-Match or
If-None-Match; under 1.0.3 only the two profile resources do (ADRs 0022 and 0045). Under
2.0 the `agent` of State and Agent Profile may be an identified Group.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date

from .. import selectors, services
from ..access import check_document_access
from ..errors import XAPIError
from ..parameters import agent_param, allow_params, iri_param, required_param, timestamp_param
from ..protocol import XRequest, xapi_endpoint
from ..validation import is_uuid
from ..versions import is_2_0


def _document_response(xrequest: XRequest, address: services.DocumentAddress, id_param: str):
    since = timestamp_param(xrequest, "since")
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
    required_param(xrequest, id_param)
    services.document_save(
        address,
        content=xrequest.body,
        content_type=xrequest.headers.get("content-type", "application/octet-stream"),
        merge=method == "POST",
        if_match=if_match,
        if_none_match=if_none_match,
        require_precondition=method == "PUT" and (profile or is_2_0(xrequest.version)),
    )
    return HttpResponse(status=204)


@xapi_endpoint({"GET", "PUT", "POST", "DELETE"})
def state(xrequest: XRequest) -> HttpResponse:
    allow_params(xrequest, {"activityId", "agent", "registration", "stateId", "since"})
    activity_iri = iri_param(xrequest, "activityId", required=True)
    agent = agent_param(xrequest, document=True)
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
    allow_params(xrequest, {"activityId", "profileId", "since"})
    activity_iri = iri_param(xrequest, "activityId", required=True)
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
    allow_params(xrequest, {"agent", "profileId", "since"})
    agent = agent_param(xrequest, document=True)
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
