"""The environment is read in one module, and servers fail closed to production settings."""

import ast

from lms.tests.project_sources import REPO, project_sources

ENV_MODULE = "lms/env.py"
# The entry points may choose a default settings module, and nothing else, from os.environ.
ENTRY_POINTS = {
    "manage.py": "lms.settings.dev",
    "lms/wsgi.py": "lms.settings.production",
    "lms/asgi.py": "lms.settings.production",
    "lms/celery.py": "lms.settings.production",
}
_ENVIRONMENT_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def _settings_module_default(call: ast.AST) -> str | None:
    """The default in `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<default>")`."""
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "setdefault"
        and _is_os_attribute(call.func.value, "environ")
        and len(call.args) == 2
        and all(isinstance(arg, ast.Constant) for arg in call.args)
        and call.args[0].value == "DJANGO_SETTINGS_MODULE"
    ):
        return None
    return call.args[1].value


def _is_os_attribute(node: ast.AST, name: str | None = None) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and (node.attr == name if name else node.attr in _ENVIRONMENT_NAMES)
    )


def _environment_reads(tree: ast.Module, *, entry_point: bool) -> list[int]:
    """Line numbers where the module touches the process environment."""
    allowed = set()
    if entry_point:
        allowed = {
            id(node.func.value)
            for node in ast.walk(tree)
            if _settings_module_default(node) is not None
        }
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if (_is_os_attribute(node) and id(node) not in allowed) or _imports_from_os(node)
    )


def _imports_from_os(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.ImportFrom)
        and node.module == "os"
        and any(alias.name in _ENVIRONMENT_NAMES for alias in node.names)
    )


def test_only_the_env_module_reads_the_environment():
    offenders = []
    for source in project_sources():
        if source.kind != "code" or source.name == ENV_MODULE:
            continue
        for line in _environment_reads(source.tree(), entry_point=source.name in ENTRY_POINTS):
            offenders.append(f"{source.name}:{line}")
    assert offenders == [], (
        "Read configuration from django.conf.settings; only lms/env.py reads os.environ "
        f"(add the variable there): {offenders}"
    )


def test_the_check_sees_environment_reads():
    # The rule above is only as good as its parser: these must all count as reads.
    code = (
        "import os\nfrom os import getenv\n"
        "os.environ.get('X')\nos.getenv('X')\nos.environ['X']\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lms.settings.dev')\n"
    )
    assert _environment_reads(ast.parse(code), entry_point=False) == [2, 3, 4, 5, 6]
    assert _environment_reads(ast.parse(code), entry_point=True) == [2, 3, 4, 5]


def test_servers_default_to_production_settings_and_manage_py_to_dev():
    for name, expected in ENTRY_POINTS.items():
        tree = ast.parse((REPO / name).read_text(encoding="utf-8"))
        defaults = [
            default
            for node in ast.walk(tree)
            if (default := _settings_module_default(node)) is not None
        ]
        assert defaults == [expected], name


def _variables_read_by_the_env_module() -> set[str]:
    tree = ast.parse((REPO / ENV_MODULE).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and node.args[0].value.isupper()
    }


def test_every_variable_is_listed_in_the_deployment_guide():
    variables = _variables_read_by_the_env_module()
    assert {"SECRET_KEY", "DATABASE_URL", "ILM_KEY_ENCRYPTION_KEY_FILE"} <= variables
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert sorted(name for name in variables if f"`{name}`" not in guide) == []
