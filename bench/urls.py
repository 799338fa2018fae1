"""The platform's URLs plus one plain Django template view to measure them against."""

from django.shortcuts import render
from django.urls import path

from lms.urls import urlpatterns as platform_urlpatterns


def plain_page(request):
    """The site layout with `?p=N` paragraphs of text and no database work beyond the session.

    The runner picks N so that this page is as large as the lesson page it is compared with.
    """
    try:
        count = min(max(int(request.GET.get("p", "0")), 0), 1000)
    except ValueError:
        count = 0
    return render(request, "bench/plain.html", {"paragraphs": range(count)})


# Spliced in rather than included: the platform's language-prefixed patterns must stay at the
# root of the URLconf.
urlpatterns = [path("bench/plain/", plain_page, name="bench-plain"), *platform_urlpatterns]
