"""Names and Role Provisioning Services 2.0, the tool's side: a context's members, beside
Ilm's enrollments of the run it launches into (ADR 0058)."""

from __future__ import annotations

from dataclasses import dataclass

from learning.models import Enrollment

from .ags import PlatformAnswer, _call, access_token
from .models import ContextLink, LtiIdentity

MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MAX_PAGES = 50


def memberships_fetch(context: ContextLink) -> list[dict]:
    """Every member of the platform context, following `Link: rel="next"` pages."""
    if not context.memberships_url:
        return []
    token = access_token(context.registration, (MEMBERSHIP_SCOPE,))
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
    }
    members, url = [], context.memberships_url
    for _page in range(MAX_PAGES):
        answer = _call("get", url, headers=headers)
        members.extend(answer.json().get("members", []))
        url = answer.links.get("next", {}).get("url")
        if not url:
            break
    return members


@dataclass(frozen=True)
class RosterRow:
    user_id: str
    name: str
    roles: list
    status: str
    enrolled: bool


def roster_compare(context: ContextLink) -> list[RosterRow]:
    """The platform's members, each with whether they have an Ilm enrollment in the run."""
    members = memberships_fetch(context)
    linked = dict(
        LtiIdentity.objects.filter(registration_id=context.registration_id).values_list(
            "sub", "user_id"
        )
    )
    enrolled = set(
        Enrollment.objects.filter(run_id=context.run_id)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .values_list("learner_id", flat=True)
    )
    return [
        RosterRow(
            user_id=str(member.get("user_id", "")),
            name=str(member.get("name", "")),
            roles=list(member.get("roles", [])),
            status=str(member.get("status", "Active")),
            enrolled=linked.get(str(member.get("user_id"))) in enrolled,
        )
        for member in members
    ]


__all__ = ["PlatformAnswer", "RosterRow", "memberships_fetch", "roster_compare"]
