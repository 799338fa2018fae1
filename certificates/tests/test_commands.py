import json

import pytest
from django.core.management import CommandError, call_command

from certificates.models import IssuerKey

from .kit import Issuer, write


def test_export_then_verify_offline(tmp_path, issued, capsys):
    call_command("export_credentials", str(tmp_path / "backup"))
    backup = tmp_path / "backup"
    exported = backup / "credentials" / f"{issued.pk}.json"
    assert exported.read_text(encoding="utf-8") == issued.signed_json
    did = next((backup / "did").iterdir())
    status = next((backup / "status").iterdir())
    capsys.readouterr()
    call_command(
        "verify_credential", str(exported), "--did-document", str(did), "--status-list", str(status)
    )
    out = capsys.readouterr().out
    assert out.startswith("valid")
    assert "schema: meets the Open Badges 3.0 AchievementCredential schema" in out


def test_verify_offline_reports_schema_departures_beside_the_verdict(tmp_path, db, capsys):
    issuer = Issuer()
    document = issuer.credential()
    del document["proof"]
    document["credentialSubject"]["achievement"]["inLanguage"] = "zh-hans"
    credential = write(tmp_path, "c.json", issuer.sign(document))
    did = write(tmp_path, "did.json", issuer.did_document())
    status = write(tmp_path, "s.json", issuer.status_list())
    arguments = [str(credential), "--did-document", str(did), "--status-list", str(status)]
    call_command("verify_credential", *arguments)
    out = capsys.readouterr().out
    # Correctly signed, so valid; the schema departure is reported, not hidden.
    assert out.startswith("valid")
    assert "schema: 1 departure(s)" in out
    assert "$.credentialSubject.achievement.inLanguage: 'zh-hans' does not match" in out
    call_command("verify_credential", *arguments, "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "valid"
    assert [p.split(":")[0] for p in report["schema_problems"]] == [
        "$.credentialSubject.achievement.inLanguage"
    ]
    call_command("verify_credential", str(status), "--did-document", str(did), "--json")
    assert json.loads(capsys.readouterr().out)["schema_problems"] is None


def test_verify_offline_hostile_nesting_gets_a_verdict_not_a_traceback(tmp_path, db, capsys):
    issuer = Issuer()
    document = issuer.credential()
    profile = document["issuer"]
    for _ in range(600):
        profile["parentOrg"] = {"id": "https://example.org/org", "type": ["Profile"]}
        profile = profile["parentOrg"]
    path = write(tmp_path, "deep.json", document)
    did = write(tmp_path, "did.json", issuer.did_document())
    with pytest.raises(SystemExit):
        call_command("verify_credential", str(path), "--did-document", str(did))
    out = capsys.readouterr().out
    assert out.startswith("malformed"), out
    assert "$: nested too deeply to check against the schema" in out


def test_verify_offline_without_did_document_fails(tmp_path, issued, capsys):
    path = tmp_path / "c.json"
    path.write_text(issued.signed_json, encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("verify_credential", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["verdict"] == "unknown-issuer"


def test_verify_offline_malformed_and_missing_files(tmp_path, db, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("verify_credential", str(bad))
    assert "malformed" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("verify_credential", str(tmp_path / "missing.json"))
    issuer = Issuer()
    credential = write(tmp_path, "c.json", issuer.credential())
    with pytest.raises(CommandError):
        call_command("verify_credential", str(credential), "--did-document", str(bad))


def test_verify_offline_revoked(tmp_path, db, capsys):
    issuer = Issuer()
    credential = write(tmp_path, "c.json", issuer.credential(index=5))
    issuer.bits.set(5, True)
    did = write(tmp_path, "did.json", issuer.did_document())
    status = write(tmp_path, "s.json", issuer.status_list())
    with pytest.raises(SystemExit):
        call_command(
            "verify_credential",
            str(credential),
            "--did-document",
            str(did),
            "--status-list",
            str(status),
        )
    assert capsys.readouterr().out.startswith("revoked")


def test_rotate_issuer_key(issued, capsys):
    call_command("rotate_issuer_key", issued.university.code)
    assert IssuerKey.objects.filter(university=issued.university).count() == 2
    assert IssuerKey.objects.filter(university=issued.university, active=True).count() == 1
    with pytest.raises(CommandError):
        call_command("rotate_issuer_key", "nowhere")
