"""Installed libraries updated to newer patches: preview, confirmation, refusals, access."""

import io
import json
import os
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from h5p import library_updates
from h5p.archive import ArchiveRejected
from h5p.library_updates import (
    PENDING_FOLDER,
    PENDING_MAX_AGE,
    h5p_library_update,
    library_update_preview,
    pending_update_file,
    pending_updates_sweep,
)
from h5p.models import H5PContent, H5PLibrary
from h5p.services import h5p_content_create
from h5p.storage import h5p_root
from h5p.tests.conftest import lesson_with_activity
from h5p.tests.packages import (
    TINY_QUIZ_FOLDER,
    build_h5p,
    tiny_quiz_files,
    tiny_quiz_library_files,
)
from h5p.tests.test_admin import staff_client
from h5p.tests.test_libraries import message_texts, refused, superuser_client
from tests import factories as f

pytestmark = pytest.mark.django_db

NEW_JS = b"/* tiny quiz, patch release */ window.IlmTinyQuizPatched = true;"


def library_folder(
    *, machine="H5P.IlmTinyQuiz", major=1, minor=0, patch=1, js=NEW_JS, needs=()
) -> dict[str, bytes]:
    """The tiny quiz library as `machine` major.minor.patch, under its folder."""
    files = tiny_quiz_library_files()
    data = json.loads(files.pop(f"{TINY_QUIZ_FOLDER}/library.json"))
    data.update(machineName=machine, majorVersion=major, minorVersion=minor, patchVersion=patch)
    if needs:
        data["preloadedDependencies"] = [
            {"machineName": name, "majorVersion": ma, "minorVersion": mi} for name, ma, mi in needs
        ]
    folder = f"{machine}-{major}.{minor}"
    out = {f"{folder}/library.json": json.dumps(data).encode()}
    for name, body in files.items():
        relative = name.split("/", 1)[1]
        out[f"{folder}/{relative}"] = js if relative.endswith(".js") else body
    return out


def library_package(*folders: dict[str, bytes]) -> bytes:
    """A library-only package (H5P's library upload: no h5p.json, no content)."""
    files = {}
    for folder in folders:
        files.update(folder)
    return build_h5p(files)


def content_package(patch=1) -> bytes:
    """The tiny quiz content exported again, bringing library patch `patch`."""
    files = tiny_quiz_files(include_library=False)
    files.update(library_folder(patch=patch))
    return build_h5p(files)


def other_content(university, title="Other type"):
    """Content of another content type, installed from its own package."""
    files = tiny_quiz_files(include_library=False)
    h5p_json = json.loads(files["h5p.json"])
    h5p_json.update(mainLibrary="H5P.IlmOther", title=title)
    h5p_json["preloadedDependencies"] = [
        {"machineName": "H5P.IlmOther", "majorVersion": 1, "minorVersion": 0}
    ]
    files["h5p.json"] = json.dumps(h5p_json).encode()
    files.update(library_folder(machine="H5P.IlmOther", patch=0, js=b"/* other */"))
    return h5p_content_create(
        source=io.BytesIO(build_h5p(files)),
        filename="other.h5p",
        university=university,
        may_install_libraries=True,
    )


def second_tiny(university, title="Tiny again"):
    return h5p_content_create(
        source=io.BytesIO(build_h5p(tiny_quiz_files(include_library=False, title=title))),
        filename="again.h5p",
        university=university,
        may_install_libraries=False,
    )


def snapshot():
    """Every library and content row, and every file under the root but held uploads."""
    root = h5p_root()
    files = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            relative = os.path.relpath(path, root)
            if not relative.startswith(PENDING_FOLDER):
                with open(path, "rb") as handle:
                    files[relative] = handle.read()
    rows = list(H5PLibrary.objects.order_by("pk").values())
    contents = list(H5PContent.objects.order_by("pk").values())
    return rows, contents, files, AuditEvent.objects.count()


def post_package(client, data: bytes, name="update.h5p"):
    return client.post(
        reverse("h5p_admin:library_update"), {"package": SimpleUploadedFile(name, data)}
    )


def token_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def confirm_url(token):
    return reverse("h5p_admin:library_update_confirm", kwargs={"token": token})


