"""Hostile posts to the learner's actions never make a 500, and a refusal writes nothing.

Enroll, program enroll, withdraw, lesson completion and quiz start take ids and a `next`
address from a form a person (or a script) can fill in with anything. Quiz submission has
its own property in `test_quiz_views.py`.
"""

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from learning import services
from learning.models import Enrollment, LessonProgress, QuizAttempt
from tests import factories as f

pytestmark = pytest.mark.django_db

idish = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", "0", "²", "١٢", "٣", "9" * 30, " 1", "1.0", "0x1", "1\n"]),
    st.text(max_size=12),
)
nextish = st.one_of(
    st.sampled_from(["/en/learn/", "//evil.example/", "https://evil.example/", "/\\evil", ""]),
    st.text(max_size=30).map(lambda text: "/" + text),
    st.text(max_size=30),
)


def _state():
    return (
        Enrollment.objects.count(),
        sorted(Enrollment.objects.values_list("status", flat=True)),
        LessonProgress.objects.count(),
        QuizAttempt.objects.count(),
    )


def _no_nul(value: str) -> str:
    # The test client's multipart encoder cannot carry U+0000; Django's own CharField
    # refuses it, and these views take only ids and a path.
    return value.replace("\x00", "")


@pytest.fixture
def world(db):
    tnu = f.UniversityFactory(code="tnu")
    course = f.build_course(tnu, title="Course", modules=1, lessons_per_module=2)
    run = f.open_run(course)
    learner = f.make_member("learner", tnu)
    enrollment = services.enrollment_create(learner=learner, run=run)
    lessons = f.lessons_of(course)
    return tnu, run, learner, enrollment, lessons


@given(field=st.sampled_from(["run", "program"]), value=idish, next_url=nextish)
@example(field="run", value="²", next_url="/en/learn/")
@example(field="program", value="³", next_url="/en/learn/")
@example(field="run", value="1", next_url="/a\nb")
def test_enroll_posts_never_make_a_server_error(client, world, field, value, next_url):
    _tnu, _run, learner, _enrollment, _lessons = world
    client.force_login(learner)
    before = _state()
    url = reverse("learning:enroll" if field == "run" else "learning:program_enroll")
    response = client.post(url, {field: _no_nul(value), "next": _no_nul(next_url)})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert [str(message) for message in response.context["messages"]]
        assert _state() == before
    elif response.status_code in (302, 303):
        # Never off the site, whatever `next` said.
        assert response["Location"].startswith("/")
        assert not response["Location"].startswith(("//", "/\\"))


@given(
    action=st.sampled_from(["withdraw", "lesson_complete", "quiz_start"]),
    offset=st.integers(min_value=-3, max_value=10**9),
    form=st.dictionaries(
        st.sampled_from(["next", "quiz_id", "attempt", "x"]), st.text(max_size=70), max_size=3
    ),
)
def test_actions_on_any_id_never_make_a_server_error(client, world, action, offset, form):
    _tnu, _run, learner, enrollment, lessons = world
    client.force_login(learner)
    target = (enrollment.pk if action == "withdraw" else lessons[0].pk) + offset
    before = _state()
    response = client.post(
        reverse(f"learning:{action}", args=[max(target, 0)]),
        {key: _no_nul(value) for key, value in form.items()},
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert [str(message) for message in response.context["messages"]]
        assert _state() == before
    else:
        # Undo a withdrawal or completion so every example starts from the same records.
        Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.ACTIVE)
        LessonProgress.objects.all().delete()
        QuizAttempt.objects.all().delete()


@pytest.mark.parametrize(("field", "view"), [("run", "enroll"), ("program", "program_enroll")])
def test_a_superscript_digit_id_is_refused_not_a_server_error(client, world, field, view):
    """Found by the property above: "²".isdigit() is true, but int("²") fails."""
    _tnu, _run, learner, _enrollment, _lessons = world
    client.force_login(learner)
    before = _state()
    response = client.post(reverse(f"learning:{view}"), {field: "²"})
    assert response.status_code == 400
    assert "Choose a" in str(next(iter(response.context["messages"])))
    assert _state() == before
