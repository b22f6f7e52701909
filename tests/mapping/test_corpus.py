"""A corpus of broken mapping workbooks: each defect yields its code at its sheet!cell."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import yaml

from migrator.mapping import check_workbook
from migrator.schema import SchemaRegistry
from tests.conftest import DATA, run_cli

REGISTRY = SchemaRegistry.load(DATA / "schemas")

SAMPLE = DATA / "mappings" / "juki_rdb_jumin.xlsx"
MAINFRAME = DATA / "mappings" / "juki_mainframe_jumin.xlsx"


def _row(ws, standard: str) -> int:  # type: ignore[no-untyped-def]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 2).value == standard:
            return r
    raise AssertionError(standard)


def _edit(path: Path, source: Path, change: Callable) -> Path:  # type: ignore[type-arg]
    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(path)
    return path


def _set(sheet: str, standard: str, col: int, value: object) -> Callable:  # type: ignore[type-arg]
    def change(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb[sheet]
        ws.cell(_row(ws, standard), col).value = value
    return change


def _code_cell(table: str, legacy: str, col: int, value: object) -> Callable:  # type: ignore[type-arg]
    def change(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["コード変換"]
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value == table and ws.cell(r, 2).value == legacy:
                ws.cell(r, col).value = value
                return
        raise AssertionError((table, legacy))
    return change


def _delete_code(table: str, legacy: str) -> Callable:  # type: ignore[type-arg]
    def change(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["コード変換"]
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value == table and ws.cell(r, 2).value == legacy:
                ws.delete_rows(r)
                return
    return change


def _title_rows(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["項目対応"]
    ws.insert_rows(1, 2)
    ws.cell(1, 1).value = "項目対応表 (住民記録)"


def _rename_headers(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["項目対応"]
    for c, label in enumerate(["#", "Standard item", "Legacy item", "Transform", "Default", "Notes"], start=1):
        ws.cell(1, c).value = label
    ws.cell(_row(ws, "性別"), 4).value = "code(性別"


def _blank_rows(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["項目対応"]
    ws.insert_rows(5, 3)
    ws.cell(_row(ws, "性別"), 4).value = "trim | cod(性別)"


def _merged(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["項目対応"]
    r = _row(ws, "続柄コード1")
    ws.merge_cells(start_row=r, start_column=3, end_row=r + 1, end_column=3)


def _formula(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["項目対応"]
    ws.cell(_row(ws, "旧氏"), 3).value = '=CONCAT("旧","氏")'


def _drop_sheet(wb) -> None:  # type: ignore[no-untyped-def]
    del wb["項目対応"]


def _no_header(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["コード変換"]
    for c in range(1, 5):
        ws.cell(1, c).value = f"列{c}"


def _duplicate(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["項目対応"]
    ws.cell(_row(ws, "通称"), 2).value = "旧氏"


def _missing_setting(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["概要"]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == "標準テーブル":
            ws.cell(r, 2).value = None


def _numeric_code(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb["コード変換"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == "状態区分" and ws.cell(r, 2).value == "10":
            ws.cell(r, 2).value = 10


def _delete_item(standard: str) -> Callable:  # type: ignore[type-arg]
    def change(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["項目対応"]
        ws.delete_rows(_row(ws, standard))
    return change


CASES = [
    # (id, source, change, code, cell)
    # 生年月日 and 住所_都道府県 may not be blank (住民記録システム標準仕様書 1.1.6)
    ("required item without source", SAMPLE, _set("項目対応", "生年月日", 3, None), "MAP201", None),
    ("required item deleted", SAMPLE, _delete_item("住所_都道府県"), "MAP201", "項目対応!B1"),
    ("mapped twice", SAMPLE, _duplicate, "MAP202", None),
    ("unknown standard item", SAMPLE, _set("項目対応", "旧氏", 2, "旧姓"), "MAP203", None),
    ("unknown legacy item", SAMPLE, _set("項目対応", "旧氏", 3, "旧姓"), "MAP204", None),
    ("unknown legacy item in an argument", SAMPLE, _set("項目対応", "氏名", 4, 'concat(氏, 名前, sep="　")'),
     "MAP204", None),
    ("excluded without reason", SAMPLE, _set("項目対応", "旧氏_フリガナ", 6, None), "MAP205", None),
    ("transform typo", SAMPLE, _set("項目対応", "性別", 4, "trim | cde(性別)"), "MAP102", None),
    ("unbalanced parentheses", SAMPLE, _set("項目対応", "性別", 4, "trim | code(性別"), "MAP101", None),
    ("stray closing parenthesis", SAMPLE, _set("項目対応", "性別", 4, "trim) | code(性別)"), "MAP101", None),
    ("unterminated string", SAMPLE, _set("項目対応", "住所_町字コード", 4, 'pad(7, "0)'), "MAP101", None),
    ("bad argument", SAMPLE, _set("項目対応", "住所_町字コード", 4, 'pad(seven, "0")'), "MAP103", None),
    ("unknown keyword", SAMPLE, _set("項目対応", "異動年月日", 4, 'date(fmt="%Y/%m/%d")'), "MAP103", None),
    ("bad choice", SAMPLE, _set("項目対応", "宛名番号", 4, "checkdigit(luhn)"), "MAP103", None),
    ("date into integer", SAMPLE.parent / "juki_rdb_setai.xlsx",
     _set("項目対応", "世帯員数", 4, 'date("%Y/%m/%d")'), "MAP301", None),
    ("legacy date text into a date", MAINFRAME, _set("項目対応", "生年月日", 4, "trim"), "MAP301", None),
    ("date into a text transform", SAMPLE, _set("項目対応", "生年月日", 4, 'date("%Y/%m/%d") | trim'),
     "MAP104", None),
    ("too long", SAMPLE, _set("項目対応", "住所_都道府県", 3, "町字名"), "MAP302", None),
    ("code table missing", SAMPLE, _set("項目対応", "性別", 4, "trim | code(性別コード)"), "MAP303", None),
    ("code table incomplete", SAMPLE, _delete_code("状態区分", "90"), "MAP304", None),
    ("unknown standard code", SAMPLE, _code_cell("性別", "9", 3, "9"), "MAP305", None),
    ("invalid default", SAMPLE, _set("項目対応", "異動年月日_不詳フラグ", 5, "x"), "MAP307", None),
    ("missing sheet", SAMPLE, _drop_sheet, "MAP001", "項目対応"),
    ("no header row", SAMPLE, _no_header, "MAP002", "コード変換!A1"),
    ("missing setting", SAMPLE, _missing_setting, "MAP003", None),
    ("formula", SAMPLE, _formula, "MAP004", None),
    ("merged cells", SAMPLE, _merged, "MAP005", None),
    ("code as a number", SAMPLE, _numeric_code, "MAP006", None),
    ("title rows above the header", SAMPLE, _title_rows, None, None),
    ("renamed (English) headers", SAMPLE, _rename_headers, "MAP101", None),
    ("blank rows", SAMPLE, _blank_rows, "MAP102", None),
]


def _expected_cell(case_id: str, path: Path) -> str:
    """The cell a case's finding must name, computed from the edited workbook."""
    wb = openpyxl.load_workbook(path)
    ws = wb["項目対応"]
    col = {"MAP201": 3, "MAP202": 2, "MAP203": 2, "MAP205": 6, "MAP307": 5, "MAP004": 3, "MAP005": 3}
    row_of = {
        "required item without source": ("生年月日", 3), "mapped twice": ("旧氏", 2), "unknown standard item": ("旧姓", 2),
        "unknown legacy item": ("旧氏", 3), "unknown legacy item in an argument": ("氏名", 4),
        "excluded without reason": ("旧氏_フリガナ", 6), "transform typo": ("性別", 4),
        "unbalanced parentheses": ("性別", 4), "stray closing parenthesis": ("性別", 4),
        "unterminated string": ("住所_町字コード", 4), "bad argument": ("住所_町字コード", 4),
        "unknown keyword": ("異動年月日", 4), "bad choice": ("宛名番号", 4), "date into integer": ("世帯員数", 4),
        "legacy date text into a date": ("生年月日", 4), "date into a text transform": ("生年月日", 4),
        "too long": ("住所_都道府県", 4), "code table missing": ("性別", 4), "invalid default": ("異動年月日_不詳フラグ", 5),
        "formula": ("旧氏", 3), "merged cells": ("続柄コード1", 3), "renamed (English) headers": ("性別", 4),
        "blank rows": ("性別", 4),
    }
    if case_id == "mapped twice":
        rows = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "旧氏"]
        return f"項目対応!B{rows[1]}"
    if case_id in row_of:
        name, c = row_of[case_id]
        return f"項目対応!{'ABCDEF'[c - 1]}{_row(ws, name)}"
    if case_id == "code table incomplete":
        return f"項目対応!D{_row(ws, '住民状態')}"
    if case_id in ("unknown standard code", "code as a number"):
        cws = wb["コード変換"]
        table, legacy, c = ("性別", "9", "C") if case_id == "unknown standard code" else ("状態区分", 10, "B")
        for r in range(2, cws.max_row + 1):
            if cws.cell(r, 1).value == table and cws.cell(r, 2).value == legacy:
                return f"コード変換!{c}{r}"
    if case_id == "missing setting":
        return "概要!A1"
    raise AssertionError(case_id)
    _ = col


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_defect_is_found_at_its_cell(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id, source, change, code, cell = case
    path = _edit(tmp_path / "broken.xlsx", source, change)
    report = check_workbook(path, registry=REGISTRY)
    if code is None:  # accepted as is
        assert report.counts_by_severity["error"] == 0, [f.message_en for f in report.findings]
        return
    expected = cell or _expected_cell(case_id, path)
    hits = [f for f in report.findings if f.code == code]
    assert hits, [(f.code, str(f.location)) for f in report.findings if f.severity != "info"]
    places = [f"{f.location.sheet}!{f.location.cell}" if f.location.cell else f.location.sheet for f in hits]
    assert expected in places, (places, [f.message_en for f in hits])
    assert all(f.location.file == str(path) for f in hits)


def test_syntax_error_names_the_character_position(tmp_path: Path) -> None:
    path = _edit(tmp_path / "b.xlsx", SAMPLE, _set("項目対応", "性別", 4, "trim | code(性別"))
    finding = next(f for f in check_workbook(path, registry=REGISTRY).findings if f.code == "MAP101")
    assert finding.message_en == "Transform 'trim | code(性別', character 12: '(' is never closed"


def test_typo_suggests_the_transform(tmp_path: Path) -> None:
    path = _edit(tmp_path / "b.xlsx", SAMPLE, _set("項目対応", "性別", 4, "trim | cde(性別)"))
    finding = next(f for f in check_workbook(path, registry=REGISTRY).findings if f.code == "MAP102")
    assert finding.message_en == "There is no transform 'cde' (did you mean code?)"


def test_incomplete_code_table_lists_missing_codes(tmp_path: Path) -> None:
    path = _edit(tmp_path / "b.xlsx", SAMPLE, _delete_code("状態区分", "90"))
    finding = next(f for f in check_workbook(path, registry=REGISTRY).findings if f.code == "MAP304")
    assert finding.message_en == "Code table 状態区分 does not convert code 90 of legacy item 状態区分"
    two = _edit(tmp_path / "c.xlsx", path, _delete_code("状態区分", "10"))
    finding = next(f for f in check_workbook(two, registry=REGISTRY).findings if f.code == "MAP304")
    assert finding.message_en == "Code table 状態区分 does not convert codes 10, 90 of legacy item 状態区分"
    assert finding.message_ja == "コード表 状態区分 に現行項目 状態区分 のコード 10、90 (2 件) の変換がありません"


def test_not_a_workbook_is_an_input_error(tmp_path: Path) -> None:
    from migrator.errors import InputError

    path = tmp_path / "x.xlsx"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError):
        check_workbook(path)


