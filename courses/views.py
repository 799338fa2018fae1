"""The catalogue. The pages of the tree are served by Wagtail: the home and university pages
through their `get_context`, the course, program and lesson pages by `learning.page_views`,
which adds the reader's own records (ADR 0014)."""

from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.views import serve as wagtail_serve

from universities.models import University

from . import pagecache, routing, selectors
from .kept import kept
from .models import Level


def _listing(filters, locale, page_number) -> tuple[Page, list, list]:
    """One page of the catalogue: its courses (with a paginator over their count only, so the
    whole is plain values that can be kept), the programs (on the first page) and the
    universities of the filter."""
    courses = selectors.catalogue_courses(filters, locale)
    page_obj = Paginator(courses, selectors.CATALOGUE_PAGE_SIZE).get_page(page_number)
    programs = selectors.catalogue_programs(filters, locale) if page_obj.number == 1 else []
    counted = Paginator(range(page_obj.paginator.count), selectors.CATALOGUE_PAGE_SIZE)
    listed = Page(list(page_obj), page_obj.number, counted)
    return listed, list(programs), list(University.objects.order_by("name"))


@require_GET
@pagecache.page_cached
def catalogue(request):
    routing.site_for_request(request)  # kept: the cards' page links need the site
    filters = selectors.CatalogueFilters.from_querydict(request.GET)
    locale = selectors.current_locale()
    page_number = request.GET.get("page", "")[:12]
    if len(request.META.get("QUERY_STRING", "")) > pagecache.MAX_QUERY_LENGTH:
        page_obj, programs, universities = _listing(filters, locale, page_number)
    else:
        # The same for every reader (ADR 0066), signed in or not: kept under the generation,
        # and for one minute at most, as the anonymous page is, since a run opens by date.
        minute = int(timezone.now().timestamp() // pagecache.PAGE_SECONDS)
        parts = (repr(filters), page_number, getattr(locale, "pk", None), minute)
        page_obj, programs, universities = kept(
            "catalogue", parts, lambda: _listing(filters, locale, page_number)
        )
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return TemplateResponse(
        request,
        "courses/catalogue.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "courses": page_obj.object_list,
            "programs": programs,
            "universities": universities,
            "levels": Level.choices,
            "query_string": urlencode(query),
        },
    )


@pagecache.page_cached
def serve_page(request, path):
    """Wagtail's page view, routed from the remembered routes when they still hold; anonymous
    readers' pages kept whole in the page cache (ADR 0056)."""
    routing.page_route_prepare(request, path)
    return wagtail_serve(request, path)
