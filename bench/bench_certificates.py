"""Certificates benchmark: what signing, printing and verifying a credential cost, measured
against the raw Ed25519 signature that is their cryptographic core, in one run.

Prints, each with its ratio to the raw Ed25519 sign rate (and what one operation costs in raw
signatures):

1. raw Ed25519 signatures per second (`cryptography`, 64-byte messages, as our proofs sign);
2. credentials composed, canonicalized (RDFC-1.0) and signed per second: a realistic Open
   Badges 3.0 course credential from `certificates.composition`, signed by
   `certificates.proofs.sign` as the issuing service does;
3. credentials signed and checked against 1EdTech's OB 3.0 AchievementCredential JSON
   Schema per second, the whole of what the issuing service computes before storing one
   (`certificates.schemas.achievement_credential_problems`);
4. credentials signed and rendered to PDF per second (`certificates.pdf.certificate_pdf`:
   WeasyPrint, A4, with the QR code);
5. verification latency, p50 and p99: `certificates.verification.parse_credential` and
   `verify_credential` on a signed credential, with the issuer's DID document and its signed
   status list at hand (a `StaticResolver`), as the public verification page does.

No database: keys, the university and the credential row are built in memory. Each step runs
for a fixed time, about 21 s in all. Absolute figures depend on the machine; read the ratios.
Run it alone with `.venv/bin/python bench/bench_certificates.py`, or through `bench/run.py`.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_SECONDS = 2.0
SIGN_SECONDS = 4.0
SCHEMA_SECONDS = 3.0
PDF_SECONDS = 6.0
VERIFY_SECONDS = 4.0


def _setup_django() -> None:
    # bench/run.py has set Django up already; run alone, use the benchmark settings.
    from django.apps import apps

    if apps.ready:
        return
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def _timed(operation, seconds: float) -> list[float]:
    """Run `operation` repeatedly for `seconds` (after one warm-up call); each call's time."""
    operation()
    durations = []
    deadline = time.perf_counter() + seconds
    while True:
        started = time.perf_counter()
        operation()
        finished = time.perf_counter()
        durations.append(finished - started)
        if finished >= deadline:
            return durations


class Issuer:
    """A university with a fresh key, its DID document and its first (signed) status list."""

    def __init__(self):
        from certificates import did_web, keys, services
        from certificates.models import StatusList
        from certificates.status_list import Bitstring, status_list_credential
        from universities.models import University

        self.university = University(
            code="bench-certs",
            name="Tajik National University",
            name_translations={"ru": "Таджикский национальный университет"},
            country="TJ",
            website="https://tnu.example",
        )
        self.key = keys.generate_key()
        self.did = services.issuer_did(self.university)
        self.method = did_web.verification_method_id(self.did, self.key.public_multikey)
        self.status_url = services.status_list_url(StatusList(university=self.university, number=1))
        self.did_document = did_web.did_document(self.did, [self.key.public_multikey])
        unsigned_list = status_list_credential(
            url=self.status_url,
            issuer=self.did,
            valid_from=self._now(),
            bitstring=Bitstring(),
        )
        self.status_list = self.sign(unsigned_list)

    @staticmethod
    def _now() -> str:
        from django.utils import timezone

        from certificates import composition

        return composition.xsd_date_time(timezone.now())

    def unsigned_credential(self) -> dict:
        """A course credential as `certificates.services` composes one: Russian course with
        its English edition, ECTS credits, three outcomes, a final score, a status entry."""
        from django.utils import timezone

        from certificates import composition, services
        from certificates.status_list import allocate_index, status_entry

        achievement_url = services.site_url("/achievements/course/42/")
        data = composition.CourseCredentialData(
            credential_id=uuid.uuid4(),
            issuer=services.issuer_profile(self.university),
            achievement=composition.AchievementData(
                id=achievement_url,
                name="Машинное обучение: основы и практика",
                name_en="Machine Learning: Foundations and Practice",
                language="ru",
                description="Курс о методах машинного обучения и их применении.",
                description_en="A course on machine-learning methods and their use.",
                criteria="Completed every required lesson of the course. "
                "Achieved a quiz average of at least 60%.",
                ects_credits=Decimal("5"),
                outcomes=tuple(
                    composition.LearningOutcome(
                        name=name, code=f"ML-{n}", url=f"{achievement_url}#outcome-{n}"
                    )
                    for n, name in enumerate(
                        (
                            "Train and evaluate a supervised model",
                            "Choose features and guard against leakage",
                            "Explain a model's errors to a non-specialist",
                        ),
                        start=1,
                    )
                ),
            ),
            recipient_name="Азиза Каримова",
            issued_at=timezone.now().replace(microsecond=0),
            credential_status=status_entry(self.status_url, allocate_index(lambda _i: False)),
            final_score=Decimal("91.5"),
            valid_until=timezone.now() + timedelta(days=3650),
        )
        return composition.open_badge_credential(data)

    def sign(self, document: dict) -> dict:
        # The issuing service's signer (`certificates.services._Signer.sign`) does exactly this.
        from certificates import proofs

        return proofs.sign(
            document, self.key.private_key, verification_method=self.method, created=self._now()
        )

    def credential_row(self, signed: dict):
        """The unsaved `Credential` a PDF is rendered from."""
        from django.utils import timezone

        from certificates.models import Credential

        return Credential(
            id=uuid.UUID(signed["id"].removeprefix("urn:uuid:")),
            kind="course",
            university=self.university,
            recipient_name="Азиза Каримова",
            achievement_name=signed["credentialSubject"]["achievement"]["name"],
            language="ru",
            status_index=int(signed["credentialStatus"]["statusListIndex"]),
            signed_json=json.dumps(signed, ensure_ascii=False, indent=2),  # as services stores it
            issued_at=timezone.now().replace(microsecond=0),
        )


