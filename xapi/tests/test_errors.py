"""The LRS answers every refusal and failure in JSON (Communication 3.2), never the site's
HTML error pages: its clients are programs that read `{"error": {"message": ...}}`."""

import pytest

from xapi import selectors

pytestmark = pytest.mark.django_db

DETAIL = "internal-detail-that-must-not-leak"


def test_an_unhandled_failure_is_a_json_500(lrs_a, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError(DETAIL)

    monkeypatch.setattr(selectors, "activity_definition", failing)
    lrs_a.client.raise_request_exception = False
    response = lrs_a.get("activities", {"activityId": "http://example.com/a"})
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response["X-Experience-API-Version"] == "1.0.3"
    message = response.json()["error"]["message"]
    assert message and DETAIL not in message


def test_the_failure_still_reaches_djangos_error_reporting(lrs_a, monkeypatch):
    """The test client re-raises what `got_request_exception` reports, as Sentry-style
    reporters and the request log see it."""

    def failing(*args, **kwargs):
        raise RuntimeError(DETAIL)

    monkeypatch.setattr(selectors, "activity_definition", failing)
    with pytest.raises(RuntimeError, match=DETAIL):
        lrs_a.get("activities", {"activityId": "http://example.com/a"})


def test_too_many_query_parameters_are_a_json_400(lrs_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = lrs_a.get("statements", {f"p{number}": "x" for number in range(10)})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["error"]["message"]
