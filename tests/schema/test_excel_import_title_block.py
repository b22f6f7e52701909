"""Table names from title blocks as vendors lay them out, binary types and hidden sheets."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from migrator.schema import import_workbook
from tests.conftest import run_cli

HEADER_TOP = ["No", "項目", None, "PostgreSQL", None, "必須", "キー", "備考"]
HEADER_LOW = [None, "論理名", "物理名", "TYPE", "SIZE", None, None, None]
ITEMS = [
    ("宛名番号", "atena_no", "bigint", None, "○", "○", None),
    ("氏名", "shimei", "varchar", 40, "○", None, None),
    ("生年月日", "birth", "date", None, None, None, None),
    ("顔写真", "photo", "bytea", None, None, None, "画像"),
]


def _vendor_sheet(ws, table_id: str, table_name: str) -> None:  # type: ignore[no-untyped-def]
    """A real vendor's sheet: labels side by side on row 2, their values below on row 3, header on rows 10-11."""
    ws["A1"] = "テーブル定義書"
    ws.merge_cells("A1:H1")
    ws["A2"], ws["C2"], ws["E2"], ws["G2"] = "システム名", "テーブルＩＤ", "テーブル名称", "作成日"
    ws.merge_cells("A2:B2")
    ws.merge_cells("C2:D2")
    ws.merge_cells("E2:F2")
    ws["A3"], ws["C3"], ws["E3"], ws["G3"] = "住民記録", table_id, table_name, "2024/04/01"
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:D3")
    ws.merge_cells("E3:F3")
    for c, (top, low) in enumerate(zip(HEADER_TOP, HEADER_LOW, strict=True), start=1):
        ws.cell(10, c, top)
        ws.cell(11, c, low)
    for i, item in enumerate(ITEMS):
        r = 12 + i
        ws.cell(r, 1, "=ROW()-11")
        for c, value in enumerate(item, start=2):
            ws.cell(r, c, value)


def test_values_below_side_by_side_labels_name_every_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "表紙"
    wb.active["B2"] = "テーブル定義書"
    names = {f"T{i:03d}": f"テーブル{i:03d}" for i in range(1, 75)}
    for table_id, name in names.items():
        _vendor_sheet(wb.create_sheet(table_id), f"TBL_{table_id}", name)
    path = tmp_path / "vendor.xlsx"
    wb.save(path)

    result = import_workbook(path)

    assert result.schema is not None
    assert result.schema.table_names == tuple(names.values())
    table = result.schema.table("テーブル001")
    assert [(i.name, i.column, i.type, i.max_length, i.required) for i in table.items] == [
        ("宛名番号", "atena_no", "integer", None, True), ("氏名", "shimei", "string", 40, True),
        ("生年月日", "birth", "date", None, False), ("顔写真", "photo", "string", None, False)]
    assert table.key == ("宛名番号",)
    binary = [(f.code, f.location.sheet, f.location.cell, f.message_en) for f in result.findings
              if f.code == "SCH060"]
    assert len(binary) == 74
    assert binary[0] == ("SCH060", "T001", "D15", "Item 顔写真 has the binary type 'bytea'; the schema has no binary "
                         "type, so it was imported as string (its content cannot be checked)")


@pytest.mark.parametrize(("cells", "expected"), [
    ({"A2": "テーブル名称", "B2": "住民", "C2": "テーブルＩＤ", "D2": "T_JUMIN"}, "住民"),  # values beside
    ({"A2": "テーブルＩＤ", "B2": "T_JUMIN", "C2": "テーブル名称", "D2": "住民"}, "住民"),  # name label second
    ({"A2": "テーブル名称：住民", "C2": "テーブルＩＤ：T_JUMIN"}, "住民"),  # label and value in one cell
    ({"A2": "テーブル名称", "B2": "テーブルＩＤ", "A3": "住民", "B3": "T_JUMIN"}, "住民"),  # values below
    ({"A2": "テーブル名称", "B2": "作成者", "A3": None, "B3": "山田"}, "T_JUMIN"),  # no name: the id, not a label
    ({"A2": "テーブルＩＤ", "B2": "テーブル名称"}, "台帳"),  # labels only: the sheet name
])
def test_a_label_is_never_a_value(tmp_path: Path, cells: dict[str, str | None], expected: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台帳"
    for ref, value in cells.items():
        ws[ref] = value
    if "T_JUMIN" not in cells.values() and expected == "T_JUMIN":
        ws["D2"], ws["D3"] = "テーブルID", "T_JUMIN"
    for c, label in enumerate(["項目名", "型", "桁数"], start=1):
        ws.cell(6, c, label)
    ws.append(["宛名番号", "CHAR", 15])
    path = tmp_path / "one.xlsx"
    wb.save(path)

    result = import_workbook(path)

    assert result.schema is not None and result.schema.table_names == (expected,)


def test_hidden_sheets_are_skipped_with_a_finding_and_read_when_named(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    _vendor_sheet(ws, "T_JUMIN", "住民")
    old = wb.create_sheet("旧版")
    _vendor_sheet(old, "T_JUMIN_OLD", "住民(旧)")
    old.sheet_state = "hidden"
    lists = wb.create_sheet("リスト")
    lists["A1"] = "○"
    lists.sheet_state = "veryHidden"
    path = tmp_path / "hidden.xlsx"
    wb.save(path)

    result = import_workbook(path)

    assert result.schema is not None and result.schema.table_names == ("住民",)
    assert [(f.code, f.location.sheet, f.message_en) for f in result.findings if f.code == "SCH061"] == [
        ("SCH061", "旧版", "Sheet 旧版 is hidden (hidden) and was skipped; name it with --sheet to import it"),
        ("SCH061", "リスト", "Sheet リスト is hidden (veryHidden) and was skipped; name it with --sheet to import it"),
    ]
    assert [f.message_ja for f in result.findings if f.code == "SCH061"] == [
        "シート 旧版 は非表示(シートの再表示で表示できます)のため読み飛ばしました。取り込むには --sheet でシート名を指定してください",
        "シート リスト は非表示(Excel の画面からは再表示できません)のため読み飛ばしました。取り込むには --sheet でシート名を指定してください",
    ]
    named = import_workbook(path, sheet="旧版")
    assert named.schema is not None and named.schema.table_names == ("住民(旧)",)
    assert [(f.code, f.location.sheet) for f in named.findings if f.code.startswith("SCH06")] == [
        ("SCH063", "旧版"), ("SCH060", "旧版")]
    said = next(f for f in named.findings if f.code == "SCH063")
    assert said.message_ja == "シート 旧版 は非表示(シートの再表示で表示できます)ですが、指定されたため読みました"
    assert said.message_en == "Sheet 旧版 is hidden (hidden) and was read because it was named"


def test_cli_import_names_tables_from_the_title_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    wb = openpyxl.Workbook()
    _vendor_sheet(wb.active, "T_SETAI", "世帯")
    wb.save(tmp_path / "setai.xlsx")
    run_cli("schema", "import", "setai.xlsx", "-o", "setai.yaml", expect=None)
    text = (tmp_path / "setai.yaml").read_text(encoding="utf-8")
    assert "name: 世帯" in text and "テーブルＩＤ" not in text
