"""Regression tests for what the access matrix found naming University A's pages to B's
staff in Wagtail's admin (`universities.admin_views`, mounted ahead of Wagtail's own views).

Each test asks as B's instructor for one of A's drafts and checks the draft's title never
comes back, then as A's instructor that the same request still works for its owners.
"""

import pytest
from django.urls import reverse

from tests import factories as f
from universities.roles import university_roles_provision

from .test_admin_isolation import draft_lesson

pytestmark = pytest.mark.django_db
SECRET = "Secret draft of A"


@pytest.fixture
def draft(course_a):
    return draft_lesson(course_a, SECRET)


@pytest.fixture
def instructor_a(uni_a):
    return f.make_member("instructor", uni_a)


@pytest.fixture
def instructor_b(uni_b):
    return f.make_member("instructor", uni_b)


def _bulk_delete(client, query):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    return client.get(url, query)


def test_bulk_delete_of_an_explicit_id_drops_the_page_b_may_not_see(
    client, draft, instructor_a, instructor_b
):
    client.force_login(instructor_b)
    response = _bulk_delete(client, {"id": [draft.pk]})
    assert SECRET.encode() not in response.content
    client.force_login(instructor_a)
    assert SECRET.encode() in _bulk_delete(client, {"id": [draft.pk]}).content


def test_select_all_in_a_bulk_action_is_narrowed_like_explicit_ids(
    client, draft, instructor_a, instructor_b
):
    """`?id=all&childOf=<module>` used to reach Wagtail unnarrowed: its confirmation listed
    every child of A's module, drafts included, to B's instructor."""
    module = draft.get_parent()
    client.force_login(instructor_b)
    response = _bulk_delete(client, {"id": "all", "childOf": module.pk})
    # A's published lessons are public; they may be listed (as not B's to delete).
    assert response.status_code in (200, 404)
    assert SECRET.encode() not in response.content
    client.force_login(instructor_a)
    response = _bulk_delete(client, {"id": "all", "childOf": module.pk})
    assert response.status_code == 200
    assert SECRET.encode() in response.content


@pytest.mark.parametrize("child_of", ["", "x", "999999", "-1"])
def test_select_all_with_a_missing_or_malformed_parent_is_answered_without_a_500(
    client, draft, instructor_b, child_of
):
    client.force_login(instructor_b)
    query = {"id": "all"} if child_of == "" else {"id": "all", "childOf": child_of}
    response = _bulk_delete(client, query)
    assert response.status_code in (404, 200)
    assert SECRET.encode() not in response.content


def test_page_chooser_chosen_multiple_names_only_visible_pages(
    client, draft, instructor_a, instructor_b
):
    url = reverse("wagtailadmin_choose_page_chosen_multiple")
    client.force_login(instructor_b)
    assert SECRET.encode() not in client.get(url, {"id": [draft.pk]}).content
    client.force_login(instructor_a)
    assert SECRET.encode() in client.get(url, {"id": [draft.pk]}).content


def test_workflow_modals_are_not_found_for_a_page_b_may_not_see(
    client, draft, uni_a, instructor_a, instructor_b
):
    roles = university_roles_provision(uni_a)
    roles.workflow.start(draft, instructor_a)
    cancellation = reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[draft.pk])
    preview = reverse(
        "wagtailadmin_pages:workflow_preview", args=[draft.pk, roles.approval_task.pk]
    )
    client.force_login(instructor_b)
    for url in (cancellation, preview):
        response = client.get(url)
        assert response.status_code == 404, url
        assert roles.approval_task.name.encode() not in response.content
        assert SECRET.encode() not in response.content
    client.force_login(instructor_a)
    response = client.get(cancellation)
    assert response.status_code == 200
    # The modal names the task the draft is at, for those who may see the draft.
    assert roles.approval_task.name in response.json()["html"]


@pytest.mark.parametrize(
    "name",
    [
        "wagtailadmin_reports:page_types_usage",
        "wagtailadmin_workflows:task_chooser",
    ],
)
def test_platform_wide_admin_pages_are_refused_to_university_staff(
    client, draft, instructor_b, name
):
    client.force_login(instructor_b)
    response = client.get(reverse(name))
    assert response.status_code in (302, 403)
    assert SECRET.encode() not in response.content


def test_move_confirmation_is_refused_before_it_names_the_page(
    client, draft, course_b, instructor_b
):
    client.force_login(instructor_b)
    module_b = course_b.get_children().first()
    response = client.get(reverse("wagtailadmin_pages:move_confirm", args=[draft.pk, module_b.pk]))
    assert response.status_code in (302, 403, 404)
    assert SECRET.encode() not in response.content
