"""Content checked against its libraries' semantics.json (issue 17, Bad input; ADR 0054).

Each rule with small hand-made semantics; packages whose libraries bring semantics, with
sub-content of a container; Hypothesis for arbitrary content and arbitrary semantics; and the
admin upload and replace refusing a script in a plain-text field with nothing written.
"""

import contextlib
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from h5p.archive import ArchiveRejected
from h5p.models import H5PContent, H5PLibrary
from h5p.semantics import MAX_DEPTH, ContentRejected, check_content
from h5p.services import h5p_content_create, h5p_content_replace
from h5p.storage import h5p_root
from h5p.tests.packages import FIXTURES, TINY_QUIZ_FOLDER, build_h5p, tiny_quiz_h5p
from h5p.tests.test_admin import staff_client, upload
from tests import factories as f

MAIN = ("H5P.Main", 1, 0)


def check(content, fields, others=None):
    """Check `content` as params of H5P.Main with `fields` as its semantics."""
    libraries = {MAIN: fields, **(others or {})}

    def lookup(name, major, minor):
        return libraries[(name, major, minor)]

    check_content(content, library=MAIN, semantics=lookup)


def refused(content, fields, others=None) -> ContentRejected:
    with pytest.raises(ContentRejected) as caught:
        check(content, fields, others)
    assert caught.value.entry == "content/content.json"
    return caught.value


TEXT = {"name": "title", "type": "text"}
HTML = {"name": "body", "type": "text", "widget": "html", "tags": ["strong", "em", "a", "ul"]}


# --- text --------------------------------------------------------------------------------------


def test_plain_text_accepts_text_with_a_less_than_sign():
    check({"title": "Is 3 < 5? Yes & no &lt;b&gt;"}, [TEXT])


@pytest.mark.parametrize(
    "value",
    ["<b>bold</b>", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "java\tscript:x"],
)
def test_plain_text_refuses_markup_and_script_links(value):
    error = refused({"title": value}, [TEXT])

    assert error.code == "markup-in-plain-text"
    assert error.path == "title"
    assert "title" in error.message and "plain text" in error.message


def test_html_text_allows_its_tags_their_companions_and_paragraphs():
    check(
        {"body": '<p><strong>A</strong> <b>B</b> <i>C</i><br><a href="https://x.org/">x</a></p>'},
        [HTML],
    )
    check({"body": "<ul><li>one</li></ul><div><span style='color:red'>x</span></div>"}, [HTML])


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("<h2>Heading</h2>", "<h2>"),
        ("<script>alert(1)</script>", "<script>"),
        ('<strong onclick="alert(1)">x</strong>', "onclick"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href=" jav&#x09;ascript:alert(1)">x</a>', "javascript"),
        ('<a href="data:text/html,x">x</a>', "data"),
        ('<span style="background:url(x)">x</span>', "style"),
    ],
)
def test_html_text_refuses_other_tags_event_attributes_and_script_urls(value, words):
    error = refused(
        {"intro": {"body": value, "more": 1}},
        [{"name": "intro", "type": "group", "fields": [HTML, {"name": "more", "type": "number"}]}],
    )

    assert error.code == "unsafe-html"
    assert error.path == "intro.body"
    assert words in error.message


def test_script_is_refused_even_when_the_semantics_list_it():
    field = {"name": "body", "type": "text", "widget": "html", "tags": ["script", "iframe"]}

    assert refused({"body": "<script>1</script>"}, [field]).code == "unsafe-html"
    assert refused({"body": "<iframe src=x></iframe>"}, [field]).code == "unsafe-html"


def test_text_longer_than_max_length_and_text_of_the_wrong_type():
    field = {"name": "title", "type": "text", "maxLength": 5}

    assert refused({"title": "too long"}, [field]).code == "too-long"
    assert refused({"title": 5}, [field]).code == "wrong-type"


# --- numbers, booleans, selects ------------------------------------------------------------------

