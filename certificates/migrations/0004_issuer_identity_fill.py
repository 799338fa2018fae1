"""Issuer DIDs and status list URLs become stored values (ADR 0046).

Existing keys get the DIDs their credentials, endorsements and status lists already name
(taken from the signed text, which is what verifiers see); a university whose keys signed
nothing yet gets the DID of the current `SITE_URL`. Each status list keeps the URL its
credentials point at.
"""

import json
from collections import Counter
from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations

from certificates import did_web


def _signed_dids(text):
    """(did, multikey) pairs of the proofs in a signed document, and its issuer DID."""
    try:
        document = json.loads(text)
    except ValueError:
        return None, []
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    proofs = document.get("proof") or []
    proofs = proofs if isinstance(proofs, list) else [proofs]
    pairs = []
    for proof in proofs:
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if isinstance(method, str) and "#" in method:
            pairs.append(tuple(method.split("#", 1)))
    return (issuer if isinstance(issuer, str) else None), pairs


def _status_url(text):
    try:
        status = json.loads(text).get("credentialStatus")
    except (ValueError, AttributeError):
        return None
    status = status[0] if isinstance(status, list) and status else status
    url = status.get("statusListCredential") if isinstance(status, dict) else None
    return url if isinstance(url, str) else None


def fill(apps, schema_editor):
    University = apps.get_model("universities", "University")
    IssuerKey = apps.get_model("certificates", "IssuerKey")
    IssuerIdentity = apps.get_model("certificates", "IssuerIdentity")
    StatusList = apps.get_model("certificates", "StatusList")
    Credential = apps.get_model("certificates", "Credential")
    Endorsement = apps.get_model("certificates", "Endorsement")
    site = settings.SITE_URL.rstrip("/")
    host = urlsplit(site).netloc
    for university in University.objects.filter(issuer_keys__isnull=False).distinct():
        keys = {k.public_multikey: k for k in IssuerKey.objects.filter(university=university)}
        used = {}  # did -> multikeys it signed with
        latest = Counter()  # did -> how recently it issued (a credential's timestamp)
        list_did, list_url = {}, {}
        for credential in Credential.objects.filter(university=university).order_by("issued_at"):
            issuer, pairs = _signed_dids(credential.signed_json)
            for did, multikey in pairs:
                used.setdefault(did, set()).add(multikey)
            if issuer:
                latest[issuer] = credential.issued_at.timestamp()
                list_did.setdefault(credential.status_list_id, issuer)
            url = _status_url(credential.signed_json)
            if url:
                list_url.setdefault(credential.status_list_id, url)
        for endorsement in Endorsement.objects.filter(university=university):
            for did, multikey in _signed_dids(endorsement.signed_json)[1]:
                used.setdefault(did, set()).add(multikey)
        for status_list in StatusList.objects.filter(university=university):
            issuer, pairs = _signed_dids(status_list.signed_json) if status_list.signed_json else (None, [])
            for did, multikey in pairs:
                used.setdefault(did, set()).add(multikey)
            if issuer:
                list_did.setdefault(status_list.pk, issuer)
        fallback = did_web.did_web(host, "universities", university.code)
        current_did = max(latest, key=latest.get) if latest else (next(iter(used), fallback))
        used.setdefault(current_did, set())
        identities = {}
        for did, multikeys in used.items():
            identity = IssuerIdentity.objects.create(
                university=university, did=did, current=did == current_did
            )
            identity.keys.set([keys[m] for m in multikeys if m in keys])
            identities[did] = identity
        # Keys nothing records using, and the signing key, belong to the current DID.
        seen = set().union(*used.values())
        current = identities[current_did]
        current.keys.add(*[k for m, k in keys.items() if m not in seen or k.active])
        for status_list in StatusList.objects.filter(university=university):
            status_list.identity = identities.get(list_did.get(status_list.pk), current)
            signed_id = None
            if status_list.signed_json:
                signed_id = json.loads(status_list.signed_json).get("id")
            status_list.url = (
                list_url.get(status_list.pk)
                or signed_id
                or f"{site}/universities/{university.code}/status/{status_list.number}"
            )
            status_list.save(update_fields=["identity", "url"])


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_issuer_identity")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
