"""Every third-party module the project imports comes from a distribution pinned in pyproject.

A package that arrives only as another package's dependency (django-ninja through Wagtail, say)
can change version or disappear when that package is upgraded; pinning it keeps `make install`
building the environment CI tested.
"""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from lms.tests.project_sources import REPO, own_packages, project_sources

# `name`, `name[extra]==1.2`: the distribution's name, and its version only when pinned exactly.
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(==\s*[^;,\s]+)?")
# A dotted path in settings ("whitenoise.middleware.WhiteNoiseMiddleware", "taggit").
_DOTTED_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pinned(requirements: list[str]) -> set[str]:
    pinned = set()
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement)
        if match and match.group(2):
            pinned.add(_normalized(match.group(1)))
    return pinned


def _imported_top_levels(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _settings_top_levels(tree: ast.Module, installed: set[str]) -> set[str]:
    """Apps, middleware and backends that settings name as strings, by their top level.

    Dictionary keys are left out: they name loggers ("fontTools"), not code to import.
    """
    keys = {id(key) for node in ast.walk(tree) if isinstance(node, ast.Dict) for key in node.keys}
    return {
        node.value.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in keys
        and _DOTTED_PATH.match(node.value)
        and node.value.split(".")[0] in installed
    }


def _unpinned_imports() -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _pinned(project["dependencies"])
    dev = runtime | _pinned(project.get("optional-dependencies", {}).get("dev", []))
    distributions = packages_distributions()
    ours = own_packages()
    problems = []
    for source in project_sources():
        tree = source.tree()
        modules = _imported_top_levels(tree)
        if source.name.startswith("lms/settings/"):
            modules |= _settings_top_levels(tree, set(distributions))
        # Code that runs in production needs runtime pins; tests and benchmarks may use dev.
        allowed = runtime if source.kind == "code" else dev
        for module in sorted(modules):
            if module in sys.stdlib_module_names or module in ours:
                continue
            providers = {_normalized(name) for name in distributions.get(module, [])}
            if not providers & allowed:
                where = "dependencies" if source.kind == "code" else "dev dependencies"
                found = ", ".join(sorted(providers)) or "no installed distribution"
                problems.append(f"{source.name}: {module} ({found}) is not pinned in {where}")
    return problems


def test_every_third_party_import_is_pinned_in_pyproject():
    problems = _unpinned_imports()
    assert problems == [], "\n".join(problems)


def test_a_requirement_counts_as_pinned_only_with_an_exact_version():
    assert _pinned(["Django==6.1.3", "psycopg[binary]==3.3.9", "django_ninja == 1.7.1"]) == {
        "django",
        "psycopg",
        "django-ninja",
    }
    assert _pinned(["wagtail>=8", "openpyxl", "celery[redis]~=5.7"]) == set()
