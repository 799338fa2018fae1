"""The xAPI request framing every resource shares (Communication 1, 3.2 and 3.3).

`xapi_endpoint` wraps a resource handler with: the alternate request syntax (Communication
1.3, 1.0.3 only: IEEE 9274.1.1 removed it), the X-Experience-API-Version header, which
chooses the version a request is served under (`versions.negotiate`, ADR 0045), body size
limits, authentication through `access.principal_for_request`, HEAD, and turning
`XAPIError` into the status the specification names. CSRF: Django's middleware is bypassed
for these views because Basic-auth clients carry no cookie; `access.principal_for_request`
runs the CSRF check itself for session-authenticated requests.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field

from django.core.exceptions import SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import conf
from .access import Principal, principal_for_request
from .errors import XAPIError
from .validation import format_timestamp
from .versions import DEFAULT_VERSION, is_2_0, negotiate

logger = logging.getLogger(__name__)

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
    # The xAPI version the request is served under ("1.0.3" or "2.0.0"): `versions.negotiate`.
    version: str = DEFAULT_VERSION
    alternate_syntax: bool = False

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
        # Parameters become document ids and database text, which cannot hold U+0000.
        if "\x00" in key or "\x00" in items[0]:
            raise XAPIError(f"the {where} contains the character U+0000")
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
        return XRequest(request, method, params, headers, body, alternate_syntax=True)
    if "method" in params:
        raise XAPIError("the method parameter is only allowed on POST")
    if any("\x00" in value for value in headers.values()):
        raise XAPIError("a header contains the character U+0000")
    body = _read_body(request) if request.method in {"PUT", "POST"} else b""
    return XRequest(request, request.method, params, headers, body)


def _version_for_answer(headers) -> str:
    """The version to name in a response before (or without) negotiating: the header's, if it
    names one this LRS speaks, else the default."""
    try:
        return negotiate(headers.get("x-experience-api-version"))
    except XAPIError:
        return DEFAULT_VERSION


def _negotiate(xrequest: XRequest) -> None:
    xrequest.version = negotiate(xrequest.headers.get("x-experience-api-version"))
    sent_2_0 = is_2_0(xrequest.version) or is_2_0(_version_for_answer(xrequest.django.headers))
    if xrequest.alternate_syntax and sent_2_0:
        raise XAPIError("xAPI 2.0 has no alternate request syntax: send the method and headers")


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
            served = _version_for_answer(request.headers)
            try:
                xrequest = _unfold(request)
                served = _version_for_answer(xrequest.headers)
                xrequest.version = served
                if xrequest.method == "HEAD":
                    xrequest.method = "GET"
                    head = True
                else:
                    head = False
                if xrequest.method not in methods:
                    raise XAPIError(f"{xrequest.method} is not allowed here", 405)
                if authenticate:
                    _negotiate(xrequest)
                    xrequest.principal = principal_for_request(
                        request, xrequest.headers.get("authorization")
                    )
                response = handler(xrequest, *args, **kwargs)
                if head:
                    response.content = b""
            except XAPIError as exc:
                response = _error_response(exc)
            except SuspiciousOperation:
                # Django's own refusals (too many fields, a malformed header) would otherwise
                # come back as the site's HTML 400 page; an LRS client reads JSON.
                response = _error_response(XAPIError("the request is malformed or too large"))
            except Exception:
                # An LRS client reads JSON errors (Communication 3.2), never the site's HTML
                # page. The signal keeps Django's reporting (and the test client) informed.
                logger.exception("xAPI request failed: %s %s", request.method, request.path)
                got_request_exception.send(sender=None, request=request)
                response = _error_response(XAPIError("the LRS failed to handle the request", 500))
            # Every answer names the version it was served under (Communication 3.3.s3.b1).
            response["X-Experience-API-Version"] = served
            if consistent_through:
                margin = dt.timedelta(seconds=conf.consistency_margin_seconds())
                response["X-Experience-API-Consistent-Through"] = format_timestamp(
                    timezone.now() - margin
                )
            return response

        return view

    return decorator
