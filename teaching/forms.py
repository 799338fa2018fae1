from django import forms
from django.utils.translation import gettext_lazy as _

from .enrollment_csv import MAX_BYTES


class BulkEnrollmentForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file with columns email, student_number"),
        max_length=255,
        help_text=_("UTF-8 or UTF-16. Every line is checked before anything is imported."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large. Split it into smaller files."))
        return upload


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=10_000)


class CourseCopyForm(forms.Form):
    title = forms.CharField(label=_("Title of the new course"), max_length=255)
    slug = forms.SlugField(label=_("Slug"), max_length=255)
