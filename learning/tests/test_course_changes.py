"""A course changed after a learner completed it: every surface tells the same story (ADR 0042).

The learner completes a four-lesson course; then the course changes (a required lesson is
added, one is removed, one moves to another module, a quiz's pass mark is raised). The course
page, the lesson page, the dashboard, the roster, the gradebook (page and file), the report
rows and the certificate state are read after each change and must agree: completed, on the
same date, with the same percent of the course as it is now, and with new lessons named new.
"""

import pytest
from django.urls import reverse

from courses.models import LessonPage, ModulePage
from learning import quiz_services, services
from learning.credential_status import certificate_statuses
from learning.models import Enrollment, OutlineLesson
from learning.standing import progress_percent, progress_percent_expression
from reports.rows import ENROLLMENT_COLUMNS, enrollment_rows
from teaching import gradebook_files
from tests import factories as f

DASHBOARD = "/en/learn/"


class World:
    pass


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    w = World()
    w.university = f.UniversityFactory(code="tnu", name="Tajik National University")
    w.course = f.build_course(w.university, title="Statistics")
    w.run = f.open_run(w.course)
    w.instructor = f.make_member("instructor", w.university)
    w.learner = f.make_member("learner", w.university, full_name="Aziza Karimova")
    w.enrollment = services.enrollment_create(learner=w.learner, run=w.run)
    w.capture = django_capture_on_commit_callbacks
    return w


def _complete(w) -> Enrollment:
    done = set(w.enrollment.lessons.values_list("lesson_key", flat=True))
    for lesson in f.lessons_of(w.course):
        if lesson.translation_key in done:
            continue
        if lesson.quiz_blocks():
            assert f.quiz_attempt_answer(w.enrollment, lesson).passed
        else:
            services.lesson_mark_complete(
                enrollment=w.enrollment, lesson_key=lesson.translation_key
            )
    w.enrollment.refresh_from_db()
    assert w.enrollment.is_completed
    return w.enrollment


def _publish(w, page):
    # The outline refreshes every enrollment once the publish commits.
    with w.capture(execute=True):
        f.publish(page)


def _add_lesson(w, *, module_number=2, quiz=False) -> LessonPage:
    module = ModulePage.objects.child_of(w.course).order_by("path")[module_number - 1]
    body = [{"type": "rich_text", "value": "<p>Added after some learners finished.</p>"}]
    if quiz:
        body.append(f.quiz_block(title="New quiz"))
    lesson = LessonPage(title="Lesson added later", slug="lesson-added-later", body=body)
    module.add_child(instance=lesson)
    _publish(w, lesson)
    return lesson


def _story(w, client) -> dict:
    """What each surface says about the learner's standing."""
    e = Enrollment.objects.get(pk=w.enrollment.pk)
    story = {"percent": e.progress_percent, "completed_at": e.completed_at}

    client.force_login(w.learner)
    course_html = client.get(w.course.url).content.decode()
    lesson = f.lessons_of(w.course)[0]
    lesson_html = client.get(lesson.url).content.decode()
    dashboard = client.get(DASHBOARD)
    [item] = dashboard.context["dashboard"].completed
    assert not dashboard.context["dashboard"].active
    story["dashboard_percent"] = item.enrollment.progress_percent
    story["dashboard_next"] = item.next_lesson_title
    dashboard_html = dashboard.content.decode()
    for html in (course_html, lesson_html):
        assert f"{e.progress_percent}% complete" in html
    assert "Completed" in course_html and "Completed" in dashboard_html
    story["new_note_on_pages"] = [
        "added since you completed the course" in html
        for html in (course_html, lesson_html, dashboard_html)
    ]
    story["new_badge_on_course_page"] = course_html.count("New since you completed")

    client.force_login(w.instructor)
    roster = client.get(reverse("teaching:roster", args=[w.run.pk]))
    [row] = roster.context["page"].enrollments
    story["roster"] = (row.get_status_display(), row.progress_percent, len(row.new_keys))
    assert f"<td>{row.progress_percent}%" in roster.content.decode()
    gradebook = client.get(reverse("teaching:gradebook", args=[w.run.pk]))
    [book_row] = gradebook.context["book"].rows
    header, [cells] = gradebook_files.gradebook_table(gradebook.context["book"])
    story["gradebook"] = (
        book_row.enrollment.get_status_display(),
        cells[header.index("Progress %")],
        cells[header.index("Lessons added since completion")],
        book_row.certificate_label,
    )

    values = dict(
        zip(
            [c.key for c in ENROLLMENT_COLUMNS],
            enrollment_rows(
                Enrollment.objects.filter(pk=e.pk),
                university_id=w.university.pk,
                spreadsheet=False,
            ).get(),
            strict=True,
        )
    )
    story["report"] = (
        values["status"],
        values["progress_percent"],
        values["lessons_completed"],
        values["lessons_total"],
        values["credits_earned"],
    )
    story["certificate"] = certificate_statuses([e])[e.pk]
    story["lessons"] = (e.lessons_completed, e.lessons_total, e.lessons_new_since_completion)
    story["scores"] = (e.quiz_average, e.final_score)
    return story


