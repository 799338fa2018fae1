"""Fixtures every test in the project gets."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language():
    """Start each test in the default language.

    A request through the test client to `/ru/…` leaves Russian active in the thread after
    the response, so without this a test's language would depend on the test that ran before
    it on the same worker.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
