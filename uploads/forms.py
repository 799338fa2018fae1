"""The upload forms. Documents: types a browser or an operating system could run are refused,
with a message that says why. Images: a file that only looks like an image is refused with
Wagtail's own message instead of a 500."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

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


class GuardedImageField(WagtailImageField):
    """Wagtail's image field, refusing a file whose header says image but whose body is not
    one: Wagtail reads the pixel size unguarded after recognising the header, and Pillow
    raises (a PNG signature alone was a 500 in the admin's image upload)."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except (OSError, ValueError, SyntaxError) as error:
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error


class ImageForm(BaseImageForm):
    """The admin's image forms (`WAGTAILIMAGES_IMAGE_FORM_BASE`) with the guarded field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Swapped here, not declared: a declared field would survive the multiple uploader's
        # edit form, which excludes `file`.
        field = self.fields.get("file")
        if field is not None and type(field) is WagtailImageField:
            self.fields["file"] = GuardedImageField(
                label=field.label, required=field.required, widget=field.widget
            )
