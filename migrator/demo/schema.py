"""The schema step of ``migrator demo``: check the shipped schemas, round-trip a table-definition workbook."""

from __future__ import annotations

from migrator.demo import DemoContext, DemoStep
from migrator.i18n import t
from migrator.report import write_report
from migrator.schema.check import check_paths
from migrator.schema.diff import diff_schemas
from migrator.schema.excel_export import write_definition_workbook
from migrator.schema.excel_import import import_workbook
from migrator.schema.registry import SchemaRegistry

# What a table-definition workbook carries: names, types, lengths, required, code-table names, keys.
_STRUCTURAL = {"SCH201", "SCH202", "SCH203", "SCH204", "SCH205", "SCH206", "SCH207", "SCH210", "SCH211", "SCH212"}


def _same_size(old: str | None, new: str | None) -> bool:
    """A workbook's 桁数 does not say exact or maximum: 1 and ≤1 are the same length to it."""
    return old is not None and new is not None and old.lstrip("≤") == new.lstrip("≤")


def demo_step(ctx: DemoContext) -> DemoStep:
    """Check every schema under ``ctx.root/schemas``; write the RDB 個人 layout as a テーブル定義書,
    import it back and count structural differences (expected: none)."""
    folder = ctx.root / "schemas"
    report = check_paths([folder])
    check_json = write_report(report, ctx.out_dir / "schema-check.json", ctx.lang)
    registry = SchemaRegistry.load(folder)
    legacy = registry.get("legacy-juki-rdb")
    book = write_definition_workbook(legacy, ctx.out_dir / "juki_rdb_table_definition.xlsx", tables=["個人"])
    imported = import_workbook(book, schema_id=legacy.id).schema
    changes = []
    if imported is not None:
        from dataclasses import replace

        changes = [c for c in diff_schemas(replace(legacy, tables=(legacy.table("個人"),)), imported)
                   if c.code in _STRUCTURAL and not _same_size(c.old, c.new)]
    items = sum(len(t.items) for s in registry.schemas.values() for t in s.tables)
    detail = t("demo_schema", ctx.lang, schemas=len(registry.schemas), items=items,
               errors=report.counts_by_severity.get("error", 0), changes=len(changes))
    return DemoStep(name="schema", detail=detail, outputs=(check_json, book), report=report)
