import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests import factories as f
from universities import roles

# A 1x1 transparent GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@pytest.fixture(autouse=True)
def fresh_rendition_cache():
    """Wagtail caches renditions by image id; ids repeat between tests."""
    caches["default"].clear()


@pytest.fixture
def uni_a():
    return f.UniversityFactory(code="upa", name="Uploads A")


@pytest.fixture
def uni_b():
    return f.UniversityFactory(code="upb", name="Uploads B")


@pytest.fixture
def collection_a(uni_a):
    return roles.university_roles_provision(uni_a).collection


@pytest.fixture
def people(uni_a, uni_b):
    """One person per kind of reader: the right university, the wrong one, and nobody."""
    return {
        "instructor_a": f.make_member("instructor", uni_a),
        "editor_a": f.make_member("editor", uni_a),
        "learner_a": f.make_member("learner", uni_a),
        "instructor_b": f.make_member("instructor", uni_b),
        "editor_b": f.make_member("editor", uni_b),
        "learner_b": f.make_member("learner", uni_b),
        "staff": f.UserFactory(is_superuser=True, is_staff=True),
    }


def make_document(collection, name, content=b"secret draft of A"):
    return get_document_model().objects.create(
        title=name, file=ContentFile(content, name=name), collection=collection
    )


def make_image(collection, name="diagram.gif", content=GIF):
    return get_image_model().objects.create(
        title=name, file=ContentFile(content, name=name), collection=collection, width=1, height=1
    )


@pytest.fixture
def document_a(collection_a):
    return make_document(collection_a, "handout-a.txt")


@pytest.fixture
def image_a(collection_a):
    return make_image(collection_a)
