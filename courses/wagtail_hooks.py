from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from .abandoned_drafts import SLUG_RELEASED
from .models import CoursePage, UniversityPage
from .review_queue import ReviewQueuePanel
from .run_admin import course_run_viewset


@hooks.register("register_admin_viewset")
def register_course_run_viewset():
    return course_run_viewset


@hooks.register("before_create_page")
def only_editors_create_courses(request, parent_page, page_class):
    """Creating a course under a university section needs the publish right there, which
    only the university's editors hold; instructors add modules and lessons."""
    if (
        issubclass(page_class, CoursePage)
        and isinstance(parent_page.specific, UniversityPage)
        and not parent_page.permissions_for_user(request.user).can_publish()
    ):
        messages.error(request, _("Only the university's editors can create courses."))
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None


@hooks.register("register_log_actions")
def register_course_log_actions(actions):
    actions.register_action(
        SLUG_RELEASED,
        gettext_lazy("Give the address to a new page"),
        gettext_lazy("Address given to a new page of the same name; this draft moved aside"),
    )


@hooks.register("construct_homepage_panels")
def review_queue_with_context(request, panels):
    """Wagtail's "Awaiting your review" gives way to the same list with course context."""
    panels[:] = [
        ReviewQueuePanel() if panel.name == ReviewQueuePanel.name else panel for panel in panels
    ]
