"""Workbooks as people use them: every table sheet has a filter and a frozen header; columns fit their text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from migrator.excel import SheetSpec, write_workbook
from tests.conftest import DATA, run_cli


def test_a_table_sheet_gets_a_filter_a_frozen_header_and_fitting_widths(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "t.xlsx", [SheetSpec(
        name="一覧", header=["コード", "内容", "日付"],
        rows=[["A1", "住民記録システムの移行予定日が契約満了日より後です", dt.date(2026, 3, 31)], ["B2", "short", None]],
        widths={3: 14})])
    ws = openpyxl.load_workbook(path)["一覧"]
    assert ws.auto_filter.ref == "A1:C3"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 8  # narrow text: the minimum
    assert ws.column_dimensions["B"].width == 2 * 25 + 2  # 25 full-width characters and a margin
    assert ws.column_dimensions["C"].width == 14  # an explicit width is kept


def test_every_table_sheet_of_a_run_report_has_a_filter(workdir: Path) -> None:
    run_cli("validate", str(DATA / "mappings" / "juki_mainframe_jumin.xlsx"),
            str(DATA / "sample_data" / "extracts" / "juki_mainframe.dat"), "--out", "run", expect=1)
    book = openpyxl.load_workbook(workdir / "run" / "report.xlsx")
    for ws in book.worksheets:
        if ws.sheet_state == "visible" and ws.max_row > 1:
            assert ws.auto_filter.ref, ws.title


def test_values_styles_and_long_lists_are_written_as_given(tmp_path: Path) -> None:
    options = [f"選択肢{i}" for i in range(60)]  # longer than Excel's 255 characters inline
    path = write_workbook(tmp_path / "t.xlsx", [
        SheetSpec(name="一覧", header=["式", "日付", "状況"],
                  rows=[["=1+1", dt.datetime(2026, 3, 31, 9, 30), "未着手"], ["+x", None]],
                  fills={(2, 1): "FFC7CE", (3, 4): "C6EFCE"}, bold_rows={3}, validations={"C2:C3": options}),
        SheetSpec(name="短い", header=["a"], rows=[["x"]], validations={"A2": ["はい", "いいえ"]})], private=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]  # written beside, then put in place
    book = openpyxl.load_workbook(path)
    ws = book["一覧"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"  # a formula-like text stays text
    assert ws["B2"].value == dt.datetime(2026, 3, 31, 9, 30) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7") and ws["A1"].alignment.wrap_text
    assert ws["A2"].fill.fgColor.rgb.endswith("FFC7CE") and ws["D3"].fill.fgColor.rgb.endswith("C6EFCE")
    assert ws["A3"].font.bold and ws["C3"].font.bold and not ws["A2"].font.bold  # the bold row, padded
    (long_list,) = ws.data_validations.dataValidation
    assert long_list.formula1 == "'_lists'!$A$1:$A$60" and str(long_list.sqref) == "C2:C3"
    assert book["_lists"].sheet_state == "hidden" and book["_lists"]["A60"].value == "選択肢59"
    assert book["短い"].data_validations.dataValidation[0].formula1 == '"はい,いいえ"'


def test_a_write_that_fails_leaves_the_file_that_was_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"the workbook of yesterday")

    save = openpyxl.Workbook.save

    def interrupted(self: openpyxl.Workbook, filename: str) -> None:
        save(self, filename)
        Path(filename).write_bytes(b"PK half a zip")  # as if stopped half way
        raise KeyboardInterrupt

    monkeypatch.setattr(openpyxl.Workbook, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_workbook(path, [SheetSpec(name="一覧", header=["a"], rows=[["x"]])])
    assert path.read_bytes() == b"the workbook of yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
