"""The demo step of the schema capability and the テーブル定義書 export it uses."""

from __future__ import annotations

from pathlib import Path

from migrator.demo import DemoContext
from migrator.demo.schema import demo_step
from migrator.schema import SchemaRegistry, import_workbook
from migrator.schema.excel_export import write_definition_workbook
from tests.conftest import DATA


def test_demo_step_checks_schemas_and_round_trips_a_definition(tmp_path: Path) -> None:
    step = demo_step(DemoContext(root=DATA, out_dir=tmp_path, store=None, lang="en"))  # type: ignore[arg-type]
    assert step.name == "schema"
    assert step.detail == ("5 schemas, 241 items checked: 0 errors; テーブル定義書 round trip of 個人: "
                           "0 structural differences")
    assert [p.name for p in step.outputs] == ["schema-check.json", "juki_rdb_table_definition.xlsx"]
    assert all(p.is_file() for p in step.outputs)
    assert step.report is not None and step.report.valid


def test_exported_definition_imports_back_with_names_types_and_keys(tmp_path: Path) -> None:
    legacy = SchemaRegistry.load(DATA / "schemas").get("legacy-juki-rdb")
    book = write_definition_workbook(legacy, tmp_path / "def.xlsx")
    imported = import_workbook(book).schema
    assert imported is not None
    for table in legacy.tables:
        back = imported.table(table.name)
        assert back.key == table.key
        assert [(i.name, i.column, i.type, i.size, i.required, i.code_tables) for i in back.items] == [
            (i.name, i.column, i.type, i.size, i.required, i.code_tables) for i in table.items]


def test_shipped_example_workbook_matches_the_rdb_layout() -> None:
    imported = import_workbook(DATA / "schemas/examples/juki_rdb_table_definition.xlsx", sheet="個人").schema
    assert imported is not None
    legacy = SchemaRegistry.load(DATA / "schemas").get("legacy-juki-rdb")
    assert imported.table("個人").item_names == legacy.table("個人").item_names
