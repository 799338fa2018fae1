"""The anonymous page cache (`courses.pagecache`, ADR 0056): a kept page costs no query, and no
reader ever gets a page that is stale, someone else's, or in another language.

Each test reads a page twice (a miss, then a hit), changes what it shows, and reads again.
"""

import re

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.test import Client, RequestFactory
from wagtail.models import Locale

from accounts.data_saver import COOKIE_NAME as DATA_SAVER_COOKIE
from courses import pagecache
from courses.models import CourseRun
from learning import services as learning
from tests import factories as f

pytestmark = pytest.mark.django_db

CATALOGUE = "/en/catalogue/"
STATE = pagecache.HEADER


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True
    cache.clear()  # page ids and paths repeat between tests
    yield
    cache.clear()


@pytest.fixture
def tnu():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.fixture
def course(tnu):
    return f.build_course(tnu, title="Foundations of Machine Learning", modules=1)


def twice(client, url, **extra):
    first = client.get(url, **extra)
    second = client.get(url, **extra)
    return first, second


def csrf_tokens(response) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())


# --- Hits ---------------------------------------------------------------------------------


def test_a_second_anonymous_course_page_is_a_hit_with_no_query(
    client, course, django_assert_num_queries
):
    first = client.get(course.url)
    assert first.status_code == 200 and first[STATE] == "miss"
    with django_assert_num_queries(0):
        second = client.get(course.url)
    assert second.status_code == 200 and second[STATE] == "hit"
    assert second.content.decode().count(course.title) == first.content.decode().count(course.title)


def test_a_second_anonymous_catalogue_is_a_hit_with_no_query(
    client, course, django_assert_num_queries
):
    assert client.get(CATALOGUE)[STATE] == "miss"
    with django_assert_num_queries(0):
        second = client.get(CATALOGUE)
    assert second[STATE] == "hit" and course.title in second.content.decode()


def test_the_home_and_university_pages_are_kept_too(client, course, tnu):
    for url in ("/en/", f.university_section(tnu).url):
        first, second = twice(client, url)
        assert (first.status_code, first[STATE], second[STATE]) == (200, "miss", "hit")


def test_an_anonymous_lesson_is_a_redirect_to_log_in_and_is_not_kept(client, course):
    lesson = f.lessons_of(course)[0]
    first, second = twice(client, lesson.url)
    assert first.status_code == second.status_code == 302
    assert STATE not in second


# --- Never stale --------------------------------------------------------------------------


def test_a_new_revision_of_the_course_is_served_at_once(client, course):
    twice(client, course.url)
    course.summary = "Now with a chapter on transformers."
    f.publish(course)
    response = client.get(course.url)
    assert response[STATE] == "miss"
    assert "Now with a chapter on transformers." in response.content.decode()


def test_a_new_revision_of_a_listed_course_shows_in_the_catalogue_at_once(client, course):
    twice(client, CATALOGUE)
    course.title = "Deep Learning in Practice"
    f.publish(course)
    html = client.get(CATALOGUE).content.decode()
    assert "Deep Learning in Practice" in html and "Foundations of Machine Learning" not in html


def test_a_new_revision_of_a_lesson_shows_in_the_course_outline_at_once(client, course):
    twice(client, course.url)
    lesson = f.lessons_of(course)[0]
    lesson.title = "Gradient descent by hand"
    f.publish(lesson)
    assert "Gradient descent by hand" in client.get(course.url).content.decode()


def test_a_new_revision_of_a_lesson_reaches_its_learner_at_once(client, course):
    learner = f.make_member("learner", course.university)
    learning.enrollment_create(learner=learner, run=f.open_run(course))
    client.force_login(learner)
    lesson = f.lessons_of(course)[0]
    assert "teaches things" in client.get(lesson.url).content.decode()
    lesson.body = [{"type": "rich_text", "value": "<p>Rewritten from scratch.</p>"}]
    f.publish(lesson)
    # The learner's own copy of the page (ADR 0067) is kept under the content generation too.
    response = client.get(lesson.url)
    assert "Rewritten from scratch." in response.content.decode()


def test_an_unpublished_course_answers_404_at_once(client, course):
    twice(client, course.url)
    course.unpublish()
    assert client.get(course.url).status_code == 404
    assert course.title not in client.get(CATALOGUE).content.decode()


