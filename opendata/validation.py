"""Validate HSDS 3.0 documents against Open Referral's JSON schemas (draft 2020-12, with
format checks), plus the references between records that a schema cannot see.

The schemas in opendata/schema/ are Open Referral's unchanged (CC BY-SA 4.0, see its
README.md); their `$ref`s are file names, resolved from that folder, offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

# Top-level lists of an HSDS document and the schema each entry follows.
DOCUMENT_TABLES: dict[str, str] = {
    "organizations": "organization.json",
    "services": "service.json",
    "locations": "location.json",
    "service_at_locations": "service_at_location.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@cache
def _registry(schema_dir: str) -> Registry:
    resources = []
    for file in sorted(Path(schema_dir).glob("*.json")):
        if file.name == "openapi.json":
            continue
        contents = json.loads(file.read_text(encoding="utf-8"))
        resources.append((file.name, Resource(contents=contents, specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(schema_name: str, schema_dir: str = str(SCHEMA_DIR)) -> Draft202012Validator:
    registry = _registry(schema_dir)
    schema = registry.contents(schema_name)
    return Draft202012Validator(
        schema,
        registry=registry,
        format_checker=FormatChecker(),
    )


def record_problems(
    record: object, *, schema_name: str, path: str, schema_dir: str = str(SCHEMA_DIR)
) -> list[Problem]:
    checker = validator(schema_name, schema_dir)
    problems = []
    for error in sorted(checker.iter_errors(record), key=lambda e: list(e.absolute_path)):
        suffix = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        problems.append(Problem(path=f"{path}{suffix}", message=error.message))
    return problems


def document_problems(document: object, *, schema_dir: str = str(SCHEMA_DIR)) -> list[Problem]:
    """Every schema and reference problem of an HSDS document, each with its JSON path."""
    if not isinstance(document, dict):
        return [Problem(path="$", message="An HSDS document is a JSON object.")]
    problems: list[Problem] = []
    for table, schema_name in DOCUMENT_TABLES.items():
        rows = document.get(table, [])
        if not isinstance(rows, list):
            problems.append(Problem(path=f"$.{table}", message="Must be a list."))
            continue
        for index, row in enumerate(rows):
            problems += record_problems(
                row, schema_name=schema_name, path=f"$.{table}[{index}]", schema_dir=schema_dir
            )
    if problems:
        return problems
    return reference_problems(document)


def _ids(document: dict, table: str) -> set[str]:
    return {row["id"] for row in document.get(table, [])}


def reference_problems(document: dict) -> list[Problem]:
    """Every organization_id, service_id, location_id, taxonomy and term reference must
    resolve inside the document, and no id may be used twice."""
    problems: list[Problem] = []
    organizations = _ids(document, "organizations")
    services = _ids(document, "services")
    locations = _ids(document, "locations")
    taxonomies = _ids(document, "taxonomies")
    terms = _ids(document, "taxonomy_terms")
    seen: dict[str, str] = {}

    def check(path: str, value: object, known: set[str], what: str) -> None:
        if value is not None and value not in known:
            problems.append(Problem(path=path, message=f"Unknown {what} {value}."))

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                if node["id"] in seen:
                    problems.append(
                        Problem(path=f"{path}.id", message=f"Id {node['id']} is used twice.")
                    )
                seen[node["id"]] = path
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    for table in DOCUMENT_TABLES:
        walk(document.get(table, []), f"$.{table}")
    for i, row in enumerate(document.get("services", [])):
        check(f"$.services[{i}].organization_id", row.get("organization_id"), organizations,
              "organization")  # fmt: skip
        for j, attribute in enumerate(row.get("attributes", [])):
            check(f"$.services[{i}].attributes[{j}].taxonomy_term_id",
                  attribute.get("taxonomy_term_id"), terms, "taxonomy term")  # fmt: skip
    for i, row in enumerate(document.get("locations", [])):
        check(f"$.locations[{i}].organization_id", row.get("organization_id"), organizations,
              "organization")  # fmt: skip
    for i, row in enumerate(document.get("service_at_locations", [])):
        check(f"$.service_at_locations[{i}].service_id", row.get("service_id"), services,
              "service")  # fmt: skip
        check(f"$.service_at_locations[{i}].location_id", row.get("location_id"), locations,
              "location")  # fmt: skip
    for i, row in enumerate(document.get("taxonomy_terms", [])):
        check(f"$.taxonomy_terms[{i}].taxonomy_id", row.get("taxonomy_id"), taxonomies,
              "taxonomy")  # fmt: skip
        check(f"$.taxonomy_terms[{i}].parent_id", row.get("parent_id"), terms, "taxonomy term")
    return problems
