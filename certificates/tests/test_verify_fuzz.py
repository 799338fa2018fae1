"""Property tests: whatever is uploaded or pasted to /verify/, the answer is a verdict page.

`parse_credential` returns a dict or raises `CredentialParseError`; `verify_credential`
returns a verdict for any JSON object; the view answers 200, 400 or 413 with the page,
never a 500.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates.verification import (
    CredentialParseError,
    Verdict,
    VerificationResult,
    parse_credential,
    verify_credential,
)
from certificates.views import _summary

from .kit import Issuer

FUZZ = settings(max_examples=40, deadline=None)

awkward_text = st.text(
    alphabet=st.one_of(
        st.sampled_from('{}[]":,\\0123456789eE-+.\x00\t\n\u202e\ufeff#'),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=40,
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=False, allow_infinity=False),
    awkward_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(awkward_text, inner, max_size=4),
    max_leaves=15,
)
# Keys a credential has, so examples get past the first checks and into the deeper ones.
CREDENTIAL_KEYS = (
    "@context",
    "type",
    "issuer",
    "credentialSubject",
    "proof",
    "validFrom",
    "validUntil",
    "credentialStatus",
    "endorsement",
    "name",
    "id",
)
credential_like = st.fixed_dictionaries(
    {"type": st.sampled_from([["VerifiableCredential"], "VerifiableCredential", [1], None])},
    optional={key: json_values for key in CREDENTIAL_KEYS if key != "type"},
)
# A real credential with one part swapped for junk: the signature check sees odd shapes.
mutations = st.tuples(st.sampled_from(CREDENTIAL_KEYS), json_values)


def _deep(depth: int, opener: str, closer: str) -> bytes:
    return (opener * depth + closer * depth).encode()


@pytest.fixture(scope="module")
def issuer():
    return Issuer()


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), awkward_text.map(str.encode)))
def test_parse_credential_returns_a_dict_or_its_own_error(data):
    try:
        document = parse_credential(data)
    except CredentialParseError as error:
        assert str(error)
    else:
        assert isinstance(document, dict)


@FUZZ
@given(value=json_values)
def test_parse_credential_of_any_json(value):
    data = json.dumps(value).encode()
    try:
        document = parse_credential(data)
    except CredentialParseError:
        assert not isinstance(value, dict)
    else:
        assert document == json.loads(data)


@pytest.mark.parametrize(
    "data",
    [
        _deep(100_000, "[", "]"),
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"a": ' + b"9" * 5000 + b"}",
        b'{"a": NaN}',
        b'{"a": -Infinity}',
        b'{"a": 1e999999}',
        b"\xef\xbb\xbf{}",
        b"\x00{}",
        b'{"a": "\\ud800"}',
        '{"имя": "值"}'.encode("utf-16"),
    ],
)
def test_parse_credential_of_hostile_json(data):
    try:
        document = parse_credential(data, max_bytes=len(data))
    except CredentialParseError as error:
        assert str(error)
    else:
        assert isinstance(document, dict)


@FUZZ
@given(document=credential_like)
def test_verify_credential_gives_a_verdict_for_any_object(issuer, document):
    result = verify_credential(document, issuer.resolver())
    assert isinstance(result, VerificationResult)
    assert result.verdict in set(Verdict)
    assert result.verdict != Verdict.VALID
    _summary(result.credential)


@FUZZ
@given(mutation=mutations)
def test_verify_a_real_credential_with_one_part_replaced(issuer, mutation):
    key, value = mutation
    document = issuer.credential()
    document[key] = value
    result = verify_credential(document, issuer.resolver())
    assert result.verdict in set(Verdict)
    _summary(result.credential)


@FUZZ
@given(value=json_values)
def test_summary_of_any_json(value):
    summary = _summary(value)
    assert set(summary) >= {"issuer_name", "recipient_name", "achievement_name"}
    _summary({"credentialSubject": {"identifier": value, "achievement": value}, "issuer": value})


@FUZZ
@given(document=credential_like)
def test_pasted_json_gets_the_verdict_page(client, db, document):
    text = json.dumps(document)
    response = client.post("/verify/", {"json": text})
    assert response.status_code in (200, 400), response.status_code
    assert response.context["result"].verdict != Verdict.VALID
    assert "Verify a certificate" in response.content.decode()


@FUZZ
@given(data=st.binary(max_size=500))
def test_uploaded_bytes_get_the_verdict_page(client, db, data):
    upload = SimpleUploadedFile("credential.json", data, content_type="application/json")
    response = client.post("/verify/", {"credential": upload})
    assert response.status_code in (200, 400)
    assert response.context["result"].verdict != Verdict.VALID


@FUZZ
@given(text=awkward_text.map(lambda t: t.replace("\x00", "")))
def test_pasted_text_gets_the_verdict_page(client, db, text):
    response = client.post("/verify/", {"json": text})
    assert response.status_code in (200, 400)
    assert response.context["result"].verdict in set(Verdict)


@pytest.mark.parametrize(
    "name, data, russian",
    [
        ("certificate.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "JSON"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "кодировке UTF-8"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "кодировке UTF-8"),
        ("deep.json", _deep(50_000, "[", "]"), "слишком глубокая вложенность"),
        ("nul.json", b'{"issuer": "\x00"}', "Файл не является корректным JSON"),
    ],
)
def test_files_that_are_not_credentials_get_a_page_in_russian(client, db, name, data, russian):
    upload = SimpleUploadedFile(name, data)
    response = client.post("/verify/", {"credential": upload}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.context["result"].verdict == Verdict.MALFORMED
    body = response.content.decode()
    assert "Проверка сертификата" in body
    assert russian in body


@pytest.mark.parametrize("identifier", [True, 5, "Aziza", {"identityHash": "x"}])
def test_an_identifier_that_is_not_a_list_gets_the_page(client, db, identifier):
    # `{"identifier": true}` made the page's summary iterate a bool: a 500.
    document = {"credentialSubject": {"identifier": identifier}, "issuer": {"name": "Ilm"}}
    response = client.post("/verify/", {"json": json.dumps(document)})
    assert response.status_code == 200
    assert response.context["result"].verdict == Verdict.MALFORMED
    assert "not a verifiable credential" in response.content.decode()


def test_an_integer_too_long_to_read_is_refused_in_russian(client, db):
    # Python refuses integers of more than 4300 digits; json.loads raised a bare ValueError.
    data = b'{"a": ' + b"9" * 5000 + b"}"
    with pytest.raises(CredentialParseError, match="number too long"):
        parse_credential(data)
    upload = SimpleUploadedFile("credential.json", data)
    response = client.post("/verify/", {"credential": upload}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert "слишком длинное число" in response.content.decode()


@pytest.mark.parametrize("index", ["²", "٣", "9" * 5000])
def test_a_signed_credential_with_an_unreadable_status_index_is_malformed(issuer, index):
    # The issuer's own signature over an index int() cannot read ("²" passes isdigit).
    document = issuer.credential()
    document.pop("proof")
    status = document["credentialStatus"]
    (status[0] if isinstance(status, list) else status)["statusListIndex"] = index
    result = verify_credential(issuer.sign(document), issuer.resolver())
    assert result.verdict == Verdict.MALFORMED
    assert "revocation entry is malformed" in str(result.reasons[0])
