"""HTTP for certificates: did:web documents, status lists, public verification, downloads."""

from __future__ import annotations

import json

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from courses.models import CoursePage, ProgramPage

from . import access, clr, did_web, selectors, verification_display
from .identities import identity_did_document, identity_for_did
from .models import IssuerIdentity, StatusList
from .pdf import certificate_pdf, verification_url
from .selectors import LocalResolver, credentials_for_learner
from .verification import (
    MAX_CREDENTIAL_BYTES,
    CredentialParseError,
    Verdict,
    VerificationResult,
    parse_credential,
    parse_date,
    verify_credential,
)

LD_JSON = "application/ld+json"


@require_GET
@cache_control(public=True, max_age=300)
def did_document(request, code: str):
    # The document of the DID this address names (an old domain still pointed here serves
    # its old DID), else the university's current one.
    try:
        asked = did_web.did_web(request.get_host(), "universities", code)
    except did_web.DidError:
        raise Http404 from None
    identity = identity_for_did(asked)
    if identity is None or identity.university.code != code:
        identity = IssuerIdentity.objects.filter(university__code=code, current=True).first()
    if identity is None or not identity.keys.exists():
        raise Http404
    response = JsonResponse(identity_did_document(identity))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=60)
def status_list(request, code: str, number: int):
    # Short cache: a revocation must reach verifiers within a minute or so.
    status = StatusList.objects.filter(university__code=code, number=number).first()
    if status is None or not status.signed_json:
        raise Http404
    response = HttpResponse(status.signed_json.encode("utf-8"), content_type=LD_JSON)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _signed_json_response(credential) -> HttpResponse:
    response = HttpResponse(credential.signed_json.encode("utf-8"), content_type=LD_JSON)
    response["Content-Disposition"] = f'inline; filename="credential-{credential.pk}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept"
    return response


def _wants_json_ld(request) -> bool:
    accept = request.headers.get("Accept", "")
    return LD_JSON in accept or "application/vc" in accept


def _summary(document: dict | None) -> dict:
    """What the page shows: only what the credential itself says."""
    document = document if isinstance(document, dict) else {}
    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    identifiers = subject.get("identifier")
    identifiers = identifiers if isinstance(identifiers, list) else []
    names = [
        item.get("identityHash")
        for item in identifiers
        if isinstance(item, dict) and item.get("identityType") == "name" and not item.get("hashed")
    ]
    return {
        "issuer_name": issuer.get("name") if isinstance(issuer, dict) else issuer,
        "recipient_name": names[0] if names else "",
        "achievement_name": achievement.get("name", ""),
        "credential_name": document.get("name", ""),
        "valid_from": str(document.get("validFrom", ""))[:10],
        # For the reader's own date format; None when the credential's date is unreadable.
        "valid_from_date": getattr(parse_date(document.get("validFrom")), "date", lambda: None)(),
    }


def _verdict_context(result: VerificationResult) -> dict:
    """What `_verdict.html` shows: the verdict's tone and words, each check, the issuer."""
    return {
        "result": result,
        "tone": verification_display.tone(result),
        "headline": verification_display.headline(result),
        "checks": verification_display.checks(result),
        "issuer": verification_display.issuer_identity(result.credential),
        "summary": _summary(result.credential),
    }


@require_GET
def verify_page(request, credential_id):
    credential = access.credential_public(credential_id)
    if _wants_json_ld(request):
        return _signed_json_response(credential)
    document = json.loads(credential.signed_json)
    result = selectors.credential_verification(credential, document)
    if result.credential is None:
        result.credential = document
    context = _verdict_context(result)
    share_url = verification_url(credential)
    summary = context["summary"]
    context.update(credential=credential, share_url=share_url)
    if result.ok:
        # Only a valid credential is offered for a profile; a revoked one is not advertised.
        context["linkedin_url"] = verification_display.linkedin_add_url(
            name=summary["credential_name"] or summary["achievement_name"],
            organization=context["issuer"]["name"],
            issued=str(document.get("validFrom", "")),
            url=share_url,
            credential_id=str(credential.pk),
        )
    return render(request, "certificates/verify.html", context)


@require_GET
def verify_json(request, credential_id):
    return _signed_json_response(access.credential_public(credential_id))


def _read_upload(request) -> bytes:
    upload = request.FILES.get("credential")
    if upload is not None:
        if upload.size > MAX_CREDENTIAL_BYTES:
            raise CredentialParseError(
                _("The file is larger than %(limit)d KB; a credential is much smaller.")
                % {"limit": MAX_CREDENTIAL_BYTES // 1024}
            )
        return upload.read(MAX_CREDENTIAL_BYTES + 1)
    text = request.POST.get("json", "")
    if not text.strip():
        raise CredentialParseError(_("Choose a credential file or paste its JSON."))
    return text.encode("utf-8")


@csrf_protect
@require_http_methods(["GET", "POST"])
def verify_upload(request):
    context: dict = {"max_kb": MAX_CREDENTIAL_BYTES // 1024}
    status = 200
    if request.method == "POST":
        try:
            data = _read_upload(request)
            document = parse_credential(data)
            result = verify_credential(document, LocalResolver())
        except RequestDataTooBig:
            result = VerificationResult(
                Verdict.MALFORMED, [_("The upload is too large to be a credential.")]
            )
            status = 413
        except CredentialParseError as error:
            result = VerificationResult(Verdict.MALFORMED, [str(error)])
            status = 400
        context.update(_verdict_context(result))
    return render(request, "certificates/verify_upload.html", context, status=status)


@require_GET
def certificate_pdf_download(request, credential_id):
    credential = access.credential_for_learner(request.user, credential_id)
    response = HttpResponse(certificate_pdf(credential), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{credential.pk}.pdf"'
    return response


@require_GET
def credential_download(request, credential_id):
    credential = access.credential_for_learner(request.user, credential_id)
    response = _signed_json_response(credential)
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.pk}.json"'
    return response


@require_GET
def my_certificates(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    items = [
        {"credential": c, "share_url": verification_url(c)}
        for c in credentials_for_learner(request.user)
    ]
    context = {"items": items, "learner_records": clr.learner_records_offered(request.user)}
    return render(request, "certificates/my_certificates.html", context)


@require_GET
def learner_record_download(request, program_id: int):
    """The learner's CLR 2.0 record of a joint program, built and signed now (ADR 0051)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    program_enrollment = access.program_enrollment_for_learner(request.user, program_id)
    try:
        record = clr.learner_record_build(program_enrollment=program_enrollment)
    except clr.LearnerRecordError as error:
        status = 404 if error.code == "empty" else 503
        context = {"message": str(error), "program": program_enrollment.program}
        return render(request, "certificates/learner_record_refused.html", context, status=status)
    body = json.dumps(record.document, ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(body, content_type=LD_JSON)
    response["Content-Disposition"] = f'attachment; filename="{record.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def achievement(request, kind: str, key):
    """Achievement ids in credentials are URLs; they lead to the course or program page."""
    model = {"course": CoursePage, "program": ProgramPage}.get(kind)
    if model is None:
        raise Http404
    pages = model.objects.live().filter(translation_key=key)
    page = pages.filter(locale__language_code="en").first() or pages.first()
    if page is None or not page.url:
        raise Http404
    return redirect(page.url)
