"""A course completed in the web process gets its certificate from a real worker."""

from django.urls import reverse

from certificates.models import Credential
from learning.models import Enrollment
from learning.services import enrollment_create
from tests.factories import UniversityFactory, build_course, lessons_of, make_member, open_run

from .conftest import RESULT_TIMEOUT
from .processes import wait_for


def test_course_completed_in_the_web_process_gets_its_certificate_from_the_worker(
    client, celery_to_broker, worker
):
    university = UniversityFactory()
    course = build_course(university, modules=1, lessons_per_module=2, quiz_in_last_lesson=False)
    learner = make_member("learner", university)
    enrollment = enrollment_create(learner=learner, run=open_run(course))
    first, last = lessons_of(course)
    client.force_login(learner)

    for lesson in (first, last):
        response = client.post(reverse("learning:lesson_complete", args=[lesson.pk]))
        assert response.status_code == 303

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    credential = wait_for(
        lambda: Credential.objects.filter(enrollment=enrollment).first(),
        timeout=RESULT_TIMEOUT,
        what="the worker to issue the certificate",
    )
    assert credential.learner_id == learner.pk
    assert credential.kind == Credential.Kind.COURSE

    # The web process verifies what the worker signed: same database, same issuer key.
    page = client.get(reverse("certificates:verify", args=[credential.pk]))
    assert page.status_code == 200
    assert credential.recipient_name in page.content.decode()
    pdf = client.get(reverse("certificates:pdf", args=[credential.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert Credential.objects.filter(learner=learner).count() == 1
