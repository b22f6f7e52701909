"""Finding schemas by id under folders of schema files (``MIGRATOR_SCHEMAS``, then the bundled ones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrator.bundled import SCHEMAS_ENV as ENV_VAR
from migrator.bundled import schema_dirs as default_schema_dirs
from migrator.errors import InputError, SpecError
from migrator.i18n import join_list
from migrator.report import Finding
from migrator.schema.loader import load_schemas
from migrator.schema.model import STANDARD_PROFILE, Schema

__all__ = ["ENV_VAR", "SchemaRegistry", "default_schema_dirs"]


@dataclass(frozen=True)
class SchemaRegistry:
    """The valid schemas found under some folders, by id, with the findings of loading them."""

    schemas: dict[str, Schema]
    findings: tuple[Finding, ...] = field(default=())

    @classmethod
    def load(cls, *roots: Path | str) -> SchemaRegistry:
        """Load every schema file under ``roots`` (default: :func:`default_schema_dirs`).

        Earlier roots win when two schemas share an id, so a user's folder can replace a bundled schema.

        Raises:
            InputError: a folder of ``MIGRATOR_SCHEMAS`` does not exist (the message names the setting).
        """
        if not roots:
            for folder in default_schema_dirs()[:-1]:
                if not folder.is_dir():
                    raise InputError(f"Schema folder not found: {folder} (set by {ENV_VAR}).",
                                     f"スキーマフォルダが見つかりません: {folder}({ENV_VAR} の設定)。")
        paths = [Path(r) for r in roots] or list(default_schema_dirs())
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
        known, known_ja = join_list(self.ids, "en") or "-", join_list(self.ids, "ja") or "-"
        raise SpecError(f"No schema with id {schema_id!r} (known: {known}). Put your own schema files in a folder "
                        f"named by {ENV_VAR} or --schemas.",
                        f"スキーマID {schema_id!r} は見つかりません(あるもの: {known_ja})。独自のスキーマファイルは "
                        f"{ENV_VAR} または --schemas で指定したフォルダに置いてください。")

    def with_profile(self, name: str) -> SchemaRegistry:
        """The same schemas, each that offers profile ``name`` seen under it (see :func:`apply_profile`).

        Raises:
            InputError: no schema offers that profile.
        """
        from migrator.schema.profiles import apply_profile

        if name == STANDARD_PROFILE:
            return self
        offering = [s for s in self.schemas.values() if name in s.profiles]
        if not offering:
            known = sorted({p for s in self.schemas.values() for p in s.profiles})
            raise InputError(f"No schema offers profile {name!r} (known: {', '.join([STANDARD_PROFILE, *known])}).",
                             f"プロファイル {name!r} を持つスキーマがありません"
                             f"(あるもの: {', '.join([STANDARD_PROFILE, *known])})。")
        schemas = {sid: apply_profile(s, name) if name in s.profiles else s for sid, s in self.schemas.items()}
        return SchemaRegistry(schemas=schemas, findings=self.findings)

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
