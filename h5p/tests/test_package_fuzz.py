"""Property-based tests: no `.h5p` upload, however malformed, makes the importer fail oddly.

At the parser level `unpack_package` either accepts a package or raises `ArchiveRejected`
(never another exception) and leaves nothing in the storage root when it refuses. Through the
admin upload view the answer is never a 5xx, and a refused upload leaves no rows and no files.
"""

import io
import json
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from h5p.archive import ArchiveRejected
from h5p.models import H5PContent, H5PLibrary
from h5p.package import unpack_package
from h5p.tests.packages import (
    build_h5p,
    tiny_quiz_files,
    tiny_quiz_h5p,
    tiny_quiz_h5p_json,
    zip_entries,
)
from tests import factories as f

FUZZ = settings(max_examples=40, deadline=None)

HOSTILE_NAMES = [
    "../x.json",
    "content/../../x.json",
    "/etc/passwd",
    "/content/x.json",
    "C:/x.json",
    "content\\..\\x.json",
    "content/./x.json",
    "content//x.json",
    "content/x\x00.json",
    "content/\x1b.json",
    "",
    "content/" + "a" * 300 + ".json",
    "content/" + "я" * 200 + ".json",
    "content/" + "/".join(["d"] * 40) + "/x.json",
    "Content/content.json",
    "content/x.php",
    "content/x.svg",
    "H5P.Evil-1.0/library.json",
    "H5P.Evil-1.0/../../x.js",
    "__MACOSX/._h5p.json",
    "content",
]

