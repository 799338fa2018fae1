"""The learner's data page: download everything, or ask for the account to be erased.

Every view reads `request.user` and nothing else: no parameter names another person.
"""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .formats import data_csv_zip, data_json
from .forms import ErasureConfirmForm
from .selectors import SECTIONS, learner_data
from .services import ErasureRefused, account_erase, erasure_refusal

# What each section of the download holds, in the reader's words.
SECTION_LABELS = {
    "profile": _("Your profile: name, email address, language, when you joined"),
    "email_addresses": _("Your email addresses"),
    "memberships": _("Your universities and roles, with your student number"),
    "program_enrollments": _("Programs you enrolled in"),
    "enrollments": _("Courses you enrolled in, with your progress and scores"),
    "lesson_progress": _("Lessons you completed"),
    "quiz_attempts": _("Your quiz attempts and answers"),
    "activity_results": _("Your results in interactive activities"),
    "h5p_attempts": _("Your attempts at H5P activities"),
    "h5p_interactions": _("Your answers in H5P activities"),
    "h5p_saved_state": _("What H5P activities saved for you to resume"),
    "xapi_statements": _("Learning records (xAPI statements) about you"),
    "xapi_documents": _("Learning record documents kept for you"),
    "credentials": _("Your certificates, as signed"),
    "wallet_offers": _("Offers you made to send a certificate to a wallet"),
    "wallet_deliveries": _("Certificates sent to your wallets, with the wallet's key"),
    "audit_events": _("Audit log entries about you"),
}


@require_GET
@login_required
def my_data(request):
    return render(
        request,
        "privacy/my_data.html",
        {
            "sections": [SECTION_LABELS[section] for section in SECTIONS],
            "refusal": erasure_refusal(request.user),
        },
    )


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"ilm-my-data-{timezone.now():%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@never_cache
@login_required
def download_json(request):
    return _download(
        data_json(learner_data(request.user)), "application/json; charset=utf-8", "json"
    )


@require_GET
@never_cache
@login_required
def download_csv(request):
    return _download(data_csv_zip(learner_data(request.user)), "application/zip", "zip")


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def erase(request):
    user = request.user
    refusal = erasure_refusal(user)
    form = ErasureConfirmForm(request.POST or None, user=user)
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            account_erase(user=user)
        except ErasureRefused as refused:  # a role granted since the page was shown
            refusal = refused.message
        else:
            logout(request)
            return render(request, "privacy/erased.html")
    status = 403 if refusal and request.method == "POST" else 200
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "refusal": refusal, "has_password": user.has_usable_password()},
        status=status,
    )