NUMBER = {"name": "score", "type": "number", "min": 0, "max": 10, "decimals": 1}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("5", "wrong-type"),
        (True, "wrong-type"),
        (11, "out-of-range"),
        (-1, "out-of-range"),
        (2.25, "too-many-decimals"),
    ],
)
def test_numbers_are_numbers_in_range(value, code):
    error = refused({"score": value}, [NUMBER])

    assert (error.code, error.path) == (code, "score")


def test_a_number_in_range_and_a_boolean_pass():
    check({"score": 2.5, "on": False}, [NUMBER, {"name": "on", "type": "boolean"}])
    assert refused({"on": "yes"}, [{"name": "on", "type": "boolean"}]).code == "wrong-type"


SELECT = {
    "name": "mode",
    "type": "select",
    "options": [{"value": "a", "label": "A"}, {"value": 2, "label": "Two"}],
}


def test_select_value_must_be_an_option():
    check({"mode": "a"}, [SELECT])
    check({"mode": 2}, [SELECT])
    error = refused({"mode": "b"}, [SELECT])

    assert (error.code, error.path) == ("not-an-option", "mode")
    assert refused({"mode": "2"}, [SELECT]).code == "not-an-option"


def test_multiple_select_checks_each_value_and_optional_select_may_be_unset():
    field = {**SELECT, "multiple": True}

    check({"mode": ["a", 2]}, [field])
    assert refused({"mode": ["a", "z"]}, [field]).code == "not-an-option"
    check({"mode": ""}, [{**SELECT, "optional": True}])


# --- lists, groups, unknown and missing fields ---------------------------------------------------

ANSWERS = {
    "name": "answers",
    "type": "list",
    "min": 1,
    "max": 3,
    "field": {
        "name": "answer",
        "type": "group",
        "fields": [TEXT, {"name": "correct", "type": "boolean"}],
    },
}


def test_list_items_are_checked_with_their_index_in_the_path():
    error = refused({"answers": [{"title": "ok"}, {"title": "<b>x</b>"}]}, [ANSWERS])

    assert error.path == "answers[1].title"


def test_list_size_and_type():
    assert refused({"answers": []}, [ANSWERS]).code == "list-size"
    assert refused({"answers": [{}] * 4}, [ANSWERS]).code == "list-size"
    assert refused({"answers": {"0": {}}}, [ANSWERS]).code == "wrong-type"


def test_a_group_of_one_field_is_stored_flattened_as_h5p_does():
    field = {"name": "wrap", "type": "group", "fields": [TEXT]}

    check({"wrap": "plain words"}, [field])
    assert refused({"wrap": "<b>x</b>"}, [field]).path == "wrap"
    # Content saved before the editor flattened keeps the object: it is checked as a group.
    check({"wrap": {"title": "plain words"}}, [field])
    assert refused({"wrap": {"title": "<b>x</b>"}}, [field]).path == "wrap.title"


def test_missing_fields_are_accepted_and_null_counts_as_missing():
    check({}, [TEXT, NUMBER, ANSWERS])
    check({"score": None}, [NUMBER])


def test_unknown_fields_are_left_alone_unless_they_carry_a_script():
    check({"title": "x", "extra": {"anything": [1, "<b>bold</b>", True]}}, [TEXT])
    error = refused({"title": "x", "extra": {"deep": ["<script>x</script>"]}}, [TEXT])

    assert (error.code, error.path) == ("script-in-content", "extra.deep[0]")


def test_top_level_must_be_an_object():
    assert refused([1, 2], [TEXT]).code == "wrong-type"


# --- sub-content -------------------------------------------------------------------------------

QUESTION = ("H5P.Question", 1, 2)
QUESTION_FIELDS = [TEXT, ANSWERS]
QUESTIONS = {
    "name": "questions",
    "type": "list",
    "field": {"name": "question", "type": "library", "options": ["H5P.Question 1.2"]},
}


def sub(params, library="H5P.Question 1.2"):
    return {
        "library": library,
        "params": params,
        "subContentId": "0b7ae3b1",
        "metadata": {"title": "Question", "license": "U"},
    }


