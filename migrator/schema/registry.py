"""Finding schemas by id under a folder of schema files (``schemas/`` by default)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from migrator.errors import InputError, SpecError
from migrator.report import Finding
from migrator.schema.loader import load_schemas
from migrator.schema.model import Schema

ENV_VAR = "MIGRATOR_SCHEMAS"


def default_schema_dir() -> Path:
    """``MIGRATOR_SCHEMAS`` if set, else ``./schemas``, else the ``schemas/`` folder of the source checkout."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    here = Path("schemas")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent.parent / "schemas"


@dataclass(frozen=True)
class SchemaRegistry:
    """The valid schemas found under some folders, by id, with the findings of loading them."""

    schemas: dict[str, Schema]
    findings: tuple[Finding, ...] = field(default=())

    @classmethod
    def load(cls, *roots: Path | str) -> SchemaRegistry:
        """Load every ``*.yaml`` under ``roots`` (default: :func:`default_schema_dir`)."""
        paths = [Path(r) for r in roots] or [default_schema_dir()]
        schemas, findings = load_schemas(paths)
        by_id: dict[str, Schema] = {}
        for schema in schemas:
            by_id.setdefault(schema.id, schema)
        return cls(schemas=dict(sorted(by_id.items())), findings=tuple(findings))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.schemas)

    def get(self, schema_id: str) -> Schema:
        """Return the schema ``schema_id``.

        Raises:
            SpecError: no valid schema has that id (the message lists the known ids).
        """
        if schema_id in self.schemas:
            return self.schemas[schema_id]
        known = ", ".join(self.ids) or "-"
        raise SpecError(f"No schema with id {schema_id!r} (known: {known}).",
                        f"スキーマID {schema_id!r} は見つかりません(あるもの: {known})。")

    def resolve(self, ref: str) -> Schema:
        """Return a schema given by id or by the path of a schema file."""
        path = Path(ref)
        if ref.endswith((".yaml", ".yml")) or path.is_file():
            from migrator.schema.loader import load_schema

            if not path.is_file():
                raise InputError("File not found.", "ファイルが見つかりません。")
            schema, findings = load_schema(path)
            if schema is None:
                first = next(f for f in findings if f.severity == "error")
                raise SpecError(f"Invalid schema file: {first.message_en}", f"スキーマファイルが不正です: {first.message_ja}",
                                location=first.location)
            return schema
        return self.get(ref)
