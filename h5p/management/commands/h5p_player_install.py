"""Copy the H5P player (h5p-standalone's dist/) into this app's static files.

    cd h5p && npm ci --ignore-scripts && cd .. && manage.py h5p_player_install

npm's `preinstall` of h5p-standalone runs `npx only-allow yarn` and fails, hence
`--ignore-scripts`. The copy (h5p/static/h5p/player/) is build output: git ignores it.
"""

import json
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from h5p.player import APP_DIR, SERVED_PLAYER, PlayerMismatch, core_file_mismatches, pinned_build

SOURCE = APP_DIR / "node_modules" / "h5p-standalone"
TARGET = SERVED_PLAYER
BUILD_STAMP = "ilm-build.json"
PLAYER_FILES = ("main.bundle.js", "frame.bundle.js", "styles", "fonts", "images")


def expected_version() -> str:
    try:
        return pinned_build().version
    except PlayerMismatch as exc:
        raise CommandError(str(exc)) from exc


def install_player() -> Path:
    """Copy the pinned player into static files; return the target folder."""
    manifest = SOURCE / "package.json"
    if not manifest.is_file():
        raise CommandError(
            "h5p-standalone is not installed: run `npm ci --ignore-scripts` in h5p/."
        )
    installed = json.loads(manifest.read_text())["version"]
    if installed != expected_version():
        raise CommandError(
            f"h5p-standalone {installed} is installed but h5p/package.json pins "
            f"{expected_version()}: run `npm ci --ignore-scripts` in h5p/."
        )
    # The core API the package validator accepts is read from h5p/player.py's listing of this
    # build: copying files the listing does not describe would make that level a guess.
    wrong = core_file_mismatches(SOURCE / "dist", pinned_build())
    if wrong:
        raise CommandError(
            f"h5p-standalone {installed}'s {', '.join(wrong)} differ from h5p/player.py's "
            "listing: check which H5P core API these files implement and update the listing."
        )
    staging = TARGET.with_name("player.new")
    shutil.rmtree(staging, ignore_errors=True)
    for name in PLAYER_FILES:
        source = SOURCE / "dist" / name
        if source.is_dir():
            shutil.copytree(source, staging / name)
        else:
            staging.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, staging / name)
    # What was installed, for `make h5p-player` to notice a changed pin (see BUILD_STAMP).
    build = pinned_build()
    (staging / BUILD_STAMP).write_text(
        json.dumps({"version": build.version, "coreApi": "{}.{}".format(*build.core_api)}) + "\n"
    )
    shutil.rmtree(TARGET, ignore_errors=True)
    staging.rename(TARGET)
    return TARGET


class Command(BaseCommand):
    help = "Copy the pinned h5p-standalone player into h5p/static/h5p/player/."

    def handle(self, *args, **options):
        target = install_player()
        self.stdout.write(
            f"H5P player {expected_version()} copied to {target.relative_to(APP_DIR)}"
        )
