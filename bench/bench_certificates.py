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
   status list at hand (a `StaticResolver`), as the public verification page does. The same
   credential is verified again and again, so its canonical forms come from the cache of
   canonical N-Quads (ADR 0062): what re-verifying a known credential costs.

Then the goals of issue 15, each against a peer measured in the same run, interleaved
(`ROUNDS` rounds, peer and Ilm alternating), with the ratio and whether it is met (ADR 0062):

6. signing: Ilm's signer against Digital Bazaar's `@digitalbazaar/eddsa-rdfc-2022-cryptosuite`
   (`vc.issue`, driven by `certificates/interop/sign-bench.mjs` in a long-lived Node process)
   signing the same credential; goal: at least 1x. Ilm signs a copy with a fresh `id` each
   time, so no cached canonical form of the document is ever reused;
7. issuance with the PDF (sign + `certificate_pdf`) against signing plus a bare WeasyPrint
   render of the same certificate's HTML; goal: at most 1.5x the cost;
8. the public verification page `/verify/<id>/` of a credential issued the real way (database,
   `LocalResolver`) against the plain template view of 20 KB (`/bench/plain/?p=N`, as
   `bench/run.py` serves it), both through Django's test client in this process; goal: at
   least 0.5x.

Steps 1-7 need no database (keys, the university and the credential row are built in
memory); step 8 uses the benchmark database (`bench/run.py`'s, or when run alone a SQLite file
under var/bench/ migrated here). About 70 s in all. Absolute figures depend on the machine;
read the ratios. Run it alone with `.venv/bin/python bench/bench_certificates.py`, or through
`bench/run.py`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
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
ROUNDS = 3
PEER_SECONDS = 2.5  # per side and round, for the goals
PDF_PEER_SECONDS = 4.0
PAGE_SECONDS = 2.0
INTEROP = ROOT / "certificates" / "interop"


def _setup_django() -> None:
    # bench/run.py has set Django up already; run alone, use the benchmark settings.
    from django.apps import apps

    if apps.ready:
        return
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    database = ROOT / "var" / "bench" / "certificates.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.pop("CELERY_BROKER_URL", None)  # eager tasks: no worker
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
    return report_goals(issuer)


# --- The goals of issue 15, each against a peer in the same run (ADR 0062) ------------------


def _rate(durations: list[float]) -> float:
    return len(durations) / sum(durations)


def _interleaved(sides: dict, seconds: float) -> dict[str, list[float]]:
    """Rates of each side, `ROUNDS` times, the sides alternating within each round."""
    rates: dict[str, list[float]] = {name: [] for name in sides}
    for _round in range(ROUNDS):
        for name, measure in sides.items():
            rates[name].append(measure(seconds))
    return rates


