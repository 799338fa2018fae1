"""A stable issuer identity: DIDs and status list URLs are stored, not derived from SITE_URL,
and an export made under one address verifies credentials issued under another (ADR 0046)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from certificates import did_web, identities, services
from certificates.export import credentials_export, export_resolver_documents
from certificates.models import IssuerIdentity, IssuerKey, StatusList
from certificates.selectors import LocalResolver
from certificates.verification import StaticResolver, Verdict, verify_credential
from tests.factories import UniversityFactory, build_course

from .conftest import complete_course
from .kit import Issuer

OLD = "https://old.example:8443"
NEW = "https://ilm.new.example"
OLD_DID = "did:web:old.example%3A8443:universities:tnu"
NEW_DID = "did:web:ilm.new.example:universities:tnu"


def _issue(learner, course):
    enrollment = complete_course(learner, course)
    return services.certificate_issue(enrollment_id=enrollment.pk)


def _other_course(university):
    return build_course(university, quiz_in_last_lesson=False, modules=1, lessons_per_module=1)


def _export_resolver(directory) -> StaticResolver:
    did_documents, status_lists = export_resolver_documents(directory)
    return StaticResolver(did_documents=did_documents, status_lists=status_lists)


def _verdict(credential, resolver) -> Verdict:
    return verify_credential(json.loads(credential.signed_json), resolver).verdict


def test_the_did_is_stored_with_the_first_key_and_outlives_site_url(
    settings, university, learner, course
):
    settings.SITE_URL = OLD
    first = _issue(learner, course)
    identity = IssuerIdentity.objects.get(university=university)
    assert identity.did == OLD_DID and identity.current
    assert list(identity.keys.all()) == list(IssuerKey.objects.filter(university=university))
    status_list = first.status_list
    assert status_list.identity == identity
    assert status_list.url == f"{OLD}/universities/tnu/status/{status_list.number}"

    settings.SITE_URL = NEW
    assert services.issuer_did(university) == OLD_DID
    second = _issue(learner, _other_course(university))
    document = json.loads(second.signed_json)
    assert document["issuer"]["id"] == OLD_DID
    assert document["proof"][0]["verificationMethod"].startswith(OLD_DID + "#")
    # The same list, at the URL it was opened with.
    assert document["credentialStatus"]["statusListCredential"] == status_list.url
    assert services.university_did_document(university)["id"] == OLD_DID
    # Our own verifier resolves the stored DID and list whatever SITE_URL says now.
    assert _verdict(first, LocalResolver()) == Verdict.VALID
    assert _verdict(second, LocalResolver()) == Verdict.VALID


def test_an_export_under_another_site_url_verifies_every_credential_offline(
    settings, tmp_path, university, learner, course, capsys
):
    settings.SITE_URL = OLD
    before_rotation = _issue(learner, course)
    services.issuer_key_rotate(university=university)
    after_rotation = _issue(learner, _other_course(university))
    services.credential_revoke(credential=after_rotation, reason="Issued by mistake")

    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("export_credentials", str(tmp_path / "backup"))
    backup = tmp_path / "backup"
    index = json.loads((backup / "index.json").read_text(encoding="utf-8"))
    assert list(index["did_documents"]) == [OLD_DID]
    assert set(index["status_lists"]) == {before_rotation.status_list.url}
    assert "127.0.0.1" not in json.dumps(index)

    resolver = _export_resolver(backup)
    assert _verdict(before_rotation, resolver) == Verdict.VALID
    assert _verdict(after_rotation, resolver) == Verdict.REVOKED
    # Rotated keys stay listed and authorised, the retired one marked with when it retired.
    document = resolver.did_documents[OLD_DID]
    methods = document["verificationMethod"]
    assert document["assertionMethod"] == [m["id"] for m in methods]
    assert did_web.RETIRED in methods[0] and did_web.RETIRED not in methods[1]

    capsys.readouterr()
    exported = backup / "credentials" / f"{before_rotation.pk}.json"
    call_command("verify_credential", str(exported), "--export", str(backup))
    assert capsys.readouterr().out.startswith("valid")


def test_after_a_move_old_and_new_dids_verify_from_one_export(
    settings, tmp_path, university, learner, course, client
):
    settings.SITE_URL = OLD
    old_credential = _issue(learner, course)
    old_document = services.university_did_document(university)
    settings.SITE_URL = NEW
    moved = identities.issuer_identity_move(university=university)
    assert moved.did == NEW_DID and moved.current
    new_credential = _issue(learner, _other_course(university))
    assert json.loads(new_credential.signed_json)["issuer"]["id"] == NEW_DID
    # A list belongs to the DID that signs it: the new DID opens its own.
    assert new_credential.status_list != old_credential.status_list
    assert new_credential.status_list.url.startswith(NEW)
    # Revoking an old credential re-signs the old DID's list with a key it already lists.
    services.credential_revoke(credential=old_credential, reason="Appeal upheld")
    old_list = StatusList.objects.get(pk=old_credential.status_list_id)
    assert json.loads(old_list.signed_json)["issuer"] == OLD_DID

    credentials_export(directory=tmp_path)
    resolver = _export_resolver(tmp_path)
    assert set(resolver.did_documents) == {OLD_DID, NEW_DID}
    assert _verdict(old_credential, resolver) == Verdict.REVOKED
    assert _verdict(new_credential, resolver) == Verdict.VALID
    old_exported = resolver.did_documents[OLD_DID]
    assert old_exported["verificationMethod"] == old_document["verificationMethod"]
    assert old_exported["alsoKnownAs"] == [NEW_DID]
    assert resolver.did_documents[NEW_DID]["alsoKnownAs"] == [OLD_DID]

    # The old domain, still pointed at the site, serves the old document; the new, the new.
    assert client.get("/universities/tnu/did.json", HTTP_HOST="old.example:8443").json()["id"] == (
        OLD_DID
    )
    assert client.get("/universities/tnu/did.json", HTTP_HOST="ilm.new.example").json()["id"] == (
        NEW_DID
    )
    assert client.get("/universities/tnu/did.json").json()["id"] == NEW_DID


def test_a_move_needs_a_new_address(settings, issued, university):
    with pytest.raises(identities.IdentityError):
        identities.issuer_identity_move(university=university)
    with pytest.raises(CommandError, match="change SITE_URL first"):
        call_command("move_issuer_identity", university.code)
    with pytest.raises(CommandError, match="no university"):
        call_command("move_issuer_identity", "nowhere")
    settings.SITE_URL = NEW
    call_command("move_issuer_identity", university.code)
    assert services.issuer_did(university) == NEW_DID


def test_did_document_with_a_key_of_another_controller_is_refused(db):
    issuer = Issuer()
    credential = issuer.credential()
    document = issuer.did_document()
    document["verificationMethod"][0]["controller"] = "did:web:evil.example:universities:tnu"
    result = verify_credential(credential, issuer.resolver(did_document=document))
    assert result.verdict == Verdict.TAMPERED
    assert "does not list as its own" in str(result.reasons[0])

    # Nor may another DID's method be slipped into the issuer's assertionMethod.
    impostor = Issuer(code="evil")
    foreign = issuer.did_document()
    foreign["verificationMethod"].append(impostor.did_document()["verificationMethod"][0])
    foreign["assertionMethod"].append(impostor.method)
    unsigned = issuer.credential()
    unsigned.pop("proof")
    forged = issuer.sign(unsigned, key=impostor.key, method=impostor.method)
    result = verify_credential(forged, issuer.resolver(did_document=foreign))
    assert result.verdict == Verdict.TAMPERED


def test_exported_did_document_changed_to_another_controller_fails_offline(
    tmp_path, issued, capsys
):
    credentials_export(directory=tmp_path)
    did_file = next((tmp_path / "did").iterdir())
    document = json.loads(did_file.read_text(encoding="utf-8"))
    for method in document["verificationMethod"]:
        method["controller"] = "did:web:evil.example"
    did_file.write_text(json.dumps(document), encoding="utf-8")
    exported = tmp_path / "credentials" / f"{issued.pk}.json"
    with pytest.raises(SystemExit):
        call_command("verify_credential", str(exported), "--export", str(tmp_path))
    assert capsys.readouterr().out.startswith("tampered")


def test_export_to_a_target_that_is_not_writable_says_so(tmp_path, issued):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    for target in (blocker, blocker / "backup"):
        with pytest.raises(CommandError, match="Cannot write the backup to"):
            call_command("export_credentials", str(target))
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    credential = tmp_path / "c.json"
    credential.write_text(issued.signed_json, encoding="utf-8")
    with pytest.raises(CommandError, match="not a folder written by export_credentials"):
        call_command("verify_credential", str(credential), "--export", str(tmp_path / "nope"))


def test_export_names_what_it_cannot_verify(tmp_path, issued):
    foreign = Issuer(code="elsewhere").credential()
    type(issued).objects.filter(pk=issued.pk).update(signed_json=json.dumps(foreign))
    with pytest.raises(CommandError, match="elsewhere"):
        call_command("export_credentials", str(tmp_path))
    # Still written: the backup keeps what it could.
    assert (tmp_path / "credentials" / f"{issued.pk}.json").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_takes_the_did_existing_credentials_use(settings, learner, course, university):
    settings.SITE_URL = OLD
    credential = _issue(learner, course)
    unused = UniversityFactory(code="fresh")
    services.issuer_key_create(university=unused)

    executor = MigrationExecutor(connection)
    executor.migrate([("certificates", "0002_issuance_failure")])
    try:
        settings.SITE_URL = NEW  # the site has moved since; the credentials have not
        executor = MigrationExecutor(connection)
        executor.migrate([("certificates", "0005_status_list_identity_required")])

        identity = IssuerIdentity.objects.get(university=university)
        assert identity.did == OLD_DID and identity.current
        assert set(identity.keys.all()) == set(IssuerKey.objects.filter(university=university))
        status_list = StatusList.objects.get(pk=credential.status_list_id)
        assert status_list.identity == identity
        assert (
            status_list.url
            == json.loads(credential.signed_json)["credentialStatus"]["statusListCredential"]
        )
        # A key that signed nothing yet takes the DID of the SITE_URL the migration runs under.
        assert services.issuer_did(unused) == "did:web:ilm.new.example:universities:fresh"
        assert _verdict(credential, LocalResolver()) == Verdict.VALID
    finally:
        # Forward to the latest migrations again: later tests on this database need them.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_credential_list_file_is_written_for_each_status_list(tmp_path, issued):
    result = credentials_export(directory=tmp_path)
    assert result.credentials == 1 and not result.missing
    (url,) = result.status_lists
    written = json.loads((tmp_path / result.status_lists[url]).read_text(encoding="utf-8"))
    assert written["id"] == url == issued.status_list.url


def test_only_stored_identities_resolve_locally(issued, client):
    stored = services.issuer_did(issued.university)
    assert LocalResolver().did_document(stored)["id"] == stored
    for did in (
        "did:web:evil.example:universities:tnu",  # our path, another host
        stored.replace(":tnu", ":nope"),
        "did:key:z6Mk",
        None,
    ):
        assert LocalResolver().did_document(did) is None
    assert (
        LocalResolver().status_list_credential("https://evil.example/universities/tnu/status/1")
        is None
    )
    # A host the site never issued under gets the current document, never a made-up DID.
    response = client.get("/universities/tnu/did.json", HTTP_HOST="evil.example")
    assert response.json()["id"] == stored
    assert client.get("/universities/nope/did.json", HTTP_HOST="evil.example").status_code == 404