def _assert_one_story(story, *, percent, new, done, total):
    assert story["percent"] == percent
    assert story["dashboard_percent"] == percent
    assert story["roster"] == ("Completed", percent, new)
    assert story["gradebook"][:3] == ("Completed", percent, new)
    assert story["report"][:4] == ("completed", percent, done, total)
    assert story["report"][4] == "5.0"  # the credits stay earned
    assert story["lessons"] == (done, total, new)
    assert story["new_note_on_pages"] == [bool(new)] * 3
    assert story["new_badge_on_course_page"] == new


def test_a_required_lesson_added_after_completion(world, client):
    _complete(world)
    before = _story(world, client)
    _assert_one_story(before, percent=100, new=0, done=4, total=4)

    _add_lesson(world)
    after = _story(world, client)
    _assert_one_story(after, percent=80, new=1, done=4, total=5)
    # Completion, its date, its result of record and the certificate are unchanged.
    assert after["completed_at"] == before["completed_at"]
    assert after["scores"] == before["scores"]
    assert after["certificate"] == before["certificate"]
    assert after["gradebook"][3] == before["gradebook"][3]
    assert after["dashboard_next"] == "Lesson added later"


def test_the_new_lesson_can_still_be_taken_and_then_nothing_is_new(world, client):
    _complete(world)
    lesson = _add_lesson(world)
    client.force_login(world.learner)
    response = client.post(reverse("learning:lesson_complete", args=[lesson.pk]))
    assert response.status_code == 303
    texts = [str(m) for m in response.wsgi_request._messages]
    assert "Course completed. Well done!" not in texts
    assert "You have now taken every lesson added since you completed." in texts
    _assert_one_story(_story(world, client), percent=100, new=0, done=5, total=5)


def test_failing_the_new_lessons_quiz_does_not_say_the_course_was_just_completed(world, client):
    _complete(world)
    lesson = _add_lesson(world, quiz=True)
    quiz = lesson.quiz_blocks()[0]
    client.force_login(world.learner)
    client.post(reverse("learning:quiz_start", args=[lesson.pk]), {"quiz_id": quiz.id})
    attempt = world.enrollment.quiz_attempts.get(quiz_id=quiz.id, submitted_at__isnull=True)
    data = {"quiz_id": quiz.id, "attempt": attempt.pk}
    for question_id, options in f.answers_for_draw(quiz, attempt.draw, correct=False).items():
        data[f"q-{question_id}"] = options
    response = client.post(reverse("learning:quiz_submit", args=[lesson.pk]), data)
    texts = [str(m) for m in response.wsgi_request._messages]
    assert any("Not passed yet" in text for text in texts)
    assert "Course completed. Well done!" not in texts
    story = _story(world, client)
    _assert_one_story(story, percent=80, new=1, done=4, total=5)


def test_a_required_lesson_removed_after_completion(world, client):
    _complete(world)
    before = _story(world, client)
    removed = f.lessons_of(world.course)[0]
    with world.capture(execute=True):
        removed.unpublish()
    after = _story(world, client)
    _assert_one_story(after, percent=100, new=0, done=3, total=3)
    assert after["completed_at"] == before["completed_at"]
    assert after["certificate"] == before["certificate"]