class NodeSigner:
    """Digital Bazaar's signer in a long-lived Node process (`interop/sign-bench.mjs`)."""

    def __init__(self, credential: dict, issuer_did: str):
        descriptor, self._path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(descriptor, "w") as handle:
            json.dump(credential, handle)
        self._process = subprocess.Popen(
            ["node", str(INTEROP / "sign-bench.mjs"), self._path, issuer_did],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def rate(self, seconds: float) -> float:
        self._process.stdin.write(f"{seconds}\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the Node signer stopped (is certificates/interop installed?)")
        result = json.loads(line)
        return result["signed"] / result["seconds"]

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait(timeout=30)
        os.unlink(self._path)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def _goal_signing(issuer: Issuer) -> tuple[bool, str]:
    credential = issuer.unsigned_credential()

    def ilm(seconds: float) -> float:
        # A fresh id each time: the document's canonical form is never served from a cache.
        return _rate(
            _timed(lambda: issuer.sign({**credential, "id": f"urn:uuid:{uuid.uuid4()}"}), seconds)
        )

    node = NodeSigner(credential, issuer.did)
    try:
        rates = _interleaved({"node": node.rate, "ilm": ilm}, PEER_SECONDS)
    finally:
        node.close()
    ilm_rate, node_rate = statistics.median(rates["ilm"]), statistics.median(rates["node"])
    ratio = ilm_rate / node_rate
    rounds = ", ".join(f"{a:.0f}/{b:.0f}" for a, b in zip(rates["ilm"], rates["node"], strict=True))
    return ratio >= 1.0, (
        f"  signing      Ilm {ilm_rate:7.1f}/s  Node DB eddsa-rdfc-2022 {node_rate:7.1f}/s"
        f"  {ratio:5.2f}x (goal >= 1x)  rounds Ilm/Node {rounds}"
    )


def _goal_pdf(issuer: Issuer) -> tuple[bool, str]:
    from weasyprint import HTML

    from certificates.pdf import certificate_html, certificate_pdf
    from certificates.services import site_url

    html = certificate_html(issuer.credential_row(issuer.sign(issuer.unsigned_credential())))

    def issue_with_pdf(seconds: float) -> float:
        return _rate(
            _timed(
                lambda: certificate_pdf(
                    issuer.credential_row(issuer.sign(issuer.unsigned_credential()))
                ),
                seconds,
            )
        )

    def sign_and_bare_render(seconds: float) -> float:
        def operation():
            issuer.sign(issuer.unsigned_credential())
            HTML(string=html, base_url=site_url("/")).write_pdf()

        return _rate(_timed(operation, seconds))

    rates = _interleaved({"bare": sign_and_bare_render, "ilm": issue_with_pdf}, PDF_PEER_SECONDS)
    ilm_cost = 1000 / statistics.median(rates["ilm"])
    bare_cost = 1000 / statistics.median(rates["bare"])
    ratio = ilm_cost / bare_cost
    return ratio <= 1.5, (
        f"  PDF issue    Ilm {ilm_cost:7.1f} ms  sign + bare WeasyPrint {bare_cost:7.1f} ms"
        f"  {ratio:5.2f}x the cost (goal <= 1.5x)"
    )


def _issued_credential():
    """A course credential issued the real way: a learner completes a course, the service
    signs it (and the university's first status list) and stores it."""
    from certificates.models import Credential
    from certificates.services import certificate_issue
    from learning import services
    from tests import factories

    university = factories.UniversityFactory(code=f"bc-{uuid.uuid4().hex[:8]}")
    course = factories.build_course(
        university, title="Машинное обучение", language="ru", quiz_in_last_lesson=False
    )
    enrollment = services.enrollment_create(
        learner=factories.make_member(
            "learner", university, email=f"{university.code}@bench.example"
        ),
        run=factories.open_run(course),
    )
    for lesson in factories.lessons_of(course):
        services.lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    enrollment.refresh_from_db()
    return Credential.objects.filter(enrollment=enrollment).first() or certificate_issue(
        enrollment_id=enrollment.pk
    )


def _goal_verify_page() -> tuple[bool, str]:
    from django.test import Client

    credential = _issued_credential()
    client = Client()
    verify_path = f"/verify/{credential.pk}/"
    page = client.get(verify_path)
    if page.status_code != 200 or b"valid" not in page.content:
        raise RuntimeError(f"the verification page answered {page.status_code}")
    # The plain view of about 20 KB, as bench/run.py sizes it against a page.
    layout = len(client.get("/bench/plain/?p=0").content)
    per_paragraph = len(client.get("/bench/plain/?p=1").content) - layout
    plain_path = f"/bench/plain/?p={max(0, round((20_000 - layout) / max(per_paragraph, 1)))}"
    plain_bytes = len(client.get(plain_path).content)

    def serve(path: str):
        def measure(seconds: float) -> float:
            return _rate(_timed(lambda: client.get(path), seconds))

        return measure

    rates = _interleaved({"plain": serve(plain_path), "verify": serve(verify_path)}, PAGE_SECONDS)
    verify_rate = statistics.median(rates["verify"])
    plain_rate = statistics.median(rates["plain"])
    ratio = verify_rate / plain_rate
    return ratio >= 0.5, (
        f"  verify page  {verify_rate:7.1f} req/s ({len(page.content) / 1024:.0f} KB)"
        f"  plain view {plain_rate:7.1f} req/s ({plain_bytes / 1024:.0f} KB)"
        f"  {ratio:5.2f}x (goal >= 0.5x; in-process test client)"
    )


def report_goals(issuer: Issuer) -> int:
    print(f"\n  issue 15 goals, {ROUNDS} interleaved rounds, medians:", flush=True)
    failures = 0
    for goal in (_goal_signing, _goal_pdf, _goal_verify_page):
        met, line = goal(issuer) if goal is not _goal_verify_page else goal()
        failures += not met
        print(f"{line}  {_verdict(met)}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
