"""Property tests: whatever a wallet posts to the token and credential endpoints, the answer
is JSON with an error code (or a token / credential), never a 500, and nothing is issued."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallets.credential_requests import credential_request_parse
from wallets.key_proofs import KeyProofError, key_proof_verify
from wallets.models import WalletDelivery
from wallets.services import WalletError

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
text = st.text(max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=10,
)
REQUEST_KEYS = st.sampled_from(
    ["credential_configuration_id", "proofs", "proof", "credential_identifier", "jwt"]
)
bodies = st.dictionaries(REQUEST_KEYS | text, json_values, max_size=4)
CONFIGURATION = st.sampled_from(["OpenBadgeCredential", "OpenBadgeCredential_holder_bound"])


@FUZZ
@given(
    form=st.dictionaries(
        st.sampled_from(["grant_type", "pre-authorized_code", "tx_code"]) | text, text, max_size=4
    )
)
@pytest.mark.django_db
def test_token_endpoint_answers_any_form_in_json(form):
    answer = Client().post("/wallet/token", form)
    assert answer.status_code in (200, 400), answer.status_code
    assert "error" in answer.json()
    assert answer["Cache-Control"] == "no-store"


@FUZZ
@given(raw=st.binary(max_size=200))
@pytest.mark.django_db
def test_token_endpoint_answers_any_bytes(raw):
    answer = Client().post("/wallet/token", raw, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400
    assert answer.json()["error"] in ("invalid_request", "unsupported_grant_type", "invalid_grant")


@pytest.fixture
def live_token(db, issued, learner):
    from wallets.services import access_token_issue, wallet_offer_create

    made = wallet_offer_create(credential=issued, learner=learner)
    return access_token_issue(pre_authorized_code=made.pre_authorized_code).access_token


@FUZZ
@given(body=bodies, configuration=CONFIGURATION)
def test_credential_endpoint_answers_any_json_in_json(live_token, body, configuration):
    if "credential_configuration_id" not in body:
        body = {**body, "credential_configuration_id": configuration}
    answer = Client().post(
        "/wallet/credential",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {live_token}",
    )
    # The fixture's token serves every example: once one succeeds, the token is spent.
    assert answer.status_code in (200, 400, 401), answer.content
    payload = answer.json()
    deliveries = list(WalletDelivery.objects.all())
    assert len(deliveries) <= 1
    if answer.status_code == 200:
        # Only the unbound configuration can succeed without a real key proof.
        assert deliveries[0].holder_did == ""
    elif answer.status_code == 401:
        assert payload["error"] == "invalid_token" and deliveries
    else:
        assert payload["error"] in {
            "invalid_credential_request",
            "unknown_credential_configuration",
            "invalid_proof",
            "invalid_encryption_parameters",
        }


@FUZZ
@given(raw=st.binary(max_size=300), bearer=st.sampled_from(["", "Bearer ", "Bearer x", "Basic a"]))
@pytest.mark.django_db
def test_credential_endpoint_answers_any_bytes_and_tokens(raw, bearer):
    answer = Client().post(
        "/wallet/credential", raw, content_type="application/json", HTTP_AUTHORIZATION=bearer
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_token"
    assert answer["WWW-Authenticate"].startswith("Bearer")


@FUZZ
@given(raw=st.binary(max_size=300))
def test_credential_request_parser_raises_only_wallet_errors(raw):
    try:
        credential_request_parse(raw)
    except WalletError as error:
        assert error.error and error.description.isascii()


@FUZZ
@given(token=text | st.builds(lambda a, b, c: f"{a}.{b}.{c}", text, text, text) | json_values)
def test_key_proof_parser_raises_only_key_proof_errors(token):
    with pytest.raises(KeyProofError):
        key_proof_verify(token, audience="https://ilm.example", now=1_700_000_000)


def test_deeply_nested_json_is_a_malformed_request():
    with pytest.raises(WalletError) as caught:
        credential_request_parse(b"[" * 50_000)
    assert caught.value.error == "invalid_credential_request"