def test_a_lesson_removed_can_complete_a_learner_who_had_only_it_left(world, client):
    # The rule is applied to the course as it is now: what was left is gone.
    lessons = f.lessons_of(world.course)
    for lesson in lessons[1:]:
        if lesson.quiz_blocks():
            f.quiz_attempt_answer(world.enrollment, lesson)
        else:
            services.lesson_mark_complete(
                enrollment=world.enrollment, lesson_key=lesson.translation_key
            )
    world.enrollment.refresh_from_db()
    assert not world.enrollment.is_completed and world.enrollment.progress_percent == 75
    with world.capture(execute=True):
        lessons[0].unpublish()
    _assert_one_story(_story(world, client), percent=100, new=0, done=3, total=3)


def test_a_lesson_moved_to_another_module_stays_done_and_is_not_new(world, client):
    _complete(world)
    before = _story(world, client)
    first = f.lessons_of(world.course)[0]
    second_module = ModulePage.objects.child_of(world.course).order_by("path")[1]
    first.move(second_module, pos="last-child")
    _publish(world, world.course)
    moved = OutlineLesson.objects.get(lesson_key=first.translation_key)
    assert moved.module_key == second_module.translation_key and moved.is_active
    after = _story(world, client)
    _assert_one_story(after, percent=100, new=0, done=4, total=4)
    assert after["completed_at"] == before["completed_at"]


def test_a_quiz_pass_mark_raised_after_a_pass_keeps_the_pass(world, client):
    # The learner passes the first quiz with 50% when its pass mark is 50.
    quiz_lesson = next(lesson for lesson in f.lessons_of(world.course) if lesson.quiz_blocks())
    quiz_lesson.body[1].value["pass_mark"] = 50
    _publish(world, quiz_lesson)
    quiz_lesson = LessonPage.objects.get(pk=quiz_lesson.pk)
    quiz = quiz_lesson.quiz_blocks()[0]
    attempt = quiz_services.quiz_attempt_start(
        enrollment=world.enrollment, lesson=quiz_lesson, quiz_id=quiz.id
    )
    right = f.answers_for_draw(quiz, attempt.draw, correct=True)
    wrong = f.answers_for_draw(quiz, attempt.draw, correct=False)
    first, second = [item["question"] for item in attempt.draw]
    graded = quiz_services.quiz_attempt_submit(
        enrollment=world.enrollment,
        lesson=quiz_lesson,
        quiz_id=quiz.id,
        attempt_id=attempt.pk,
        answers={first: right[first], second: wrong[second]},
    )
    assert graded.passed and graded.score == 50
    _complete(world)
    before = _story(world, client)

    quiz_lesson.body[1].value["pass_mark"] = 80
    _publish(world, quiz_lesson)
    after = _story(world, client)
    _assert_one_story(after, percent=100, new=0, done=4, total=4)
    assert after["completed_at"] == before["completed_at"]
    assert after["scores"] == before["scores"]
    assert after["certificate"] == before["certificate"]
    # The lesson page says why a 50% stands against a pass mark of 80%.
    client.force_login(world.learner)
    html = client.get(quiz_lesson.url).content.decode()
    assert "Pass mark: 80%" in html
    assert "your pass stands" in html


def test_the_sql_percent_and_the_python_percent_agree(world):
    enrollment = world.enrollment
    cases = [(0, 0), (0, 5), (1, 200), (1, 8), (3, 8), (5, 8), (7, 8), (199, 200)]
    cases += [(8, 8), (2, 3), (1, 3), (1, 2), (49, 50), (1, 1), (150, 300)]
    for done, total in cases:
        Enrollment.objects.filter(pk=enrollment.pk).update(
            lessons_completed=done, lessons_total=total
        )
        in_sql = (
            Enrollment.objects.filter(pk=enrollment.pk)
            .annotate(p=progress_percent_expression())
            .values_list("p", flat=True)
            .get()
        )
        assert in_sql == progress_percent(done, total), (done, total)
    assert progress_percent(199, 200) == 99  # never 100 with a lesson left
    assert progress_percent(1, 200) == 1  # never 0 once a lesson is done
    assert progress_percent(1, 8) == 13  # half up, as the database rounds


def test_a_stranger_learner_does_not_see_the_note(world, client):
    # Another learner, not enrolled, reads the course page: no progress, no "new" badge.
    _complete(world)
    _add_lesson(world)
    other = f.make_member("learner", world.university)
    client.force_login(other)
    html = client.get(world.course.url).content.decode()
    assert "New since you completed" not in html
    assert "% complete" not in html
