"""Mapping jobs that join two domain packages: a template whose suggestions also read a sample of the extract.

The suggester (``migrator.mapping.template``) takes sample values as plain lists; reading them needs the extract
reader of ``migrator.validation``, which the mapping package may not import (validation builds on mapping).
"""

from __future__ import annotations

from pathlib import Path

from migrator.errors import SpecError
from migrator.mapping import resolve_schema
from migrator.schema import SchemaRegistry
from migrator.validation.readers import ExtractReader

SAMPLE_ROWS = 2000


def read_samples(path: Path, *, legacy: str, legacy_table: str, registry: SchemaRegistry | None = None,
                 rows: int = SAMPLE_ROWS) -> dict[str, list[str]]:
    """The first ``rows`` values of every item of ``legacy_table`` in the extract at ``path`` (read with the
    layout's file settings). The values stay in memory: they are evidence for the suggestions, never written.

    Raises:
        InputError: the extract cannot be read (missing, empty, not text).
        SpecError: the schema or table is unknown.
    """
    registry = registry or SchemaRegistry.load()
    schema = resolve_schema(registry, legacy) or registry.get(legacy)
    try:
        table = schema.table(legacy_table)
    except KeyError as exc:
        raise SpecError(str(exc.args[0]), f"テーブルが見つかりません: {exc.args[0]}") from exc
    reader = ExtractReader(Path(path), table, code_tables=schema.code_tables)
    values: dict[str, list[str]] = {name: [] for name in table.item_names}
    seen = 0
    for batch in reader.batches():
        head = batch.head(rows - seen)
        for name in table.item_names:
            if name in head.columns:
                values[name] += [v for v in head[name].to_list() if v is not None]
        seen += head.height
        if seen >= rows:
            break
    return values
