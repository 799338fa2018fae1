"""HTTP only: the instructor's picker after a Deep Linking request, and the signed answer
auto-posted back to the platform."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from courses.models import CoursePage, LessonPage

from .access import DEEP_LINK_SESSION_KEY, deep_link_for, pages_for_deep_linking
from .deep_linking import content_item, deep_linking_response
from .selectors import deep_linking_pages


@require_http_methods(["GET", "POST"])
def deep_link(request):
    registration, held = deep_link_for(request)
    if request.method == "GET":
        pages = deep_linking_pages(registration)
        return render(request, "lti/deep_link.html", {"pages": pages})
    chosen = pages_for_deep_linking(registration, request.POST.getlist("page"))
    if not chosen:
        pages = deep_linking_pages(registration)
        return render(
            request, "lti/deep_link.html", {"pages": pages, "nothing_chosen": True}, status=400
        )
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    items = [
        content_item(
            title=page.title,
            url=launch_url,
            page_id=page.pk,
            resource_key=page.translation_key,
            graded=isinstance(page, CoursePage | LessonPage),
        )
        for page in chosen
    ]
    token = deep_linking_response(
        client_id=registration.client_id,
        issuer=registration.issuer,
        deployment_id=held["deployment_id"],
        data=held.get("data"),
        items=items,
    )
    del request.session[DEEP_LINK_SESSION_KEY]
    response = render(
        request, "lti/deep_link_return.html", {"return_url": held["return_url"], "jwt": token}
    )
    # The answer is a form posted to the platform: allow that one origin as a form target.
    target = urlsplit(held["return_url"])
    response._csp_config = {
        **settings.SECURE_CSP,
        "form-action": ["'self'", f"{target.scheme}://{target.netloc}"],
    }
    return response
