"""The document upload form: types a browser or an operating system could run are refused,
with a message that says why."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

REFUSED_TYPE = _(
    "“.%(extension)s” files are not accepted: a browser or a computer could run them. "
    "Upload the document as PDF, plain text or an office format (accepted: %(accepted)s)."
)


def extension_accepted(name: str) -> bool:
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    return extension in settings.WAGTAILDOCS_EXTENSIONS


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and not extension_accepted(file.name):
            raise ValidationError(
                REFUSED_TYPE,
                code="file_type_refused",
                params={
                    "extension": PurePosixPath(file.name).suffix.lower().lstrip("."),
                    "accepted": ", ".join(settings.WAGTAILDOCS_EXTENSIONS),
                },
            )
        return file

    def _post_clean(self):
        # Wagtail's model check refuses the same file again, in Django's words and naming an
        # empty extension once this form has dropped the file: one clear message is enough.
        refused = self.has_error("file", "file_type_refused")
        super()._post_clean()
        if refused:
            del self.errors["file"][1:]
