from django import forms
from django.utils.translation import gettext_lazy as _

from .access import may_install_libraries, universities_for_upload

MAX_UPLOAD_BYTES = 256 * 1024 * 1024


class _PackageForm(forms.Form):
    """An `.h5p` file within the upload limit, and the choice to install the libraries it
    brings, offered only to those who may (platform staff)."""

    package = forms.FileField(
        label=_("H5P file"), help_text=_("A .h5p package exported from an H5P editor.")
    )
    install_libraries = forms.BooleanField(
        label=_("Install the libraries this package brings"),
        required=False,
        help_text=_("Libraries are code that runs for every learner. Only platform staff may."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_install_libraries(user):
            del self.fields["install_libraries"]

    def clean_package(self):
        package = self.cleaned_data["package"]
        if package.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than the upload limit."))
        return package


class H5PUploadForm(_PackageForm):
    university = forms.ModelChoiceField(label=_("University"), queryset=None)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the title inside the package."),
    )
    field_order = ["package", "university", "title", "install_libraries"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["university"].queryset = universities_for_upload(user)


class H5PReplaceForm(_PackageForm):
    """A new version of an activity's package (the same content type, exported again)."""

    package = forms.FileField(
        label=_("H5P file"),
        help_text=_("The same activity exported again from its H5P editor, with its libraries."),
    )


class LibraryUpdateForm(forms.Form):
    """A package bringing newer patch versions of installed libraries (platform staff)."""

    package = forms.FileField(
        label=_("H5P file"),
        help_text=_(
            "A .h5p package (content exported with its libraries, or libraries only) that "
            "brings newer patch versions of installed libraries."
        ),
    )

    def clean_package(self):
        package = self.cleaned_data["package"]
        if package.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than the upload limit."))
        if not package.name.lower().endswith(".h5p"):
            raise forms.ValidationError(
                _("%(file)s is not an H5P package: the file name must end in .h5p.")
                % {"file": package.name}
            )
        return package
