"""Images of a university's collection, originals and renditions, only through the gate."""

import pytest
from django.test import Client
from wagtail.models import Collection, CollectionViewRestriction

from tests import factories as f

from .conftest import GIF, make_image

pytestmark = pytest.mark.django_db

REFUSED = ("anon", "learner_a", "learner_b", "instructor_b", "editor_b")


def get(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def image_urls(image):
    return {"original": image.file.url, "rendition": image.get_rendition("width-1").url}


@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize("kind", ["original", "rendition"])
def test_a_private_collections_image_is_not_reachable_by_url(people, image_a, role, kind):
    url = image_urls(image_a)[kind]
    assert url.startswith("/media/")
    assert get(people.get(role), url).status_code == 404


@pytest.mark.parametrize("role", ["instructor_a", "editor_a", "staff"])
@pytest.mark.parametrize("kind", ["original", "rendition"])
def test_the_owning_university_sees_its_images(people, image_a, role, kind):
    response = get(people[role], image_urls(image_a)[kind])
    assert response.status_code == 200
    # Wagtail writes renditions of a GIF as PNG.
    assert response["Content-Type"] in {"image/gif", "image/png"}
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_image_a_live_page_shows_is_seen_by_everyone(people, uni_a, image_a):
    urls = image_urls(image_a)
    course = f.build_course(uni_a, modules=1, lessons_per_module=1)
    lesson = f.lessons_of(course)[0]
    lesson.body = [{"type": "image", "value": {"image": image_a.pk, "alt_text": "x"}}]
    f.publish(lesson)
    for url in urls.values():
        assert get(None, url).status_code == 200
        assert get(people["learner_b"], url).status_code == 200


def test_images_outside_universities_follow_wagtails_privacy_settings(people):
    root = Collection.get_first_root_node()
    public = root.add_child(name="Public pictures")
    private = root.add_child(name="Members only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    assert get(None, make_image(public, "open.gif").file.url).status_code == 200
    hidden = make_image(private, "hidden.gif").file.url
    assert get(None, hidden).status_code == 404
    assert get(people["learner_b"], hidden).status_code == 200


def test_an_svg_image_is_a_sandboxed_download(people, collection_a):
    """SVG is refused as an upload format; one stored anyway never renders on the origin."""
    svg = make_image(collection_a, "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    response = get(people["staff"], svg.file.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.parametrize(
    "path",
    ["/media/elsewhere/x.gif", "/media/original_images/none.gif", "/media/../db.sqlite3"],
)
def test_unknown_names_are_not_found_even_for_staff(people, path):
    assert get(people["staff"], path).status_code == 404


def test_only_reads_are_answered(people, image_a):
    client = Client()
    client.force_login(people["staff"])
    assert client.post(image_a.file.url).status_code == 405
    assert GIF  # the fixture image is the 1x1 GIF
