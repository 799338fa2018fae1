"""A learner's own lesson page kept for them (`learning.kept_pages`, ADR 0067): a second read
costs one query, and no learner ever gets a page that is stale, someone else's, or missing a
message. Each test reads a page (a miss, then a hit), writes what it shows, and reads again.
"""

import re

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.models import Group
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from courses import pagecache
from learning import records_version
from learning import services as learning
from learning.models import Enrollment
from tests import factories as f
from universities.models import Role
from universities.services import membership_grant, membership_revoke

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_caches")]
STATE = pagecache.HEADER


@pytest.fixture
def tnu():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.fixture
def course(tnu):
    return f.build_course(tnu, modules=1, lessons_per_module=3, quiz_in_last_lesson=False)


def signed_in(course, client=None):
    learner = f.make_member("learner", course.university)
    learning.enrollment_create(learner=learner, run=f.open_run(course))
    client = client or Client()
    client.force_login(learner)
    return learner, client


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def done_titles(response) -> list[str]:
    page = response.content.decode()
    return re.findall(r'<li class="done">(?:<a href="[^"]*">)?(?:<span[^>]*>)?([^<]+)', page)


def test_a_second_read_is_kept_and_costs_only_the_user(course, django_assert_num_queries):
    _, client = signed_in(course)
    lesson = f.lessons_of(course)[0]
    assert read(client, lesson.url)[STATE] == "miss"
    with django_assert_num_queries(1):  # the user of the session; the rest is kept
        kept = read(client, lesson.url)
    assert kept[STATE] == "hit"
    assert lesson.title in kept.content.decode()


def test_two_learners_each_get_their_own_page_and_token(course):
    first_learner, first = signed_in(course)
    _, second = signed_in(course)
    one, two, _ = f.lessons_of(course)
    first.post(reverse("learning:lesson_complete", args=[one.pk]))
    assert "Lesson completed." in read(first, two.url).content.decode()  # the message: not kept
    for _ in range(2):  # a miss, then both kept
        mine, theirs = read(first, two.url), read(second, two.url)
    assert mine[STATE] == theirs[STATE] == "hit"
    assert done_titles(mine) == [one.title] and done_titles(theirs) == []
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(mine.content.decode())[1] != token.search(theirs.content.decode())[1]
    assert pagecache.CSRF_PLACEHOLDER not in mine.content.decode()
    # The kept token is the visitor's own: a form posted from the kept page is accepted.
    checking = Client(enforce_csrf_checks=True)
    checking.force_login(first_learner)
    page = read(checking, two.url)
    page = read(checking, two.url)
    assert page[STATE] == "hit"
    posted = checking.post(
        reverse("learning:lesson_complete", args=[two.pk]),
        {"csrfmiddlewaretoken": token.search(page.content.decode())[1]},
    )
    assert posted.status_code == 303


def test_progress_shows_at_once_on_every_kept_lesson(course):
    _, client = signed_in(course)
    one, two, three = f.lessons_of(course)
    for lesson in (one, two, three):
        read(client, lesson.url)
    client.post(reverse("learning:lesson_complete", args=[one.pk]))
    read(client, three.url)  # shows the message "Lesson completed.", so is not kept
    after = read(client, three.url)
    assert after[STATE] == "miss"
    assert done_titles(after) == [one.title]


def test_a_withdrawn_learner_is_refused_at_once(course):
    learner, client = signed_in(course)
    lesson = f.lessons_of(course)[0]
    read(client, lesson.url)
    read(client, lesson.url)
    learning.enrollment_withdraw(enrollment=Enrollment.objects.get(learner=learner))
    assert client.get(lesson.url).status_code == 403


def test_a_deleted_enrollment_is_refused_at_once(course):
    learner, client = signed_in(course)
    lesson = f.lessons_of(course)[0]
    read(client, lesson.url)
    read(client, lesson.url)
    Enrollment.objects.filter(learner=learner).delete()
    assert client.get(lesson.url).status_code == 403


