import copy
import json

import pytest

from certificates import contexts
from certificates.canonicalization import CanonicalizationError, canonicalize, expand_safely

BASE = {
    "@context": [contexts.VC_V2, contexts.OB_V3],
    "id": "urn:uuid:2f0b6c1e-9f53-4a1e-8a55-0d6c4c3f9a11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": "Example"},
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.org/a",
            "type": ["Achievement"],
            "name": "Курс",
            "description": "d",
            "criteria": {"narrative": "line one\nline two\ttab"},
            "creditsAvailable": 2.5,
        },
    },
}


def test_canonical_form_is_stable_and_uses_urdna2015():
    first = canonicalize(copy.deepcopy(BASE))
    assert first == canonicalize(copy.deepcopy(BASE))
    assert '"line one\\nline two\\ttab"' in first
    assert '"2.5E0"^^<https://www.w3.org/2001/XMLSchema#float>' in first


def test_undefined_term_is_refused_not_silently_dropped():
    doc = copy.deepcopy(BASE)
    doc["credentialSubject"]["achievement"]["colour"] = "blue"
    with pytest.raises(CanonicalizationError, match="not defined"):
        canonicalize(doc)


def test_relative_iri_is_refused():
    doc = copy.deepcopy(BASE)
    doc["id"] = "credentials/42"
    with pytest.raises(CanonicalizationError, match="absolute"):
        canonicalize(doc)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f"])
def test_control_characters_are_refused(char):
    doc = copy.deepcopy(BASE)
    doc["credentialSubject"]["achievement"]["name"] = f"Machine{char}Learning"
    with pytest.raises(CanonicalizationError, match="control character"):
        canonicalize(doc)


@pytest.mark.parametrize("value", [5.0, 1e-9, 1e21, float("nan"), 2**60])
def test_non_portable_numbers_are_refused(value):
    doc = copy.deepcopy(BASE)
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = value
    with pytest.raises(CanonicalizationError):
        canonicalize(doc)


def test_iri_with_space_is_refused():
    doc = copy.deepcopy(BASE)
    doc["credentialSubject"]["achievement"]["id"] = "https://example.org/a b"
    with pytest.raises(CanonicalizationError):
        canonicalize(doc)


def test_unbundled_context_is_never_fetched():
    doc = copy.deepcopy(BASE)
    doc["@context"] = [*doc["@context"], "https://evil.example/context.json"]
    with pytest.raises(CanonicalizationError, match="not bundled"):
        canonicalize(doc)


def test_lone_surrogate_is_refused():
    doc = json.loads('{"name": "bad \\ud800"}')
    with pytest.raises(CanonicalizationError, match="Unicode"):
        expand_safely({**copy.deepcopy(BASE), **doc})


def test_deep_nesting_is_refused():
    doc = copy.deepcopy(BASE)
    node = doc["credentialSubject"]["achievement"]
    for _ in range(40):
        node["criteria"] = {"narrative": "x", "nested": {}}
        node = node["criteria"]["nested"]
    with pytest.raises(CanonicalizationError):
        canonicalize(doc)


def test_bundled_context_with_wrong_hash_is_refused(tmp_path, monkeypatch):
    # Only files: a `__pycache__` folder appears beside them once the package is imported.
    for entry in contexts.CONTEXTS_DIR.iterdir():
        if entry.is_file():
            (tmp_path / entry.name).write_bytes(entry.read_bytes())
    target = tmp_path / "credentials-v2.jsonld"
    target.write_text(target.read_text().replace("schema.org/name", "schema.org/nam"))
    monkeypatch.setattr(contexts, "CONTEXTS_DIR", tmp_path)
    contexts.bundled_contexts.cache_clear()
    try:
        with pytest.raises(contexts.ContextError, match="hash"):
            contexts.bundled_contexts()
    finally:
        monkeypatch.undo()
        contexts.bundled_contexts.cache_clear()
    assert contexts.VC_V2 in contexts.bundled_contexts()
