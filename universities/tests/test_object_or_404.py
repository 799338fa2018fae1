"""`object_or_404`, the access core's last step: every malformed id is a 404, never a 500."""

import pytest
from django.http import Http404

from universities.access import object_or_404
from universities.models import University

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bad_id", [10**22, -(10**22), "abc", None, [1], 2**63])
def test_a_malformed_or_oversized_id_is_a_404(bad_id):
    with pytest.raises(Http404):
        object_or_404(University.objects.all(), pk=bad_id)


def test_an_existing_row_is_returned():
    university = University.objects.create(code="test-u", name="Test University", country="TJ")
    assert object_or_404(University.objects.all(), pk=university.pk) == university


def test_a_row_outside_the_gated_queryset_is_a_404():
    university = University.objects.create(code="test-u", name="Test University", country="TJ")
    with pytest.raises(Http404):
        object_or_404(University.objects.exclude(pk=university.pk), pk=university.pk)
