"""Hostile contents of a sound mapping workbook: each is a finding at its sheet!cell, never an internal error."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_cli
from tests.hostile import builders as b
from tests.hostile.conftest import measured, refused


def _with_cell(folder: Path, sheet: str, cell: str, value: str) -> Path:
    wb = openpyxl.load_workbook(b.MAPPING_XLSX)
    wb[sheet][cell] = value
    wb.save(folder / "m.xlsx")
    return Path("m.xlsx")  # relative (the test runs in folder): the location column shows it whole


# A number out of range would fail inside the run (a negative width or length) or build a value of that many
# characters on every row (pad(1000000000)): the check says so at the cell, and the run stops before reading.
@pytest.mark.parametrize(("cell", "transform", "words"), [
    ("D2", "pad(1000000000)", "pad: width must be from 0 to 1000, not '1000000000'"),
    ("D2", "pad(-3)", "pad: width must be from 0 to 1000, not '-3'"),
    ("D2", "substr(0, length=-1)", "substr: length must be from 0 to 10000, not '-1'"),
    ("D2", "substr(99999999999999999999999)", "substr: start must be from -10000 to 10000"),
    ("D2", 'extract("(0+)", group=-1)', "extract: group must be from 0 to 10000, not '-1'"),
    ("D4", "trim | code(住民区分, part=-1)", "code: part counts from 1"),
])
@pytest.mark.parametrize("command", ["check", "validate"])
def test_a_number_out_of_range_is_an_argument_error(workdir: Path, cell: str, transform: str, words: str,
                                                    command: str) -> None:
    path = _with_cell(workdir, "項目対応", cell, transform)
    args = (["mapping", "check", str(path)] if command == "check"
            else ["validate", str(path), str(b.EXTRACT_CSV), "--out", "out"])
    refused(*args, code="MAP103", places=(f"{path} 項目対応!{cell}", words), exit=1)


def test_a_number_out_of_range_is_said_in_japanese(workdir: Path) -> None:
    path = _with_cell(workdir, "項目対応", "D2", "pad(-3)")
    refused("--lang", "ja", "mapping", "check", str(path), code="MAP103",
            places=("項目対応!D2", "width は 0 から 1000 までの整数にしてください('-3')"), exit=1)


def test_a_gaiji_mapped_to_another_gaiji_is_an_error_at_its_cell(workdir: Path) -> None:
    wb = openpyxl.load_workbook(b.MAPPING_XLSX)
    ws = wb["外字対応"]
    ws["A2"], ws["B2"] = "\ue002", "\ue003"  # one vendor character for another
    ws["A3"], ws["B3"] = "U+E010", "髙"
    wb.save(workdir / "m.xlsx")
    res = refused("mapping", "check", "m.xlsx", code="MAP008", exit=1,
                  places=("外字対応!B2", "the standard character U+E003 is itself a private-use 外字"))
    assert "外字対応!A3" not in res.stdout and "外字対応!B3" not in res.stdout
    refused("--lang", "ja", "mapping", "check", "m.xlsx", code="MAP008", exit=1,
            places=("外字対応!B2", "標準文字 U+E003 も私用領域の外字です"))


def test_cells_holding_excel_errors_are_named_at_their_cells(workdir: Path) -> None:
    wb = openpyxl.load_workbook(b.MAPPING_XLSX)
    for sheet, cell, error in (("項目対応", "D2", "#REF!"), ("項目対応", "C3", "#N/A"), ("コード変換", "B2", "#DIV/0!")):
        wb[sheet][cell].value = error
        wb[sheet][cell].data_type = "e"  # as Excel saves a formula whose result is an error
    wb.save(workdir / "m.xlsx")
    res = refused("mapping", "check", "m.xlsx", code="MAP019", exit=1,
                  places=("項目対応!D2", "the Excel error #REF!", "項目対応!C3", "#N/A", "コード変換!B2", "#DIV/0!"))
    assert "There is no transform" not in res.stdout and "Legacy item #N/A" not in res.stdout
    refused("--lang", "ja", "mapping", "check", "m.xlsx", code="MAP019", exit=1,
            places=("項目対応!D2", "セルが Excel のエラー値 #REF! です"))


# A pipe of thousands of steps still fits in one cell (32,767 characters); the run built an expression so deep
# it took gigabytes and crashed the process. Fifty steps and 200 arguments are far beyond any real 変換.
@pytest.mark.parametrize(("transform", "words"), [
    ("trim|" * 4000 + "trim", "character 251: a pipe holds at most 50 steps"),
    ("concat(" + ", ".join(["宛名番号"] * 5000) + ")", "a step takes at most 200 arguments"),
])
@pytest.mark.parametrize("command", ["check", "validate"])
def test_a_pipe_too_long_to_run_is_a_syntax_error(workdir: Path, transform: str, words: str, command: str) -> None:
    path = _with_cell(workdir, "項目対応", "D2", transform)
    args = (["mapping", "check", str(path)] if command == "check"
            else ["validate", str(path), str(b.EXTRACT_CSV), "--out", "out"])
    refused(*args, code="MAP101", places=(f"{path} 項目対応!D2", words), exit=1)
    assert not (workdir / "out" / "juki-rdb-to-001-jumin.csv").exists()


def test_a_pipe_too_long_is_said_in_japanese(workdir: Path) -> None:
    path = _with_cell(workdir, "項目対応", "D2", "trim | " * 60 + "trim")
    refused("--lang", "ja", "mapping", "check", str(path), code="MAP101", exit=1,
            places=("項目対応!D2", "変換は 50 段までです"))


# One value typed far away (after Ctrl+↓ or Ctrl+→) would stretch the sheet to a million rows or 16,384 columns:
# it is left out and named, and the workbook is checked as the table it holds.
@pytest.mark.parametrize(("lang", "words"), [
    ("en", "1 cell of the sheet 項目対応 far from its table is not read (F1048576); delete it if it is stray"),
    ("ja", "シート 項目対応 の表から離れたセル 1 個 (F1048576) は読みません"),
])
def test_one_stray_cell_on_the_last_row_is_named_and_left_out(workdir: Path, lang: str, words: str) -> None:
    path = _with_cell(workdir, "項目対応", "F1048576", "x")
    res = run_cli("--lang", lang, "mapping", "check", str(path))
    assert "MAP023" in res.stdout and "項目対応!F1048576" in res.stdout and words in res.stdout
    assert "CORE105" not in res.stdout + res.stderr


def test_stray_cells_far_right_and_below_a_code_table_are_each_named(workdir: Path) -> None:
    wb = openpyxl.load_workbook(b.MAPPING_XLSX)
    wb["コード変換"]["XFD2"] = "x"
    wb["コード変換"]["A1048576"] = "続柄"  # a code table name alone, far below: no code entry
    wb["コード変換"]["B1048576"] = "99"
    wb.save(workdir / "m.xlsx")
    res = run_cli("mapping", "check", "m.xlsx", "--format", "json")
    (found,) = [f for f in json.loads(res.stdout)["findings"] if f["code"] == "MAP023"]
    assert found["location"]["text"] == "m.xlsx コード変換!XFD2" and "3 cells of the sheet コード変換 far from its table are not read" in found["message"]
    assert "XFD2, A1048576, B1048576" in found["message"]


def test_a_table_spread_wide_and_tall_is_still_refused(workdir: Path) -> None:
    # No cell is far from the others (each gap is under 1,000 rows or 100 columns), yet the grid is too large.
    wb = openpyxl.load_workbook(b.MAPPING_XLSX)
    ws = wb["コード変換"]
    for n, row in enumerate(range(500, 5001, 500)):
        ws.cell(row, 4 + 90 * (n % 3 + 1), "x")
    wb.save(workdir / "m.xlsx")
    refused("--limit", "xlsx_cells=5000", "mapping", "check", "m.xlsx", code="CORE105",
            places=("m.xlsx", "the sheet コード変換 spans 5000 rows x 274 columns", "xlsx_cells"))


@pytest.mark.parametrize(("merge", "code", "lang", "words"), [
    ("A1:F1", "MAP002", "en", "The cells A1:F1 around the header are merged"),
    ("B1:C1", "MAP010", "en", "The cells B1:C1 around the header are merged"),
    ("B1:C1", "MAP010", "ja", "見出しのあたりのセル B1:C1 が結合されています"),
])
def test_a_header_merged_across_its_columns_is_named(workdir: Path, merge: str, code: str, lang: str,
                                                     words: str) -> None:
    wb = openpyxl.load_workbook(b.MAPPING_XLSX)
    wb["項目対応"].merge_cells(merge)
    wb.save(workdir / "m.xlsx")
    res = refused("--lang", lang, "mapping", "check", "m.xlsx", code="MAP021", exit=1,
                  places=(f"項目対応!{merge.split(':')[0]}", words))
    assert code in res.stdout


def test_a_default_is_matched_against_a_pattern_in_linear_time(tmp_path: Path) -> None:
    # The schema's pattern (0*)*1 and a default of 32 zeros: Python's backtracking never ended; the run's own
    # engine (polars) answers at once, and the check says the default does not match.
    (tmp_path / "schemas").mkdir()
    schema = (b.DATA / "schemas" / "standard" / "001_juki.yaml").read_text(encoding="utf-8")
    schema = schema.replace("{name: 宛名番号, type: string, max_length: 15,",
                            "{name: 宛名番号, type: string, pattern: '(0*)*1',", 1)
    (tmp_path / "schemas" / "001_juki.yaml").write_text(schema, encoding="utf-8")
    mapping = b.MAPPING_YAML.read_text(encoding="utf-8")
    mapping = mapping.replace("  standard: 宛名番号\n  legacy:\n  - 宛名番号\n  transform: trim\n",
                              "  standard: 宛名番号\n  legacy:\n  - 宛名番号\n  transform: trim\n  default: '" + "0" * 32 + "'\n", 1)
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    res = measured("mapping", "check", "--schemas", "schemas", "m.yaml", "--format", "json", cwd=tmp_path, timeout=30)
    assert res.exit_code == 1, res.stderr
    (finding,) = [f for f in json.loads(res.stdout)["findings"] if f["code"] == "MAP307"]
    assert "does not match the pattern (0*)*1" in finding["message"]
