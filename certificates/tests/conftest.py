import fcntl
import json
import subprocess
from pathlib import Path

import pytest
from django.db import transaction

from learning.models import Enrollment
from learning.services import enrollment_create, lesson_mark_complete
from tests.factories import (
    UniversityFactory,
    build_course,
    lessons_of,
    make_member,
    open_run,
)

INTEROP = Path(__file__).resolve().parent.parent / "interop"


def complete_course(learner, course) -> Enrollment:
    """Complete `course` as the learner would, lesson by lesson, committing as views do."""
    run = course.runs.first() or open_run(course)
    enrollment = Enrollment.objects.filter(learner=learner, run=run).first()
    if enrollment is None:
        with transaction.atomic():
            enrollment = enrollment_create(learner=learner, run=run)
    for lesson in lessons_of(course):
        with transaction.atomic():
            lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    enrollment.refresh_from_db()
    return enrollment


@pytest.fixture
def university(db):
    return UniversityFactory(code="tnu", name="Tajik National University", country="TJ")


@pytest.fixture
def course(university):
    return build_course(
        university,
        title="Машинное обучение",
        language="ru",
        quiz_in_last_lesson=False,
        modules=1,
        lessons_per_module=2,
    )


@pytest.fixture
def learner(university):
    return make_member("learner", university, full_name="Aziza Karimova")


@pytest.fixture
def issued(learner, course, django_capture_on_commit_callbacks):
    """A credential issued the real way: completion → signal on commit → task → service."""
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = complete_course(learner, course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    return enrollment.credentials.get()


@pytest.fixture(scope="session")
def node_verifier():
    """The Node verifier, installed from the lock file if needed (npm registry only)."""
    # A lock, because pytest-xdist workers may all reach this fixture at once.
    with open(INTEROP / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").exists():
            subprocess.run(
                ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                cwd=INTEROP,
                check=True,
                capture_output=True,
            )

    def verify(credential_path, did_documents=(), status_lists=()) -> dict:
        command = ["node", str(INTEROP / "verify.mjs"), str(credential_path)]
        for path in did_documents:
            command += ["--did-document", str(path)]
        for path in status_lists:
            command += ["--status-list", str(path)]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert completed.returncode in (0, 1), completed.stderr
        return json.loads(completed.stdout)

    return verify
