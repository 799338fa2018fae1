import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from h5p.models import H5PContent, H5PLibrary
from h5p.tests.packages import build_h5p, tiny_quiz_files, tiny_quiz_h5p
from tests import factories as f

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, university, name="tiny.h5p", **extra):
    return client.post(
        reverse("h5p_admin:upload"),
        {"package": SimpleUploadedFile(name, data), "university": university.pk, **extra},
    )


def staff_client(client, user):
    user.is_staff = True
    user.save()
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    return client


def test_instructor_uploads_content_using_installed_library(client, university, tiny_content):
    instructor = f.make_member("instructor", university)
    staff_client(client, instructor)

    response = upload(client, tiny_quiz_h5p(include_library=False, title="Week 1"), university)

    assert response.status_code == 302
    content = H5PContent.objects.get(title="Week 1")
    assert content.university == university
    assert content.uploaded_by == instructor


def test_instructor_cannot_upload_for_another_university(
    client, university, other_university, tiny_content
):
    staff_client(client, f.make_member("instructor", university))

    response = upload(client, tiny_quiz_h5p(include_library=False), other_university)

    assert response.status_code == 200
    assert "university" in response.context["form"].errors
    assert H5PContent.objects.count() == 1


def test_instructor_cannot_install_libraries_even_if_asked(client, university):
    staff_client(client, f.make_member("instructor", university))

    response = upload(client, tiny_quiz_h5p(), university, install_libraries="on")

    assert response.status_code == 200
    assert "only platform staff" in str(response.context["form"].errors["package"])
    assert not H5PLibrary.objects.exists()


def test_superuser_installs_libraries(client, university):
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = upload(client, tiny_quiz_h5p(), university, install_libraries="on")

    assert response.status_code == 302
    assert H5PLibrary.objects.get().installed_by == admin


def test_hostile_upload_shows_the_reason(client, university, tiny_content):
    staff_client(client, f.make_member("instructor", university))
    files = tiny_quiz_files(include_library=False)
    files["content/evil.html"] = b"<script>alert(1)</script>"

    response = upload(client, build_h5p(files), university)

    assert response.status_code == 200
    assert "content/evil.html" in str(response.context["form"].errors["package"])
    assert H5PContent.objects.count() == 1


def test_learner_has_no_upload_screen(client, university):
    learner = f.make_member("learner", university)
    staff_client(client, learner)

    response = client.get(reverse("h5p_admin:upload"))
    refused = upload(client, tiny_quiz_h5p(), university)

    # Wagtail answers PermissionDenied in the admin with a redirect to the dashboard.
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    assert refused.status_code == 302
    assert not H5PContent.objects.exists()


def test_listing_shows_only_own_university(client, university, other_university, tiny_content):
    staff_client(client, f.make_member("instructor", other_university))

    response = client.get(reverse("h5p_admin:index"))

    assert response.status_code == 200
    assert tiny_content.title not in response.content.decode()


def test_chooser_lists_only_own_university(client, university, other_university, tiny_content):
    staff_client(client, f.make_member("editor", university))
    assert tiny_content.title in client.get(reverse("h5p_content_chooser:choose")).content.decode()

    staff_client(client, f.make_member("editor", other_university))
    assert (
        tiny_content.title not in client.get(reverse("h5p_content_chooser:choose")).content.decode()
    )
