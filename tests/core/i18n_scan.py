"""Finding the product's own translatable strings and its Dutch catalogue, for the
translation tests (no request, no database)."""

import ast
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import template as translation_template
from django.utils.translation import trans_real

ROOT = Path(settings.BASE_DIR)
APP_DIRS = [
    "core",
    "network",
    "activities",
    "tours",
    "sessions",
    "ratings",
    "feeds",
    "accounts",
    "privacy",
    "ops",
    "home",
    "backend",
    "impact",
    "changes",
    "accreditation",
    "opendata",
    "outbox",
]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
NGETTEXT_NAMES = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
TEMPLATIZED = re.compile(r"""\b(n?p?gettext)\((?:r?'((?:[^'\\]|\\.)*)'|r?"((?:[^"\\]|\\.)*)")""")


def template_files() -> list[Path]:
    files = sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "templates").rglob("*.txt")
    )
    for app in APP_DIRS:
        folder = ROOT / app / "templates"
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.suffix in (".html", ".txt"))
    return files


def python_files() -> list[Path]:
    files = []
    for app in APP_DIRS:
        files += [p for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]
    return files


def _unescape(text: str) -> str:
    return text.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def template_msgids(path: Path) -> set[str]:
    python = translation_template.templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = set()
    for match in TEMPLATIZED.finditer(python):
        function, single, double = match.groups()
        text = single if single is not None else double
        if function.startswith("p") or function.startswith("np"):
            continue  # a context goes first; the product uses none
        found.add(_unescape(text))
    return found


def python_msgids(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        first = node.args[0]
        is_text = isinstance(first, ast.Constant) and isinstance(first.value, str)
        if name in GETTEXT_NAMES | NGETTEXT_NAMES and is_text:
            found.add(first.value)
    return found


@cache
def dutch_catalog() -> dict:
    catalog = trans_real.translation("nl")._catalog
    merged = {}
    for key in catalog.keys():  # noqa: SIM118 (a TranslationCatalog is not iterable)
        msgid = key[0] if isinstance(key, tuple) else key
        merged[msgid] = catalog[key]
    return merged


def po_files() -> list[Path]:
    files = [ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"]
    for app in APP_DIRS:
        path = ROOT / app / "locale" / "nl" / "LC_MESSAGES" / "django.po"
        if path.exists():
            files.append(path)
    return files


def po_entries(path: Path) -> list[dict]:
    """msgid, msgstr (joined), flags of each entry of a .po file; obsolete entries skipped."""
    entries, current, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if not line:
            if current:
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgid_plural": "", "msgstr": [], "flags": ""}
        if line.startswith("#,"):
            current["flags"] += line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            key = "msgid_plural"
            current[key] = ast.literal_eval(line[len("msgid_plural ") :])
        elif line.startswith("msgid "):
            key = "msgid"
            current[key] = ast.literal_eval(line[len("msgid ") :])
        elif line.startswith("msgstr"):
            key = "msgstr"
            current["msgstr"].append(ast.literal_eval(line.split(" ", 1)[1]))
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key == "msgstr":
                current["msgstr"][-1] += value
            else:
                current[key] += value
    if current:
        entries.append(current)
    return entries