def served(client, path="tiny-quiz.js") -> bytes:
    response = client.get(
        reverse("h5p:library_file", kwargs={"folder": "H5P.IlmTinyQuiz-1.0", "path": path})
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# --- the preview ------------------------------------------------------------------------


def test_preview_lists_exactly_the_content_that_would_change(client, university, tiny_content):
    setup = lesson_with_activity(university, tiny_content)
    again = second_tiny(university)
    other = other_content(university)
    superuser_client(client)
    before = snapshot()

    token = token_of(post_package(client, library_package(library_folder(patch=1))))
    response = client.get(confirm_url(token))

    assert response.status_code == 200
    plan = response.context["plan"]
    (change,) = plan.changes
    assert (change.installed.machine_name, change.installed.patch_version) == ("H5P.IlmTinyQuiz", 0)
    assert change.new_version == "1.0.1"
    assert {use.content.pk for use in plan.uses} == {tiny_content.pk, again.pk}
    assert other.pk not in {use.content.pk for use in plan.uses}
    lessons = {use.content.pk: use.lessons for use in plan.uses}
    assert lessons[tiny_content.pk] == [setup.lesson.title]
    assert lessons[again.pk] == []
    body = response.content.decode()
    assert "1.0.0" in body and "1.0.1" in body and setup.lesson.title in body
    assert "Other type" not in body
    assert snapshot() == before  # the upload is held, nothing else is written
    assert served(client) == tiny_quiz_library_files()[f"{TINY_QUIZ_FOLDER}/tiny-quiz.js"]


def test_a_content_package_is_checked_as_for_content_and_previews_its_libraries(
    tiny_content,
):
    plan = library_update_preview(source=io.BytesIO(content_package(patch=4)))

    assert [c.new_version for c in plan.changes] == ["1.0.4"]
    assert [use.content for use in plan.uses] == [tiny_content]


def test_a_content_package_failing_content_rules_is_refused(tiny_content):
    files = tiny_quiz_files(include_library=False)
    files.update(library_folder(patch=2))
    del files["content/content.json"]

    with pytest.raises(ArchiveRejected) as rejected:
        library_update_preview(source=io.BytesIO(build_h5p(files)))
    assert rejected.value.code == "missing-content"


# --- confirming -------------------------------------------------------------------------


def test_confirm_switches_playback_to_the_new_patch(
    client, university, tiny_content, django_capture_on_commit_callbacks
):
    lesson_with_activity(university, tiny_content)
    old_folder = h5p_root() / tiny_content.main_library.installed_path
    staff = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(staff)
    token = token_of(post_package(client, library_package(library_folder(patch=1))))
    plan = client.get(confirm_url(token)).context["plan"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(token), {"plan": plan.fingerprint, "confirm": ""})

    assert response.status_code == 302
    assert any("1 library updated" in text for text in message_texts(response))
    library = H5PLibrary.objects.get(machine_name="H5P.IlmTinyQuiz")
    assert (library.major_version, library.minor_version, library.patch_version) == (1, 0, 1)
    assert library.installed_by == staff
    assert served(client) == NEW_JS
    assert json.loads(served(client, "library.json"))["patchVersion"] == 1
    assert not old_folder.exists()
    tiny_content.refresh_from_db()
    assert tiny_content.main_library_id == library.pk  # content stays pinned to 1.0
    event = AuditEvent.objects.get(action="h5p_library.updated")
    assert event.actor == staff
    assert event.details["updated"] == [{"library": "H5P.IlmTinyQuiz 1.0", "from": 0, "to": 1}]
    assert event.details["content_ids"] == [tiny_content.pk]
    assert pending_update_file(user=staff, token=token) is None  # the held upload is gone


def test_a_later_content_upload_of_the_library_replaces_the_updated_folder(
    university, tiny_content, django_capture_on_commit_callbacks
):
    plan = library_update_preview(source=io.BytesIO(library_package(library_folder(patch=1))))
    with django_capture_on_commit_callbacks(execute=True):
        h5p_library_update(
            source=io.BytesIO(library_package(library_folder(patch=1))),
            fingerprint=plan.fingerprint,
        )
    updated = h5p_root() / H5PLibrary.objects.get().installed_path

    with django_capture_on_commit_callbacks(execute=True):
        h5p_content_create(
            source=io.BytesIO(content_package(patch=2)),
            filename="v2.h5p",
            university=university,
            may_install_libraries=True,
        )

    library = H5PLibrary.objects.get()
    assert library.patch_version == 2
    assert library.installed_path == "libraries/H5P.IlmTinyQuiz-1.0"
    assert not updated.exists()


def test_a_new_minor_version_is_installed_beside_and_content_stays_pinned(
    client, tiny_content, django_capture_on_commit_callbacks
):
    superuser_client(client)
    token = token_of(post_package(client, library_package(library_folder(minor=1, patch=0))))
    response = client.get(confirm_url(token))
    plan = response.context["plan"]
    assert plan.changes == [] and plan.uses == []
    assert [a.new_version for a in plan.additions] == ["1.1.0"]
    assert "installed beside" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url(token), {"plan": plan.fingerprint})

    versions = set(H5PLibrary.objects.values_list("minor_version", "patch_version"))
    assert versions == {(0, 0), (1, 0)}
    tiny_content.refresh_from_db()
    assert tiny_content.main_library.minor_version == 0
    assert served(client) == tiny_quiz_library_files()[f"{TINY_QUIZ_FOLDER}/tiny-quiz.js"]