def test_sub_content_is_checked_against_its_own_library():
    good = {"title": "Q", "answers": [{"title": "yes", "correct": True}]}
    bad = {"title": "Q", "answers": [{"title": "<b>no</b>"}]}

    check({"questions": [sub(good)]}, [QUESTIONS], {QUESTION: QUESTION_FIELDS})
    error = refused(
        {"questions": [sub(good), sub(good), sub(bad)]}, [QUESTIONS], {QUESTION: QUESTION_FIELDS}
    )

    assert error.path == "questions[2].params.answers[0].title"


def test_a_library_not_in_the_options_or_not_present_is_refused():
    error = refused(
        {"questions": [sub({}, "H5P.Other 1.0")]}, [QUESTIONS], {("H5P.Other", 1, 0): []}
    )
    assert (error.code, error.path) == ("library-not-allowed", "questions[0].library")

    error = refused({"questions": [sub({})]}, [QUESTIONS])
    assert error.code == "library-missing"
    assert "H5P.Question 1.2" in error.message


def test_metadata_of_sub_content_may_not_carry_a_script():
    bad = sub({}) | {"metadata": {"title": '<img src=x onerror="alert(1)">'}}

    error = refused({"questions": [bad]}, [QUESTIONS], {QUESTION: QUESTION_FIELDS})

    assert error.path == "questions[0].metadata.title"


def test_a_library_without_semantics_is_only_scanned_for_scripts():
    check({"questions": [sub({"anything": 1})]}, [QUESTIONS], {QUESTION: None})
    assert (
        refused(
            {"questions": [sub({"x": "javascript:alert(1)"})]}, [QUESTIONS], {QUESTION: None}
        ).code
        == "script-in-content"
    )


def test_media_paths_may_not_be_script_links():
    image = {"name": "image", "type": "image"}
    video = {"name": "video", "type": "video"}

    check({"image": {"path": "images/a.png", "mime": "image/png"}}, [image])
    check({"video": [{"path": "https://example.org/a.mp4"}]}, [video])
    error = refused({"video": [{"path": "javascript:alert(1)"}]}, [video])
    assert (error.code, error.path) == ("unsafe-url", "video[0].path")
    assert refused({"image": "a.png"}, [image]).code == "wrong-type"


# --- limits and hostile semantics ----------------------------------------------------------------


def test_self_nesting_content_stops_at_the_depth_limit():
    looping = {"name": "inner", "type": "library", "options": ["H5P.Main 1.0"]}
    content: dict = {}
    for _level in range(MAX_DEPTH):
        content = {"inner": {"library": "H5P.Main 1.0", "params": content}}

    assert refused(content, [looping]).code == "content-too-complex"


def test_deep_unknown_values_stop_at_the_depth_limit():
    deep: list = []
    for _level in range(MAX_DEPTH + 5):
        deep = [deep]

    assert refused({"extra": deep}, [TEXT]).code == "content-too-complex"


@pytest.mark.parametrize(
    "fields",
    [
        {"not": "a list"},
        [1],
        [{"name": "x", "type": "colour"}],
        [{"name": "x", "type": "list"}],
        [{"name": "x", "type": "select"}],
        [{"type": "text"}],
    ],
)
def test_broken_semantics_are_named(fields):
    with pytest.raises(ContentRejected) as caught:
        check({"x": [1]}, fields)

    assert caught.value.code == "invalid-semantics"
    assert "H5P.Main 1.0" in caught.value.message


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["<b>", "<script>", "javascript:x", "<p onclick=x>", "H5P.Question 1.2"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["title", "body", "score", "mode", "answers", "questions", "library", "params", "x"]
            )
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=30,
)

FIXED = [TEXT, HTML, NUMBER, SELECT, ANSWERS, QUESTIONS, {"name": "image", "type": "image"}]


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_content_against_fixed_semantics_raises_only_content_rejected(content):
    with contextlib.suppress(ContentRejected):
        check(content, FIXED, {QUESTION: QUESTION_FIELDS})


