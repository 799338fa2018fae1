"""Small constructors for the demo's course data, so each course module reads like a syllabus.

They return the raw StreamField values that Wagtail stores (`{"type": ..., "value": ...}`).
Block ids are added by the seeder from the block's position, so they are stable between runs
and identical in a course and its translation.
"""


def text(html: str) -> dict:
    return {"type": "rich_text", "value": html.strip()}


def heading(words: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": words, "level": level}}


def code(source: str, language: str = "python") -> dict:
    return {"type": "code", "value": {"language": language, "code": source.strip("\n")}}


def callout(html: str, tone: str = "info") -> dict:
    return {"type": "callout", "value": {"tone": tone, "body": html.strip()}}


def video(url: str, title: str, minutes: int, transcript: str = "") -> dict:
    return {
        "type": "video",
        "value": {
            "url": url,
            "title": title,
            "duration_minutes": minutes,
            "transcript": transcript.strip(),
        },
    }


def question(prompt: str, choices: list[tuple[str, bool]], explanation: str = "") -> dict:
    """A question; `choices` are (answer, is_correct) pairs."""
    return {
        "prompt": prompt,
        "choices": [{"text": answer, "is_correct": ok} for answer, ok in choices],
        "explanation": explanation,
    }


def quiz(title: str, questions: list[dict], pass_mark: int = 60, **settings) -> dict:
    """A quiz; `settings` are the quiz block's attempt settings (`attempt_limit`,
    `cooldown_minutes`, `questions_per_attempt`, `shuffle_answers`, `feedback`)."""
    return {
        "type": "quiz",
        "value": {"title": title, "pass_mark": pass_mark, "questions": questions, **settings},
    }


def lesson(title: str, slug: str, body: list[dict], minutes: int = 20) -> dict:
    return {"title": title, "slug": slug, "minutes": minutes, "body": body}


def module(title: str, slug: str, intro: str, lessons: list[dict]) -> dict:
    return {"title": title, "slug": slug, "intro": intro.strip(), "lessons": lessons}
