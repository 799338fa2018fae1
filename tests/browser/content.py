"""Course content for the browser journeys."""

import uuid

from tests.factories import UniversityFactory, build_course, lessons_of, open_run, publish


def _item(value: dict) -> dict:
    # ListBlock items stored with their ids, as the Wagtail editor stores them: the quiz form
    # names its fields by these ids, so they must be the same on every load of the page.
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def quiz_block_with_ids(*, title="Check your understanding", pass_mark=60) -> dict:
    questions = [
        ("Which language is Ilm named in?", [("Tajik", True), ("Latin", False)]),
        ("What is 2 + 2?", [("4", True), ("5", False), ("22", False)]),
    ]
    return {
        "type": "quiz",
        "id": str(uuid.uuid4()),
        "value": {
            "title": title,
            "pass_mark": pass_mark,
            "questions": [
                _item(
                    {
                        "prompt": prompt,
                        "choices": [_item({"text": t, "is_correct": ok}) for t, ok in choices],
                        "explanation": "",
                    }
                )
                for prompt, choices in questions
            ],
        },
    }


def course_with_quiz(*, title="Foundations of AI", university=None):
    """One module, an open run: a reading lesson, then a lesson whose quiz ends the course."""
    university = university or UniversityFactory(name="Tajik Technical University")
    course = build_course(
        university, title=title, modules=1, lessons_per_module=2, quiz_in_last_lesson=False
    )
    last = lessons_of(course)[-1]
    last.body = [
        {"type": "rich_text", "value": "<p>Lesson 1.2 teaches things.</p>"},
        quiz_block_with_ids(),
    ]
    publish(last)
    publish(course)
    open_run(course)
    return course
