"""Workbooks as people use them: every table sheet has a filter and a frozen header; columns fit their text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

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
