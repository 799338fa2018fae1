"""Which course translations need work, read from wagtail-localize's own records."""

from dataclasses import dataclass

from wagtail_localize.models import Translation

from courses.models import CoursePage

UP_TO_DATE = "up_to_date"
INCOMPLETE = "incomplete"
SOURCE_CHANGED = "source_changed"


@dataclass(frozen=True)
class TranslationState:
    course: CoursePage
    language: str
    state: str
    translated: int
    total: int


def course_translation_states(courses=None) -> list[TranslationState]:
    """One entry per (source course, target locale) that wagtail-localize translates.

    "source_changed": the course was edited after its text was last extracted for
    translators (an editor must "Sync translated pages"); "incomplete": some strings are not
    translated yet; otherwise "up_to_date".
    """
    courses = CoursePage.objects.all() if courses is None else courses
    by_key = {c.translation_key: c for c in courses.select_related("locale")}
    translations = Translation.objects.filter(
        source__object_id__in=list(by_key), enabled=True
    ).select_related("source", "source__locale", "target_locale")
    states = []
    for translation in translations:
        source = translation.source
        course = next(
            (
                c
                for c in courses
                if c.translation_key == source.object_id and c.locale_id == source.locale_id
            ),
            None,
        )
        if course is None:
            continue
        total, translated = translation.get_progress()
        changed = course.latest_revision_created_at or course.last_published_at
        if changed and changed > source.last_updated_at:
            state = SOURCE_CHANGED
        elif translated < total:
            state = INCOMPLETE
        else:
            state = UP_TO_DATE
        states.append(
            TranslationState(
                course=course,
                language=translation.target_locale.language_code,
                state=state,
                translated=translated,
                total=total,
            )
        )
    return sorted(states, key=lambda s: (s.state == UP_TO_DATE, s.course.title, s.language))
