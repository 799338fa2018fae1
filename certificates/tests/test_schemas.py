"""Our credentials against 1EdTech's Open Badges 3.0 AchievementCredential JSON Schema."""

import copy
import json

import pytest

from certificates import composition, schemas, services
from certificates.models import Credential, Endorsement, StatusList
from learning.services import program_enrollment_create
from tests.factories import UniversityFactory, build_course, build_program, make_member, open_run

from .conftest import complete_course
from .kit import Issuer

problems_of = schemas.achievement_credential_problems


def test_bundled_schema_is_the_vc_2_edition():
    schema = schemas.bundled_schema(schemas.ACHIEVEMENT_CREDENTIAL_SCHEMA)
    assert schema["$id"] == schemas.ACHIEVEMENT_CREDENTIAL_SCHEMA
    assert schema["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    # The VC 1.1 edition requires `issuanceDate` and allows a single proof object.
    assert "validFrom" in schema["required"] and "issuanceDate" not in schema["required"]
    assert schema["properties"]["proof"]["type"] == "array"
    assert schema["properties"]["@context"]["items"][0] == {
        "enum": ["https://www.w3.org/ns/credentials/v2"]
    }


def test_bundled_schema_with_wrong_hash_is_refused(tmp_path, monkeypatch):
    for entry in schemas.SCHEMAS_DIR.iterdir():
        if entry.is_file():
            (tmp_path / entry.name).write_bytes(entry.read_bytes())
    target = tmp_path / "ob_v3p0_achievementcredential_schema.json"
    # Loosen one rule: exactly the kind of silent edit the hash is there to catch.
    target.write_text(target.read_text().replace('"minItems" : 2', '"minItems" : 1', 1))
    monkeypatch.setattr(schemas, "SCHEMAS_DIR", tmp_path)
    schemas.bundled_schemas.cache_clear()
    try:
        with pytest.raises(schemas.SchemaError, match="hash"):
            schemas.bundled_schema(schemas.ACHIEVEMENT_CREDENTIAL_SCHEMA)
    finally:
        monkeypatch.undo()
        schemas.bundled_schemas.cache_clear()
    assert schemas.bundled_schema(schemas.ACHIEVEMENT_CREDENTIAL_SCHEMA)["type"] == "object"
    with pytest.raises(schemas.SchemaError, match="not bundled"):
        schemas.bundled_schema("https://example.org/other-schema.json")


def test_credential_issued_on_completion_conforms(issued):
    document = json.loads(issued.signed_json)
    assert problems_of(document) == []


def test_program_credential_and_its_endorsements_conform(db, django_capture_on_commit_callbacks):
    lead = UniversityFactory(code="lead", name="Lead University", country="KZ")
    partner = UniversityFactory(code="partner", name="Partner University", country="CN")
    courses = [build_course(u, quiz_in_last_lesson=False, modules=1) for u in (lead, partner)]
    for course in courses:
        open_run(course)
    program = build_program(lead, [lead, partner], courses)
    learner = make_member("learner", lead, full_name="Timur Aliev")
    with django_capture_on_commit_callbacks(execute=True):
        program_enrollment_create(learner=learner, program=program)
        for course in courses:
            complete_course(learner, course)
    assert Credential.objects.count() == 3
    for credential in Credential.objects.all():
        assert problems_of(json.loads(credential.signed_json)) == [], credential.kind
    document = json.loads(Credential.objects.get(kind=Credential.Kind.PROGRAM).signed_json)
    assert len(document["endorsement"]) == 1
    # The embedded endorsements are held to the schema as well.
    del document["endorsement"][0]["name"]
    assert problems_of(document) == ["$.endorsement[0]: 'name' is a required property"]


def test_chinese_course_carries_a_canonical_language_tag(learner, university):
    course = build_course(
        university, title="机器学习", language="zh-hans", quiz_in_last_lesson=False, modules=1
    )
    enrollment = complete_course(learner, course)
    credential = services.certificate_issue(enrollment_id=enrollment.pk)
    document = json.loads(credential.signed_json)
    assert document["credentialSubject"]["achievement"]["inLanguage"] == "zh-Hans"
    assert credential.language == "zh-hans"  # the row keeps Django's code for the PDF
    assert problems_of(document) == []


def _without(path):
    def mutate(document):
        *parents, last = path
        node = document
        for key in parents:
            node = node[key]
        del node[last]

    return mutate


def _set(path, value):
    def mutate(document):
        *parents, last = path
        node = document
        for key in parents:
            node = node[key]
        node[last] = value

    return mutate


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (_without(["validFrom"]), "$: 'validFrom' is a required property"),
        (_set(["validFrom"], "yesterday"), "$.validFrom: 'yesterday' is not a 'date-time'"),
        (_set(["type"], ["VerifiableCredential"]), "$.type: "),
        (lambda d: d.update(proof=d["proof"][0]), "$.proof: "),
        (lambda d: d["@context"].reverse(), "$['@context'][0]: "),
        (
            _without(["credentialSubject", "achievement", "criteria"]),
            "$.credentialSubject.achievement: 'criteria' is a required property",
        ),
        (
            _without(["credentialSubject", "identifier", 0, "identityHash"]),
            "$.credentialSubject.identifier[0]: 'identityHash' is a required property",
        ),
        (
            _set(["credentialSubject", "achievement", "inLanguage"], "zh-hans"),
            "$.credentialSubject.achievement.inLanguage: 'zh-hans' does not match",
        ),
        (_set(["credentialSubject", "result", 0, "value"], 91.5), "$.credentialSubject.result[0]"),
    ],
)
def test_departures_from_the_schema_are_named_by_path(mutate, expected):
    document = Issuer().credential()
    assert problems_of(document) == []
    broken = copy.deepcopy(document)
    mutate(broken)
    problems = problems_of(broken)
    assert problems and problems[0].startswith(expected), problems


def test_problems_quoting_a_large_value_name_the_rule_instead():
    document = Issuer().credential()
    document["proof"] = document["proof"][0]
    (problem,) = problems_of(document)
    assert problem == "$.proof: does not satisfy 'type': \"array\""
    assert problems_of([document]) == ["$: does not satisfy 'type': \"object\""]


def test_hostile_nesting_is_reported_not_crashing():
    document = Issuer().credential()
    profile = document["issuer"]
    for _ in range(2000):  # far past the interpreter's recursion limit
        profile["parentOrg"] = {"id": "https://example.org/org", "type": ["Profile"]}
        profile = profile["parentOrg"]
    assert problems_of(document) == ["$: nested too deeply to check against the schema"]
    assert problems_of(Issuer().credential()) == []  # the validator is still usable


def test_issuing_refuses_a_credential_the_schema_rejects(learner, course, monkeypatch):
    enrollment = complete_course(learner, course)
    real = composition.open_badge_credential

    def without_achievement_criteria(data):
        document = real(data)
        del document["credentialSubject"]["achievement"]["criteria"]
        return document

    monkeypatch.setattr(composition, "open_badge_credential", without_achievement_criteria)
    with pytest.raises(services.CertificateError, match=r"Open Badges 3\.0 schema") as refused:
        services.certificate_issue(enrollment_id=enrollment.pk)
    assert "$.credentialSubject.achievement: 'criteria' is a required property" in str(
        refused.value
    )
    # Nothing of the attempt is left: no credential, and no status list opened for it.
    assert not Credential.objects.exists()
    assert not Endorsement.objects.exists()
    assert not StatusList.objects.exists()
    monkeypatch.undo()
    issued = services.certificate_issue(enrollment_id=enrollment.pk)
    assert problems_of(json.loads(issued.signed_json)) == []
