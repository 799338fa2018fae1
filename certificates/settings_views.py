"""The registrar's certificate settings: how learners are identified in new credentials, who
signs the printed certificate, and the university's logo on it.

HTTP only: `access.universities_for_credential_settings` decides which universities a person
may set, `policies.credential_settings_set` saves one university's choices in one transaction.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from uploads.forms import GuardedImageField

from . import access, policies
from .models import CredentialPolicy, RecipientIdentification

SIGNATORY_CHARS = CredentialPolicy._meta.get_field("signatory_name").max_length


class CredentialSettingsForm(forms.Form):
    recipient_identification = forms.ChoiceField(
        label=gettext_lazy("How learners are identified in new certificates"),
        choices=RecipientIdentification.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A salted hash lets a verifier check a certificate against an email address the "
            "learner gives, without the certificate revealing it. Certificates already issued "
            "are not changed."
        ),
    )
    signatory_name = forms.CharField(
        label=gettext_lazy("Signatory's name"), max_length=SIGNATORY_CHARS, required=False
    )
    signatory_title = forms.CharField(
        label=gettext_lazy("Signatory's title"),
        max_length=SIGNATORY_CHARS,
        required=False,
        help_text=gettext_lazy("For example 'Rector' or 'Head of the registry office'."),
    )
    logo = GuardedImageField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("A PNG, JPEG, WebP or AVIF image; printed on every certificate."),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    def __init__(self, *args, university, **kwargs):
        self.university = university
        super().__init__(*args, prefix=university.code, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("logo") and cleaned.get("remove_logo"):
            raise forms.ValidationError(_("Either upload a new logo or remove it, not both."))
        return cleaned


def _initial(university) -> dict:
    policy = CredentialPolicy.objects.filter(university=university).first()
    return {
        "recipient_identification": policies.recipient_identification(university),
        "signatory_name": policy.signatory_name if policy else "",
        "signatory_title": policy.signatory_title if policy else "",
    }


def _render(request, forms_by_code: dict, status: int = 200):
    universities = access.universities_for_credential_settings(request.user)
    entries = [
        (
            university,
            forms_by_code.get(university.code)
            or CredentialSettingsForm(university=university, initial=_initial(university)),
        )
        for university in universities
    ]
    return render(
        request, "certificates/credential_settings.html", {"entries": entries}, status=status
    )


def _refuse_unless_registrar(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_manage_credentials(request.user):
        raise PermissionDenied
    return None


@require_GET
def credential_settings(request):
    return _refuse_unless_registrar(request) or _render(request, {})


@require_POST
def credential_settings_save(request, code: str):
    refusal = _refuse_unless_registrar(request)
    if refusal:
        return refusal
    university = access.university_for_credential_settings(request.user, code)
    form = CredentialSettingsForm(request.POST, request.FILES, university=university)
    if form.is_valid():
        data = form.cleaned_data
        try:
            policies.credential_settings_set(
                university=university,
                recipient_identification=data["recipient_identification"],
                signatory_name=data["signatory_name"],
                signatory_title=data["signatory_title"],
                logo_file=data["logo"] or None,
                remove_logo=data["remove_logo"],
                actor=request.user,
            )
        except policies.PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Certificate settings of %(university)s saved.") % {"university": university},
            )
            return redirect(reverse("certificates:settings") + f"#settings-{university.code}")
    return _render(request, {university.code: form}, status=400)
