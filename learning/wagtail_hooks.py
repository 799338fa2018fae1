from wagtail import hooks

from .page_views import PAGE_VIEWS


# Runs after Wagtail's own view-restriction check (order 0), so private pages stay private.
@hooks.register("before_serve_page", order=100)
def serve_learner_pages(page, request, serve_args, serve_kwargs):
    """Serve course, program and lesson pages with the reader's enrollment and progress.

    Returning a response here replaces `Page.serve`; pages not listed fall through to it.
    Previews in the admin do not pass through this hook and render without learner data.
    Why a hook rather than `Page.get_context`: ADR 0014.
    """
    view = PAGE_VIEWS.get(type(page))
    if view is not None and not serve_args and not serve_kwargs:
        return view(request, page)
    return None