entry_names = st.one_of(
    st.sampled_from(HOSTILE_NAMES),
    st.text(min_size=0, max_size=40).map(lambda text: f"content/{text}"),
    st.text(min_size=0, max_size=40),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def hostile_h5p_json(draw):
    """h5p.json with some fields replaced by arbitrary JSON, or not JSON at all."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=200))
    if choice == 1:
        depth = draw(st.integers(500, 200_000))
        return ("[" * depth + "]" * depth).encode()
    data = tiny_quiz_h5p_json()
    for key in draw(st.lists(st.sampled_from([*sorted(data), "dynamicDependencies"]))):
        data[key] = draw(json_values)
    return json.dumps(data).encode()


def _entry(name: str, data: bytes, *, symlink: bool = False, utf8: bool = True):
    info = zipfile.ZipInfo(name)
    if symlink:
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
    if not utf8:
        info.flag_bits |= 0x800
    return info, data


@st.composite
def hostile_packages(draw) -> bytes:
    """A tiny-quiz package with hostile entries added, its manifest broken or its bytes flipped."""
    files = tiny_quiz_files()
    if draw(st.booleans()):
        files["h5p.json"] = draw(hostile_h5p_json())
    if draw(st.booleans()):
        files["content/content.json"] = draw(
            st.one_of(st.binary(max_size=50), json_values.map(lambda v: json.dumps(v).encode()))
        )
    entries = [(name, data) for name, data in files.items()]
    for name in draw(st.lists(entry_names, max_size=3)):
        data = draw(st.sampled_from([b"{}", b"../../etc/passwd", b"\x00" * 100]))
        entries.append(_entry(name, data, symlink=draw(st.booleans())))
    if draw(st.booleans()):
        # A zip bomb: megabytes of zeros that compress to a few kilobytes.
        entries.append(("content/bomb.txt", b"\x00" * (2 * 1024 * 1024 + 1)))
    try:
        data = zip_entries(entries)
    except (ValueError, UnicodeEncodeError):
        # zipfile itself refuses to write some names (NUL in a name); send raw bytes instead.
        data = build_h5p({"h5p.json": files["h5p.json"]})
    flips = draw(
        st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(1, 255)), max_size=3)
    )
    buffer = bytearray(data)
    for at, mask in flips:
        buffer[at] ^= mask
    return bytes(buffer)


def _files_under(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")) if root.exists() else []


def _unpack(data: bytes, root, *, may_install_libraries=True):
    return unpack_package(
        io.BytesIO(data),
        root=root,
        content_key="key",
        installed=set(),
        may_install_libraries=may_install_libraries,
        filename="package.h5p",
    )


def _assert_accepted_or_refused_cleanly(data: bytes, root, **kwargs) -> None:
    before = _files_under(root)
    try:
        _manifest, files = _unpack(data, root, **kwargs)
    except ArchiveRejected as rejected:
        assert rejected.message
        assert not [name for name in _files_under(root) if name not in before], rejected.code
        # Only the empty `content/` and `libraries/` parents may have been made.
        assert not any(".staging" in name for name in _files_under(root))
    else:
        files.rollback()
        assert not [
            name for name in _files_under(root) if name not in [*before, "content", "libraries"]
        ]


# --- the parser ---------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_are_refused_with_archive_rejected(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("h5p")
    with pytest.raises(ArchiveRejected):
        _unpack(data, root)
    assert not any(".staging" in name for name in _files_under(root))


@FUZZ
@given(data=hostile_packages(), may_install=st.booleans())
def test_hostile_packages_are_accepted_or_refused_cleanly(tmp_path_factory, data, may_install):
    root = tmp_path_factory.mktemp("h5p")
    _assert_accepted_or_refused_cleanly(data, root, may_install_libraries=may_install)


@FUZZ
@given(name=entry_names, symlink=st.booleans())
def test_no_hostile_entry_name_escapes_or_crashes(tmp_path_factory, name, symlink):
    root = tmp_path_factory.mktemp("h5p")
    files = tiny_quiz_files()
    try:
        data = zip_entries([*files.items(), _entry(name, b"{}", symlink=symlink)])
    except ValueError:
        return  # zipfile will not even write this name; nothing to upload
    _assert_accepted_or_refused_cleanly(data, root)
    outside = root.parent
    assert not (outside / "x.json").exists()


def test_overlong_file_name_is_refused_not_a_crash(tmp_path):
    """Regression: a 300-byte segment reached the file system and raised OSError (a 500)."""
    for name in ("content/" + "a" * 300 + ".json", "content/" + "я" * 200 + ".json"):
        files = tiny_quiz_files()
        files[name] = b"{}"
        with pytest.raises(ArchiveRejected) as refused:
            _unpack(build_h5p(files), tmp_path)
        assert refused.value.code == "bad-name"
    assert not any(".staging" in name for name in _files_under(tmp_path))


def test_corrupt_deflate_stream_is_refused_not_a_crash(tmp_path):
    """Regression: damaged compressed data raised zlib.error, which nothing translated."""
    data = bytearray(tiny_quiz_h5p())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("content/content.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start, start + info.compress_size):
        data[at] ^= 0xFF
    with pytest.raises(ArchiveRejected) as refused:
        _unpack(bytes(data), tmp_path)
    assert refused.value.code == "corrupt-entry"
    assert "content/content.json" in refused.value.message


# --- through the admin upload view --------------------------------------------------------


def _staff_client(client, user, *, language=None):
    from django.contrib.auth.models import Permission

    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    if language:
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    client.force_login(user)
    return client


def _state(root):
    return H5PContent.objects.count(), H5PLibrary.objects.count(), _files_under(root)


def _post(client, data: bytes, university, name="package.h5p", **extra):
    return client.post(
        reverse("h5p_admin:upload"),
        {"package": SimpleUploadedFile(name, data), "university": university.pk, **extra},
    )


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(data=st.one_of(st.binary(max_size=500), hostile_packages()), install=st.booleans())
def test_upload_view_never_answers_5xx_and_refusals_leave_nothing(
    client, university, h5p_root, data, install
):
    superuser = f.UserFactory(is_superuser=True)
    _staff_client(client, superuser)
    before = _state(h5p_root)
    response = _post(client, data, university, **({"install_libraries": "on"} if install else {}))
    assert response.status_code < 500
    if response.status_code == 200:  # the form came back with an error: nothing written
        assert response.context["form"].errors
        after = _state(h5p_root)
        assert after[:2] == before[:2]
        assert [name for name in after[2] if name not in before[2]] in (
            [],
            ["content", "libraries"],
        )
    else:
        assert response.status_code == 302
        content = H5PContent.objects.latest("pk")
        assert (h5p_root / content.folder / "h5p.json").is_file()
        # Clean up so the next example starts from the same state.
        content.delete()


@pytest.mark.django_db
def test_refused_upload_is_explained_in_the_instructors_language(client, university, h5p_root):
    instructor = f.make_member("instructor", university)
    _staff_client(client, instructor, language="ru")
    before = _state(h5p_root)

    response = _post(client, b"PK\x03\x04 not really a zip", university)

    assert response.status_code == 200
    message = str(response.context["form"].errors["package"])
    assert "zip" in message and "Файл" in message, message
    assert _state(h5p_root) == before


@pytest.mark.django_db
def test_corrupt_package_upload_is_a_form_error_not_a_500(client, university, h5p_root):
    _staff_client(client, f.UserFactory(is_superuser=True))
    files = tiny_quiz_files()
    files["content/" + "a" * 300 + ".json"] = b"{}"
    before = _state(h5p_root)

    response = _post(client, build_h5p(files), university, install_libraries="on")

    assert response.status_code == 200
    assert "too long" in str(response.context["form"].errors["package"])
    after = _state(h5p_root)
    assert after[:2] == before[:2]
    assert not any(".staging" in name or "aaaa" in name for name in after[2])


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["title", "library", "surrogate"])
def test_nul_characters_in_saved_json_are_refused(client, university, h5p_root, where):
    """Regression: PostgreSQL cannot store NUL (or a lone surrogate) in text or jsonb, so a
    title or library.json holding one passed validation and then failed on save (a 500)."""
    _staff_client(client, f.UserFactory(is_superuser=True))
    files = tiny_quiz_files()
    if where == "title":
        files["h5p.json"] = json.dumps(tiny_quiz_h5p_json(title="Quiz\x00")).encode()
    else:
        name = "H5P.IlmTinyQuiz-1.0/library.json"
        library = json.loads(files[name])
        library["description"] = "bad\x00" if where == "library" else "bad\ud800"
        files[name] = json.dumps(library).encode()
    before = _state(h5p_root)

    response = _post(client, build_h5p(files), university, install_libraries="on")

    assert response.status_code == 200
    assert response.context["form"].errors["package"]
    after = _state(h5p_root)
    assert after[:2] == before[:2]
    assert not any(".staging" in name or "key" in name for name in after[2])
