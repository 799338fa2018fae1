"""Where H5P files live, and resolving a requested file inside them without escaping.

The root is `settings.H5P_ROOT`, by default `var/h5p` in the repository (ignored by git).
It is deliberately not under MEDIA_ROOT: MEDIA_URL is served from the site's own origin, where
a package's SVG or script would run with the learner's session (ADR 0007).
"""

from pathlib import Path

from django.conf import settings


def h5p_root() -> Path:
    return Path(settings.H5P_ROOT)


def file_inside(folder: str, relative: str) -> Path | None:
    """The regular file `relative` under `folder` (relative to the root), or None.

    Refuses `..`, hidden names (H5P never unpacks them), symlinks and anything that resolves
    outside the folder.
    """
    if not relative or "\\" in relative or "\0" in relative:
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") or part[:1] in (".", "_") for part in parts):
        return None
    base = (h5p_root() / folder).resolve()
    candidate = base.joinpath(*parts)
    if candidate.is_symlink():
        return None
    resolved = candidate.resolve()
    if not resolved.is_relative_to(base) or not resolved.is_file():
        return None
    return resolved
