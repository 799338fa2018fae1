"""The bundled H5P player: which build is pinned, and which H5P core API it implements.

h5p-standalone vendors a copy of H5P core's JavaScript and CSS but never says which core API
level that copy implements: the number lives in H5P core's PHP (`H5PCore::$coreApi`), which the
player does not ship. So each pinned release is listed here with the SHA-256 of its vendored core
files and the core API of the H5P core commit those files are byte-identical to. The package
validator accepts what the pinned build provides (`supported_core_api`); installing the player
refuses files that do not match the listing, and a test checks the files that are served, so a
player bump without its entry here fails loudly instead of silently keeping a stale level.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
PACKAGE_JSON = APP_DIR / "package.json"
SERVED_PLAYER = APP_DIR / "static" / "h5p" / "player"


@dataclass(frozen=True)
class PlayerBuild:
    """One h5p-standalone release as Ilm knows it."""

    version: str
    core_api: tuple[int, int]
    # Paths relative to the player's dist/ folder (and to the served copy) -> SHA-256.
    core_files: dict[str, str]


# h5p-standalone 3.8.2 vendors H5P core at a commit that declares core API 1.28 (its
# frame.bundle.js and styles/h5p.css are built from that commit's h5p.js and h5p.css).
KNOWN_BUILDS = {
    "3.8.2": PlayerBuild(
        version="3.8.2",
        core_api=(1, 28),
        core_files={
            "frame.bundle.js": "e6deb39e2d0114869080bacdf4092dcb30cf2ce20f8bde3c3ba8af035fa86e0b",
            "styles/h5p.css": "bd1ce5c19c81392768b0a3da2382c298c5935743d90391a4f591b949bf90f9dc",
        },
    ),
}


class PlayerMismatch(Exception):
    """The player's files are not the build Ilm's listing describes."""


def pinned_version() -> str:
    """The h5p-standalone version `h5p/package.json` pins."""
    package = json.loads(PACKAGE_JSON.read_text())
    return package["dependencies"]["h5p-standalone"]


def pinned_build() -> PlayerBuild:
    """The listing for the pinned player; a pin with no listing is a mistake in this module."""
    version = pinned_version()
    try:
        return KNOWN_BUILDS[version]
    except KeyError:
        raise PlayerMismatch(
            f"h5p/package.json pins h5p-standalone {version}, which h5p/player.py does not "
            "list: add its core file hashes and the core API they implement."
        ) from None


def supported_core_api() -> tuple[int, int]:
    """The H5P core API the bundled player implements: packages needing more are refused."""
    return pinned_build().core_api


def core_file_mismatches(folder: Path, build: PlayerBuild | None = None) -> list[str]:
    """The core files under `folder` (a dist/ or the served copy) that differ from `build`."""
    build = build or pinned_build()
    wrong = []
    for relative, expected in sorted(build.core_files.items()):
        path = folder / relative
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            wrong.append(relative)
    return wrong
