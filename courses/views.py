"""The catalogue. The pages of the tree are served by Wagtail: the home and university pages
through their `get_context`, the course, program and lesson pages by `learning.page_views`,
which adds the reader's own records (ADR 0014)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.views import serve as wagtail_serve

from universities.models import University

from . import pagecache, routing, selectors
from .models import Level


@require_GET
@pagecache.page_cached
def catalogue(request):
    routing.site_for_request(request)  # kept: the cards' page links need the site
    filters = selectors.CatalogueFilters.from_querydict(request.GET)
    locale = selectors.current_locale()
    courses = selectors.catalogue_courses(filters, locale)
    page_obj = Paginator(courses, selectors.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    programs = selectors.catalogue_programs(filters, locale) if page_obj.number == 1 else []
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}
    return TemplateResponse(
        request,
        "courses/catalogue.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "courses": list(page_obj),
            "programs": programs,
            "universities": University.objects.order_by("name"),
            "levels": Level.choices,
            "query_string": urlencode(kept),
        },
    )


@pagecache.page_cached
def serve_page(request, path):
    """Wagtail's page view, routed from the remembered routes when they still hold; anonymous
    readers' pages kept whole in the page cache (ADR 0056)."""
    routing.page_route_prepare(request, path)
    return wagtail_serve(request, path)