def test_a_deleted_course_answers_404_at_once(client, course):
    url = course.url
    twice(client, url)
    course.delete()
    assert client.get(url).status_code == 404


def test_a_new_run_opens_enrollment_on_the_course_page_at_once(client, course):
    twice(client, course.url)
    run = f.open_run(course, capacity=30, term="Autumn 2031")
    assert "of 30 places taken" in client.get(course.url).content.decode()
    CourseRun.objects.filter(pk=run.pk).first().delete()
    assert "of 30 places taken" not in client.get(course.url).content.decode()


def test_an_enrollment_updates_the_places_taken_at_once(client, course):
    run = f.open_run(course, capacity=30)
    _first, second = twice(client, course.url)
    assert "0 of 30 places taken" in second.content.decode()
    learning.enrollment_create(learner=f.make_member("learner", course.university), run=run)
    assert "1 of 30 places taken" in client.get(course.url).content.decode()


def test_a_renamed_university_shows_at_once(client, course, tnu):
    twice(client, CATALOGUE)
    tnu.name = "Tajik National University of Dushanbe"
    tnu.save()
    assert "Tajik National University of Dushanbe" in client.get(CATALOGUE).content.decode()


def test_a_change_counts_again_when_its_transaction_commits(
    client, course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.content_changed()
    before = pagecache.generation()
    for callback in callbacks:
        callback()
    # A page rendered from the rows before the commit was kept under the old generation.
    assert pagecache.generation() != before


def test_an_evicted_generation_never_comes_back_to_an_old_page(client, course):
    twice(client, course.url)
    old = pagecache.generation()
    cache.delete(pagecache.GENERATION_KEY)
    assert pagecache.generation() != old
    assert client.get(course.url)[STATE] == "miss"


# --- Never someone else's -----------------------------------------------------------------


def test_a_signed_in_learner_never_gets_the_anonymous_page_nor_is_kept(client, course):
    twice(client, course.url)
    learner = f.make_member("learner", course.university)
    learning.enrollment_create(learner=learner, run=f.open_run(course))
    signed_in = Client()
    signed_in.force_login(learner)
    first, second = twice(signed_in, course.url)
    assert STATE not in first and STATE not in second
    assert "Withdraw" in second.content.decode()
    # The learner's page was not kept for anyone else either.
    assert "Withdraw" not in Client().get(course.url).content.decode()


def test_a_session_cookie_skips_the_cache(client, course):
    twice(client, course.url)
    client.cookies["sessionid"] = "anything"
    assert STATE not in client.get(course.url)


def test_an_unknown_cookie_skips_the_cache(client, course):
    twice(client, course.url)
    client.cookies["messages"] = "whatever"
    assert STATE not in client.get(course.url)


def test_the_csrf_token_of_one_visitor_never_reaches_another(course):
    first_visitor, second_visitor = Client(), Client()
    miss = first_visitor.get(course.url)
    hit = second_visitor.get(course.url)
    assert (miss[STATE], hit[STATE]) == ("miss", "hit")
    first_tokens, second_tokens = csrf_tokens(miss), csrf_tokens(hit)
    assert first_tokens and second_tokens
    assert pagecache.CSRF_PLACEHOLDER not in hit.content.decode()
    assert not set(first_tokens) & set(second_tokens)
    # Each page's token is its own visitor's: the form in it posts.
    for visitor, response in ((first_visitor, miss), (second_visitor, hit)):
        assert visitor.cookies["csrftoken"].value
        assert "csrftoken" in response.cookies
    for key in cache._cache:  # the kept bytes hold no token at all
        if key.startswith(":1:ilm:page:"):
            content, _headers, _placeholder = cache.get(key.removeprefix(":1:"))
            assert (
                b"csrfmiddlewaretoken" not in content
                or pagecache.CSRF_PLACEHOLDER.encode() in content
            )
            for token in first_tokens + second_tokens:
                assert token.encode() not in content


def test_the_csrf_token_in_a_cached_page_passes_the_csrf_check(course):
    visitor = Client(enforce_csrf_checks=True)
    Client().get(course.url)  # someone else fills the cache
    hit = visitor.get(course.url)
    assert hit[STATE] == "hit"
    token = csrf_tokens(hit)[0]
    response = visitor.post("/en/accounts/data-saver/", {"on": "1", "csrfmiddlewaretoken": token})
    assert response.status_code in (302, 303)


def test_a_page_kept_by_another_worker_process_gets_this_visitors_token(course, monkeypatch):
    """Each process draws its own placeholder; a page another one kept names its own."""
    Client().get(course.url)  # kept by "another process"
    monkeypatch.setattr(pagecache, "CSRF_PLACEHOLDER", "ilm-csrf-of-this-process")
    visitor = Client(enforce_csrf_checks=True)
    hit = visitor.get(course.url)
    assert hit[STATE] == "hit"
    assert b"ilm-csrf-" not in hit.content
    token = csrf_tokens(hit)[0]
    response = visitor.post("/en/accounts/data-saver/", {"on": "1", "csrfmiddlewaretoken": token})
    assert response.status_code in (302, 303)


def test_a_response_that_sets_a_cookie_is_not_kept(rf):
    def view(request):
        response = TemplateResponse(request, "404.html", {})
        response.set_cookie("flavour", "vanilla")
        return response

    cached = pagecache.page_cached(view)
    first, second = (cached(_anonymous(rf)) for _ in range(2))
    assert STATE not in first and STATE not in second


def test_an_already_rendered_response_is_not_kept(rf):
    cached = pagecache.page_cached(lambda request: HttpResponse("<p>rendered</p>"))
    assert STATE not in cached(_anonymous(rf)) and STATE not in cached(_anonymous(rf))


def _anonymous(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/en/somewhere/")
    request.user = AnonymousUser()
    return request


# --- Never another variant ----------------------------------------------------------------


def test_languages_never_mix(client, course):
    russian = Locale.objects.get(language_code="ru")
    translated = course.copy_for_translation(russian, copy_parents=True)
    translated.slug = "mashinnoe-obuchenie"
    translated.title = "Основы машинного обучения"
    f.publish(translated)
    for url, language in (("/en/catalogue/", "en"), ("/ru/catalogue/", "ru")) * 2:
        assert f'lang="{language}"' in client.get(url).content.decode()
    english, russian_page = twice(client, course.url)[1], twice(client, translated.url)[1]
    assert english[STATE] == russian_page[STATE] == "hit"
    assert "Основы машинного обучения" in russian_page.content.decode()
    assert 'lang="ru"' in russian_page.content.decode()
    assert 'lang="en"' in english.content.decode()


def test_data_saver_on_and_off_are_kept_apart(client, course):
    off = twice(client, course.url)[1]
    client.cookies[DATA_SAVER_COOKIE] = "1"
    on_first, on_second = twice(client, course.url)
    assert (off[STATE], on_first[STATE], on_second[STATE]) == ("hit", "miss", "hit")
    assert "Turn the data saver off" in on_second.content.decode()
    assert "Turn the data saver on" in off.content.decode()


def test_catalogue_filters_do_not_collide(client, tnu):
    f.build_course(tnu, title="Organic Chemistry", modules=1)
    f.build_course(tnu, title="Linear Algebra", modules=1)
    chemistry = twice(client, CATALOGUE + "?q=chemistry")[1]
    algebra = twice(client, CATALOGUE + "?q=algebra")[1]
    assert chemistry[STATE] == algebra[STATE] == "hit"
    assert "Organic Chemistry" in chemistry.content.decode()
    assert "Linear Algebra" not in chemistry.content.decode()
    assert "Linear Algebra" in algebra.content.decode()


def test_a_very_long_query_string_is_served_but_not_kept(client, course):
    url = CATALOGUE + "?q=" + "x" * (pagecache.MAX_QUERY_LENGTH + 1)
    first, second = twice(client, url)
    assert first.status_code == 200 and STATE not in second


def test_head_is_not_answered_from_a_get_only_view(client, course):
    twice(client, CATALOGUE)
    assert client.head(CATALOGUE).status_code == 405


def test_without_a_shared_cache_nothing_is_kept(client, course, settings):
    settings.PAGE_CACHE = False
    assert STATE not in twice(client, course.url)[1]


def test_the_cached_page_still_varies_on_cookie_downstream(client, course):
    hit = twice(client, course.url)[1]
    assert "Cookie" in hit["Vary"]
    assert hit["Content-Type"].startswith("text/html")
