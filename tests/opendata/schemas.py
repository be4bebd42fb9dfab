"""Validation of what we publish against the vendored official HSDS 3.0 schemas."""

from pathlib import Path

from opendata.validation import Problem, document_problems, record_problems

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hsds"


def problems(document: dict) -> list[Problem]:
    return document_problems(document, schema_dir=str(FIXTURES))


def record_errors(record: dict, schema_name: str, path: str = "$") -> list[str]:
    return [
        str(p)
        for p in record_problems(
            record, schema_name=schema_name, path=path, schema_dir=str(FIXTURES)
        )
    ]
