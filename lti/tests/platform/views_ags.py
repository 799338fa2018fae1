"""Assignment and Grade Services 2.0: line items, scores and results, plus the driver's view
of every score received and its switch to refuse the next score posts."""

from __future__ import annotations

import math
from datetime import datetime
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import store
from .common import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READ,
    SCOPE_RESULT_READ,
    SCOPE_SCORE,
    Refused,
    answer,
    json_body,
    new_id,
    now,
    refusal,
    url,
)
from .views_token import authorize

LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESULTS = "application/vnd.ims.lis.v2.resultcontainer+json"
ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}
LINEITEM_FIELDS = ("scoreMaximum", "label", "resourceId", "tag", "resourceLinkId")
LINEITEM_FIELDS += ("startDateTime", "endDateTime", "gradesReleased")


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _instant(value) -> datetime:
    """An ISO 8601 date-time with its zone, or Refused(400)."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise Refused(400, "invalid_request", f"Not an ISO 8601 date-time: {value!r}") from exc
    if moment.tzinfo is None:
        raise Refused(400, "invalid_request", "A date-time needs its zone offset.")
    return moment


def check_lineitem(data: dict) -> dict:
    if not _number(data.get("scoreMaximum")) or data["scoreMaximum"] <= 0:
        raise Refused(400, "invalid_request", "scoreMaximum must be a number above 0.")
    if not isinstance(data.get("label"), str) or not data["label"].strip():
        raise Refused(400, "invalid_request", "label is required.")
    for name in ("resourceId", "tag", "resourceLinkId"):
        if name in data and not isinstance(data[name], str):
            raise Refused(400, "invalid_request", f"{name} must be a string.")
    for name in ("startDateTime", "endDateTime"):
        if data.get(name) is not None:
            _instant(data[name])
    return {name: data[name] for name in LINEITEM_FIELDS if name in data}


def create_lineitem(context_id: str, data: dict) -> dict:
    fields = check_lineitem(data)
    key = new_id("li-")
    item = dict(fields, id=url(f"/contexts/{context_id}/lineitems/{key}"))
    store.put("lineitem", key, dict(item, key=key, context_id=context_id))
    return item


def _public(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in ("key", "context_id")}


def _page(request, rows: list, base: str, query: dict) -> tuple[list, dict]:
    """A `limit` page of rows with an RFC 8288 `Link: <...>; rel="next"` header if more."""
    headers = {}
    limit = request.GET.get("limit")
    if limit is None:
        return rows, headers
    try:
        limit, offset = int(limit), int(request.GET.get("page", 0))
    except ValueError as exc:
        raise Refused(400, "invalid_request", "limit and page must be integers.") from exc
    if limit < 1 or offset < 0:
        raise Refused(400, "invalid_request", "limit must be positive.")
    if offset + limit < len(rows):
        following = urlencode(dict(query, limit=limit, page=offset + limit))
        headers["Link"] = f'<{base}?{following}>; rel="next"'
    return rows[offset : offset + limit], headers


@csrf_exempt
@require_http_methods(["GET", "POST"])
def lineitems(request, context_id):
    try:
        if request.method == "POST":
            authorize(request, SCOPE_LINEITEM)
            item = create_lineitem(context_id, json_body(request))
            return answer(item, status=201, content_type=LINEITEM)
        authorize(request, SCOPE_LINEITEM, SCOPE_LINEITEM_READ)
        filters = {
            "resourceLinkId": request.GET.get("resource_link_id"),
            "resourceId": request.GET.get("resource_id"),
            "tag": request.GET.get("tag"),
        }
        rows = [
            _public(item)
            for item in store.every("lineitem")
            if item["context_id"] == context_id
            and all(item.get(name) == value for name, value in filters.items() if value)
        ]
        query = {k: v for k, v in request.GET.items() if k not in ("limit", "page")}
        rows, headers = _page(request, rows, url(f"/contexts/{context_id}/lineitems"), query)
        return answer(rows, content_type=CONTAINER, headers=headers)
    except Refused as exc:
        return refusal(exc)


def _lineitem(context_id: str, key: str) -> dict:
    item = store.get("lineitem", key)
    if item is None or item["context_id"] != context_id:
        raise Refused(404, "not_found", "No such line item.")
    return item


@csrf_exempt
@require_http_methods(["GET", "PUT", "DELETE"])
def lineitem(request, context_id, key):
    try:
        if request.method == "GET":
            authorize(request, SCOPE_LINEITEM, SCOPE_LINEITEM_READ)
            return answer(_public(_lineitem(context_id, key)), content_type=LINEITEM)
        authorize(request, SCOPE_LINEITEM)
        item = _lineitem(context_id, key)
        if request.method == "DELETE":
            store.delete("lineitem", key)
            return HttpResponse(status=204)
        fields = check_lineitem(json_body(request))
        updated = dict(fields, id=item["id"], key=key, context_id=context_id)
        store.put("lineitem", key, updated)
        return answer(_public(updated), content_type=LINEITEM)
    except Refused as exc:
        return refusal(exc)


def _check_score(data: dict) -> datetime:
    if not isinstance(data.get("userId"), str) or not data["userId"]:
        raise Refused(400, "invalid_request", "userId is required.")
    if data.get("activityProgress") not in ACTIVITY:
        raise Refused(400, "invalid_request", f"activityProgress is one of {sorted(ACTIVITY)}.")
    if data.get("gradingProgress") not in GRADING:
        raise Refused(400, "invalid_request", f"gradingProgress is one of {sorted(GRADING)}.")
    if "scoreGiven" in data and data["scoreGiven"] is not None:
        if not _number(data["scoreGiven"]) or data["scoreGiven"] < 0:
            raise Refused(400, "invalid_request", "scoreGiven must be a number, 0 or more.")
        if not _number(data.get("scoreMaximum")) or data["scoreMaximum"] <= 0:
            raise Refused(400, "invalid_request", "scoreGiven needs a scoreMaximum above 0.")
    if "comment" in data and not isinstance(data["comment"], str | None):
        raise Refused(400, "invalid_request", "comment must be a string.")
    if "timestamp" not in data:
        raise Refused(400, "invalid_request", "timestamp is required.")
    return _instant(data["timestamp"])


@csrf_exempt
@require_POST
def scores(request, context_id, key):
    try:
        grant = authorize(request, SCOPE_SCORE)
        item = _lineitem(context_id, key)
        switch = store.get("refuse_scores", "switch")
        if switch and switch["times"] > 0:
            store.put("refuse_scores", "switch", dict(switch, times=switch["times"] - 1))
            raise Refused(switch["status"], "refused", "Scores are refused for now (driver).")
        if request.content_type != SCORE:
            raise Refused(415, "invalid_request", f"The score's media type is {SCORE}.")
        data = json_body(request)
        moment = _check_score(data)
    except Refused as exc:
        return refusal(exc)
    result_key = f"{key}|{data['userId']}"
    previous = store.get("result", result_key)
    applied = previous is None or _instant(previous["timestamp"]) < moment
    if applied:
        store.put("result", result_key, dict(data, lineitem=item["id"], key=key))
    store.put(
        "score_log",
        new_id(),
        dict(
            data,
            lineitem=item["id"],
            context_id=context_id,
            client_id=grant["client_id"],
            applied=applied,
            received=now(),
        ),
    )
    return JsonResponse({}, status=200)


@require_GET
def results(request, context_id, key):
    try:
        authorize(request, SCOPE_RESULT_READ)
        item = _lineitem(context_id, key)
        user_id = request.GET.get("user_id")
        rows = []
        for result in store.every("result"):
            if result["key"] != key or (user_id and result["userId"] != user_id):
                continue
            row = {
                "id": f"{item['id']}/results/{result['userId']}",
                "scoreOf": item["id"],
                "userId": result["userId"],
            }
            if _number(result.get("scoreGiven")):
                row["resultScore"] = result["scoreGiven"]
                row["resultMaximum"] = result["scoreMaximum"]
            if result.get("comment"):
                row["comment"] = result["comment"]
            rows.append(row)
        query = {k: v for k, v in request.GET.items() if k not in ("limit", "page")}
        rows, headers = _page(request, rows, f"{item['id']}/results", query)
        return answer(rows, content_type=RESULTS, headers=headers)
    except Refused as exc:
        return refusal(exc)


@require_GET
def driver_scores(request):
    return JsonResponse({"scores": store.every("score_log")})


@require_GET
def driver_lineitems(request):
    return JsonResponse(
        {
            "lineitems": [
                dict(_public(i), context_id=i["context_id"]) for i in store.every("lineitem")
            ]
        }
    )


@csrf_exempt
@require_POST
def driver_refuse_scores(request):
    try:
        data = json_body(request)
        status, times = data.get("status"), data.get("times", 1)
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise Refused(400, "invalid_request", "status must be a 4xx or 5xx code.")
        if not isinstance(times, int) or times < 0:
            raise Refused(400, "invalid_request", "times must be 0 or more.")
    except Refused as exc:
        return refusal(exc)
    store.put("refuse_scores", "switch", {"status": status, "times": times})
    return JsonResponse({"status": status, "times": times})
