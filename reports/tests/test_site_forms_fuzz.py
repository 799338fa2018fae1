"""Property tests: the registrar's token and schedule forms, and their revoke and delete
posts, answer every hostile post with a page or a refusal, never a 500, and a refusal
writes nothing.

The create forms refuse with 400 and the message next to the input kept; revoke and delete
take a row id from the URL and a university from the post, both validated by the gates in
`reports.access`, so another university's row is a 404 whatever the post says.
"""

import pytest
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reports import services
from reports.access import ReportScope
from reports.filters import parse_report_filters
from reports.models import ApiToken, ScheduledReport
from tests.strategies import awkward_text
from tests.strategies import numberish as numberish_strings

FUZZ = settings(max_examples=40, deadline=None)

awkward = awkward_text()
numberish = numberish_strings()
field = st.one_of(numberish, awkward)


def _university_value(world):
    return st.one_of(field, st.just(str(world.a.pk)), st.just(str(world.b.pk)))


@FUZZ
@given(data=st.data())
@example(data=None)
def test_token_form_answers_every_post_and_refusals_create_nothing(world, client, data):
    client.force_login(world.registrar_a)
    if data is None:  # the plain case, so the property is never vacuous
        form = {"name": "Nightly sync", "lifetime_days": "30", "university": str(world.a.pk)}
    else:
        form = data.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "name": st.one_of(awkward, st.just("n" * 101), st.just("Nightly")),
                    "lifetime_days": field,
                    "university": _university_value(world),
                },
            )
        )
    before = ApiToken.objects.count()
    response = client.post(reverse("reports_site:tokens"), form)
    assert response.status_code in (200, 400, 403), response.status_code
    if response.status_code == 200:
        assert ApiToken.objects.count() == before + 1
        token = ApiToken.objects.latest("pk")
        assert token.university_id == world.a.pk  # never for a university not the registrar's
        assert response.context["created"]["raw"].startswith(token.prefix)
    else:
        assert ApiToken.objects.count() == before
        if response.status_code == 400:
            assert response.context["error"]


@FUZZ
@given(data=st.data())
@example(data=None)
def test_schedule_form_answers_every_post_and_refusals_create_nothing(world, client, data):
    client.force_login(world.registrar_a)
    if data is None:
        form = {"kind": "enrollments", "format": "csv", "weekday": "1", "university": world.a.pk}
    else:
        form = data.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "kind": st.one_of(st.sampled_from(["enrollments", "course_summary"]), field),
                    "format": st.one_of(st.sampled_from(["csv", "xlsx"]), field),
                    "weekday": field,
                    "course": field,
                    "status": field,
                    "enrolled_from": field,
                    "university": _university_value(world),
                },
            )
        )
    before = ScheduledReport.objects.count()
    response = client.post(reverse("reports_site:schedules"), form)
    assert response.status_code in (302, 400, 403), response.status_code
    if response.status_code == 302:
        assert ScheduledReport.objects.count() == before + 1
        assert ScheduledReport.objects.latest("pk").university_id == world.a.pk
    else:
        assert ScheduledReport.objects.count() == before


def _rows_of_b(world):
    token, _raw = services.api_token_create(
        university=world.b, name="B's token", created_by=world.registrar_b
    )
    schedule = services.scheduled_report_create(
        owner=world.registrar_b,
        scope=ReportScope(university=world.b),
        kind="enrollments",
        fmt="csv",
        filters=parse_report_filters({}, scope=ReportScope(university=world.b)),
        weekday=1,
    )
    return token, schedule


@FUZZ
@given(university=st.one_of(field, st.none()), target_id=st.one_of(st.none(), numberish))
@example(university=None, target_id=None)
def test_revoke_and_delete_posts_never_reach_another_university(
    world, client, university, target_id
):
    token, schedule = _rows_of_b(world)
    client.force_login(world.registrar_a)
    post = {} if university is None else {"university": university}
    # Through the URL only ints reach the view; hostile ids go in the post, where a
    # careless view might read them.
    if target_id is not None:
        post["token_id"] = post["schedule_id"] = target_id
    for university_given in (post, {**post, "university": str(world.b.pk)}):
        revoke = client.post(
            reverse("reports_site:token_revoke", args=[token.pk]), university_given
        )
        delete = client.post(
            reverse("reports_site:schedule_delete", args=[schedule.pk]), university_given
        )
        assert revoke.status_code in (403, 404), revoke.status_code
        assert delete.status_code in (403, 404), delete.status_code
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ScheduledReport.objects.filter(pk=schedule.pk).exists()


def test_revoke_and_delete_work_for_their_own_registrar(world, client):
    """The other side of the property above: the same posts do act for the owner."""
    token, schedule = _rows_of_b(world)
    client.force_login(world.registrar_b)
    post = {"university": str(world.b.pk)}
    assert (
        client.post(reverse("reports_site:token_revoke", args=[token.pk]), post).status_code == 302
    )
    assert (
        client.post(reverse("reports_site:schedule_delete", args=[schedule.pk]), post).status_code
        == 302
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ScheduledReport.objects.filter(pk=schedule.pk).exists()


@pytest.mark.parametrize("view", ["reports_site:token_revoke", "reports_site:schedule_delete"])
def test_anonymous_revoke_and_delete_go_to_login(world, client, view):
    response = client.post(reverse(view, args=[1]), {"university": str(world.a.pk)})
    assert response.status_code == 302
    assert "login" in response["Location"]
