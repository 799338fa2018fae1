"""A URLconf holding only the LRS, set as `request.urlconf` while an xAPI request is answered.

The root URLconf uses `i18n_patterns` with a catch-all Wagtail route, so LocaleMiddleware
turns every 404 outside a language prefix into a redirect to `/en/...`. An LRS must answer
404 itself (a missing statement or document), so its views point LocaleMiddleware and
CommonMiddleware at this URLconf, where no language-prefixed path exists to redirect to.
"""

from django.urls import include, path

urlpatterns = [path("xapi/", include("xapi.urls"))]
