"""Checking schema files: the library side of ``migrator schema check``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from migrator.report import Report
from migrator.schema.loader import load_schemas
from migrator.schema.model import Schema


def check_paths(paths: Sequence[Path | str]) -> Report:
    """Load every schema file under ``paths`` and return a report of all findings (valid when no errors).

    References into schemas that are not among ``paths`` are checked against the schemas folder
    (:func:`default_schema_dirs`), so one file can be checked on its own.
    """
    from migrator.schema.registry import SchemaRegistry

    registry: list[SchemaRegistry] = []

    def resolve(schema_id: str) -> Schema | None:
        if not registry:
            registry.append(SchemaRegistry.load())
        return registry[0].schemas.get(schema_id)

    schemas, findings = load_schemas(paths, resolve=resolve)
    summary = {
        "files": len({str(f.location.file) for f in findings} | {str(s.path) for s in schemas}),
        "schemas": len(schemas),
        "tables": sum(len(s.tables) for s in schemas),
        "items": sum(len(t.items) for s in schemas for t in s.tables),
        "ids": [s.id for s in schemas],
    }
    return Report.of("schema check", findings, subject=", ".join(map(str, paths)), summary=summary)
