"""The player's saved state: what H5P stores for a learner to resume an activity."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .models import H5PContent, H5PUserData
from .statements import H5PError

# H5P saves small JSON states; a cap keeps one learner from filling the database.
USER_DATA_MAX_BYTES = 64 * 1024
USER_DATA_MAX_ROWS_PER_CONTENT = 100


def h5p_user_data_save(
    *,
    user,
    content: H5PContent,
    data_type: str,
    sub_content_id: str,
    data: str,
    preload: bool = False,
    invalidate: bool = False,
) -> H5PUserData | None:
    """Save (or, when H5P sends `data=0`, delete) one piece of a learner's player state."""
    lookup = {
        "user": user,
        "content": content,
        "data_type": data_type,
        "sub_content_id": sub_content_id,
    }
    if data == "0":
        H5PUserData.objects.filter(**lookup).delete()
        return None
    if len(data.encode("utf-8")) > USER_DATA_MAX_BYTES:
        raise H5PError(
            "too_large",
            _("Saved state is limited to %(limit)s bytes.") % {"limit": USER_DATA_MAX_BYTES},
        )
    # The state is stored as text, and PostgreSQL text cannot hold U+0000.
    if "\x00" in data:
        raise H5PError("bad_data", _("Saved state cannot contain the character U+0000."))
    with transaction.atomic():
        existing = H5PUserData.objects.select_for_update().filter(**lookup).first()
        if existing is None:
            count = H5PUserData.objects.filter(user=user, content=content).count()
            if count >= USER_DATA_MAX_ROWS_PER_CONTENT:
                raise H5PError("too_many", _("Too many saved states for this activity."))
            return H5PUserData.objects.create(
                **lookup, data=data, preload=preload, invalidate=invalidate
            )
        existing.data = data
        existing.preload = preload
        existing.invalidate = invalidate
        existing.save(update_fields=["data", "preload", "invalidate", "updated_at"])
        return existing
