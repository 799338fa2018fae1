"""The admin's image upload refuses a file that only looks like an image, with Wagtail's
message, and stores nothing: it used to be a 500 (Pillow raised on the pixel size)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def admin_client(people) -> Client:
    client = Client()
    client.force_login(people["staff"])
    return client


def png_bytes() -> bytes:
    image = get_test_image_file("real.png", size=(20, 10))
    image.file.seek(0)
    return image.file.read()


@pytest.mark.parametrize(
    "content",
    [PNG_SIGNATURE, PNG_SIGNATURE + b"\x00" * 40, b"GIF89a", b"\xff\xd8\xff\xe0"],
    ids=["png-signature", "png-truncated", "gif-signature", "jpeg-signature"],
)
def test_a_file_that_only_looks_like_an_image_is_refused(people, collection_a, content):
    response = admin_client(people).post(
        "/admin/images/add/",
        {
            "title": "Not an image",
            "file": SimpleUploadedFile("fake.png", content),
            "collection": collection_a.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("file")
    assert not get_image_model().objects.filter(title="Not an image").exists()


def test_the_multiple_uploader_refuses_it_in_json(people, collection_a):
    response = admin_client(people).post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("fake.png", PNG_SIGNATURE), "collection": collection_a.pk},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert not get_image_model().objects.filter(title="fake").exists()


def test_a_real_image_is_still_accepted(people, collection_a):
    response = admin_client(people).post(
        "/admin/images/add/",
        {
            "title": "Real",
            "file": SimpleUploadedFile("real.png", png_bytes()),
            "collection": collection_a.pk,
        },
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(title="Real").width == 20


@settings(max_examples=25, deadline=None)
@given(tail=st.binary(max_size=120))
@example(tail=b"")
def test_any_bytes_behind_an_image_signature_never_make_a_500(people, collection_a, tail):
    for signature in (PNG_SIGNATURE, b"GIF89a", b"\xff\xd8\xff"):
        response = admin_client(people).post(
            "/admin/images/multiple/add/",
            {
                "files[]": SimpleUploadedFile("x.png", signature + tail),
                "collection": collection_a.pk,
            },
        )
        assert response.status_code == 200
