"""The project's own Python files, sorted into runtime code, tests and benchmarks.

Used by the tests that hold every module to a rule (who reads the environment, what is
imported); they parse the files and never import them.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_SKIPPED_FOLDERS = {"node_modules", "__pycache__", "static", "templates"}


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str  # "code", "test" or "bench"

    @property
    def name(self) -> str:
        return self.path.relative_to(REPO).as_posix()

    def tree(self) -> ast.Module:
        return ast.parse(self.path.read_text(encoding="utf-8"), filename=self.name)


def own_packages() -> set[str]:
    """The project's top-level packages: the folders at the root with an `__init__.py`."""
    return {path.parent.name for path in REPO.glob("*/__init__.py")}


def _kind(relative: Path) -> str:
    parts = relative.parts
    if parts[0] == "tests" or "tests" in parts[:-1] or relative.name == "conftest.py":
        return "test"
    if relative.name.startswith("test_"):
        return "test"
    # `bench/`, and an app's own benchmark (`xapi/bench_lrs.py`, `xapi/bench/`): tools that
    # start processes with environments of their own, run by `make bench`.
    if any(part == "bench" or part.startswith("bench_") for part in parts):
        return "bench"
    return "code"


def project_sources() -> Iterator[Source]:
    """Every `.py` file at the root and in the project's own packages."""
    for path in sorted(REPO.glob("*.py")):
        yield Source(path, _kind(path.relative_to(REPO)))
    for package in sorted(own_packages()):
        for folder, subfolders, files in os.walk(REPO / package):
            subfolders[:] = sorted(d for d in subfolders if d not in _SKIPPED_FOLDERS)
            for file in sorted(files):
                if file.endswith(".py"):
                    path = Path(folder) / file
                    yield Source(path, _kind(path.relative_to(REPO)))
