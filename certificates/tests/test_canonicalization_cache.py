"""Canonicalization pays for each bundled context once, expands each document once, and its
caches never change an answer or let a refused document through (ADR 0062)."""

import copy
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from certificates import contexts, proofs
from certificates.canonicalization import CanonicalizationError, canonicalize

from .test_canonicalization import BASE

METHOD = "did:web:example.org#z6MkExample"


class CountingLoader:
    """The bundled loader, counting what it is asked for. A new one per test: caches are kept
    per loader, so each test starts cold."""

    def __init__(self):
        self.calls: list[str] = []

    def __call__(self, url, options=None):
        self.calls.append(url)
        return contexts.load_bundled_context(url, options)


def fresh(document: dict) -> dict:
    """The same credential with a new id: never served from the canonical-form cache."""
    return {**copy.deepcopy(document), "id": f"urn:uuid:{uuid.uuid4()}"}


@pytest.fixture
def counted(monkeypatch):
    """Counts of PyLD's expensive steps: full expansions and term definitions created."""
    counts = {"expand": 0, "terms": 0}
    expand = jsonld.JsonLdProcessor.expand
    define = jsonld.JsonLdProcessor._create_term_definition

    def counting_expand(self, input_, options):
        counts["expand"] += 1
        return expand(self, input_, options)

    def counting_define(self, *args, **kwargs):
        counts["terms"] += 1
        return define(self, *args, **kwargs)

    monkeypatch.setattr(jsonld.JsonLdProcessor, "expand", counting_expand)
    monkeypatch.setattr(jsonld.JsonLdProcessor, "_create_term_definition", counting_define)
    return counts


def sign(document, loader, created="2025-01-01T00:00:00Z"):
    return proofs.sign(
        document,
        Ed25519PrivateKey.generate(),
        verification_method=METHOD,
        created=created,
        loader=loader,
    )


def test_each_bundled_context_is_loaded_once_across_many_signatures():
    loader = CountingLoader()
    for _ in range(5):
        sign(fresh(BASE), loader)
    assert sorted(loader.calls) == sorted(set(loader.calls))
    assert set(loader.calls) == {contexts.VC_V2, contexts.OB_V3}


def test_contexts_are_processed_once_even_type_scoped_ones(counted):
    loader = CountingLoader()
    sign(fresh(BASE), loader)
    assert counted["terms"] > 100  # the first signature processes the contexts
    counted["terms"] = 0
    for _ in range(3):
        sign(fresh(BASE), loader)
    assert counted["terms"] == 0


def test_a_signature_expands_the_document_once_and_a_known_proof_config_not_at_all(counted):
    loader = CountingLoader()
    sign(fresh(BASE), loader)
    assert counted["expand"] == 2  # the proof configuration and the document, once each
    counted["expand"] = 0
    sign(fresh(BASE), loader)  # same issuer, key and `created`: the same proof configuration
    assert counted["expand"] == 1


def test_cached_answers_equal_uncached_ones_and_follow_every_change():
    warm = CountingLoader()
    document = copy.deepcopy(BASE)
    first = canonicalize(document, warm)
    assert canonicalize(copy.deepcopy(BASE), warm) == first == canonicalize(document, warm)
    assert canonicalize(copy.deepcopy(BASE), CountingLoader()) == first  # a cold cache agrees
    document["credentialSubject"]["achievement"]["name"] = "Другой курс"
    changed = canonicalize(document, warm)
    assert changed != first and '"Другой курс"' in changed
    assert changed == canonicalize(copy.deepcopy(document), CountingLoader())


def test_safe_mode_still_refuses_after_the_caches_are_warm():
    loader = CountingLoader()
    document = copy.deepcopy(BASE)
    canonicalize(document, loader)
    document["credentialSubject"]["achievement"]["colour"] = "blue"
    for _ in range(2):  # a refusal is not remembered as an answer either
        with pytest.raises(CanonicalizationError, match="not defined"):
            canonicalize(document, loader)
    relative = copy.deepcopy(BASE)
    relative["credentialSubject"]["achievement"]["id"] = "a/relative/path"
    with pytest.raises(CanonicalizationError, match="absolute"):
        canonicalize(relative, loader)
    escaped = copy.deepcopy(BASE)
    escaped["credentialSubject"]["achievement"]["name"] = "bell\x07"
    with pytest.raises(CanonicalizationError, match="control character"):
        canonicalize(escaped, loader)


def test_verification_uses_the_same_caches_and_still_detects_tampering():
    loader = CountingLoader()
    key = Ed25519PrivateKey.generate()
    signed = proofs.sign(
        fresh(BASE), key, verification_method=METHOD, created="2025-01-01T00:00:00Z", loader=loader
    )
    public = key.public_key().public_bytes_raw()
    assert proofs.verify(signed, signed["proof"][0], public, loader)
    assert proofs.verify(signed, signed["proof"][0], public, loader)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Курс!"
    assert not proofs.verify(tampered, tampered["proof"][0], public, loader)