def test_corpus_has_at_least_twenty_broken_workbooks() -> None:
    assert len([c for c in CASES if c[3] is not None]) >= 20


def test_without_a_code_sheet_every_other_row_is_still_checked(tmp_path: Path) -> None:
    def change(wb) -> None:  # type: ignore[no-untyped-def]
        del wb["コード変換"]
        _set("項目対応", "性別", 4, "trim | cde(性別)")(wb)

    path = _edit(tmp_path / "b.xlsx", SAMPLE, change)
    codes = {f.code for f in check_workbook(path, registry=REGISTRY).findings}
    assert "MAP001" not in codes
    assert {"MAP102", "MAP303"} <= codes  # the typo, and the code(...) tables that are now missing


def test_columns_joined_without_a_transform_add_up_their_lengths(tmp_path: Path) -> None:
    # 旧氏 holds 50: 氏 (25) and 旧氏 (25) fit exactly; 氏, 名 and 旧氏 (75) do not.
    def long_findings(sources: str) -> list[str]:
        path = _edit(tmp_path / "b.xlsx", SAMPLE, _set("項目対応", "旧氏", 3, sources))
        ws = openpyxl.load_workbook(path)["項目対応"]
        cell = f"D{_row(ws, '旧氏')}"
        return [f.message_en for f in check_workbook(path, registry=REGISTRY).findings
                if f.code == "MAP302" and f.location.cell == cell]

    assert long_findings("氏\n旧氏") == []
    assert long_findings("氏\n名\n旧氏") == [
        "Standard item 旧氏 holds at most 50 characters but the result can be 75 long"]


