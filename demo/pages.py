"""Build the demo's page tree from the data modules in `demo.content`.

Pages are created and published through Wagtail's tree and revision API, as an editor would, so
the publish signals (and with them the learning outlines) run for real. Every step first looks
for what an earlier run created and leaves it alone, which makes seeding idempotent.
"""

import copy
import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from courses.models import (
    CourseInstructor,
    CoursePage,
    CourseRun,
    HomePage,
    LessonPage,
    ModulePage,
    ProgramCourse,
    ProgramIndexPage,
    ProgramPage,
    UniversityPage,
)
from courses.terms import season_for
from universities.models import University

# Block ids are derived from this namespace and the block's place in the course, so they are
# the same on every run and in every translation (learner records refer to quiz block ids).
BLOCK_NAMESPACE = uuid.UUID("5b0c6a57-3f0e-4a52-9d7c-1f6f0e0d2a11")


def _block_id(*parts) -> str:
    return str(uuid.uuid5(BLOCK_NAMESPACE, "/".join(str(part) for part in parts)))


def with_block_ids(body: list[dict], *scope) -> list[dict]:
    """A copy of a raw lesson body with stable ids on every block and list item."""
    body = copy.deepcopy(body)
    for index, block in enumerate(body):
        block["id"] = _block_id(*scope, index)
        if block["type"] == "quiz":
            questions = block["value"]["questions"]
            for q_index, question in enumerate(questions):
                choices = _turned(question["choices"], *scope, index, q_index)
                question["choices"] = [
                    {"type": "item", "value": choice, "id": _block_id(*scope, index, q_index, c)}
                    for c, choice in enumerate(choices)
                ]
            block["value"]["questions"] = [
                {"type": "item", "value": question, "id": _block_id(*scope, index, q_index)}
                for q_index, question in enumerate(questions)
            ]
    return body


def _turned(choices: list, *place) -> list:
    # The content lists the right answer first, which is easy to write and to translate; the
    # options are turned by an amount derived from the question's place, so the right answer
    # sits at varied positions, the same in every run and every translation.
    if len(choices) < 2:
        return list(choices)
    shift = uuid.uuid5(BLOCK_NAMESPACE, "/".join(map(str, (*place, "turn")))).int % len(choices)
    return choices[shift:] + choices[:shift]


def _outcomes(items: list[str], *scope) -> list[dict]:
    return [
        {"type": "outcome", "value": {"text": text, "code": ""}, "id": _block_id(*scope, i)}
        for i, text in enumerate(items)
    ]


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def home_page(language: str = "en") -> HomePage:
    """The home page in `language`, created as an alias of the default one when missing."""
    default = HomePage.objects.get(locale__language_code="en")
    if language == "en":
        return default
    existing = HomePage.objects.filter(locale__language_code=language).first()
    return existing or default.copy_for_translation(_locale(language), alias=True).specific


def university_section(university: University, language: str = "en") -> UniversityPage:
    """The university's section of the tree in `language` (an alias outside English)."""
    existing = UniversityPage.objects.filter(
        university=university, locale__language_code=language
    ).first()
    if existing:
        return existing
    if language != "en":
        home_page(language)  # the translated section goes under the translated home
        source = university_section(university, "en")
        return source.copy_for_translation(_locale(language), alias=True).specific
    section = UniversityPage(
        title=university.name,
        slug=university.code,
        university=university,
        intro=f"<p>{university.name} is a demo institution; its courses are sample content.</p>",
    )
    home_page("en").add_child(instance=section)
    return _publish(section)


