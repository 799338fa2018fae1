import pytest

from tests import factories as f


@pytest.fixture
def uni_a():
    return f.UniversityFactory(code="aaa", name="University A")


@pytest.fixture
def uni_b():
    return f.UniversityFactory(code="bbb", name="University B")


@pytest.fixture
def course_a(uni_a):
    return f.build_course(uni_a, title="Course of A", modules=1, lessons_per_module=2)


@pytest.fixture
def course_b(uni_b):
    return f.build_course(uni_b, title="Course of B", modules=1, lessons_per_module=1)