def test_a_new_role_and_a_removed_one_show_in_the_header_at_once(course, tnu):
    learner, client = signed_in(course)
    lesson = f.lessons_of(course)[0]
    teach = reverse("teaching:runs")
    read(client, lesson.url)
    assert teach not in read(client, lesson.url).content.decode()
    membership_grant(user=learner, university=tnu, role=Role.INSTRUCTOR)
    assert teach in read(client, lesson.url).content.decode()
    read(client, lesson.url)
    membership_revoke(user=learner, university=tnu, role=Role.INSTRUCTOR)
    assert teach not in read(client, lesson.url).content.decode()


def test_joining_a_group_bumps_the_learners_version(course):
    learner, _ = signed_in(course)
    group = Group.objects.create(name="Reviewers")
    before = records_version.versions(learner.pk)
    learner.groups.add(group)
    after = records_version.versions(learner.pk)
    assert after[0] == before[0] and after[1] != before[1]
    group.user_set.remove(learner)  # from the other side: the learner's version again
    assert records_version.versions(learner.pk)[1] != after[1]


def test_a_waiting_message_is_shown_not_a_kept_page(course, rf):
    _, client = signed_in(course)
    lesson = f.lessons_of(course)[0]
    read(client, lesson.url)
    assert read(client, lesson.url)[STATE] == "hit"
    # A message left by an earlier answer, in the cookie Django's message storage writes.
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.SUCCESS, "Your profile was saved.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies.update(carrier.cookies)
    shown = read(client, lesson.url)
    assert "Your profile was saved." in shown.content.decode()
    assert shown.get(STATE) != "hit"


def test_a_lesson_with_a_quiz_is_not_kept(tnu):
    course = f.build_course(tnu, modules=1, lessons_per_module=2)
    _, client = signed_in(course)
    quiz_lesson = f.lessons_of(course)[1]
    assert quiz_lesson.quiz_blocks()
    read(client, quiz_lesson.url)
    assert STATE not in read(client, quiz_lesson.url)


def test_a_lesson_read_with_a_query_string_is_rendered_and_not_kept(course):
    _, client = signed_in(course)
    lesson = f.lessons_of(course)[0]
    for made_up in ("a=1", "a=1", "b=2"):
        assert STATE not in read(client, f"{lesson.url}?{made_up}")
    assert read(client, lesson.url)[STATE] == "miss"  # nothing kept by those reads


def test_a_staff_preview_is_not_kept(course, tnu):
    instructor = f.make_member("instructor", tnu)
    client = Client()
    client.force_login(instructor)
    lesson = f.lessons_of(course)[0]
    read(client, lesson.url)
    assert STATE not in read(client, lesson.url)


def test_a_version_is_bumped_again_when_the_write_commits(
    course, django_capture_on_commit_callbacks
):
    learner, _ = signed_in(course)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        before = records_version.versions(learner.pk)
        records_version.records_changed(learner.pk)
        at_write = records_version.versions(learner.pk)
    assert at_write != before and len(callbacks) == 1
    callbacks[0]()
    assert records_version.versions(learner.pk) != at_write


def test_an_evicted_version_starts_anew_and_reaches_no_old_page(course):
    learner, client = signed_in(course)
    lesson = f.lessons_of(course)[0]
    read(client, lesson.url)
    cache.delete(f"ilm:learner-records:{learner.pk}")
    assert read(client, lesson.url)[STATE] == "miss"


def test_every_model_of_the_watched_apps_says_whose_page_it_changes():
    """A new model in these apps must be placed in one of the tables: whose page its writes
    change, everyone's, or no kept page's. Unplaced, it would bump everyone's version."""
    placed = (
        set(records_version.LEARNER_OF)
        | records_version.EVERYONE_OF
        | records_version.SHOWN_ON_NO_KEPT_PAGE
    )
    models = {
        model._meta.label
        for app in records_version.WATCHED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }
    assert models - placed == set()
    assert placed - models == set()  # and nothing listed that no longer exists
    for label, field in records_version.LEARNER_OF.items():
        model = apps.get_model(label)
        assert field in ("pk", "enrollment") or field in {f.attname for f in model._meta.fields}
