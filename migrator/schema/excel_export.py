"""Writing a schema table as a テーブル定義書 sheet, in the shape the importer reads back."""

from __future__ import annotations

from pathlib import Path

from migrator.excel import SheetSpec, write_workbook
from migrator.schema.model import Schema, Table

DEFINITION_HEADER = ["№", "項目名称", "カラム名", "型", "桁数", "必須", "キー", "コード表", "備考"]


def definition_sheet(table: Table) -> SheetSpec:
    """One sheet: a header row, then one row per item (type names are migrator's, lengths as text)."""
    rows = []
    for n, item in enumerate(table.items, start=1):
        size = item.size
        length = "" if size is None else (f"{size},{item.scale}" if item.scale else str(size))
        rows.append([n, item.name, item.column or "", item.type.upper(), length, "○" if item.required else "",
                     "○" if item.name in table.key else "", "|".join(item.code_tables), item.description or ""])
    return SheetSpec(name=table.name[:31], header=DEFINITION_HEADER, rows=rows,
                     widths={2: 28, 3: 18, 4: 10, 9: 40})


def write_definition_workbook(schema: Schema, path: Path, *, tables: list[str] | None = None) -> Path:
    """Write one テーブル定義書 sheet per table of ``schema`` (or of the named ``tables``)."""
    chosen = [schema.table(name) for name in tables] if tables else list(schema.tables)
    return write_workbook(Path(path), [definition_sheet(t) for t in chosen])