def test_a_new_dependency_of_an_update_is_installed_with_it(tiny_content):
    package = library_package(
        library_folder(patch=3, needs=[("H5P.IlmHelperLib", 2, 0)]),
        library_folder(machine="H5P.IlmHelperLib", major=2, patch=0),
        library_folder(machine="H5P.IlmUnrelated", patch=0),
    )

    plan = library_update_preview(source=io.BytesIO(package))

    assert [c.installed.machine_name for c in plan.changes] == ["H5P.IlmTinyQuiz"]
    assert [a.package.ref.machine_name for a in plan.additions] == ["H5P.IlmHelperLib"]
    assert [item.package.ref.machine_name for item in plan.left_out] == ["H5P.IlmUnrelated"]


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "reason"),
    [
        (library_folder(machine="H5P.IlmOtherType", patch=5), "Not installed here"),
        (library_folder(patch=0), "Already installed"),
    ],
    ids=["different-content-type", "equal-version"],
)
def test_a_package_with_nothing_to_update_is_refused(client, tiny_content, folder, reason):
    superuser_client(client)
    before = snapshot()

    response = post_package(client, library_package(folder))

    assert response.status_code == 400
    assert "Nothing in this package updates an installed library" in response.content.decode()
    assert snapshot() == before
    assert not (h5p_root() / PENDING_FOLDER).exists() or not any(
        (h5p_root() / PENDING_FOLDER).iterdir()
    )
    # The reason is shown per library when something else in the package is an update.
    mixed = library_package(folder, library_folder(machine="H5P.IlmTinyQuiz", minor=2))
    left_out = library_update_preview(source=io.BytesIO(mixed)).left_out
    assert [reason in item.reason for item in left_out] == [True]


def test_a_lower_version_is_never_installed(tiny_content):
    library = tiny_content.main_library
    library.patch_version = 7
    library.save()
    mixed = library_package(library_folder(patch=3), library_folder(minor=3))

    plan = library_update_preview(source=io.BytesIO(mixed))

    assert plan.changes == []
    (item,) = plan.left_out
    assert "Older than the installed H5P.IlmTinyQuiz 1.0.7" in item.reason


@pytest.mark.parametrize(
    "data", [b"not a zip at all", b"PK\x03\x04" + b"\x00" * 40], ids=["text", "truncated"]
)
def test_a_corrupt_zip_is_refused_and_nothing_is_held(client, tiny_content, data):
    superuser_client(client)
    before = snapshot()

    response = post_package(client, data)

    assert response.status_code == 400
    assert "not a readable zip archive" in response.content.decode()
    assert snapshot() == before
    assert not (h5p_root() / PENDING_FOLDER).exists() or not any(
        (h5p_root() / PENDING_FOLDER).iterdir()
    )


def test_a_file_not_named_h5p_is_refused(client, tiny_content):
    superuser_client(client)

    response = post_package(client, library_package(library_folder()), name="update.zip")

    assert response.status_code == 400
    assert "must end in .h5p" in response.content.decode()


def test_a_stale_confirmation_is_refused_and_writes_nothing(
    client, tiny_content, django_capture_on_commit_callbacks
):
    """Two staff preview the same update; the second to confirm is refused."""
    first, second = (
        f.UserFactory(is_superuser=True, is_staff=True),
        f.UserFactory(is_superuser=True, is_staff=True),
    )
    client.force_login(first)
    first_token = token_of(post_package(client, library_package(library_folder(patch=1))))
    first_plan = client.get(confirm_url(first_token)).context["plan"].fingerprint
    client.force_login(second)
    second_token = token_of(post_package(client, library_package(library_folder(patch=2))))
    second_plan = client.get(confirm_url(second_token)).context["plan"].fingerprint
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url(second_token), {"plan": second_plan})
    after_second = snapshot()

    client.force_login(first)
    response = client.post(confirm_url(first_token), {"plan": first_plan})

    # 1.0.2 is installed now: 1.0.1 would be a downgrade, so nothing is left to do.
    assert response.status_code == 302
    assert any("Nothing in this package updates" in t for t in message_texts(response))
    assert snapshot() == after_second
    assert served(client) == NEW_JS
    assert H5PLibrary.objects.get().patch_version == 2


def test_a_confirmation_of_another_plan_is_refused_and_the_preview_shown_again(
    client, tiny_content
):
    superuser_client(client)
    token = token_of(post_package(client, library_package(library_folder(patch=1))))
    before = snapshot()

    response = client.post(confirm_url(token), {"plan": "0" * 32})

    assert response["Location"] == confirm_url(token)
    assert any("changed since this preview" in t for t in message_texts(response))
    assert snapshot() == before
    assert client.get(confirm_url(token)).status_code == 200  # still held


