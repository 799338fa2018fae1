"""Moving uploads that earlier releases kept in a publicly served folder into the private
upload storage (ADR 0024)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

# Files the checkout keeps in the old folder itself.
KEPT = {".gitkeep"}


@dataclass
class Relocation:
    moved: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def uploads_relocate(*, source: Path, destination: Path, dry_run: bool = False) -> Relocation:
    """Move every file under `source` to the same relative name under `destination`.

    Names stay as they are, so the database needs no change. Idempotent: a file already at
    its destination with the same size is only removed from `source`; a different file at
    the destination is a conflict and both are left alone for the operator.
    """
    result = Relocation()
    source, destination = Path(source), Path(destination)
    if not source.is_dir() or source.resolve() == destination.resolve():
        return result
    for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(source)
        if relative.name in KEPT:
            continue
        target = destination / relative
        name = relative.as_posix()
        if target.exists():
            if target.stat().st_size == path.stat().st_size:
                result.already_there.append(name)
                if not dry_run:
                    path.unlink()
            else:
                result.conflicts.append(name)
            continue
        result.moved.append(name)
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    return result
