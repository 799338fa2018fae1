"""The learner list and gradebook of a run: reads, pages, bad input, scope and exports."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from certificates.models import IssuanceFailure
from learning import quiz_services
from learning import services as learning
from learning.credential_status import CertificateStatus
from learning.models import Enrollment, OutlineLesson
from teaching import learners, views
from tests import factories as f

pytestmark = pytest.mark.django_db

ACTIVITY = "activity-one"


def _stable_quizzes(course):
    """Publish each quiz lesson once more so its quiz's questions keep their ids (see the
    quiz analysis test in test_views)."""
    for lesson in f.lessons_of(course):
        if lesson.quiz_blocks():
            f.publish(lesson)


def _quiz_of(lesson):
    lesson = type(lesson).objects.get(pk=lesson.pk)
    quiz = lesson.quiz_blocks()[0]
    questions = quiz.value["questions"].bound_blocks
    right = {
        q.id: [c.id for c in q.value["choices"].bound_blocks if c.value["is_correct"]]
        for q in questions
    }
    wrong = {
        q.id: [c.id for c in q.value["choices"].bound_blocks if not c.value["is_correct"]][:1]
        for q in questions
    }
    half = {questions[0].id: right[questions[0].id]}
    return lesson, quiz.id, right, wrong, half


def _submit(*, enrollment, lesson, quiz_id, answers):
    """Start an attempt and submit `answers` to it, as a learner does."""
    attempt = quiz_services.quiz_attempt_start(
        enrollment=enrollment, lesson=lesson, quiz_id=quiz_id
    )
    return quiz_services.quiz_attempt_submit(
        enrollment=enrollment,
        lesson=lesson,
        quiz_id=quiz_id,
        attempt_id=attempt.pk,
        answers=answers,
    )


def _add_activity(course, lesson_index=0, activity_id=ACTIVITY, pass_mark=50):
    """Give a lesson an H5P activity in the outline, as publishing a lesson with an H5P block
    whose completion rule is "passed" would."""
    lesson = OutlineLesson.objects.filter(outline__course_key=course.translation_key).order_by(
        "position"
    )[lesson_index]
    lesson.activity_ids = [*lesson.activity_ids, activity_id]
    lesson.activity_rules = {
        **lesson.activity_rules,
        activity_id: {"completion": "passed", "pass_mark": pass_mark},
    }
    lesson.save()
    return lesson


@pytest.fixture
def book(db):
    """University A's course (two modules, a quiz in each module's last lesson, an H5P
    activity in the first lesson) with a run, its instructor and learners from A and C."""
    a = f.UniversityFactory(code="ua", name="University A")
    b = f.UniversityFactory(code="ub", name="University B")
    c = f.UniversityFactory(code="uc", name="University C")
    course = f.build_course(a, title="Statistics", modules=2, lessons_per_module=2)
    _stable_quizzes(course)
    _add_activity(course)

    class Book:
        pass

    w = Book()
    w.a, w.b, w.c, w.course = a, b, c, course
    w.run = f.open_run(course)
    w.run_b = f.open_run(f.build_course(b, title="Other", modules=1, lessons_per_module=1))
    w.instructor = f.make_member("instructor", a)
    w.instructor_b = f.make_member("instructor", b)
    w.aziza = f.make_member("learner", a, full_name="Aziza Karimova", email="aziza@ua.test")
    w.bakhrom = f.make_member("learner", c, full_name="Bakhrom Aliev", email="bakhrom@uc.test")
    w.e_aziza = learning.enrollment_create(learner=w.aziza, run=w.run)
    w.e_bakhrom = learning.enrollment_create(learner=w.bakhrom, run=w.run)
    w.outsider = f.make_member("learner", b, full_name="Outsider", email="out@ub.test")
    learning.enrollment_create(learner=w.outsider, run=w.run_b)
    return w


def _gradebook_of(w, **query):
    page = learners.learner_page(w.run, learners.LearnerQuery(**query))
    learners.flag_inactive(page.enrollments, learners.INACTIVE_DAYS)
    return learners.gradebook(w.run, page.enrollments)


# --- Selectors ----------------------------------------------------------------------------


def test_items_are_named_by_lesson_in_course_order(book):
    items, rules = learners.graded_items(book.run)
    assert [(i.kind, i.label) for i in items] == [
        ("h5p", "Lesson 1.1 · H5P"),
        ("quiz", "Lesson 1.2 · quiz"),
        ("quiz", "Lesson 2.2 · quiz"),
    ]
    assert rules == {ACTIVITY: {"completion": "passed", "pass_mark": 50}}


def test_scores_attempts_completion_and_final_score_per_item(book):
    lessons = f.lessons_of(book.course)
    lesson, quiz_id, right, wrong, half = _quiz_of(lessons[1])
    for answers in (wrong, right):
        _submit(enrollment=book.e_aziza, lesson=lesson, quiz_id=quiz_id, answers=answers)
    _submit(enrollment=book.e_bakhrom, lesson=lesson, quiz_id=quiz_id, answers=half)
    first_key = lessons[0].translation_key
    for score in ("0.4", "0.8"):
        learning.activity_result_record(
            enrollment=book.e_aziza,
            lesson_key=first_key,
            activity_id=ACTIVITY,
            scaled_score=Decimal(score),
        )
    learning.activity_result_record(
        enrollment=book.e_bakhrom,
        lesson_key=first_key,
        activity_id=ACTIVITY,
        scaled_score=Decimal("0.3"),
    )

    rows = {row.enrollment.learner: row for row in _gradebook_of(book).rows}
    h5p, quiz, untouched = rows[book.aziza].cells
    assert (h5p.score, h5p.attempts, h5p.completed) == (Decimal("80.00"), 2, True)
    assert (quiz.score, quiz.attempts, quiz.completed) == (Decimal("100.00"), 2, True)
    assert untouched is None
    h5p, quiz, _ = rows[book.bakhrom].cells
    assert (h5p.score, h5p.attempts, h5p.completed) == (Decimal("30.00"), 1, False)
    assert (quiz.score, quiz.attempts, quiz.completed) == (Decimal("50.00"), 1, False)
    # The final score is the one learning keeps: the quiz average (100 and 0 → 50) averaged
    # with each required activity's best score (80).
    book.e_aziza.refresh_from_db()
    assert rows[book.aziza].enrollment.final_score == book.e_aziza.final_score == Decimal("65.00")


def test_the_header_names_each_weight_the_author_gave(client, book):
    # Weights as publishing writes them into the outline (ADR 0055): the activity weighs 2,
    # the second quiz 3, the first quiz stays in the shared quiz average.
    lessons = OutlineLesson.objects.filter(outline__course_key=book.course.translation_key)
    first = lessons.order_by("position")[0]
    first.activity_rules[ACTIVITY]["weight"] = "2"
    first.save()
    last = lessons.order_by("-position")[0]
    [quiz_id] = last.quiz_ids
    last.quiz_rules[quiz_id]["weight"] = "3"
    last.save()

    items, _rules = learners.graded_items(book.run)
    assert [(i.label, i.weight) for i in items] == [
        ("Lesson 1.1 · H5P", Decimal("2")),
        ("Lesson 1.2 · quiz", None),
        ("Lesson 2.2 · quiz", Decimal("3")),
    ]
    client.force_login(book.instructor)
    html = _get(client, book).content.decode()
    assert "Lesson 1.1 · H5P<br><small>weight 2</small>" in html
    assert "Lesson 2.2 · quiz<br><small>weight 3</small>" in html
    assert "Lesson 1.2 · quiz</th>" in html
    assert "The final score weighs each item by the weight under its name" in html


def test_without_weights_the_header_is_as_before(client, book):
    client.force_login(book.instructor)
    html = _get(client, book).content.decode()
    assert "weight" not in html.split("<thead>")[1].split("</thead>")[0]
    assert "The final score weighs each item" not in html


def test_certificate_status_comes_from_the_certificates_app(db, django_capture_on_commit_callbacks):
    a = f.UniversityFactory(code="ua")
    course = f.build_course(a, modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    run = f.open_run(course)
    issued, failed, earning = (f.make_member("learner", a) for _ in range(3))
    key = f.lessons_of(course)[0].translation_key
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        e_issued = learning.enrollment_create(learner=issued, run=run)
        learning.lesson_mark_complete(enrollment=e_issued, lesson_key=key)
    e_failed = learning.enrollment_create(learner=failed, run=run)
    IssuanceFailure.objects.create(
        university=a,
        enrollment=e_failed,
        last_error="no key",
        last_failed_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    learning.enrollment_create(learner=earning, run=run)
    assert e_issued.credentials.exists()
    page = learners.learner_page(run, learners.LearnerQuery())
    statuses = {
        r.enrollment.learner: r.certificate_status
        for r in learners.gradebook(run, page.enrollments).rows
    }
    assert statuses == {
        issued: CertificateStatus.ISSUED,
        failed: CertificateStatus.FAILED,
        earning: CertificateStatus.NOT_EARNED,
    }
    e_issued.credentials.update(revoked=True)
    rows = learners.gradebook(run, page.enrollments).rows
    assert {r.enrollment.learner: r.certificate_label for r in rows}[issued] == "Revoked"


def test_learners_inactive_for_n_days_are_flagged_and_filtered(book):
    Enrollment.objects.filter(pk=book.e_bakhrom.pk).update(
        last_activity_at=timezone.now() - timedelta(days=20)
    )
    page = learners.learner_page(book.run, learners.LearnerQuery())
    learners.flag_inactive(page.enrollments, 14)
    flags = {e.learner: e.is_inactive for e in page.enrollments}
    # Aziza has done nothing yet but enrolled today: not flagged.
    assert flags == {book.aziza: False, book.bakhrom: True}
    learners.flag_inactive(page.enrollments, 30)
    assert not any(e.is_inactive for e in page.enrollments)
    inactive = learners.learner_page(book.run, learners.LearnerQuery(activity="inactive"))
    assert [e.learner for e in inactive.enrollments] == [book.bakhrom]
    active = learners.learner_page(book.run, learners.LearnerQuery(activity="active"))
    assert [e.learner for e in active.enrollments] == [book.aziza]


# --- Views: paging, search, filters, sorting ----------------------------------------------


def _get(client, w, name="gradebook", **params):
    return client.get(reverse(f"teaching:{name}", args=[w.run.pk]), params)


def _names(response):
    return [e.learner.full_name for e in response.context["page"].enrollments]


def test_pages_search_filters_and_sorts(client, book, monkeypatch):
    monkeypatch.setattr(learners, "PAGE_SIZE", 1)
    client.force_login(book.instructor)
    first = _get(client, book)
    assert first.status_code == 200
    assert _names(first) == ["Aziza Karimova"]
    assert first.context["page"].page_count == 2
    assert "page=2" in first.context["next_query"]
    assert _names(_get(client, book, page=2)) == ["Bakhrom Aliev"]
    assert _names(_get(client, book, sort="-name")) == ["Bakhrom Aliev"]

    monkeypatch.setattr(learners, "PAGE_SIZE", 50)
    assert _names(_get(client, book, q="bakhrom@")) == ["Bakhrom Aliev"]
    assert _names(_get(client, book, university=book.c.pk)) == ["Bakhrom Aliev"]
    learning.lesson_mark_complete(
        enrollment=book.e_aziza, lesson_key=f.lessons_of(book.course)[2].translation_key
    )
    assert _names(_get(client, book, progress="some")) == ["Aziza Karimova"]
    assert _names(_get(client, book, progress="none")) == ["Bakhrom Aliev"]
    assert _names(_get(client, book, sort="-progress")) == ["Aziza Karimova", "Bakhrom Aliev"]
    learning.enrollment_withdraw(enrollment=book.e_bakhrom)
    assert _names(_get(client, book, status="withdrawn")) == ["Bakhrom Aliev"]
    roster = _get(client, book, "roster", status="active")
    assert _names(roster) == ["Aziza Karimova"]
    html = roster.content.decode()
    # Sort orders have readable labels, and both pages link to each other.
    assert "Last activity, most recent first" in html
    assert reverse("teaching:gradebook", args=[book.run.pk]) in html
    assert reverse("teaching:roster", args=[book.run.pk]) in _get(client, book).content.decode()
    assert (
        reverse("teaching:gradebook", args=[book.run.pk])
        in client.get(reverse("teaching:runs")).content.decode()
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "99"}, "There is no page 99; showing the last page, 1."),
        ({"page": "two"}, "“two” is not a page number; showing page 1."),
        ({"page": "-3"}, "“-3” is not a page number; showing page 1."),
        ({"sort": "password"}, "“password” is not a sort order; sorted by name."),
        ({"status": "deleted"}, "“deleted” is not an enrollment status."),
        ({"progress": "lots"}, "“lots” is not a progress filter."),
        ({"activity": "asleep"}, "“asleep” is not an activity filter."),
        ({"days": "many"}, "The number of days must be a whole number from 1 to 365."),
        ({"days": "0"}, "The number of days must be a whole number from 1 to 365."),
        ({"university": "x"}, "“x” is not the home university of any learner here."),
        ({"q": "x" * 101}, "Search for at most 100 characters."),
    ],
)
def test_bad_input_is_explained_on_the_same_page(client, book, params, message):
    client.force_login(book.instructor)
    for name in ("gradebook", "roster"):
        response = (
            _get(client, book, name, q="aziza", **params)
            if "q" not in params
            else _get(client, book, name, **params)
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert message.replace("“", "&ldquo;").replace("”", "&rdquo;") in html or message in html
        if "q" not in params:
            # The rest of the query still applies, and is kept in the form.
            assert _names(response) == ["Aziza Karimova"]
            assert 'value="aziza"' in html


def test_messages_and_university_names_are_in_the_readers_language(client, book):
    book.a.name_translations = {"ru": "Университет А"}
    book.a.save()
    client.force_login(book.instructor)
    response = client.get(f"/ru/teach/runs/{book.run.pk}/gradebook/", {"sort": "zzz"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "не является порядком сортировки" in html
    assert "Имя, А–Я" in html
    assert "Университет А" in html


def test_another_universitys_filter_value_reveals_nothing(client, book):
    client.force_login(book.instructor)
    response = _get(client, book, university=book.b.pk)
    html = response.content.decode()
    assert "is not the home university of any learner here" in html
    assert "out@ub.test" not in html


def test_only_the_runs_teachers_may_open_it(client, book):
    urls = [
        reverse(f"teaching:{name}", args=[book.run.pk])
        for name in ("gradebook", "gradebook_csv", "gradebook_xlsx", "roster")
    ]
    for user in (book.instructor_b, book.aziza):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (user, url)
            assert b"aziza@ua.test" not in response.content
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302
    # A co-instructor listed on the course, from another university, may.
    f.add_instructor(book.course, book.instructor_b)
    client.force_login(book.instructor_b)
    assert client.get(urls[0]).status_code == 200
    assert not AuditEvent.objects.filter(action="gradebook.exported", actor=book.aziza).exists()


# --- Exports ------------------------------------------------------------------------------


def _prepare_export(book):
    lessons = f.lessons_of(book.course)
    lesson, quiz_id, right, _wrong, _half = _quiz_of(lessons[1])
    _submit(enrollment=book.e_aziza, lesson=lesson, quiz_id=quiz_id, answers=right)
    book.aziza.full_name = '=HYPERLINK("http://x")'
    book.aziza.save()


def test_csv_holds_exactly_the_filtered_page(client, book):
    _prepare_export(book)
    client.force_login(book.instructor)
    screen = _get(client, book, q="ua.test")
    response = _get(client, book, "gradebook_csv", q="ua.test")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, *body = rows
    items = screen.context["book"].items
    assert (
        len(header) == 8 + 3 * len(items) + 3
    )  # lessons added since completion, final score, certificate
    assert header[8:11] == [
        "Lesson 1.1 · H5P: score %",
        "Lesson 1.1 · H5P: attempts",
        "Lesson 1.1 · H5P: completed",
    ]
    assert len(body) == 1  # Bakhrom is filtered out, as on screen
    [row] = body
    assert row[0] == '\'=HYPERLINK("http://x")'
    assert row[1] == "aziza@ua.test"
    assert row[3] == "University A"
    assert row[11:14] == ["100.00", "1", "yes"]
    assert row[-1] == "Not earned"
    assert AuditEvent.objects.filter(action="gradebook.exported").count() == 1


def test_xlsx_has_the_same_rows_with_typed_cells(client, book, monkeypatch):
    _prepare_export(book)
    monkeypatch.setattr(learners, "PAGE_SIZE", 1)
    client.force_login(book.instructor)
    response = _get(client, book, "gradebook_xlsx", sort="-name", page=2)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *body = list(sheet.iter_rows(values_only=True))
    assert len(body) == 1  # the second page sorted Z to A: Aziza alone
    [row] = body
    assert row[0] == '\'=HYPERLINK("http://x")'
    assert isinstance(row[5], int)  # progress %
    assert isinstance(row[6], datetime)  # last activity
    assert row[7] is False  # not inactive
    assert row[11] == 100 and isinstance(row[11], (int, float))
    assert row[12] == 1
    assert row[13] is True
    assert row[8:11] == (None, 0, False)  # the H5P activity, not attempted
    assert header[-2:] == ("Final score %", "Certificate")


# --- Query budget -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_learners(w, count):
    lesson, quiz_id, _right, _wrong, half = _quiz_of(f.lessons_of(w.course)[1])
    for n in range(count):
        university = w.a if n % 2 else w.c
        learner = f.make_member("learner", university)
        enrollment = learning.enrollment_create(learner=learner, run=w.run)
        if n % 3 == 0:
            _submit(enrollment=enrollment, lesson=lesson, quiz_id=quiz_id, answers=half)
        if n % 5 == 0:
            learning.lesson_mark_complete(
                enrollment=enrollment, lesson_key=f.lessons_of(w.course)[2].translation_key
            )


@pytest.mark.parametrize("name", ["gradebook", "roster", "gradebook_xlsx", "gradebook_csv"])
def test_queries_per_page_do_not_grow_with_learners_or_items(client, book, name):
    # Two graded items to start with: the H5P activity of lesson 1.1 and the quiz of 1.2.
    OutlineLesson.objects.filter(
        outline__course_key=book.course.translation_key, title="Lesson 2.2"
    ).update(quiz_ids=[])
    assert len(learners.graded_items(book.run)[0]) == 2
    client.force_login(book.instructor)
    url = reverse(f"teaching:{name}", args=[book.run.pk])
    _more_learners(book, 3)  # 5 learners
    _queries(client, url)  # the first request after login also touches the session
    at_five = _queries(client, url)
    _more_learners(book, 45)  # 50 learners, all on one page
    assert Enrollment.objects.filter(run=book.run).count() == 50
    assert _queries(client, url) == at_five

    for index, activity_id in enumerate(("two", "three", "four", "five")):
        _add_activity(book.course, lesson_index=index, activity_id=activity_id)
    assert len(learners.graded_items(book.run)[0]) == 6
    assert _queries(client, url) == at_five


def test_roster_csv_holds_every_matching_learner_across_pages(client, book, monkeypatch):
    monkeypatch.setattr(learners, "PAGE_SIZE", 1)
    monkeypatch.setattr(views, "ROSTER_CSV_CHUNK", 1)
    extra = f.make_member("learner", book.c, full_name="Chorshanbe Umarov")
    learning.enrollment_create(learner=extra, run=book.run)
    client.force_login(book.instructor)
    response = _get(client, book, "roster_csv", university=book.c.pk, sort="-name")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    _header, *rows = list(csv.reader(io.StringIO(text)))
    assert [row[1] for row in rows] == ["Chorshanbe Umarov", "Bakhrom Aliev"]
