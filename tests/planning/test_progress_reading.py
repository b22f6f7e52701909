"""Progress files: impossible actual dates are findings, and CSV findings name the physical line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from migrator.errors import InputError
from migrator.location import Location
from migrator.planning.progress import read_progress


def _codes_lines(findings) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    return [(f.code, f.location.line) for f in findings]


def test_finish_before_start_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("タスクID,状況,実績開始日,実績終了日\n"
                    "a/001/x/cutover,完了,2025-05-10,2025-04-25\n"
                    "a/001/x/spec,完了,2025-04-01,2025-04-25\n", encoding="utf-8")
    progress, findings = read_progress(path)
    assert list(progress) == ["a/001/x/spec"]
    assert _codes_lines(findings) == [("PLN007", 2)]
    assert "before actual start" in findings[0].message_en


def test_csv_line_numbers_count_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('タスクID,状況,備考\n'
                    'a/001/x/spec,完了予定,"二行の\n備考"\n'
                    'a/001/x/cutover,不明,\n', encoding="utf-8")
    _progress, findings = read_progress(path)
    assert _codes_lines(findings) == [("PLN007", 2), ("PLN007", 4)]


def test_actual_dates_read_as_the_inventory_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("タスクID,状況,実績開始日,実績終了日\n"
                    "a/001/x/spec,完了,R7.12.22,令和8年1月9日\n"
                    "a/001/x/code,完了,２０２６／１／１３,2026-01-20\n"
                    "a/001/x/test,完了,令和8年1月,2026-01-30\n", encoding="utf-8")
    progress, findings = read_progress(path)
    assert list(progress) == ["a/001/x/spec", "a/001/x/code"]
    assert _codes_lines(findings) == [("PLN007", 4)]  # a month without its day is no actual date
    assert "令和8年1月" in findings[0].message_en


def test_every_impossible_actual_date_is_reported_with_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("タスクID,状況,実績開始日,実績終了日\n"
                    "a/001/x/spec,完了,2025-05-10,2025-04-25\n"  # finish before start
                    "a/001/x/code,完了,2025-02-30,2025-03-31\n"  # a day that does not exist
                    "a/001/x/test,作業中,2099-01-05,\n"  # after the as-of date
                    "a/001/x/load,完了,2025-04-01,2099-01-05\n"
                    "a/001/x/plan,作業中,2025-04-01,2025-04-05\n"  # finished work is not in progress
                    "a/001/x/rehearsal,未着手,2025-04-01,\n"  # started work is not 'not started'
                    "a/001/x/cutover,不明,2099-01-01,\n"  # a wrong status and a wrong date: both reported
                    "a/001/x/ok,完了,2025-04-01,2026-03-31\n", encoding="utf-8")
    progress, findings = read_progress(path, as_of=dt.date(2026, 3, 31))
    assert list(progress) == ["a/001/x/ok"]
    assert [(f.location.line, f.location.column) for f in findings] == [
        (2, "実績終了日"), (3, "実績開始日"), (4, "実績開始日"), (5, "実績終了日"), (6, "実績終了日"),
        (7, "実績開始日"), (8, "状況"), (8, "実績開始日")]
    assert {f.code for f in findings} == {"PLN007"} and all(f.location.file == str(path) for f in findings)
    messages = [f.message_en for f in findings]
    assert "before actual start" in messages[0] and "'2025-02-30'" in messages[1]
    assert "after the as-of date 2026-03-31" in messages[2]
    assert "基準日 2026-03-31" in findings[2].message_ja


def test_an_unclosed_quote_is_an_error_at_the_line_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("タスクID,状況,実績開始日,実績終了日\n"
                    "a/001/x/spec,完了,2025-04-01,2025-04-25\n"
                    '"a/001/x/code,完了,2025-04-01,2025-04-25\n'
                    "a/001/x/test,完了,2025-04-01,2025-04-25\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_progress(path)
    assert caught.value.code == "DAT003" and caught.value.location == Location(file=str(path), line=3)
    assert "引用符" in caught.value.message("ja") and "never closed" in caught.value.message("en")


def test_workbook_progress_names_each_wrong_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "進捗"
    ws.append(["タスクID", "状況", "実績開始日", "実績終了日"])
    ws.append(["a/001/x/spec", "完了", dt.datetime(2025, 5, 1), dt.datetime(2025, 4, 1)])
    ws.append(["a/001/x/code", "完了", "2025-04-31", dt.datetime(2031, 1, 1)])
    ws.append(["a/001/x/test", "完了", dt.datetime(2025, 4, 1), dt.datetime(2025, 4, 2)])
    wb.save(tmp_path / "p.xlsx")
    progress, findings = read_progress(tmp_path / "p.xlsx", as_of=dt.date(2026, 1, 1))
    assert [(f.location.sheet, f.location.cell) for f in findings] == [("進捗", "D2"), ("進捗", "C3"), ("進捗", "D3")]
    assert list(progress) == ["a/001/x/test"]
    assert progress["a/001/x/test"].location == Location(file=str(tmp_path / "p.xlsx"), sheet="進捗", cell="A4")
