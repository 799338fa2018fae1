"""The extra sign-up field: a learner's full name, as it will appear on certificates.

Used by allauth through `ACCOUNT_SIGNUP_FORM_CLASS = "learning.forms.SignupDetailsForm"`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupDetailsForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As it should appear on your certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your full name."))
        if any(ord(char) < 32 for char in name):
            raise forms.ValidationError(_("Enter your name without control characters."))
        return name

    def signup(self, request, user) -> None:
        """Called by allauth once the account exists; saves the name on the user."""
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
