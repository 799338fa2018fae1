"""Learner records (1EdTech CLR 2.0 ClrCredential) of joint programs: composition, signing,
the independent verifier, the download and its gate (ADR 0051)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from certificates import clr, proofs, services
from certificates.contexts import CLR_V2, OB_V3, VC_V2, load_bundled_context
from certificates.models import Credential
from certificates.recipient import credential_matches_email
from certificates.selectors import LocalResolver
from certificates.verification import Verdict, verify_credential
from learning.models import ProgramEnrollment
from learning.services import program_enrollment_create
from tests.factories import UniversityFactory, build_course, build_program, make_member, open_run

from .conftest import complete_course
from .kit import write

ONEDTECH = Path(__file__).parent / "data" / "onedtech"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"


@pytest.fixture
def joint(db):
    """A joint program led by one university, one course taught by each of two."""
    lead = UniversityFactory(code="lead", name="Lead University", country="KZ")
    partner = UniversityFactory(code="partner", name="Partner University", country="UZ")
    first = build_course(lead, title="Statistics", quiz_in_last_lesson=False, modules=1)
    second = build_course(partner, title="Ecology", quiz_in_last_lesson=False, modules=1)
    open_run(first)
    open_run(second)
    program = build_program(lead, [lead, partner], [first, second])
    learner = make_member("learner", lead, full_name="Timur Aliev", email="timur@example.org")
    program_enrollment, _missing = program_enrollment_create(learner=learner, program=program)
    return {
        "lead": lead,
        "partner": partner,
        "first": first,
        "second": second,
        "program": program,
        "learner": learner,
        "program_enrollment": program_enrollment,
    }


def _complete(joint, *courses, capture):
    with capture(execute=True):
        for course in courses:
            complete_course(joint["learner"], joint[course])


def _record(joint) -> clr.LearnerRecord:
    program_enrollment = ProgramEnrollment.objects.select_related(
        "learner", "program__lead_university"
    ).get(pk=joint["program_enrollment"].pk)
    return clr.learner_record_build(program_enrollment=program_enrollment)


@pytest.fixture
def completed(joint, django_capture_on_commit_callbacks):
    _complete(joint, "first", "second", capture=django_capture_on_commit_callbacks)
    assert Credential.objects.filter(kind=Credential.Kind.PROGRAM).count() == 1
    return joint


# --- the bundled context ------------------------------------------------------------------


def test_bundled_clr_context_reproduces_the_1edtech_clr_test_vector():
    """The CLR 2.0 test vector of 1EdTech's implementation guide: same document hash, and
    its signature verifies with the guide's key, so the bundled context is the published one."""
    extensions = json.loads((ONEDTECH / "ob-v3p0-extensions.jsonld").read_text())

    def loader(url, options=None):
        if url == EXTENSIONS:
            return {"contextUrl": None, "documentUrl": url, "document": extensions}
        return load_bundled_context(url, options)

    signed = json.loads((ONEDTECH / "clr-signed.json").read_text())
    proof = signed["proof"][0]
    unsecured = {key: value for key, value in signed.items() if key != "proof"}
    data = proofs.hash_data(unsecured, proof, loader)
    assert (
        data.document_hash.hex()
        == "768d7015ae69e0210e1c2a45194d9c1d15d7a6022e52b946574a2a27f6fa85fe"
    )
    public_key = bytes.fromhex("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
    assert proofs.verify(signed, proof, public_key, loader) is True
    signed["credentialSubject"]["achievement"][1]["name"] = "Achievement 3"
    assert proofs.verify(signed, proof, public_key, loader) is False


# --- composition and signing ---------------------------------------------------------------


def test_record_of_a_completer_holds_every_credential_signed_by_the_lead(completed):
    record = _record(completed)
    document = record.document
    assert document["@context"] == [VC_V2, CLR_V2, OB_V3]
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert document["issuer"]["id"] == services.issuer_did(completed["lead"])
    assert document["proof"][0]["verificationMethod"].startswith(document["issuer"]["id"] + "#")
    assert document["partial"] is False
    assert "credentialStatus" not in document
    subject = document["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert subject["identifier"][0]["identityHash"] == "Timur Aliev"
    stored = {
        c.achievement_key: json.loads(c.signed_json)
        for c in Credential.objects.filter(learner=completed["learner"])
    }
    assert len(stored) == 3
    assert sorted(json.dumps(m, sort_keys=True) for m in subject["verifiableCredential"]) == sorted(
        json.dumps(m, sort_keys=True) for m in stored.values()
    )
    # Each achievement with the university that issued its credential; the program first.
    creators = {a["id"]: a["creator"]["id"] for a in subject["achievement"][1:]}
    for member in stored.values():
        achievement_id = member["credentialSubject"]["achievement"]["id"]
        if member["credentialSubject"]["achievement"]["achievementType"] == "Course":
            assert creators[achievement_id] == member["issuer"]["id"]
    assert set(creators.values()) == {
        services.issuer_did(completed["lead"]),
        services.issuer_did(completed["partner"]),
    }
    program_id = subject["achievement"][0]["id"]
    assert subject["achievement"][0]["achievementType"] == "Certificate"
    assert {(a["sourceId"], a["targetId"]) for a in subject["association"]} == {
        (program_id, achievement_id) for achievement_id in creators
    }
    assert {a["associationType"] for a in subject["association"]} == {"isParentOf"}
    assert completed["program"].title in document["name"]
    assert clr.learner_record_problems(document) == []


def test_record_verifies_with_the_sites_own_verifier_and_the_command(completed, tmp_path, capsys):
    document = _record(completed).document
    assert verify_credential(document, LocalResolver()).verdict == Verdict.VALID
    did = write(tmp_path, "did.json", services.university_did_document(completed["lead"]))
    path = write(tmp_path, "record.json", document)
    call_command("verify_credential", str(path), "--did-document", str(did), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == Verdict.VALID
    assert report["schema_problems"] is None  # the OB schema is for Open Badges only


def test_tampered_record_fails(completed):
    document = _record(completed).document
    document["credentialSubject"]["achievement"][1]["name"] = "Something else"
    assert verify_credential(document, LocalResolver()).verdict != Verdict.VALID


def test_record_identifies_the_learner_by_hashed_email_when_the_lead_does(completed):
    from certificates.policies import credential_policy_set

    credential_policy_set(university=completed["lead"], recipient_identification="name+email-hash")
    document = _record(completed).document
    assert credential_matches_email(document, "Timur@example.org")


def test_partial_record_of_what_is_earned_so_far(joint, django_capture_on_commit_callbacks):
    _complete(joint, "second", capture=django_capture_on_commit_callbacks)
    document = _record(joint).document
    subject = document["credentialSubject"]
    assert document["partial"] is True
    assert len(subject["verifiableCredential"]) == 1
    member = subject["verifiableCredential"][0]
    # Signed by the lead, holding the partner's credential as the partner signed it.
    assert member["issuer"]["id"] == services.issuer_did(joint["partner"])
    assert document["issuer"]["id"] == services.issuer_did(joint["lead"])
    # The program's achievement is listed (what the record leads to) from its page.
    assert subject["achievement"][0]["id"].endswith(
        f"/achievements/program/{joint['program'].translation_key}/"
    )
    assert verify_credential(document, LocalResolver()).verdict == Verdict.VALID


def test_revoked_course_credential_is_left_out(completed):
    course = Credential.objects.get(
        learner=completed["learner"], university=completed["partner"], kind="course"
    )
    services.credential_revoke(credential=course, reason="Exam misconduct")
    record = _record(completed)
    ids = {m["id"] for m in record.document["credentialSubject"]["verifiableCredential"]}
    assert f"urn:uuid:{course.pk}" not in ids
    assert len(ids) == 2
    assert record.left_out_revoked == 1
    assert record.document["partial"] is True


def test_no_record_without_an_unrevoked_credential(joint):
    with pytest.raises(clr.LearnerRecordError) as refused:
        _record(joint)
    assert refused.value.code == "empty"


# --- the independent verifier ---------------------------------------------------------------


def _issuer_files(tmp_path, joint):
    dids = [
        write(tmp_path, f"did-{u.code}.json", services.university_did_document(u))
        for u in (joint["lead"], joint["partner"])
    ]
    lists = []
    for credential in Credential.objects.filter(learner=joint["learner"]):
        path = tmp_path / f"status-{credential.status_list_id}.json"
        path.write_text(credential.status_list.signed_json, encoding="utf-8")
        lists.append(path)
    return dids, sorted(set(lists))


def test_independent_verifier_accepts_the_record_and_each_credential_in_it(
    completed, tmp_path, node_verifier
):
    document = _record(completed).document
    dids, lists = _issuer_files(tmp_path, completed)
    verdict = node_verifier(write(tmp_path, "record.json", document), dids, lists)
    assert verdict["verified"] is True, verdict
    for number, member in enumerate(document["credentialSubject"]["verifiableCredential"]):
        path = write(tmp_path, f"member-{number}.json", member)
        verdict = node_verifier(path, dids, lists)
        assert verdict["verified"] is True, (member["name"], verdict)


def test_independent_verifier_refuses_a_tampered_record(completed, tmp_path, node_verifier):
    document = _record(completed).document
    document["credentialSubject"]["verifiableCredential"][0]["name"] = "Forged"
    dids, lists = _issuer_files(tmp_path, completed)
    verdict = node_verifier(write(tmp_path, "record.json", document), dids, lists)
    assert verdict["verified"] is False
    assert verdict["signatureVerified"] is False


# --- the download and its gate ---------------------------------------------------------------


def _url(program) -> str:
    return reverse("certificates:learner_record", args=[program.pk])


def test_learner_downloads_their_record(client, completed, django_assert_max_num_queries):
    client.force_login(completed["learner"])
    with django_assert_max_num_queries(16):
        response = client.get(_url(completed["program"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert verify_credential(document, LocalResolver()).verdict == Verdict.VALID


def test_download_query_count_does_not_grow_with_the_credentials(
    client, completed, django_assert_num_queries
):
    client.force_login(completed["learner"])
    client.get(_url(completed["program"]))  # the lead's key and identity exist from now on
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        assert client.get(_url(completed["program"])).status_code == 200
    Credential.objects.filter(learner=completed["learner"], kind="program").delete()
    with CaptureQueriesContext(connection) as two:
        assert client.get(_url(completed["program"])).status_code == 200
    assert len(three) == len(two)


def test_another_learners_program_answers_404(client, completed):
    other = make_member("learner", completed["lead"], full_name="Someone Else")
    client.force_login(other)
    response = client.get(_url(completed["program"]))
    assert response.status_code == 404
    assert b"Timur" not in response.content


def test_enrolled_without_credentials_gets_a_clear_message(client, joint):
    client.force_login(joint["learner"])
    response = client.get(_url(joint["program"]))
    assert response.status_code == 404
    assert "nothing in your learner record" in response.content.decode()


def test_no_key_encryption_key_gets_a_clear_message_not_a_500(client, completed, settings):
    settings.CERTIFICATES_ALLOW_KEK_FALLBACK = False
    settings.ILM_KEY_ENCRYPTION_KEY = ""
    settings.ILM_KEY_ENCRYPTION_KEY_FILE = ""
    client.force_login(completed["learner"])
    response = client.get(_url(completed["program"]))
    assert response.status_code == 503
    assert "cannot be signed right now" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/certificates/programs/0/learner-record.json",
        "/certificates/programs/99999999/learner-record.json",
        "/certificates/programs/99999999999999999999999/learner-record.json",
        "/certificates/programs/1099511627776/learner-record.json",
        "/certificates/programs/9223372036854775807/learner-record.json",
        "/certificates/programs/abc/learner-record.json",
        "/certificates/programs/-1/learner-record.json",
    ],
)
def test_bad_program_ids_answer_404(client, joint, path):
    client.force_login(joint["learner"])
    assert client.get(path).status_code == 404


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(segment=st.one_of(st.integers().map(str), st.text(alphabet="0123456789-x%.", max_size=30)))
def test_any_program_id_segment_answers_404_not_500(client, joint, segment):
    client.force_login(joint["learner"])
    response = client.get(f"/certificates/programs/{segment}/learner-record.json")
    assert response.status_code in (301, 404)


def test_anonymous_is_sent_to_log_in(client, joint):
    response = client.get(_url(joint["program"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_certificates_page_offers_the_record_once_something_is_earned(
    client, joint, django_capture_on_commit_callbacks
):
    client.force_login(joint["learner"])
    assert _url(joint["program"]) not in client.get("/certificates/").content.decode()
    _complete(joint, "first", capture=django_capture_on_commit_callbacks)
    body = client.get("/certificates/").content.decode()
    assert _url(joint["program"]) in body
    assert "Download learner record (JSON)" in body


# --- the demo ----------------------------------------------------------------------------


def test_demo_program_completer_and_demo_learner_get_records_that_verify(
    db, tmp_path, node_verifier, django_capture_on_commit_callbacks
):
    from io import StringIO

    from demo.content.institutions import PROGRAM

    # Certificates are issued when the seed's transactions commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--learners", "16", stdout=StringIO())
    program_key = Credential.objects.filter(kind=Credential.Kind.PROGRAM).values_list(
        "achievement_key", flat=True
    )
    completer = (
        ProgramEnrollment.objects.filter(
            program__slug=PROGRAM["slug"], learner__credentials__achievement_key__in=program_key
        )
        .select_related("learner", "program__lead_university")
        .first()
    )
    assert completer is not None, list(
        ProgramEnrollment.objects.filter(learner__email="graduate@demo.ilm.test").values_list(
            "status", "learner__enrollments__status", "learner__enrollments__run__course__title"
        )
    )
    assert completer.learner.email == "graduate@demo.ilm.test"
    record = clr.learner_record_build(program_enrollment=completer)
    assert record.document["partial"] is False
    universities = {c.university for c in Credential.objects.filter(learner=completer.learner)}
    dids = [
        write(tmp_path, f"did-{u.code}.json", services.university_did_document(u))
        for u in universities
    ]
    lists = []
    for credential in record.included:
        path = tmp_path / f"status-{credential.status_list_id}.json"
        path.write_text(credential.status_list.signed_json, encoding="utf-8")
        lists.append(path)
    verdict = node_verifier(write(tmp_path, "record.json", record.document), dids, set(lists))
    assert verdict["verified"] is True, verdict

    demo_learner = ProgramEnrollment.objects.select_related(
        "learner", "program__lead_university"
    ).get(learner__email="learner@demo.ilm.test", program__slug=PROGRAM["slug"])
    partial = clr.learner_record_build(program_enrollment=demo_learner).document
    assert partial["partial"] is True
    assert verify_credential(partial, LocalResolver()).verdict == Verdict.VALID