def course_build(data: dict, *, instructors: list) -> tuple[CoursePage, bool]:
    """Create and publish one course with its modules and lessons; (page, created)."""
    university = University.objects.get(code=data["university"])
    section = university_section(university, data["language"])
    existing = CoursePage.objects.child_of(section).filter(slug=data["slug"]).first()
    if existing:
        return existing.specific, False

    # Created unpublished and published last, so the outline is copied once, complete.
    course = CoursePage(
        title=data["title"],
        slug=data["slug"],
        live=False,
        summary=data["summary"],
        description=data["description"].strip(),
        outcomes=_outcomes(data["outcomes"], data["slug"], "outcomes"),
        language=data["language"],
        level=data["level"],
        ects_credits=Decimal(data["ects"]),
        effort_hours=data["effort_hours"],
        completion_min_quiz_average=data.get("min_quiz_average", 0),
    )
    section.add_child(instance=course)
    course.co_teaching_universities.set(University.objects.filter(code__in=data["co_teaching"]))
    course.prerequisites.set(
        CoursePage.objects.filter(slug__in=data.get("prerequisites", []), alias_of=None)
    )
    course.course_instructors.set(
        [CourseInstructor(user=user, role=role) for user, role in instructors]
    )
    for m_index, module_data in enumerate(data["modules"]):
        module = ModulePage(
            title=module_data["title"],
            slug=module_data["slug"],
            intro=module_data["intro"],
            live=False,
        )
        course.add_child(instance=module)
        for lesson_data in module_data["lessons"]:
            lesson = LessonPage(
                title=lesson_data["title"],
                slug=lesson_data["slug"],
                live=False,
                estimated_minutes=lesson_data["minutes"],
                body=with_block_ids(
                    lesson_data["body"], data["slug"], m_index, lesson_data["slug"]
                ),
            )
            module.add_child(instance=lesson)
            _publish(lesson)
        _publish(module)
    return _publish(course).specific, True


def course_run_ensure(course: CoursePage, *, capacity: int | None) -> CourseRun:
    """The demo's current run of `course`: started two weeks ago, open for enrollment."""
    run = CourseRun.objects.filter(course=course).order_by("pk").first()
    if run:
        return run
    today = timezone.now()
    start = (today - timedelta(days=14)).date()
    run = CourseRun(
        course=course,
        season=season_for(start),
        year=start.year,
        starts_on=start,
        ends_on=start + timedelta(weeks=15),
        enrollment_opens_at=today - timedelta(days=45),
        enrollment_closes_at=today + timedelta(days=45),
        capacity=capacity,
    )
    run.full_clean()
    run.save()
    return run


def next_run_ensure(course: CoursePage) -> CourseRun:
    """A later run whose enrollment has not opened yet, so the catalogue shows both states."""
    first = course_run_ensure(course, capacity=None)
    later = CourseRun.objects.filter(course=course).exclude(pk=first.pk).first()
    if later:
        return later
    start = first.ends_on + timedelta(weeks=6)
    opens = timezone.now() + timedelta(days=60)
    later = CourseRun(
        course=course,
        season=season_for(start),
        year=start.year,
        starts_on=start,
        ends_on=start + timedelta(weeks=15),
        enrollment_opens_at=opens,
        enrollment_closes_at=opens + timedelta(days=45),
    )
    later.full_clean()
    later.save()
    return later


def program_build(data: dict) -> ProgramPage:
    """The joint program with its ordered required and elective courses."""
    existing = ProgramPage.objects.filter(slug=data["slug"], locale__language_code="en").first()
    if existing:
        return existing
    index = ProgramIndexPage.objects.filter(locale__language_code="en").first()
    if index is None:
        index = ProgramIndexPage(
            title="Programs",
            slug="programs",
            intro="<p>Joint curricula, co-delivered by partner universities.</p>",
        )
        home_page("en").add_child(instance=index)
        _publish(index)
    universities = {u.code: u for u in University.objects.filter(code__in=data["partners"])}
    program = ProgramPage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        description=data["description"],
        outcomes=_outcomes(data["outcomes"], data["slug"], "outcomes"),
        lead_university=universities[data["lead"]],
    )
    index.add_child(instance=program)
    program.partner_universities.set(universities.values())
    program.program_courses.set(
        [
            ProgramCourse(course=_source_course(slug), is_required=required)
            for slug, required in data["courses"]
        ]
    )
    return _publish(program).specific


def _source_course(slug: str) -> CoursePage:
    return CoursePage.objects.filter(slug=slug, alias_of=None).order_by("pk").first()


# --- Translations through wagtail-localize ------------------------------------------------


