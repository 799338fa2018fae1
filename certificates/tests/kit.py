"""Builds signed credentials with the domain code alone (no database), for the verifier tests."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from certificates import composition, did_web, keys, proofs
from certificates.status_list import Bitstring, status_entry, status_list_credential
from certificates.verification import StaticResolver

HOST = "ilm.example:8443"


@dataclass
class Issuer:
    code: str = "tnu"
    key: keys.GeneratedKey = field(default_factory=keys.generate_key)
    bits: Bitstring = field(default_factory=Bitstring)

    @property
    def did(self) -> str:
        return did_web.did_web(HOST, "universities", self.code)

    @property
    def method(self) -> str:
        return did_web.verification_method_id(self.did, self.key.public_multikey)

    @property
    def status_url(self) -> str:
        return f"https://{HOST}/universities/{self.code}/status/1"

    def did_document(self, extra_keys=()) -> dict:
        return did_web.did_document(self.did, [self.key.public_multikey, *extra_keys])

    def sign(self, document: dict, key: keys.GeneratedKey | None = None, method=None) -> dict:
        return proofs.sign(
            document,
            (key or self.key).private_key,
            verification_method=method or self.method,
            created="2025-01-01T00:00:00Z",
        )

    def credential(self, *, index=7, issued_at=None, valid_until=None, **overrides) -> dict:
        data = composition.CourseCredentialData(
            credential_id=uuid.uuid4(),
            issuer=composition.IssuerProfile(
                did=self.did,
                name="Tajik National University",
                url="https://tnu.tj",
                country_code="TJ",
                country_name="Tajikistan",
            ),
            achievement=composition.AchievementData(
                id=f"https://{HOST}/achievements/course/1/",
                name="Машинное обучение",
                name_en="Machine Learning",
                language="ru",
                description="Курс: «основы»\tи практика",
                criteria="Все уроки\nи экзамен",
                ects_credits=Decimal("2.5"),
                outcomes=(
                    composition.LearningOutcome(
                        name="Train a model", url=f"https://{HOST}/achievements/course/1/#o1"
                    ),
                ),
            ),
            recipient_name='Aziza "Azi" Karimova',
            issued_at=issued_at or datetime(2025, 1, 1, tzinfo=UTC),
            valid_until=valid_until,
            credential_status=status_entry(self.status_url, index),
            final_score=Decimal("91.5"),
            **overrides,
        )
        return self.sign(composition.open_badge_credential(data))

    def status_list(self, key=None, method=None) -> dict:
        document = status_list_credential(
            url=self.status_url,
            issuer=self.did,
            valid_from="2025-01-01T00:00:00Z",
            bitstring=self.bits,
        )
        return self.sign(document, key=key, method=method)

    def resolver(self, status_list=None, did_document=None) -> StaticResolver:
        return StaticResolver(
            did_documents={self.did: did_document or self.did_document()},
            status_lists={self.status_url: status_list or self.status_list()},
        )


def write(tmp_path, name: str, document: dict):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def tomorrow() -> datetime:
    return datetime.now(UTC) + timedelta(days=1)
