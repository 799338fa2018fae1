from django import forms
from django.utils.translation import gettext_lazy as _

from universities.models import University


class DynamicRegistrationForm(forms.Form):
    university = forms.ModelChoiceField(
        queryset=University.objects.order_by("name"),
        label=_("Which university's LMS is this?"),
    )
    openid_configuration = forms.URLField(widget=forms.HiddenInput, max_length=500)
    registration_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)
