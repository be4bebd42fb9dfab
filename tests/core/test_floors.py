"""The floors: `core` and `routing` are the ground. core imports no other app of ours (what
composes the apps lives in `home`, on top); routing is pure and imports no Django at all.

Read from the source with ast, so an import inside a function counts as much as one at the
top, and so does a dotted path handed to import_module/import_string/apps.get_model.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Every top-level package of the repository: the apps, backend (settings, URLs) and tests.
PROJECT_PACKAGES = frozenset(
    path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()
)
DYNAMIC_IMPORTS = {"import_module", "import_string", "get_model", "apps.get_model"}


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return f"{func.value.id}.{func.attr}" if isinstance(func.value, ast.Name) else func.attr
    return func.id if isinstance(func, ast.Name) else ""


def imported_modules(path: Path, *, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, dotted module) for every import in the file, relative ones resolved."""
    package = ".".join(path.relative_to(root).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append((node.lineno, ".".join([*base, node.module or ""]).strip(".")))
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and _call_name(node) in DYNAMIC_IMPORTS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value))
    return found


def foreign_imports(app: str, *, forbidden: frozenset[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for line, module in imported_modules(path)
        if module.split(".")[0] in forbidden
    ]


def test_floors_core_imports_no_other_project_app():
    assert foreign_imports("core", forbidden=PROJECT_PACKAGES - {"core"}) == []


def test_floors_routing_imports_no_django_and_no_project_app():
    forbidden = (PROJECT_PACKAGES - {"routing"}) | {"django", "rest_framework"}

    assert foreign_imports("routing", forbidden=forbidden) == []


def test_floors_activities_imports_no_app_that_stands_on_it():
    # Kinds, feeds and the rest reach activities through hooks they fill in ready()
    # (activities.mail_details, activities.extensions, activities.calendar_files).
    above = frozenset(
        {"tours", "sessions", "feeds", "ratings", "impact", "accreditation", "changes", "home"}
    )

    assert foreign_imports("activities", forbidden=above) == []


def test_floors_scan_sees_imports_inside_functions_and_dotted_paths(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text(
        "import json\n"
        "def f():\n"
        "    from activities.models import Activity\n"
        "    return import_module('tours.demo'), apps.get_model('network.Partner')\n"
    )
    modules = [module for _line, module in imported_modules(source, root=tmp_path)]

    assert modules == ["json", "activities.models", "tours.demo", "network.Partner"]


def test_floors_know_the_apps():
    assert {"core", "routing", "activities", "feeds", "home", "network"} <= PROJECT_PACKAGES
