"""The sign-in form that refuses local passwords where a university switched them off, and
the platform staff's form for a university's identity provider."""

from __future__ import annotations

from allauth.account.forms import LoginForm
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .saml import EMAIL_ATTRIBUTE, SAML_PROVIDER, certificate_body
from .selectors import password_refusing_sign_in


class UniversityAwareLoginForm(LoginForm):
    """allauth's sign-in form; a correct password of an account whose university signs its
    people in itself is refused, with the way in named."""

    def clean(self):
        cleaned_data = super().clean()
        sign_in = password_refusing_sign_in(self.user) if self.user is not None else None
        if sign_in is not None:
            self.user = None
            raise forms.ValidationError(
                gettext(
                    "%(university)s signs its people in itself: use the “Sign in with "
                    "%(university)s” button below instead of a password."
                )
                % {"university": sign_in.university.name}
            )
        return cleaned_data


class ProviderFieldsMixin(forms.Form):
    protocol = forms.ChoiceField(
        label=_("Protocol"),
        choices=[("openid_connect", _("OpenID Connect")), ("saml", _("SAML 2.0"))],
        initial="openid_connect",
        required=False,
    )
    server_url = forms.URLField(
        label=_("Issuer URL"),
        required=False,
        help_text=_("The provider's issuer; Ilm reads /.well-known/openid-configuration under it."),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=191, required=False)
    secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the secret already saved."),
    )
    idp_entity_id = forms.CharField(label=_("SAML: IdP entity ID"), max_length=500, required=False)
    metadata_url = forms.URLField(
        label=_("SAML: IdP metadata URL"),
        required=False,
        help_text=_("Either this, or the SSO URL and the certificate below."),
    )
    sso_url = forms.URLField(label=_("SAML: IdP single sign-on URL"), required=False)
    slo_url = forms.URLField(
        label=_("SAML: IdP single logout URL"),
        required=False,
        help_text=_("Optional; without it, signing out of Ilm does not end the IdP's session."),
    )
    x509cert = forms.CharField(
        label=_("SAML: IdP signing certificate"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("PEM (-----BEGIN CERTIFICATE----- ...) or its base64 body."),
    )
    email_attribute = forms.CharField(
        label=_("SAML: email attribute"),
        max_length=200,
        required=False,
        initial=EMAIL_ATTRIBUTE,
    )

    OIDC_REQUIRED = ("server_url", "client_id")
    SAML_REQUIRED = ("idp_entity_id", "email_attribute")

    def clean(self):
        cleaned_data = super().clean()
        saml = cleaned_data.get("protocol") == SAML_PROVIDER
        required = self.SAML_REQUIRED if saml else self.OIDC_REQUIRED
        if not saml and not getattr(self.instance, "pk", None):
            required = (*required, "secret")
        for name in required:
            if not cleaned_data.get(name):
                self.add_error(name, gettext("This field is required."))
        if saml:
            self._clean_saml(cleaned_data)
        return cleaned_data

    def _clean_saml(self, cleaned_data) -> None:
        if cleaned_data.get("metadata_url"):
            return
        if not cleaned_data.get("sso_url"):
            self.add_error("sso_url", gettext("Give the SSO URL, or the IdP's metadata URL."))
        try:
            cleaned_data["x509cert"] = certificate_body(cleaned_data.get("x509cert", ""))
        except ValueError:
            self.add_error(
                "x509cert",
                gettext("This is not an X.509 certificate. Paste the IdP's signing certificate."),
            )
