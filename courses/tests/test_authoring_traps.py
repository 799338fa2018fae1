"""Authoring in the admin: course order in the explorer, and retrying after an abandoned draft."""

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import nested_form_data, rich_text

from courses.abandoned_drafts import SLUG_RELEASED
from courses.models import ModulePage
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return f.build_course(f.UniversityFactory(code="trap"), modules=3, lessons_per_module=1)


def draft_module(course, *, owner, slug="intro", title="Intro"):
    """What the admin's autosave leaves behind when an author abandons "Add module"."""
    module = ModulePage(title=title, slug=slug, live=False, owner=owner)
    course.add_child(instance=module)
    module.save_revision(user=owner)
    return module


def add_module(client, course, slug="intro"):
    url = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    data = nested_form_data({"title": "Intro", "slug": slug, "intro": rich_text("<p>Hi</p>")})
    return client.post(url, data)


def test_the_explorer_lists_modules_in_course_order_after_edits(client, course):
    editor = f.make_member("editor", course.university)
    modules = [page.specific for page in course.get_children()]
    for number in (3, 1, 2):  # edited out of order: newest-first would list 2, 1, 3
        module = modules[number - 1]
        module.title = f"Module {number} (edited)"
        module.save_revision(user=editor).publish()
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_explore", args=[course.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(f"Module {number} (edited)") for number in (1, 2, 3)]
    assert positions == sorted(positions)


def test_a_retry_takes_the_address_of_the_authors_abandoned_draft(client, course):
    author = f.make_member("editor", course.university)
    abandoned = draft_module(course, owner=author)
    client.force_login(author)

    response = add_module(client, course)

    assert response.status_code == 302, response.content.decode()[:2000]
    new = ModulePage.objects.child_of(course).get(slug="intro")
    assert new.pk != abandoned.pk
    abandoned.refresh_from_db()
    assert abandoned.slug == "intro-draft"
    assert abandoned.get_latest_revision().content["slug"] == "intro-draft"
    entry = PageLogEntry.objects.get(page=abandoned, action=SLUG_RELEASED)
    assert entry.user == author
    assert entry.data == {"released_slug": "intro", "new_slug": "intro-draft"}


def test_a_second_abandoned_draft_moves_to_a_further_free_slug(client, course):
    author = f.make_member("editor", course.university)
    draft_module(course, owner=author, slug="intro-draft", title="Older attempt")
    abandoned = draft_module(course, owner=author)
    client.force_login(author)
    assert add_module(client, course).status_code == 302
    abandoned.refresh_from_db()
    assert abandoned.slug == "intro-draft-2"


@pytest.mark.parametrize("holder", ["someone_elses_draft", "published_page", "draft_in_review"])
def test_an_address_that_is_not_an_abandoned_draft_of_the_author_stays_taken(
    client, course, holder
):
    author = f.make_member("editor", course.university)
    if holder == "someone_elses_draft":
        taken = draft_module(course, owner=f.make_member("editor", course.university))
    elif holder == "published_page":
        taken = ModulePage(title="Intro", slug="intro", owner=author)
        course.add_child(instance=taken)
    else:
        taken = draft_module(course, owner=author)
        workflow = taken.get_workflow()  # the university's course approval
        assert workflow is not None
        workflow.start(taken, author)
    client.force_login(author)

    response = add_module(client, course)

    assert response.status_code == 200
    assert "already in use" in response.content.decode()
    taken.refresh_from_db()
    assert taken.slug == "intro"
    assert ModulePage.objects.child_of(course).filter(slug="intro").count() == 1
