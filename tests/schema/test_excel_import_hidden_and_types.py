"""Schema import of hidden columns and of the database type names vendors write."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from migrator.excel import find_header, read_workbook
from migrator.schema import import_workbook


def _book(path: Path, header: list[str], rows: list[list[object]], hidden: str = "") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    ws.append(header)
    for row in rows:
        ws.append(row)
    for letter in hidden:
        ws.column_dimensions[letter].hidden = True
    wb.save(path)
    return path


def test_hidden_columns_are_read_from_the_sheet(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", ["項目名", "型", "桁数", "桁数"], [["氏名", "VARCHAR", 20, 40]], hidden="C")
    sheet = read_workbook(path).sheets["住民"]
    assert sheet.hidden_cols == frozenset({3})


def test_a_hidden_column_repeating_a_visible_heading_is_not_read_and_said(tmp_path: Path) -> None:
    # The old 桁数 kept hidden left of the new one: the visible one is the one the user keeps up to date.
    path = _book(tmp_path / "b.xlsx", ["項目名", "型", "桁数", "桁数"],
                 [["氏名", "VARCHAR", 20, 40], ["住所", "VARCHAR", 50, 100]], hidden="C")
    result = import_workbook(path)
    assert result.schema is not None
    assert [(i.name, i.max_length) for i in result.schema.tables[0].items] == [("氏名", 40), ("住所", 100)]
    said = [f for f in result.findings if f.code == "SCH064"]
    assert [(f.severity, f.location.sheet, f.location.cell) for f in said] == [("warning", "住民", "C1")]
    assert said[0].message_en == ("Column C '桁数' of sheet 住民 is hidden and was not read; the visible column D "
                                  "with the same heading was read instead. Delete the hidden column if it is an old one")
    assert said[0].message_ja == ("シート 住民 の C 列「桁数」は非表示のため読まず、同じ見出しの表示されている D 列を"
                                  "読みました。古い列なら削除してください")


def test_a_visible_heading_named_loosely_still_wins_over_a_hidden_exact_one(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", ["項目名", "型", "桁数", "桁数(バイト)"], [["氏名", "VARCHAR", 20, 40]], hidden="C")
    result = import_workbook(path)
    assert result.schema is not None and result.schema.tables[0].items[0].max_length == 40
    assert [f.location.cell for f in result.findings if f.code == "SCH064"] == ["C1"]


def test_a_hidden_column_no_visible_column_names_is_read_and_said(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", ["項目名", "型", "桁数", "必須"], [["氏名", "VARCHAR", 20, "○"]], hidden="CD")
    result = import_workbook(path)
    assert result.schema is not None
    item = result.schema.tables[0].items[0]
    assert (item.max_length, item.required) == (20, True)
    said = [(f.code, f.severity, f.location.cell) for f in result.findings if f.code in ("SCH064", "SCH065")]
    assert said == [("SCH065", "warning", "C1"), ("SCH065", "warning", "D1")]
    first = next(f for f in result.findings if f.code == "SCH065")
    assert first.message_en == ("Column C '桁数' of sheet 住民 is hidden but was read, as no visible column has its "
                                "heading. Delete it if it is no longer filled in")


def test_without_hidden_columns_nothing_is_said(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", ["項目名", "型", "桁数", "桁数"], [["氏名", "VARCHAR", 20, 40]])
    result = import_workbook(path)
    assert result.schema is not None and result.schema.tables[0].items[0].max_length == 20  # the first, as before
    assert not [f for f in result.findings if f.code in ("SCH064", "SCH065")]


def test_the_shared_header_finder_prefers_visible_columns(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", ["現行項目", "移行先項目", "移行先項目"], [["a", "b", "c"]], hidden="B")
    sheet = read_workbook(path).sheets["住民"]
    match = find_header(sheet, {"source": ["現行項目"], "target": ["移行先項目"]}, two_row=False)
    assert match is not None
    assert match.columns == {"source": 1, "target": 3}
    assert match.hidden_unread == {2: "target"}
    assert match.unmatched == {}


@pytest.mark.parametrize(("written", "itype", "length", "scale", "said"), [
    ("LONG", "string", None, None, None),
    ("LONG RAW", "string", None, None, "SCH060"),
    ("CLOB", "string", None, None, None),
    ("NCLOB", "string", None, None, None),
    ("BLOB", "string", None, None, "SCH060"),
    ("uniqueidentifier", "string", None, None, None),
    ("uuid", "string", None, None, None),
    ("time(7)", "string", None, None, "SCH108"),
    ("time", "string", None, None, "SCH108"),
    ("TIME(3) WITH TIME ZONE", "string", None, None, "SCH108"),
    ("datetime2(3)", "datetime", None, None, None),
    ("datetimeoffset", "datetime", None, None, None),
    ("TIMESTAMP(6) WITH TIME ZONE", "datetime", None, None, None),
    ("timestamptz", "datetime", None, None, None),
    ("bit", "flag", None, None, None),
    ("boolean", "flag", None, None, None),
    ("money", "decimal", None, None, None),
    ("smallmoney", "decimal", None, None, None),
    ("tinyint", "integer", None, None, None),
    ("numeric", "decimal", None, None, None),
    ("NUMBER", "decimal", None, None, None),
    ("numeric(10)", "integer", 10, None, None),
    ("numeric(10,2)", "decimal", 10, 2, None),
])
def test_database_type_names(tmp_path: Path, written: str, itype: str, length: int | None, scale: int | None,
                             said: str | None) -> None:
    path = _book(tmp_path / "t.xlsx", ["項目名", "型"], [["値", written]])
    result = import_workbook(path)
    assert result.schema is not None
    item = result.schema.tables[0].items[0]
    assert (item.type, item.max_length, item.scale) == (itype, length, scale)
    codes = [f.code for f in result.findings if f.code not in ("SCH106",)]
    assert codes == ([said] if said else [])


def test_a_time_type_keeps_a_length_written_in_its_own_column(tmp_path: Path) -> None:
    path = _book(tmp_path / "t.xlsx", ["項目名", "型", "桁数"], [["受付時刻", "TIME(0)", 8]])
    result = import_workbook(path)
    assert result.schema is not None
    item = result.schema.tables[0].items[0]
    assert (item.type, item.max_length) == ("string", 8)
    time = next(f for f in result.findings if f.code == "SCH108")
    assert time.location.cell == "B2"
    assert time.message_en == ("type 'TIME(0)' of item 受付時刻 was read as string (the schema has no time-of-day "
                               "type); check that this is what it means")


def test_numeric_with_a_length_column_stays_an_integer(tmp_path: Path) -> None:
    path = _book(tmp_path / "t.xlsx", ["項目名", "型", "桁数"], [["人数", "NUMERIC", 3]])
    result = import_workbook(path)
    assert result.schema is not None and result.schema.tables[0].items[0].type == "integer"
