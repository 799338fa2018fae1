"""The sign-in form that refuses local passwords where a university switched them off, and
the platform staff's form for a university's identity provider."""

from __future__ import annotations

from allauth.account.forms import LoginForm
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    server_url = forms.URLField(
        label=_("Issuer URL"),
        help_text=_("The provider's issuer; Ilm reads /.well-known/openid-configuration under it."),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=191)
    secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the secret already saved."),
    )
