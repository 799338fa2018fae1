"""Hostile query strings and forms on the instructor's pages never make a 500.

The roster, the gradebook and their CSV/XLSX exports read search, filters, sort and page from
the query string (`LearnerFilterForm`): a bad value is reported on the page and ignored, never
a server error. The announcement form refuses a bad post with 400 and writes nothing. The
CSV bulk enrollment has its own file in `test_enrollment_csv_fuzz.py`.
"""

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from learning import services as learning
from teaching.models import Announcement

pytestmark = pytest.mark.django_db

awkward = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789²³٣५-+ eE.\t\n\u202e\u0301"),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=40,
)
numberish = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "1e9", "²", "١٢", "9" * 5000, " 7 ", "NaN", ""]),
)
QUERY_KEYS = ["q", "status", "progress", "activity", "days", "university", "sort", "page"]
queries = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_KEYS), awkward),
    st.one_of(numberish, awkward, st.sampled_from(["active", "completed", "name", "-progress"])),
    max_size=6,
)
LIST_VIEWS = ["teaching:roster", "teaching:gradebook", "teaching:roster_csv"]


@pytest.fixture
def enrolled(world):
    learning.enrollment_create(learner=world.learner_a, run=world.run_a)
    return world


@given(
    view=st.sampled_from([*LIST_VIEWS, "teaching:gradebook_csv", "teaching:gradebook_xlsx"]),
    query=queries,
)
@example(view="teaching:gradebook", query={"page": "9" * 5000})
@example(view="teaching:roster", query={"q": "a\x00b", "days": "²"})
@example(view="teaching:gradebook_xlsx", query={"university": "9" * 40})
def test_learner_lists_and_exports_never_make_a_server_error(client, enrolled, view, query):
    client.force_login(enrolled.instructor_a)
    response = client.get(reverse(view, args=[enrolled.run_a.pk]), query)
    assert response.status_code == 200, response.status_code
    if response.streaming:
        b"".join(response.streaming_content)
    elif view in ("teaching:roster", "teaching:gradebook"):
        # Anything not understood is named on the page instead of silently dropped.
        understood = set(QUERY_KEYS)
        shown = response.context["problems"]
        if any(key in understood for key in query) and not response.context["form"].is_valid():
            assert shown


@given(query=queries)
def test_another_universitys_instructor_gets_a_refusal_whatever_the_query(client, enrolled, query):
    client.force_login(enrolled.instructor_b)
    for view in LIST_VIEWS:
        response = client.get(reverse(view, args=[enrolled.run_a.pk]), query)
        assert response.status_code in (403, 404)


@given(
    form=st.fixed_dictionaries(
        {},
        optional={
            "title": st.one_of(awkward, st.just("x" * 201), st.just("")),
            "body": st.one_of(awkward, st.just("y" * 10_001), st.just("")),
        },
    )
)
@example(form={"title": "a\x00", "body": "b"})
def test_announcement_posts_are_answered_and_refusals_write_nothing(client, enrolled, form):
    client.force_login(enrolled.instructor_a)
    before = Announcement.objects.count()
    response = client.post(reverse("teaching:announcements", args=[enrolled.run_a.pk]), form)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert response.context["form"].errors
        assert Announcement.objects.count() == before


@pytest.mark.parametrize("view", ["teaching:announcements", "teaching:bulk_enrollment"])
def test_an_empty_post_is_refused_with_its_messages(client, enrolled, view):
    """Found by the property above: an empty POST left the form unbound, so the page
    answered 400 without saying what was missing."""
    client.force_login(enrolled.registrar_a if "bulk" in view else enrolled.instructor_a)
    before = Announcement.objects.count()
    response = client.post(reverse(view, args=[enrolled.run_a.pk]), {})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert "This field is required." in response.content.decode()
    assert Announcement.objects.count() == before
