"""A guard in front of wagtail-localize's PO upload (ADR 0034).

wagtail-localize imports an uploaded PO file without checking all of it: a file that polib
parses but that lacks the `X-WagtailLocalize-TranslationID` header (a hand-made file, one
saved by a tool that dropped the header, a truncated download) fails with a server error.
This view answers the same URL first, refuses such a file with a clear message and imports
nothing, and hands every valid file to wagtail-localize's own view unchanged.
"""

import contextlib
import os
import tempfile

import polib
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail_localize.models import Translation
from wagtail_localize.views import edit_translation

# Far above any course's strings; a larger upload is not a PO file exported from here.
MAX_BYTES = 5 * 1024 * 1024


def po_upload_problem(translation: Translation, data: bytes) -> str | None:
    """Why `data` cannot be imported into `translation`, or None when it can."""
    if not data or len(data) > MAX_BYTES:
        return _("This file is not a valid PO file. Nothing was imported.")
    # polib reads a string as a file name when one exists by that name, so the upload goes
    # through a file of our own, never through polib's "contents" argument.
    with tempfile.NamedTemporaryFile(suffix=".po", delete=False) as handle:
        handle.write(data)
    try:
        po = polib.pofile(handle.name)
    except (OSError, UnicodeDecodeError, ValueError):
        return _("This file is not a valid PO file. Nothing was imported.")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
    if po.metadata.get("X-WagtailLocalize-TranslationID") != str(translation.uuid):
        return _(
            "This PO file was not downloaded for this translation. Download it again for "
            "this course and language, translate that file, and upload it. Nothing was "
            "imported."
        )
    return None


@require_POST
def guarded_upload_pofile(request, translation_id):
    translation = get_object_or_404(Translation, pk=translation_id)
    if not edit_translation.user_can_edit_instance(request.user, translation.get_target_instance()):
        raise PermissionDenied
    upload = request.FILES.get("file")
    problem = (
        _("Choose a PO file to upload. Nothing was imported.")
        if upload is None
        else po_upload_problem(translation, upload.read(MAX_BYTES + 1))
    )
    if problem:
        messages.error(request, problem)
        return redirect(get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))
    upload.seek(0)
    return edit_translation.upload_pofile(request, translation_id)
