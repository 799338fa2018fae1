"""The reviewer's queue on the admin dashboard, with the context a reviewer needs.

Wagtail's "Awaiting your review" panel names each page but not the course or university it
belongs to, nor what the author changed; an editor of several courses cannot tell one
"Lesson 3" from another. This panel keeps Wagtail's list (the same reviewable task states and
actions) and adds, per page, its course or program, the owning university and the fields the
submitted revision changes against the live one.
"""

import json

from django.core.exceptions import ValidationError
from django.db.models import ManyToManyField
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.fields import StreamField
from wagtail.models import Page, Revision

from .models import CoursePage, ProgramPage

# Course and program pages sit at this depth in every language tree:
# root → home → university section / program index → course / program.
_COURSE_DEPTH = 4


def _owning_pages(pages: list[Page]) -> dict[str, Page]:
    """The course or program each page belongs to (itself included), keyed by tree path."""
    prefixes = {
        page.path[: _COURSE_DEPTH * Page.steplen] for page in pages if page.depth >= _COURSE_DEPTH
    }
    owners = {
        course.path: course
        for course in CoursePage.objects.filter(path__in=prefixes).select_related("university")
    }
    owners.update(
        (program.path, program)
        for program in ProgramPage.objects.filter(path__in=prefixes).select_related(
            "lead_university"
        )
    )
    return owners


def _edited_fields(page: Page) -> list[str]:
    """Names of the fields an author edits on this page type, in form order."""
    model = page.specific_class
    model_fields = {field.name for field in model._meta.get_fields()}
    form_fields = model.get_edit_handler().get_form_options().get("fields", [])
    # Form-only fields (comment notifications) and the address are not content.
    return [name for name in form_fields if name in model_fields and name != "slug"]


def changed_field_labels(page: Page, submitted: Revision, live: dict | None) -> list[str]:
    """Labels of the fields whose submitted value differs from the live content (none on a
    page that was never published: the caller calls it new instead)."""
    if live is None:
        return []
    labels = []
    for name in _edited_fields(page):
        field = page.specific_class._meta.get_field(name)
        if not _same_value(field, submitted.content.get(name), live.get(name)):
            labels.append(str(field.verbose_name))
    return labels


def _parsed(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _same_value(field, one, other) -> bool:
    """Equal as the field reads them: 5.0 and "5.00" are the same credits."""
    if one == other:
        return True
    if isinstance(field, StreamField):
        # One side may hold the stream as JSON text, the other as parsed JSON (PostgreSQL's
        # jsonb also reorders keys): compare what they say.
        return _parsed(one) == _parsed(other)
    if isinstance(field, ManyToManyField):
        return False  # lists of ids in one canonical form: unequal means changed
    try:
        return field.to_python(one) == field.to_python(other)
    except ValidationError:
        return False


def _live_contents(pages: list[Page]) -> dict[int, dict]:
    """The live content of each published page, as a revision stores it.

    From the live revision where there is one; a page published without revisions (made in
    code, as the demo's are) holds its live content in its own row."""
    revisions = Revision.objects.in_bulk([p.live_revision_id for p in pages if p.live_revision_id])
    contents = {
        page.pk: revisions[page.live_revision_id].content
        for page in pages
        if page.live_revision_id in revisions
    }
    rowed = [page.pk for page in pages if page.live and page.pk not in contents]
    if rowed:  # one query per page type, not per page
        for page in Page.objects.filter(pk__in=rowed).specific():
            contents[page.pk] = page.serializable_data()
    return contents


def review_context(objects_and_revisions: list[tuple[Page, Revision]]) -> list[dict]:
    """Course, university and changes for each (page, submitted revision).

    Three queries for any number of pages (plus one per page type published without
    revisions)."""
    pages = [obj for obj, _revision in objects_and_revisions]
    owners = _owning_pages(pages)
    live_contents = _live_contents(pages)
    context = []
    for page, revision in objects_and_revisions:
        owner = owners.get(page.path[: _COURSE_DEPTH * Page.steplen])
        if isinstance(owner, CoursePage):
            university = owner.university
        elif isinstance(owner, ProgramPage):
            university = owner.lead_university
        else:
            university = None
        live = live_contents.get(page.pk)
        context.append(
            {
                "owner": owner,
                "university": university,
                "is_new": live is None,
                "changes": changed_field_labels(page, revision, live),
            }
        )
    return context


class ReviewQueuePanel(WorkflowObjectsToModeratePanel):
    """Wagtail's review panel with a course, a university and a "what changed" column."""

    template_name = "courses/admin/review_queue.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        states = [state for state in context["states"] if isinstance(state["obj"], Page)]
        extra = review_context([(state["obj"], state["revision"]) for state in states])
        for state, more in zip(states, extra, strict=True):
            state.update(more)
        return context
