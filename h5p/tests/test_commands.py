import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from h5p.models import H5PContent, H5PLibrary
from h5p.tests.packages import tiny_quiz_h5p

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_h5p", *args, stdout=out)
    return out.getvalue().strip()


def test_import_prints_the_new_content_id(tmp_path, university):
    package = tmp_path / "tiny.h5p"
    package.write_bytes(tiny_quiz_h5p())

    printed = run(str(package), "--university", "tnu", "--allow-libraries")

    content = H5PContent.objects.get()
    assert printed == str(content.uuid)
    assert content.university == university


def test_import_without_allow_libraries_refuses_new_library(tmp_path, university, h5p_root):
    package = tmp_path / "tiny.h5p"
    package.write_bytes(tiny_quiz_h5p())

    with pytest.raises(CommandError) as caught:
        run(str(package), "--university", "tnu")

    assert "only platform staff may install new libraries" in str(caught.value)
    assert not H5PLibrary.objects.exists()
    assert not H5PContent.objects.exists()
    assert not [p for p in Path(h5p_root).rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("evil.h5p", b"PK not really", "not a readable zip"),
        ("tiny.zip", None, "must end in .h5p"),
    ],
)
def test_import_rejects_bad_files(tmp_path, university, name, data, message):
    package = tmp_path / name
    package.write_bytes(data if data is not None else tiny_quiz_h5p())

    with pytest.raises(CommandError) as caught:
        run(str(package), "--university", "tnu", "--allow-libraries")

    assert message in str(caught.value)
    assert not H5PContent.objects.exists()


def test_import_needs_a_known_university_and_an_existing_file(tmp_path, university):
    package = tmp_path / "tiny.h5p"
    package.write_bytes(tiny_quiz_h5p())
    with pytest.raises(CommandError, match="No university"):
        run(str(package), "--university", "nope")
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.h5p"), "--university", "tnu")
