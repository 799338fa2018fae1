"""The Agents, Activities and About Resources (Communication 2.4, 2.5 and 2.8): what the LRS
holds about the things statements name, and about itself.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

from .. import selectors
from ..parameters import agent_param, allow_params, iri_param
from ..protocol import XRequest, xapi_endpoint
from ..versions import SUPPORTED_VERSIONS


@xapi_endpoint({"GET"})
def activities(xrequest: XRequest) -> HttpResponse:
    allow_params(xrequest, {"activityId"})
    iri = iri_param(xrequest, "activityId", required=True)
    activity = {"objectType": "Activity", "id": iri}
    definition = selectors.activity_definition(iri, xrequest.principal.university_id)
    if definition:
        activity["definition"] = definition
    return JsonResponse(activity)


@xapi_endpoint({"GET"})
def agents(xrequest: XRequest) -> HttpResponse:
    allow_params(xrequest, {"agent"})
    agent = agent_param(xrequest)
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
    return JsonResponse({"version": list(SUPPORTED_VERSIONS)})