def test_substr_to_the_end_is_as_long_as_what_remains(tmp_path: Path) -> None:
    # 住所_都道府県 holds 4; 町字名 holds 60: from character 56 on, 4 remain; from 55 on, 5.
    def long_findings(transform: str) -> list[str]:
        def change(wb) -> None:  # type: ignore[no-untyped-def]
            _set("項目対応", "住所_都道府県", 3, "町字名")(wb)
            _set("項目対応", "住所_都道府県", 4, transform)(wb)
        path = _edit(tmp_path / "b.xlsx", SAMPLE, change)
        ws = openpyxl.load_workbook(path)["項目対応"]
        cell = f"D{_row(ws, '住所_都道府県')}"
        return [f.message_en for f in check_workbook(path, registry=REGISTRY).findings
                if f.code == "MAP302" and f.location.cell == cell]

    assert long_findings("substr(56)") == []
    assert long_findings("substr(55)") == [
        "Standard item 住所_都道府県 holds at most 4 characters but the result can be 5 long"]


def test_gaiji_entry_mapped_twice_to_different_characters(tmp_path: Path) -> None:
    def change(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["外字対応"]
        for row in (("U+E000", "髙"), ("U+E000", "高"), ("U+E001", "﨑"), ("U+E001", "﨑")):
            ws.append(row)
    path = _edit(tmp_path / "b.xlsx", SAMPLE, change)
    report = check_workbook(path, registry=REGISTRY)
    # the same legacy character to two standard ones is an error; the same pair twice a warning (a row not used)
    assert [(f.message_en, f.location.cell) for f in report.findings if f.code == "MAP008"] == [
        ("Invalid 外字 table entry: U+E000 is mapped twice (first at 外字対応!A2)", "A3")]
    assert [(f.severity, f.location.cell) for f in report.findings if f.code == "MAP015"] == [("warning", "A5")]


def test_a_code_sheet_with_a_remark_does_not_stand_in_for_the_one_in_use(workdir: Path) -> None:
    # コード変換（廃止） kept before コード変換表: both fold to コード変換; the obsolete one's values must not be read.
    def rename(wb) -> None:  # type: ignore[no-untyped-def]
        real = wb["コード変換"]
        old = wb.copy_worksheet(real)
        old.title = "コード変換（廃止）"
        for row in old.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.isdigit():
                    cell.value = "OLD" + cell.value
        real.title = "コード変換表"
        wb.move_sheet(old, offset=wb.sheetnames.index("コード変換表") - wb.sheetnames.index(old.title))
    path = _edit(workdir / "m.xlsx", SAMPLE, rename)
    assert openpyxl.load_workbook(path).sheetnames.index("コード変換（廃止）") < openpyxl.load_workbook(
        path).sheetnames.index("コード変換表")
    run_cli("mapping", "export", str(path), "-o", "m.yaml")
    codes = yaml.safe_load((workdir / "m.yaml").read_text(encoding="utf-8"))["codes"]
    assert codes and not any(str(c["legacy"]).startswith("OLD") for c in codes)


def _item_sheets(*titles: str) -> Callable:  # type: ignore[type-arg]
    """The 項目対応 sheet renamed to the first of ``titles``, with a copy under each of the others, placed before
    it, whose first transform is misspelt (MAP102 if that copy were read)."""
    def change(wb) -> None:  # type: ignore[no-untyped-def]
        real = wb["項目対応"]
        for title in titles[1:]:
            copy = wb.copy_worksheet(real)
            copy.title = title
            copy.cell(2, 4).value = "trim | cde(性別)"
            wb.move_sheet(copy, offset=wb.index(real) - wb.index(copy))  # before the real one: first found
        real.title = titles[0]
    return change


def test_two_item_sheets_with_remarks_are_reported_not_guessed(workdir: Path) -> None:
    # 項目対応（住民） beside 項目対応（世帯）: both fold to 項目対応 and neither is the plain one.
    path = _edit(workdir / "m.xlsx", SAMPLE, _item_sheets("項目対応（世帯）", "項目対応（住民）"))
    for lang, said in (("en", "Several sheets could be the sheet '項目対応' (項目対応（住民）, 項目対応（世帯）)"),
                       ("ja", "シート '項目対応' に当たるシートが複数あります(項目対応（住民）、項目対応（世帯）)")):
        result = run_cli("--lang", lang, "mapping", "check", str(path), "--format", "json", expect=1)
        findings = json.loads(result.stdout)["findings"]
        [finding] = [f for f in findings if f["code"] == "MAP018"]
        assert finding["severity"] == "error" and said in finding["message"], finding
        assert finding["location"]["sheet"] == "項目対応（住民）"
        # nothing read from a sheet nobody chose: no finding about its rows, and no missing sheet either
        assert {f["code"] for f in findings} == {"MAP018"}, findings
    text = run_cli("--lang", "ja", "mapping", "check", str(path), expect=1).stdout
    assert "MAP018" in text and "Several sheets" not in text


def test_one_item_sheet_with_a_remark_or_one_plain_among_them_is_read(workdir: Path) -> None:
    clean = json.loads(run_cli("mapping", "check", str(SAMPLE), "--format", "json").stdout)["counts_by_code"]
    for titles in (("項目対応（住民）",), ("項目対応表", "項目対応（旧）"), ("1．項目対応表", "項目対応（旧）", "項目対応（案）")):
        path = _edit(workdir / "m.xlsx", SAMPLE, _item_sheets(*titles))
        result = json.loads(run_cli("mapping", "check", str(path), "--format", "json").stdout)
        assert result["counts_by_code"] == clean, (titles, result["counts_by_code"])


@pytest.mark.parametrize(("value", "reason"), [
    ("１３１０１６", "character class digits"),  # full-width digits: every row would fail charset:digits
    ("131017", "check lg_code"),  # a wrong check digit: every row would fail check:lg_code
    ("13101", "not 6 characters long"),  # the 5-digit code without its check digit
])
def test_default_the_standard_item_refuses_is_found_at_its_cell(value: str, reason: str, tmp_path: Path) -> None:
    """A default fills every row with an empty source: one the item's class, length or check refuses would
    reject them all at run time, so the static check says so at the 既定値 cell."""
    path = _edit(tmp_path / "b.xlsx", SAMPLE.parent / "juki_rdb_setai.xlsx", _set("項目対応", "住所_市区町村コード", 5, value))
    hits = [f for f in check_workbook(path, registry=REGISTRY).findings if f.code == "MAP307"]
    ws = openpyxl.load_workbook(path)["項目対応"]
    assert [f"{f.location.sheet}!{f.location.cell}" for f in hits] == [f"項目対応!E{_row(ws, '住所_市区町村コード')}"]
    assert reason in hits[0].message_en and value in hits[0].message_en
    assert hits[0].severity == "error"


def test_default_the_standard_item_accepts_is_not_reported(tmp_path: Path) -> None:
    path = _edit(tmp_path / "b.xlsx", SAMPLE.parent / "juki_rdb_setai.xlsx", _set("項目対応", "住所_市区町村コード", 5, "132012"))
    assert not [f for f in check_workbook(path, registry=REGISTRY).findings if f.code == "MAP307"]


@pytest.mark.parametrize(("value", "found"), [("2", True), ("true", True), ("1", False), ("0", False)])
def test_a_flag_default_other_than_0_or_1_is_found(value: str, found: bool, tmp_path: Path) -> None:
    # The run checks a flag as 0 or 1: a default "2" passed the static check (it is a number) and then
    # rejected every row it filled.
    path = _edit(tmp_path / "f.xlsx", SAMPLE, _set("項目対応", "異動年月日_不詳フラグ", 5, value))
    hits = [f for f in check_workbook(path, registry=REGISTRY).findings if f.code == "MAP307"]
    assert bool(hits) is found
    if found:
        assert "is not a flag (0 or 1)" in hits[0].message_en and "フラグ (0 または 1) ではありません" in hits[0].message_ja
