"""The shape of the code base, kept by tests: app layers (ADR 0015), one access core (ADR 0016)
and modules of one concept."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
NOT_APPS = {"tests", "bench"}
MAX_MODULE_LINES = 500


def _packages() -> set[str]:
    return {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_APPS and not path.parent.name.startswith(".")
    }


def _source_files():
    """Non-test, non-migration Python files of the project's packages."""
    for package in sorted(_packages()):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if {"tests", "migrations", "node_modules"} & set(parts):
                continue
            yield path


def test_every_package_sits_in_a_layer():
    """A new app must be placed in the layering contract, or it would escape it."""
    config = PYPROJECT["tool"]["importlinter"]
    layered = {
        name.strip()
        for contract in config["contracts"]
        for layer in contract.get("layers", [])
        for name in layer.split("|")
    }
    assert set(config["root_packages"]) == _packages()
    assert layered == _packages()


def test_apps_import_only_the_layers_below_them():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_only_the_access_core_reads_roles_for_a_gate():
    """Role checks go through `universities.access`; nothing else reads memberships for one."""
    allowed = {ROOT / "universities" / "access.py", ROOT / "universities" / "selectors.py"}
    offenders = []
    for path in _source_files():
        if path in allowed:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "universities.selectors":
                names = {alias.name for alias in node.names} - {"home_membership"}
                if names:
                    offenders.append(f"{path.relative_to(ROOT)}: {sorted(names)}")
            # The demo creates and lists its accounts; it decides no access.
            is_demo = path.is_relative_to(ROOT / "demo")
            if isinstance(node, ast.Attribute) and node.attr == "is_superuser" and not is_demo:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: is_superuser")
    assert offenders == []


def test_no_source_module_passes_the_size_of_one_concept():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _source_files()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}
