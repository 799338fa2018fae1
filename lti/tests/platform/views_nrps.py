"""Names and Role Provisioning Services 2.0: a context's members, and the driver's roster."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import store
from .common import SCOPE_NRPS, Refused, answer, json_body, refusal, roles, url
from .views_ags import _page
from .views_token import authorize

MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MEMBER_FIELDS = ("name", "given_name", "family_name", "email", "picture", "lis_person_sourcedid")


@require_GET
def memberships(request, context_id):
    try:
        authorize(request, SCOPE_NRPS)
        roster = store.get("roster", context_id) or {"context": {"id": context_id}, "members": []}
        rlid, role = request.GET.get("rlid"), request.GET.get("role")
        members = []
        for member in roster["members"]:
            links = member.get("resource_links")
            if rlid and links is not None and rlid not in links:
                continue
            if role and roles([role])[0] not in member["roles"]:
                continue
            members.append({k: v for k, v in member.items() if k != "resource_links"})
        query = {k: v for k, v in request.GET.items() if k not in ("limit", "page")}
        base = url(f"/contexts/{context_id}/memberships")
        members, headers = _page(request, members, base, query)
    except Refused as exc:
        return refusal(exc)
    body = {"id": request.build_absolute_uri(), "context": roster["context"], "members": members}
    return answer(body, content_type=MEMBERSHIPS, headers=headers)


@csrf_exempt
@require_POST
def driver_roster(request):
    try:
        data = json_body(request)
        context = data.get("context") or {"id": data.get("context_id")}
        if not isinstance(context, dict) or not context.get("id"):
            raise Refused(400, "invalid_request", "context.id (or context_id) is required.")
        members = data.get("members")
        if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
            raise Refused(400, "invalid_request", "members must be a list of objects.")
        stored = []
        for member in members:
            if not member.get("user_id"):
                raise Refused(400, "invalid_request", "Every member needs a user_id.")
            status = member.get("status", "Active")
            if status not in ("Active", "Inactive", "Deleted"):
                raise Refused(400, "invalid_request", "status is Active, Inactive or Deleted.")
            entry = {"user_id": str(member["user_id"]), "status": status}
            entry["roles"] = roles(member.get("roles", ["learner"]))
            entry.update({k: member[k] for k in MEMBER_FIELDS if k in member})
            if "resource_links" in member:
                entry["resource_links"] = list(member["resource_links"])
            stored.append(entry)
    except Refused as exc:
        return refusal(exc)
    context = {k: context[k] for k in ("id", "title", "label") if k in context}
    store.put("roster", str(context["id"]), {"context": context, "members": stored})
    return JsonResponse({"context": context, "members": len(stored)})