def main() -> int:
    _setup_django()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from certificates.pdf import certificate_pdf
    from certificates.schemas import achievement_credential_problems
    from certificates.verification import (
        StaticResolver,
        Verdict,
        parse_credential,
        verify_credential,
    )

    print("== certificates benchmark ==", flush=True)
    issuer = Issuer()

    # 1. The raw signature over what a proof signs: two SHA-256 hashes, 64 bytes.
    raw_key = Ed25519PrivateKey.generate()
    message = os.urandom(64)
    raw = _timed(lambda: raw_key.sign(message), RAW_SECONDS)
    raw_rate = len(raw) / sum(raw)

    # 2. Compose, canonicalize and sign.
    def compose_and_sign():
        return issuer.sign(issuer.unsigned_credential())

    signing = _timed(compose_and_sign, SIGN_SECONDS)
    sign_rate = len(signing) / sum(signing)

    # 3. Sign and check the schema, as the issuing service does before it stores a credential.
    problems = achievement_credential_problems(compose_and_sign())
    if problems:
        raise RuntimeError(f"the benchmark credential fails the OB schema: {problems}")
    checking = _timed(lambda: achievement_credential_problems(compose_and_sign()), SCHEMA_SECONDS)
    checked_rate = len(checking) / sum(checking)

    # 4. Sign and render the printable certificate.
    pdf_sizes = []

    def sign_and_print():
        pdf = certificate_pdf(issuer.credential_row(compose_and_sign()))
        pdf_sizes.append(len(pdf))

    printing = _timed(sign_and_print, PDF_SECONDS)
    pdf_rate = len(printing) / sum(printing)
    if not all(size > 1000 for size in pdf_sizes):
        raise RuntimeError("certificate_pdf returned an empty document")

    # 5. Verify: parse the JSON text, check both signatures, dates and the revocation bit.
    signed = compose_and_sign()
    text = issuer.credential_row(signed).signed_json.encode("utf-8")
    resolver = StaticResolver(
        did_documents={issuer.did: issuer.did_document},
        status_lists={issuer.status_url: issuer.status_list},
    )
    verdict = verify_credential(parse_credential(text), resolver).verdict
    if verdict != Verdict.VALID:
        # A benchmark of a verifier that rejects the credential would measure a short cut.
        raise RuntimeError(f"the benchmark credential does not verify: {verdict}")
    verifying = sorted(
        _timed(lambda: verify_credential(parse_credential(text), resolver), VERIFY_SECONDS)
    )
    p50 = statistics.median(verifying)
    p99 = verifying[min(len(verifying) - 1, int(0.99 * len(verifying)))]

    def row(label: str, per_second: float, count: int) -> None:
        print(
            f"  {label:<40}{per_second:>11,.1f}/s{per_second / raw_rate:>11.5f}x"
            f"{raw_rate / per_second:>12,.0f}{count:>8}"
        )

    print(f"  {'operation':<40}{'rate':>13}{'vs raw':>12}{'raw signs':>12}{'n':>8}")
    row("raw Ed25519 sign (64 bytes)", raw_rate, len(raw))
    row("credential canonicalized + signed", sign_rate, len(signing))
    row("signed + OB schema checked (as issued)", checked_rate, len(checking))
    row("credential signed + PDF (WeasyPrint+QR)", pdf_rate, len(printing))
    row("verification at p50 (1/p50)", 1 / p50, len(verifying))
    row("verification at p99 (1/p99)", 1 / p99, len(verifying))
    print(
        f"  verification latency: p50 {1000 * p50:.1f} ms, p99 {1000 * p99:.1f} ms "
        f"(signature, issuer key, dates, signed status list); "
        f"PDF {statistics.median(pdf_sizes) / 1024:.0f} KB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
