import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from learning import quiz_services
from learning import services as learning
from learning.models import Enrollment
from teaching import services
from teaching.models import Announcement
from teaching.selectors import run_quiz_analysis
from tests import factories as f
from universities.models import Membership

pytestmark = pytest.mark.django_db


def state():
    """Everything bulk enrollment may write; compared before and after refused uploads."""
    return (
        User.objects.count(),
        Membership.objects.count(),
        Enrollment.objects.count(),
        list(Membership.objects.values_list("user_id", "role", "student_number").order_by("pk")),
    )


def upload(client, run, content: bytes, name="students.csv"):
    return client.post(
        reverse("teaching:bulk_enrollment", args=[run.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_bulk_enrollment_imports_everything_and_is_idempotent(client, world):
    client.force_login(world.registrar_a)
    existing = f.make_member("learner", world.a, student_number="A-77")
    content = (
        "email,student_number\n"
        f"{existing.email},A-77\n"
        "new.student@example.org,A-78\n"
        "Other.New@Example.org,A-79\n"
    ).encode("utf-8-sig")
    response = upload(client, world.run_a, content)
    assert response.status_code == 200, response.content
    assert response.context["result"].enrolled == 3
    assert response.context["result"].accounts_created == 2
    created = User.objects.get(email="other.new@example.org")
    assert not created.has_usable_password()
    assert Membership.objects.get(user=created, role="learner").student_number == "A-79"
    assert Enrollment.objects.filter(run=world.run_a).count() == 3
    assert AuditEvent.objects.filter(action="enrollment.bulk_created", university=world.a).count()
    before = state()
    again = upload(client, world.run_a, content)
    assert again.status_code == 200
    assert again.context["result"].enrolled == 0
    assert again.context["result"].already_enrolled == 3
    assert state() == before


BAD_FILES = {
    "empty": b"",
    "cp1251": "email,student_number\nиван@example.org,S1\n".encode("cp1251"),
    "formula": b"email,student_number\nx@example.org,=cmd()\n",
    "duplicates": b"email,student_number\nx@example.org,S1\nx@example.org,S1\n",
    "huge": (
        "email,student_number\n" + "".join(f"p{i}@e.org,N{i}\n" for i in range(100_000))
    ).encode(),
    "half_good": b"email,student_number\ngood@example.org,S1\nbad-email,S2\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_change_nothing(client, world, name):
    client.force_login(world.instructor_a)
    before = state()
    response = upload(client, world.run_a, BAD_FILES[name])
    assert response.status_code == 400
    assert response.context["errors"] or response.context["form"].errors
    assert state() == before


def test_conflicts_with_the_database_are_reported_and_nothing_is_written(client, world):
    client.force_login(world.instructor_a)
    taken = f.make_member("learner", world.a, student_number="A-1")
    before = state()
    content = (
        "email,student_number\n"
        "fresh@example.org,A-2\n"  # fine on its own
        f"{world.learner_b.email},A-3\n"  # studies at B
        f"{taken.email},A-999\n"  # known here under another number
        "someone@example.org,A-1\n"  # number belongs to `taken`
    ).encode()
    response = upload(client, world.run_a, content)
    assert response.status_code == 400
    assert [line for line, _reason in response.context["errors"]] == [3, 4, 5]
    assert state() == before


def test_full_run_rolls_the_whole_import_back(client, world):
    run = f.open_run(world.course_a, capacity=1, term="Winter 2030")
    client.force_login(world.instructor_a)
    before = state()
    response = upload(client, run, b"email,student_number\np1@example.org,Q1\np2@example.org,Q2\n")
    assert response.status_code == 400
    assert "full" in str(response.context["errors"])
    assert state() == before


def test_bulk_enrollment_is_closed_to_other_universities_and_forged_ids(client, world):
    content = b"email,student_number\nsomeone@example.org,S1\n"
    guest = f.make_member("instructor", world.b)
    f.add_instructor(world.course_a, guest)  # a listed co-instructor may not enroll A's students
    for user in (world.instructor_b, world.learner_a, guest):
        client.force_login(user)
        before = state()
        assert upload(client, world.run_a, content).status_code == 404
        assert state() == before
    client.force_login(world.instructor_a)
    for forged in ("999999", "0", "-1", "1e3", "abc", "%00"):
        response = client.post(f"/en/teach/runs/{forged}/enroll/", {})
        assert response.status_code == 404
    client.logout()
    assert upload(client, world.run_a, content).status_code == 302  # to login


def test_roster_shows_progress_and_exports_safe_csv(client, world):
    enrollment = learning.enrollment_create(learner=world.learner_a, run=world.run_a)
    first = f.lessons_of(world.course_a)[0]
    learning.lesson_mark_complete(enrollment=enrollment, lesson_key=first.translation_key)
    client.force_login(world.instructor_a)
    response = client.get(reverse("teaching:roster", args=[world.run_a.pk]), {"sort": "-progress"})
    assert response.status_code == 200
    assert world.learner_a.email in response.content.decode()
    assert response.context["page"].enrollments[0].completed_keys == {first.translation_key}
    # Lesson columns are headed by the lesson's title, not its number.
    assert f'<th scope="col" class="lesson-column">{first.title}</th>' in response.content.decode()
    filtered = client.get(reverse("teaching:roster", args=[world.run_a.pk]), {"q": "nobody"})
    assert filtered.context["page"].enrollments == []

    export = client.get(reverse("teaching:roster_csv", args=[world.run_a.pk]))
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == world.learner_a.email
    assert rows[1][1] == '\'=HYPERLINK("http://x")'  # neutralized formula
    assert rows[1][7:9] == ["1", "0"]
    assert AuditEvent.objects.filter(action="roster.exported", target_id=str(world.run_a.pk))


def test_roster_of_another_university_is_not_found(client, world):
    learning.enrollment_create(learner=world.learner_b, run=world.run_b)
    for user in (world.instructor_a, world.registrar_a, world.learner_b):
        client.force_login(user)
        for name in ("roster", "roster_csv", "quiz_analysis", "announcements"):
            response = client.get(reverse(f"teaching:{name}", args=[world.run_b.pk]))
            assert response.status_code == 404, (user, name)
            assert world.learner_b.email.encode() not in response.content
    assert not AuditEvent.objects.filter(action="roster.exported").exists()


def test_quiz_analysis_counts_each_learners_latest_answers(client, world):
    lesson = f.lessons_of(world.course_a)[-1]
    # tests.factories.quiz_block stores list items without ids, so Wagtail invents new ids on
    # every load (reported to the lead). Publishing the loaded blocks stores stable ids, as
    # the admin editor does.
    lesson.quiz_blocks()
    f.publish(lesson)
    lesson = f.lessons_of(world.course_a)[-1]
    quiz = lesson.quiz_blocks()[0]
    question = quiz.value["questions"].bound_blocks[0]
    right, wrong = [c.id for c in question.value["choices"].bound_blocks]
    for learner, picks in (
        (world.learner_a, [wrong, right]),
        (f.make_member("learner", world.a), [wrong]),
    ):
        enrollment = learning.enrollment_create(learner=learner, run=world.run_a)
        for pick in picks:
            attempt = quiz_services.quiz_attempt_start(
                enrollment=enrollment, lesson=lesson, quiz_id=quiz.id
            )
            quiz_services.quiz_attempt_submit(
                enrollment=enrollment,
                lesson=lesson,
                quiz_id=quiz.id,
                attempt_id=attempt.pk,
                answers={question.id: [pick]},
            )
    [analysis] = run_quiz_analysis(world.run_a)
    first = analysis.questions[0]
    assert analysis.learners == 2
    assert [(o.chosen, o.share) for o in first.options] == [(1, 0.5), (1, 0.5)]
    client.force_login(world.instructor_a)
    assert client.get(reverse("teaching:quiz_analysis", args=[world.run_a.pk])).status_code == 200


def test_announcement_is_stored_and_emailed_to_active_learners(
    client, world, django_capture_on_commit_callbacks
):
    learning.enrollment_create(learner=world.learner_a, run=world.run_a)
    withdrawn = learning.enrollment_create(
        learner=f.make_member("learner", world.a), run=world.run_a
    )
    learning.enrollment_withdraw(enrollment=withdrawn)
    client.force_login(world.instructor_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("teaching:announcements", args=[world.run_a.pk]),
            {"title": "Exam moved", "body": "The exam is on Friday & at 10:00."},
        )
    assert response.status_code == 302
    assert Announcement.objects.get(run=world.run_a).title == "Exam moved"
    assert [m.to for m in mail.outbox] == [[world.learner_a.email]]
    assert "Friday & at 10:00" in mail.outbox[0].body
    # Empty and forged posts write nothing.
    assert (
        client.post(
            reverse("teaching:announcements", args=[world.run_a.pk]), {"title": "", "body": ""}
        ).status_code
        == 400
    )
    client.force_login(world.instructor_b)
    assert (
        client.post(
            reverse("teaching:announcements", args=[world.run_a.pk]), {"title": "x", "body": "y"}
        ).status_code
        == 404
    )
    assert Announcement.objects.count() == 1


def test_course_copy_for_term_copies_content_without_learners(world):
    learning.enrollment_create(learner=world.learner_a, run=world.run_a)
    copy = services.course_copy_for_term(
        course=world.course_a, new_title="Data science, autumn", slug="ds-autumn"
    )
    assert copy.title == "Data science, autumn"
    assert not copy.live
    assert copy.translation_key != world.course_a.translation_key
    assert copy.get_descendants().count() == world.course_a.get_descendants().count()
    assert not copy.runs.exists()
    assert Enrollment.objects.filter(run__course=copy).count() == 0
    assert copy.university_id == world.a.pk
    with pytest.raises(ValueError):
        services.course_copy_for_term(course=world.course_a, new_title="Again", slug="ds-autumn")