@transaction.atomic
def course_translate(course: CoursePage, data: dict, *, user=None) -> CoursePage:
    """Translate a course and its pages into `data["locale"]` with wagtail-localize.

    `data` mirrors the course's own data module (same modules, lessons and blocks in the same
    order), so each translated string can be matched to its source segment by field path.
    The strings are stored as wagtail-localize translations and the pages published from
    them, exactly what a translator's work in the admin produces.
    """
    locale = _locale(data["locale"])

    source_data = data["source"]
    pairs = [(course, _course_stand_in(course, data, source_data))]
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    if len(modules) != len(data["modules"]):
        raise ImproperlyConfigured(f"The {locale} translation of {course.slug} lacks modules.")
    for m_index, (module, module_data) in enumerate(zip(modules, data["modules"], strict=True)):
        pairs.append((module, ModulePage(title=module_data["title"], intro=module_data["intro"])))
        lessons = list(LessonPage.objects.child_of(module).order_by("path"))
        source_lessons = source_data["modules"][m_index]["lessons"]
        for lesson, lesson_data, source_lesson in zip(
            lessons, module_data["lessons"], source_lessons, strict=True
        ):
            body = with_block_ids(lesson_data["body"], course.slug, m_index, source_lesson["slug"])
            pairs.append((lesson, LessonPage(title=lesson_data["title"], body=body)))

    ancestors_ensure(course, locale)
    for page, stand_in in pairs:
        stand_in.slug = page.slug
        source, _created = TranslationSource.get_or_create_from_instance(page.specific)
        _store_translated_strings(source, page.specific, stand_in, locale)
    # Parents first, so each page lands under its own translation. Each page is saved as a
    # draft and published here: wagtail-localize's own publish waits for the transaction to
    # commit and then writes a stale copy of the page over its tree position (numchild).
    for page, _stand_in in pairs:
        if translated_or_none(page, locale) is not None:
            continue
        source = TranslationSource.objects.get_for_instance(page.specific)
        Translation.objects.get_or_create(source=source, target_locale=locale)
        source.create_or_update_translation(
            locale, user=user, publish=False, copy_parent_pages=True, fallback=True
        )
        page.get_translation(locale).get_latest_revision().publish(user=user)
    return course.get_translation(locale)


def translated_or_none(page: Page, locale: Locale) -> Page | None:
    """The page's real translation into `locale`; an alias standing in for it does not count."""
    existing = page.get_translation_or_none(locale)
    return existing if existing is not None and existing.alias_of_id is None else None


def ancestors_ensure(page: Page, locale: Locale) -> None:
    """Give every ancestor of `page` a version in `locale`, as an alias where none exists.

    Translating with wagtail-localize's `copy_parent_pages` would copy them as real pages
    instead, which would then pass for translations nobody made.
    """
    # Top down, so each alias finds its own parent already in `locale`.
    for ancestor in page.get_ancestors().filter(depth__gt=1).specific():
        if ancestor.get_translation_or_none(locale) is None:
            original = ancestor.alias_of.specific if ancestor.alias_of_id else ancestor
            original.copy_for_translation(locale, alias=True)


def _course_stand_in(course: CoursePage, data: dict, source_data: dict) -> CoursePage:
    # An unsaved page holding the translated values, used only to extract its segments.
    return CoursePage(
        title=data["title"],
        summary=data["summary"],
        description=data["description"].strip(),
        outcomes=_outcomes(data["outcomes"], source_data["slug"], "outcomes"),
    )


def _strings_by_path(instance) -> dict[str, list[str]]:
    strings = defaultdict(list)
    for segment in extract_segments(instance):
        if isinstance(segment, StringSegmentValue):
            strings[segment.path].append(segment.string.data)
    return strings


def _store_translated_strings(source: TranslationSource, page, stand_in, locale) -> None:
    originals = _strings_by_path(page)
    translated = _strings_by_path(stand_in)
    lookup = {}
    for path, texts in originals.items():
        if len(translated.get(path, [])) != len(texts):
            raise ImproperlyConfigured(
                f"The {locale} translation of '{page.title}' does not match its source at "
                f"{path}: {len(texts)} strings, {len(translated.get(path, []))} translated."
            )
        lookup.update({(path, text): tr for text, tr in zip(texts, translated[path], strict=True)})
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = lookup.get((segment.context.path, segment.string.data))
        if text is None:
            continue
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": text, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
        )