def test_a_failure_while_installing_leaves_the_old_version_serving(
    client, tiny_content, monkeypatch
):
    superuser_client(client)
    package = library_package(library_folder(patch=1))
    plan = library_update_preview(source=io.BytesIO(package))
    before = snapshot()

    def fail(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(library_updates, "audit_record", fail)
    with pytest.raises(RuntimeError):
        h5p_library_update(source=io.BytesIO(package), fingerprint=plan.fingerprint)

    assert snapshot() == before
    assert sorted(p.name for p in (h5p_root() / "libraries").iterdir()) == [TINY_QUIZ_FOLDER]
    assert served(client) != NEW_JS


def test_cancel_discards_the_held_upload(client, tiny_content):
    superuser_client(client)
    token = token_of(post_package(client, library_package(library_folder(patch=1))))
    before = snapshot()

    response = client.post(confirm_url(token), {"cancel": ""})

    assert response.status_code == 302
    assert snapshot() == before
    assert client.get(confirm_url(token)).status_code == 404


def test_held_uploads_expire(client, tiny_content):
    staff = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(staff)
    token = token_of(post_package(client, library_package(library_folder(patch=1))))
    (held,) = (h5p_root() / PENDING_FOLDER).iterdir()
    old = time.time() - PENDING_MAX_AGE - 5
    os.utime(held, (old, old))

    assert pending_updates_sweep() == 1
    assert client.get(confirm_url(token)).status_code == 404


# --- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["instructor", "editor"])
def test_other_roles_cannot_update_libraries(client, university, tiny_content, role):
    superuser_client(client)
    token = token_of(post_package(client, library_package(library_folder(patch=1))))
    staff_client(client, f.make_member(role, university))
    before = snapshot()

    assert refused(client.get(reverse("h5p_admin:library_update")))
    assert refused(post_package(client, library_package(library_folder(patch=2))))
    assert refused(client.get(confirm_url(token)))
    assert refused(client.post(confirm_url(token), {"plan": "x"}))
    assert snapshot() == before


def test_a_learner_cannot_reach_the_update_screens(client, university, tiny_content):
    client.force_login(f.make_member("learner", university))

    for url in (reverse("h5p_admin:library_update"), confirm_url("a" * 32)):
        assert client.get(url).status_code in (302, 403, 404)


def test_one_staff_members_held_upload_is_not_anothers(client, tiny_content):
    superuser_client(client)
    token = token_of(post_package(client, library_package(library_folder(patch=1))))
    superuser_client(client)  # someone else of the platform staff
    before = snapshot()

    assert client.get(confirm_url(token)).status_code == 404
    assert client.post(confirm_url(token), {"plan": "x"}).status_code == 404
    assert client.get(confirm_url("not-a-token")).status_code == 404
    assert snapshot() == before


# --- the parser never fails oddly ----------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 100_000) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
LIBRARY_KEYS = [
    "machineName",
    "majorVersion",
    "minorVersion",
    "patchVersion",
    "runnable",
    "preloadedJs",
    "preloadedDependencies",
    "coreApi",
    "title",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.dictionaries(st.sampled_from(LIBRARY_KEYS), json_values, max_size=4))
def test_any_library_json_is_planned_or_refused_cleanly(tiny_content, changes):
    folder = library_folder(patch=1)
    name = f"{TINY_QUIZ_FOLDER}/library.json"
    folder[name] = json.dumps({**json.loads(folder[name]), **changes}).encode()
    before = snapshot()

    try:
        plan = library_update_preview(source=io.BytesIO(library_package(folder)))
    except ArchiveRejected as exc:
        assert exc.message
    else:
        assert not plan.empty

    assert snapshot() == before


# --- two staff confirming at once (real concurrent transactions) ---------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirmations_at_once_install_once(tiny_content, monkeypatch):
    package = library_package(library_folder(patch=1))
    fingerprint = library_update_preview(source=io.BytesIO(package)).fingerprint
    real_stage = library_updates.stage_library_folders

    def slow_stage(*args, **kwargs):
        # Hold the lock long enough for the other confirmation to be waiting on it.
        staged = real_stage(*args, **kwargs)
        time.sleep(0.5)
        return staged

    monkeypatch.setattr(library_updates, "stage_library_folders", slow_stage)
    done, refused_codes, errors = [], [], []

    def confirm():
        try:
            done.append(h5p_library_update(source=io.BytesIO(package), fingerprint=fingerprint))
        except ArchiveRejected as exc:
            refused_codes.append(exc.code)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len(done) == 1 and refused_codes == ["no-library-update"]
    library = H5PLibrary.objects.get()
    assert library.patch_version == 1
    assert AuditEvent.objects.filter(action="h5p_library.updated").count() == 1
    folders = sorted(p.name for p in (h5p_root() / "libraries").iterdir())
    assert folders == [library.installed_path.split("/", 1)[1]]
