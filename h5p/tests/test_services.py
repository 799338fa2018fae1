import io
import json
from decimal import Decimal

import pytest

from h5p.archive import ArchiveRejected
from h5p.models import H5PContent, H5PLibrary, H5PUserData
from h5p.saved_state import USER_DATA_MAX_BYTES, h5p_user_data_save
from h5p.services import H5PError, h5p_content_create, h5p_statement_record
from h5p.statements import is_finishing as statement_is_finishing
from h5p.statements import score_of
from h5p.tests.conftest import lesson_with_activity
from h5p.tests.packages import TINY_QUIZ_FOLDER, build_h5p, tiny_quiz_files, tiny_quiz_h5p
from learning.models import ActivityResult, Enrollment, LessonProgress
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def files_under(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def answered(content, *, raw=3, maximum=4, parent=False, actor=None):
    statement = {
        "actor": actor or {"name": "someone", "mbox": "mailto:forged@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "id": content.xapi_iri,
            "objectType": "Activity",
            "definition": {"name": {"en-US": content.title}},
        },
        "result": {
            "score": {"min": 0, "raw": raw, "max": maximum, "scaled": raw / maximum},
            "completion": True,
            "success": raw == maximum,
        },
        "context": {
            "contextActivities": {
                "category": [{"id": "http://h5p.org/libraries/H5P.IlmTinyQuiz-1.0"}]
            }
        },
    }
    if parent:
        statement["context"]["contextActivities"]["parent"] = [{"id": content.xapi_iri}]
        statement["object"]["id"] = f"{content.xapi_iri}?subContentId=abc-123"
    return statement


# --- uploading -------------------------------------------------------------------------


def test_staff_upload_installs_library_and_creates_content(university, h5p_root):
    content = h5p_content_create(
        source=io.BytesIO(tiny_quiz_h5p(title="Fractions")),
        filename="fractions.h5p",
        university=university,
        may_install_libraries=True,
    )

    library = H5PLibrary.objects.get()
    assert (library.machine_name, library.major_version, library.minor_version) == (
        "H5P.IlmTinyQuiz",
        1,
        0,
    )
    assert library.runnable
    assert content.title == "Fractions"
    assert content.main_library == library
    assert (h5p_root / content.folder / "content" / "content.json").is_file()
    assert (h5p_root / library.installed_path / "tiny-quiz.js").is_file()


def test_instructor_upload_reuses_installed_library(university, tiny_content, h5p_root):
    content = h5p_content_create(
        source=io.BytesIO(tiny_quiz_h5p(include_library=False)),
        filename="again.h5p",
        university=university,
        may_install_libraries=False,
    )

    assert content.main_library == tiny_content.main_library
    assert H5PLibrary.objects.count() == 1


def test_instructor_cannot_install_a_library(university, h5p_root):
    with pytest.raises(ArchiveRejected) as caught:
        h5p_content_create(
            source=io.BytesIO(tiny_quiz_h5p()),
            filename="tiny.h5p",
            university=university,
            may_install_libraries=False,
        )

    assert caught.value.code == "library-install-not-allowed"
    assert "H5P.IlmTinyQuiz 1.0" in caught.value.message
    assert not H5PLibrary.objects.exists()
    assert not H5PContent.objects.exists()
    assert files_under(h5p_root) == []


def test_instructor_cannot_sneak_a_newer_library_patch_in(university, tiny_content, h5p_root):
    files = tiny_quiz_files()
    library = json.loads(files[f"{TINY_QUIZ_FOLDER}/library.json"])
    library["patchVersion"] = 9
    files[f"{TINY_QUIZ_FOLDER}/library.json"] = json.dumps(library).encode()
    files[f"{TINY_QUIZ_FOLDER}/tiny-quiz.js"] = b"stealCookies();"

    h5p_content_create(
        source=io.BytesIO(build_h5p(files)),
        filename="tiny.h5p",
        university=university,
        may_install_libraries=False,
    )

    installed = H5PLibrary.objects.get()
    assert installed.patch_version == 0
    assert (
        b"stealCookies" not in (h5p_root / installed.installed_path / "tiny-quiz.js").read_bytes()
    )


def test_package_whose_main_library_is_not_runnable_is_rejected(university, h5p_root):
    files = tiny_quiz_files()
    library = json.loads(files[f"{TINY_QUIZ_FOLDER}/library.json"])
    library["runnable"] = 0
    files[f"{TINY_QUIZ_FOLDER}/library.json"] = json.dumps(library).encode()

    with pytest.raises(ArchiveRejected) as caught:
        h5p_content_create(
            source=io.BytesIO(build_h5p(files)),
            filename="tiny.h5p",
            university=university,
            may_install_libraries=True,
        )

    assert caught.value.code == "main-library-not-runnable"
    assert not H5PLibrary.objects.exists()
    assert files_under(h5p_root) == []


# --- saved state -------------------------------------------------------------------------


def test_user_data_saves_updates_and_deletes(activity_lesson, tiny_content):
    learner = activity_lesson.learner
    kwargs = {"user": learner, "content": tiny_content, "data_type": "state", "sub_content_id": "0"}

    h5p_user_data_save(**kwargs, data='{"answered":false}')
    h5p_user_data_save(**kwargs, data='{"answered":true}', preload=True)
    assert H5PUserData.objects.get().data == '{"answered":true}'

    h5p_user_data_save(**kwargs, data="0")
    assert not H5PUserData.objects.exists()


def test_user_data_is_capped(activity_lesson, tiny_content):
    with pytest.raises(H5PError) as caught:
        h5p_user_data_save(
            user=activity_lesson.learner,
            content=tiny_content,
            data_type="state",
            sub_content_id="0",
            data="x" * (USER_DATA_MAX_BYTES + 1),
        )

    assert caught.value.code == "too_large"
    assert not H5PUserData.objects.exists()


# --- counting ----------------------------------------------------------------------------


def test_answered_statement_is_stored_for_the_learner_and_finishes_the_lesson(
    activity_lesson, tiny_content
):
    enrollment = activity_lesson.enrollment
    outline_lesson = enrollment.outline.lessons.get()
    assert outline_lesson.activity_ids == [str(tiny_content.uuid)]

    recorded = h5p_statement_record(
        user=activity_lesson.learner,
        enrollment=enrollment,
        outline_lesson=outline_lesson,
        content=tiny_content,
        statement=answered(tiny_content, raw=3, maximum=4),
    )

    stored = Statement.objects.get(statement_id=recorded.statement_id)
    assert stored.learner == activity_lesson.learner
    assert stored.data["actor"]["account"]["name"] == str(activity_lesson.learner.pk)
    assert "mbox" not in stored.data["actor"]
    assert stored.data["authority"]["account"]["name"] == "ilm-platform"
    assert stored.data["timestamp"] and stored.data["stored"]
    assert recorded.finished
    result = ActivityResult.objects.get(enrollment=enrollment)
    assert result.best_scaled_score == Decimal("0.75")
    assert LessonProgress.objects.filter(
        enrollment=enrollment, source=LessonProgress.Source.ACTIVITY
    ).exists()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.final_score == Decimal("75.00")


def test_statement_about_a_part_does_not_finish_the_activity(activity_lesson, tiny_content):
    enrollment = activity_lesson.enrollment
    recorded = h5p_statement_record(
        user=activity_lesson.learner,
        enrollment=enrollment,
        outline_lesson=enrollment.outline.lessons.get(),
        content=tiny_content,
        statement=answered(tiny_content, parent=True),
    )

    assert not recorded.finished
    assert Statement.objects.filter(statement_id=recorded.statement_id).exists()
    result = ActivityResult.objects.get()
    assert result.viewed_at is not None
    assert (result.finished_at, result.best_scaled_score, result.attempts) == (None, None, 0)
    assert not LessonProgress.objects.exists()


def test_minimum_activity_score_holds_completion_back(university, tiny_content):
    setup = lesson_with_activity(university, tiny_content, completion_min_activity_score=80)
    enrollment = setup.enrollment
    h5p_statement_record(
        user=setup.learner,
        enrollment=enrollment,
        outline_lesson=enrollment.outline.lessons.get(),
        content=tiny_content,
        statement=answered(tiny_content, raw=3, maximum=4),
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE

    h5p_statement_record(
        user=setup.learner,
        enrollment=enrollment,
        outline_lesson=enrollment.outline.lessons.get(),
        content=tiny_content,
        statement=answered(tiny_content, raw=4, maximum=4),
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


@pytest.mark.parametrize(
    ("statement", "code"),
    [
        (["not", "an", "object"], "bad_statement"),
        ({"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}}, "wrong_object"),
        (
            {
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"id": "https://elsewhere.example/activity"},
            },
            "wrong_object",
        ),
        (
            {
                "verb": {"id": "not an iri"},
                "object": {"id": "IRI"},
            },
            "invalid_statement",
        ),
        (
            {
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"id": "IRI"},
                "result": {"score": {"scaled": 7}},
            },
            "bad_score",
        ),
    ],
)
def test_bad_statements_are_refused_and_nothing_is_stored(
    activity_lesson, tiny_content, statement, code
):
    if isinstance(statement, dict) and statement.get("object", {}).get("id") == "IRI":
        statement["object"]["id"] = tiny_content.xapi_iri
    enrollment = activity_lesson.enrollment

    with pytest.raises(H5PError) as caught:
        h5p_statement_record(
            user=activity_lesson.learner,
            enrollment=enrollment,
            outline_lesson=enrollment.outline.lessons.get(),
            content=tiny_content,
            statement=statement,
        )

    assert caught.value.code == code
    assert not Statement.objects.exists()
    assert not ActivityResult.objects.exists()


def test_finishing_rule_and_scores():
    base = {"verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}}
    assert statement_is_finishing(base)
    assert not statement_is_finishing({"verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}})
    assert not statement_is_finishing(
        {**base, "context": {"contextActivities": {"parent": [{"id": "x"}]}}}
    )
    assert statement_is_finishing({**base, "context": {"contextActivities": {"parent": []}}})
    assert score_of({"result": {"score": {"raw": 1, "max": 4}}}).scaled == Decimal("0.25")
    assert score_of({"result": {"score": {"scaled": 0.5}}}).scaled == Decimal("0.5")
    assert score_of({}) is None
