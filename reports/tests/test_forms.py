"""The export form: pickers limited to the scope, input kept, translated messages."""

import pytest
from django.utils import translation

from learning import services as learning
from reports.access import ReportScope
from reports.filters import ReportFilterError, parse_report_filters
from reports.forms import KIND_DESCRIPTIONS, ExportForm
from tests import factories as f


def scope_of(university):
    return ReportScope(university=university)


def picked(form, field):
    return {label for value, label in form.fields[field].choices if value != ""}


@pytest.fixture
def only_b(world):
    """A course of B that only B's own student takes: nothing of A's."""
    course = f.build_course(world.b, title="Only for B", modules=1, quiz_in_last_lesson=False)
    run = f.open_run(course, term="Spring 2026")
    learning.enrollment_create(learner=world.b_student, run=run)
    return course


@pytest.fixture
def programs(world):
    of_a = f.build_program(world.a, [world.c], [world.course_a])
    of_b = f.build_program(world.b, [], [world.course_b])
    return of_a, of_b


def test_course_picker_lists_the_scope_courses_by_name_only(world, only_b):
    labels = picked(ExportForm(scope=scope_of(world.a)), "course")
    # A's own course, the course it co-teaches, and the course its student takes, each with
    # its owning university by name.
    assert labels == {
        "Course of A (University A)",
        "Co-taught course (University C)",
        "Course of B (University B)",
    }
    labels_b = picked(ExportForm(scope=scope_of(world.b)), "course")
    assert "Only for B (University B)" in labels_b
    assert "Co-taught course (University C)" not in labels_b


def test_program_picker_lists_the_scope_programs_only(world, programs):
    of_a, of_b = programs
    form_a, form_c = ExportForm(scope=scope_of(world.a)), ExportForm(scope=scope_of(world.c))
    assert picked(form_a, "program") == {f"{of_a.title} (University A)"}
    # C is a partner of A's program, and of no other.
    assert picked(form_c, "program") == {f"{of_a.title} (University A)"}
    assert f"{of_b.title} (University B)" in picked(ExportForm(scope=scope_of(world.b)), "program")


def test_pickers_are_selects_and_dates_are_native_date_inputs(world):
    html = str(ExportForm(scope=scope_of(world.a)))
    assert '<select name="course"' in html and '<select name="program"' in html
    assert 'type="date"' in html and 'name="enrolled_from"' in html
    assert "YYYY-MM-DD" in html  # the hint next to each date


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"course": "course_c_of_b"}, "course"),  # another university's course
        ({"course": "999999"}, "course"),  # no such page
        ({"course": "abc"}, "course"),
        ({"program": "999999"}, "program"),
        ({"enrolled_from": "2026-05-01", "enrolled_to": "2026-01-01"}, "enrolled_to"),
        ({"enrolled_from": "01/05/2026"}, "enrolled_from"),
        ({"sort": "password"}, "sort"),
    ],
)
def test_bad_input_is_refused_with_a_message_per_field(world, data, field):
    if data.get("course") == "course_c_of_b":
        data = {"course": str(world.course_c.pk)}
    form = ExportForm({"kind": "enrollments", "format": "csv", **data}, scope=scope_of(world.b))
    assert not form.is_valid()
    assert set(form.errors) == {field}


def test_out_of_scope_and_unknown_ids_get_the_same_message(world):
    scope = scope_of(world.b)
    foreign = ExportForm(
        {"kind": "enrollments", "format": "csv", "course": world.course_c.pk}, scope=scope
    )
    unknown = ExportForm({"kind": "enrollments", "format": "csv", "course": 987654}, scope=scope)
    assert not foreign.is_valid() and not unknown.is_valid()
    assert foreign.errors["course"] == unknown.errors["course"]


def test_a_course_in_scope_passes_by_any_id_and_filters(world):
    form = ExportForm(
        {"kind": "enrollments", "format": "csv", "course": world.course_a.pk, "sort": "name"},
        scope=scope_of(world.a),
    )
    assert form.is_valid(), form.errors
    assert form.filters().course == world.course_a.pk and form.filters().sort == "name"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"enrolled_from": "2026-05-01", "enrolled_to": "2026-01-01"},
            "Дата окончания раньше даты начала.",
        ),
        ({"course": "987654"}, "Выберите курс из списка"),
        ({"enrolled_from": "2026-13-45"}, "Введите дату в виде ГГГГ-ММ-ДД"),
        ({"sort": "x"}, "Неизвестный порядок"),
    ],
)
def test_messages_are_translated(world, data, expected):
    with translation.override("ru"):
        form = ExportForm({"kind": "enrollments", "format": "csv", **data}, scope=scope_of(world.a))
        assert not form.is_valid()
        assert expected in " ".join(str(m) for msgs in form.errors.values() for m in msgs)


def test_every_report_is_described_in_a_sentence(world):
    form = ExportForm(scope=scope_of(world.a))
    options = form.kind_options()
    assert [radio.data["value"] for radio, _d in options] == list(KIND_DESCRIPTIONS)
    assert all(description.endswith(".") for _radio, description in options)


def test_api_keys_ignore_the_sort_and_still_check_the_scope(world):
    scope = scope_of(world.b)
    filters = parse_report_filters(
        {"sort": "nonsense", "term": "Spring 2026"}, scope=scope, keys=("term", "course")
    )
    assert filters.sort == "" and filters.term == "Spring 2026"
    with pytest.raises(ReportFilterError) as refused:
        parse_report_filters({"course": str(world.course_c.pk)}, scope=scope)
    assert "course" in refused.value.errors
