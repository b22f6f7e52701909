"""Table-definition books as Japanese vendors' tools and hands write them (A5:SQL Mk-2, Oracle, SQL Server,
COBOL record layouts), compared with what a person reads from the sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from migrator.schema import import_workbook


def _items(table):  # type: ignore[no-untyped-def]
    return [(i.name, i.type, i.max_length if i.length is None else i.length, i.scale, i.required)
            for i in table.items]


def test_a_title_row_right_above_the_header_names_the_table(tmp_path: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "Sheet1"
    s.append(["テーブル名", "個人"])
    s.append(["No", "項目名", "データ型", "桁数", "必須"])
    s.append([1, "宛名番号", "CHAR", 15, "○"])
    wb.save(tmp_path / "t.xlsx")
    result = import_workbook(tmp_path / "t.xlsx")
    assert result.schema is not None
    assert [t.name for t in result.schema.tables] == ["個人"]