field_names = st.sampled_from(["title", "body", "x", "answers", "questions"])
semantic_fields = st.recursive(
    st.fixed_dictionaries(
        {
            "name": field_names,
            "type": st.sampled_from(
                ["text", "number", "boolean", "select", "image", "video", "library", "x"]
            ),
        },
        optional={
            "tags": json_values,
            "maxLength": json_values,
            "min": json_values,
            "max": json_values,
            "decimals": json_values,
            "options": json_values,
            "multiple": json_values,
            "optional": st.booleans(),
        },
    )
    | json_values,
    lambda children: st.fixed_dictionaries(
        {"name": field_names, "type": st.sampled_from(["group", "list"])},
        optional={
            "fields": st.lists(children, max_size=3),
            "field": children,
            "min": json_values,
            "max": json_values,
            "isSubContent": json_values,
        },
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(semantic_fields, max_size=4) | json_values, json_values)
def test_arbitrary_semantics_raise_only_content_rejected(fields, content):
    with contextlib.suppress(ContentRejected):
        check(content, fields, {QUESTION: fields})


# --- packages, the admin upload and replace ------------------------------------------------------

QUIZ_SEMANTICS = [
    {"name": "question", "type": "text", "widget": "html", "tags": ["strong", "em"]},
    {"name": "score", "type": "number", "min": 0},
    {"name": "maxScore", "type": "number", "min": 1},
    {"name": "feedback", "type": "text", "optional": True},
]
CONTAINER = "H5P.IlmQuizSet"
CONTAINER_SEMANTICS = [
    {"name": "intro", "type": "text", "widget": "html", "tags": ["strong", "em"]},
    {
        "name": "questions",
        "type": "list",
        "min": 1,
        "field": {"name": "question", "type": "library", "options": ["H5P.IlmTinyQuiz 1.0"]},
    },
]


def quiz_package(content: dict, *, container: bool = False, with_libraries: bool = True) -> bytes:
    """The tiny quiz (with semantics) as content, or inside a container of quizzes."""
    files: dict[str, bytes] = {}
    main = CONTAINER if container else "H5P.IlmTinyQuiz"
    dependencies = [{"machineName": "H5P.IlmTinyQuiz", "majorVersion": 1, "minorVersion": 0}]
    if container:
        dependencies.insert(0, {"machineName": CONTAINER, "majorVersion": 1, "minorVersion": 0})
    files["h5p.json"] = json.dumps(
        {
            "title": "Quiz",
            "language": "en",
            "mainLibrary": main,
            "embedTypes": ["iframe"],
            "license": "U",
            "preloadedDependencies": dependencies,
        }
    ).encode()
    files["content/content.json"] = json.dumps(content).encode()
    if not with_libraries:
        return build_h5p(files)
    for path in sorted((FIXTURES / TINY_QUIZ_FOLDER).iterdir()):
        files[f"{TINY_QUIZ_FOLDER}/{path.name}"] = path.read_bytes()
    files[f"{TINY_QUIZ_FOLDER}/semantics.json"] = json.dumps(QUIZ_SEMANTICS).encode()
    if container:
        library = json.loads((FIXTURES / TINY_QUIZ_FOLDER / "library.json").read_bytes())
        library.update(
            machineName=CONTAINER,
            title="Quiz set",
            preloadedDependencies=[
                {"machineName": "H5P.IlmTinyQuiz", "majorVersion": 1, "minorVersion": 0}
            ],
        )
        folder = f"{CONTAINER}-1.0"
        files[f"{folder}/library.json"] = json.dumps(library).encode()
        files[f"{folder}/tiny-quiz.js"] = b"/* quiz set */"
        files[f"{folder}/tiny-quiz.css"] = b""
        files[f"{folder}/semantics.json"] = json.dumps(CONTAINER_SEMANTICS).encode()
    return build_h5p(files)


GOOD_QUIZ = {"question": "<p>Is this a <strong>test</strong>?</p>", "score": 3, "maxScore": 4}


def stored_files() -> list[str]:
    root = h5p_root()
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def create(data: bytes, university, *, may_install_libraries=True):
    return h5p_content_create(
        source=io.BytesIO(data),
        filename="quiz.h5p",
        university=university,
        may_install_libraries=may_install_libraries,
    )


@pytest.mark.django_db
def test_packages_whose_content_fits_its_semantics_import(university):
    plain = create(quiz_package(GOOD_QUIZ), university)
    nested = create(
        quiz_package(
            {
                "intro": "<p>Three questions</p>",
                "questions": [
                    {"library": "H5P.IlmTinyQuiz 1.0", "params": GOOD_QUIZ, "subContentId": "a1"}
                ],
            },
            container=True,
        ),
        university,
    )

    assert plain.main_library.machine_name == "H5P.IlmTinyQuiz"
    assert nested.main_library.machine_name == CONTAINER
    # The tiny quiz of the other tests, without semantics.json, still imports too.
    assert create(tiny_quiz_h5p(title="Old"), university).title == "Old"


@pytest.mark.django_db
def test_sub_content_breaking_its_semantics_refuses_the_package(university):
    bad = {
        "intro": "x",
        "questions": [
            {"library": "H5P.IlmTinyQuiz 1.0", "params": {**GOOD_QUIZ, "score": "three"}}
        ],
    }

    with pytest.raises(ArchiveRejected) as caught:
        create(quiz_package(bad, container=True), university)

    assert "questions[0].params.score" in caught.value.message
    assert not H5PLibrary.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_admin_upload_with_script_in_a_plain_text_field_is_refused_and_writes_nothing(
    client, university
):
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    hostile = {**GOOD_QUIZ, "feedback": '<img src="x" onerror="alert(document.cookie)">'}

    response = upload(client, quiz_package(hostile), university, install_libraries="on")

    assert response.status_code == 200
    errors = str(response.context["form"].errors["package"])
    assert "feedback" in errors and "plain text" in errors
    assert not H5PContent.objects.exists()
    assert not H5PLibrary.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_instructor_upload_is_checked_against_the_installed_semantics(client, university):
    create(quiz_package(GOOD_QUIZ), university)  # staff installed the quiz with its semantics
    before = stored_files()
    staff_client(client, f.make_member("instructor", university))

    response = upload(
        client,
        quiz_package({**GOOD_QUIZ, "maxScore": 0}, with_libraries=False),
        university,
    )

    assert response.status_code == 200
    assert "maxScore" in str(response.context["form"].errors["package"])
    assert H5PContent.objects.count() == 1
    assert stored_files() == before


@pytest.mark.django_db
def test_replace_with_content_breaking_its_semantics_changes_nothing(university):
    content = create(quiz_package(GOOD_QUIZ), university)
    before = stored_files()

    with pytest.raises(ArchiveRejected) as caught:
        h5p_content_replace(
            content=content,
            source=io.BytesIO(
                quiz_package({**GOOD_QUIZ, "question": "<script>x</script>"}, with_libraries=False)
            ),
            filename="quiz.h5p",
            may_install_libraries=False,
        )

    assert "question" in caught.value.message
    content.refresh_from_db()
    assert content.folder.endswith(str(content.uuid))
    assert stored_files() == before


# --- the shape of a real export --------------------------------------------------------------

# The structure of H5P.MultiChoice 1.16's semantics (abridged, labels left out): a media group
# of one library field, HTML fields with their tags, a one-field group holding a list, plain
# text translations, behaviour settings.
HTML_TAGS = ["strong", "em", "sub", "sup"]
MULTICHOICE_SEMANTICS = [
    {
        "name": "media",
        "type": "group",
        "fields": [
            {"name": "type", "type": "library", "optional": True, "options": ["H5P.Image 1.1"]}
        ],
    },
    {"name": "question", "type": "text", "widget": "html", "enterMode": "p", "tags": HTML_TAGS},
    {
        "name": "answers",
        "type": "list",
        "min": 1,
        "field": {
            "name": "answer",
            "type": "group",
            "fields": [
                {"name": "text", "type": "text", "widget": "html", "tags": HTML_TAGS},
                {"name": "correct", "type": "boolean"},
                {
                    "name": "tipsAndFeedback",
                    "type": "group",
                    "optional": True,
                    "fields": [
                        {"name": "tip", "type": "text", "widget": "html", "tags": ["p", "a"]},
                        {
                            "name": "chosenFeedback",
                            "type": "text",
                            "widget": "html",
                            "tags": HTML_TAGS,
                        },
                    ],
                },
            ],
        },
    },
    {
        "name": "overallFeedback",
        "type": "group",
        "fields": [
            {
                "name": "overallFeedback",
                "type": "list",
                "optional": True,
                "field": {
                    "name": "overallFeedback",
                    "type": "group",
                    "fields": [
                        {"name": "from", "type": "number", "min": 0, "max": 100},
                        {"name": "to", "type": "number", "min": 0, "max": 100},
                        {"name": "feedback", "type": "text", "optional": True},
                    ],
                },
            }
        ],
    },
    {
        "name": "UI",
        "type": "group",
        "common": True,
        "fields": [
            {"name": "checkAnswerButton", "type": "text", "default": "Check"},
            {"name": "scoreBarLabel", "type": "text", "optional": True},
        ],
    },
    {
        "name": "behaviour",
        "type": "group",
        "optional": True,
        "fields": [
            {"name": "enableRetry", "type": "boolean", "default": True},
            {
                "name": "type",
                "type": "select",
                "default": "auto",
                "options": [{"value": "auto"}, {"value": "multi"}, {"value": "single"}],
            },
            {"name": "passPercentage", "type": "number", "min": 0, "max": 100, "step": 1},
        ],
    },
]
IMAGE_SEMANTICS = [
    {"name": "file", "type": "image"},
    {"name": "alt", "type": "text", "maxLength": 500},
]
EXPORTED_MULTICHOICE = {
    "media": {
        "type": {
            "params": {
                "file": {
                    "path": "images/file-1.png",
                    "mime": "image/png",
                    "width": 600,
                    "copyright": {"license": "U"},
                },
                "alt": "Map of Central Asia",
                "contentName": "Image",
            },
            "library": "H5P.Image 1.1",
            "metadata": {"contentType": "Image", "license": "U", "title": "Untitled Image"},
            "subContentId": "b1f16a0e-1d4c-4e2b-9a1e-5c0f3a7d2b11",
        },
        "disableImageZooming": False,
    },
    "question": "<p>Is Dushanbe the capital of <strong>Tajikistan</strong>?</p>\n",
    "answers": [
        {
            "correct": True,
            "text": "<div>Yes</div>\n",
            "tipsAndFeedback": {"tip": "", "chosenFeedback": "<div>Right!</div>\n"},
        },
        {"correct": False, "text": "<div>No</div>\n", "tipsAndFeedback": {"tip": "<p>Look</p>"}},
    ],
    "overallFeedback": [{"from": 0, "to": 100}],
    "UI": {
        "checkAnswerButton": "Check",
        "scoreBarLabel": "You got :num out of :total points",
        "a11yCheck": "Check the answers.",
    },
    "behaviour": {"enableRetry": True, "type": "auto", "passPercentage": 100, "autoCheck": False},
}


def test_content_shaped_like_a_multichoice_export_passes():
    libraries = {
        ("H5P.MultiChoice", 1, 16): MULTICHOICE_SEMANTICS,
        ("H5P.Image", 1, 1): IMAGE_SEMANTICS,
    }

    check_content(
        EXPORTED_MULTICHOICE,
        library=("H5P.MultiChoice", 1, 16),
        semantics=lambda *ref: libraries[ref],
    )
    # With no media chosen, the media group holds only a left-over key.
    check_content(
        {**EXPORTED_MULTICHOICE, "media": {"disableImageZooming": False}},
        library=("H5P.MultiChoice", 1, 16),
        semantics=lambda *ref: libraries[ref],
    )
    hostile = {**EXPORTED_MULTICHOICE, "UI": {"checkAnswerButton": "<img src=x onerror=alert(1)>"}}
    with pytest.raises(ContentRejected) as caught:
        check_content(
            hostile, library=("H5P.MultiChoice", 1, 16), semantics=lambda *ref: libraries[ref]
        )
    assert caught.value.path == "UI.checkAnswerButton"
