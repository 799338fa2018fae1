import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from certificates import composition
from certificates.canonicalization import canonicalize

from .kit import Issuer


def test_course_credential_shape_follows_the_pitfall_list():
    document = Issuer().credential()
    assert document["@context"] == composition.CONTEXT
    assert "credentialSchema" not in document
    assert isinstance(document["proof"], list)
    status = document["credentialStatus"]
    assert status["id"] != status["statusListCredential"]
    assert document["validFrom"] == "2025-01-01T00:00:00Z"
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["creditsAvailable"] == 2.5
    assert achievement["related"][0] == {
        "id": achievement["id"] + "?lang=en",
        "type": ["Related"],
        "inLanguage": "en",
        "name": "Machine Learning",
    }
    assert achievement["alignment"][0]["targetType"] == "ceasn:Competency"
    assert document["credentialSubject"]["result"][0]["value"] == "91.5"
    assert document["name"] == "Machine Learning"


@pytest.mark.parametrize(
    "value, expected", [(Decimal("5.0"), 5), (Decimal("2.5"), 2.5), (Decimal("0"), 0)]
)
def test_plain_numbers(value, expected):
    result = composition.plain_number(value)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("value", [Decimal("1.234"), Decimal("-1"), Decimal("NaN"), Decimal("1e6")])
def test_unportable_credits_are_refused(value):
    with pytest.raises(composition.CompositionError):
        composition.plain_number(value)


def test_dates_are_utc_seconds_and_naive_dates_refused():
    moment = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    assert composition.xsd_date_time(moment) == "2025-03-04T05:06:07Z"
    with pytest.raises(composition.CompositionError):
        composition.xsd_date_time(datetime(2025, 3, 4))


def test_stray_control_characters_are_removed_from_titles():
    assert composition.clean_text("Deep\x07 Learning\r\nI", "name") == "Deep Learning\nI"
    with pytest.raises(composition.CompositionError):
        composition.clean_text("\x01\x02", "name")


def test_score_out_of_range_is_refused():
    issuer = Issuer()
    with pytest.raises(composition.CompositionError):
        composition.open_badge_credential(
            composition.CourseCredentialData(
                credential_id=uuid.uuid4(),
                issuer=composition.IssuerProfile(
                    did=issuer.did, name="X", url="https://x.example", country_code="TJ"
                ),
                achievement=composition.AchievementData(
                    id="https://x.example/a",
                    name="A",
                    language="en",
                    description="d",
                    criteria="c",
                ),
                recipient_name="R",
                issued_at=datetime(2025, 1, 1, tzinfo=UTC),
                credential_status={},
                final_score=Decimal("101"),
            )
        )


def test_endorsement_credential_canonicalizes():
    issuer = Issuer()
    document = composition.endorsement_credential(
        credential_id=uuid.uuid4(),
        endorser=composition.IssuerProfile(
            did=issuer.did, name="Partner", url="https://p.example", country_code="UZ"
        ),
        endorsed_id="urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7",
        comment="Co-delivered.",
        issued_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert "EndorsementSubject" in canonicalize(document)


@pytest.mark.parametrize(
    "code, tag",
    [
        ("ru", "ru"),
        ("zh-hans", "zh-Hans"),
        ("zh_Hans", "zh-Hans"),
        ("en-us", "en-US"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
    ],
)
def test_language_codes_become_canonical_bcp47_tags(code, tag):
    assert composition.language_tag(code) == tag


@pytest.mark.parametrize("code", ["", "english", "r", "de-CH-1996", "zh-hans-"])
def test_language_codes_a_credential_cannot_carry_are_refused(code):
    with pytest.raises(composition.CompositionError):
        composition.language_tag(code)
