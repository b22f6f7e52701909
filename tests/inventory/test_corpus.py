"""A corpus of inventory layouts as other organisations write them, read without a synonyms file.

Each layout is built the way its kind of author lays it out (a survey form, a vendor's answer sheet, a
prefecture roll-up, an English-headed PMO sheet, …) and gives exactly its expected counts and findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from migrator.inventory.importer import read_inventory
from tests.conftest import run_cli


def _sheet(wb: openpyxl.Workbook, title: str, cells: dict[str, object] | None = None,
           rows: list[list[object]] | None = None, *, start: int = 1, merges: tuple[str, ...] = (),
           state: str = "visible") -> None:
    ws = wb.create_sheet(title)
    for ref, value in (cells or {}).items():
        ws[ref] = value
    for i, row in enumerate(rows or []):
        for c, value in enumerate(row, start=1):
            ws.cell(start + i, c, value)
    for rng in merges:
        ws.merge_cells(rng)
    ws.sheet_state = state


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.remove(wb.worksheets[0])  # the default empty sheet
    wb.save(path)
    return path


def survey_form(path: Path) -> Path:
    """A municipality's answer to a survey form: title, answer date and a 団体 block above the header."""
    wb = openpyxl.Workbook()
    _sheet(wb, "現行システム調査票", {
        "A1": "標準化対象システム 現行調査票", "A2": "回答日：令和7年10月1日",
        "A3": "団体名", "C3": "八王子市", "E3": "団体コード", "F3": "132012",
    }, [
        ["No.", "業務名", "システム名称", "ベンダ名", "契約期間満了日", "移行予定時期", "データ件数（概算）", "連携先システム", "備考"],
        [1, "住民基本台帳", "住民記録システム", "株式会社エーシステム", "令和8年3月31日", "R8.1.5", "１２３４５件", "住民税システム"],
        [2, "個人住民税", "住民税システム", "(株)エーシステム", "2026/3/31", "令和8年2月2日", "1,234件"],
        [3, "国民健康保険", "国保システム", "㈱エーシステム", "R8.3.31", "2026-02-16", 5000, "住民記録システム"],
        [4, "介護保険", "介護保険システム", "（株）ビーソフト", "2027/3/31", "R8.12.1", "約3,000件"],
        [],
        ["※ 件数は概数です"],
    ], start=5, merges=("A1:I1", "A3:B3", "C3:D3"))
    _sheet(wb, "連携調査", rows=[
        ["連携元システム名", "連携先システム名", "連携方式", "連携頻度"],
        ["住民記録システム", "住民税システム", "ファイル", "日次"],
        ["住記", "国保", "API", "随時"],
    ])
    _sheet(wb, "記入要領", {"A1": "記入要領", "A2": "1. 業務名は標準化対象業務の名称で記入してください。"})
    return _save(wb, path)


def vendor_answer(path: Path) -> Path:
    """A vendor's answer sheet covering several municipalities, with its own name for the vendor list."""
    wb = openpyxl.Workbook()
    _sheet(wb, "回答シート（ビー情報サービス）", {"A1": "標準準拠システム移行 ベンダー回答"}, [
        ["団体コード", "団体名", "対象業務", "パッケージ名", "現行事業者", "移行後事業者", "本番稼働予定日", "移行データ件数",
         "特定移行支援の該当"],
        ["132021", "立川市", "戸籍", "戸籍システム", "ビー情報サービス株式会社", "ビー情報サービス(株)", "R8.3.1", "120,000", "×"],
        ["132021", "立川市", "選挙", "選挙システム", "ビー情報サービス株式会社", "ビー情報サービス(株)", "R8.2.1", 8000, "×"],
        ["132039", "武蔵野市", "児童手当", "児手システム", "ビー情報サービス株式会社", None, "令和9年1月4日", "２,０００件", "○"],
        ["132039", "武蔵野市", "生保", "生活保護システム", "ビー情報サービス株式会社", None, "未定", None, "－"],
    ], start=3)
    _sheet(wb, "事業者一覧", rows=[["事業者名", "同時対応可能数"], ["ビー情報サービス（株）", 2]])
    return _save(wb, path)


def prefecture_rollup(path: Path) -> Path:
    """A prefecture's roll-up of its municipalities: 5-digit codes, a hidden working sheet, a very hidden legend."""
    wb = openpyxl.Workbook()
    rows = [["市町村コード", "市町村名", "業務", "システム", "ベンダー", "契約満了"]]
    for code, name in (("13201", "八王子市"), ("13202", "立川市"), ("13203", "武蔵野市")):
        rows.append([code, name, "住記", "住民記録システム", "エーシステム株式会社", dt.date(2026, 3, 31)])
        rows.append([code, name, "国保", "国保システム", "株式会社シーテック", dt.date(2027, 3, 31)])
    _sheet(wb, "集計表", {"A1": "東京都 市町村システム状況 集計"}, rows, start=2)
    _sheet(wb, "作業用", rows=[["市町村コード", "業務", "システム"], ["13204", "住記", "x"]], state="hidden")
    _sheet(wb, "凡例", rows=[["○", "有"]], state="veryHidden")
    return _save(wb, path)


def english_pmo(path: Path) -> Path:
    """A PMO's English-headed inventory with interfaces and vendors on their own sheets."""
    wb = openpyxl.Workbook()
    _sheet(wb, "Systems", rows=[
        ["LG Code", "Municipality", "Business Area", "System Name", "Current Vendor", "Target Vendor", "Contract End",
         "Go-Live", "Records", "Notes"],
        ["011002", "Sapporo", "Resident Registry", "JUKI-NEXT", "Alpha Systems Co., Ltd.", "Alpha Systems",
         dt.date(2026, 3, 31), dt.date(2026, 1, 13), 1200000, None],
        ["011002", "Sapporo", "National Health Insurance", "NHI-NEXT", "Alpha Systems Inc.", "Alpha Systems",
         dt.date(2026, 3, 31), dt.date(2026, 2, 2), "350,000", "phase 2"],
        ["141003", "Yokohama", "001", "Resident Core", "Beta Tech", "Beta Tech", "2026/03/31", "2025/12/01", 2500000, None],
    ])
    _sheet(wb, "Interfaces", rows=[
        ["Municipality Code", "From", "To", "Method", "Frequency"],
        ["011002", "JUKI-NEXT", "NHI-NEXT", "File", "daily"],
        ["011002", "Resident Registry", "National Health Insurance", "File", "daily"],  # the same pair by area
    ])
    _sheet(wb, "Vendors", rows=[["Vendor", "Capacity"], ["Alpha Systems", 3], ["Beta Tech", 1]])
    return _save(wb, path)


def two_row_header(path: Path) -> Path:
    """Group labels merged over the header (団体, システム, 日程) with the real labels below."""
    wb = openpyxl.Workbook()
    _sheet(wb, "システム一覧", rows=[
        ["団体", None, "業務", "システム", None, "日程", None],
        ["団体コード", "団体名", None, "システム名", "現行ベンダー", "契約満了日", "移行予定日"],
        ["132039", "武蔵野市", "戸籍", "戸籍システム", "ビー情報サービス株式会社", "R8.3.31", "R8.2.2"],
        ["132039", "武蔵野市", "戸籍の附票", "附票システム", "ビー情報サービス株式会社", "R8.3.31", "R8.2.2"],
    ], merges=("A1:B1", "C1:C2", "D1:E1", "F1:G1"))
    return _save(wb, path)


def merged_blocks(path: Path) -> Path:
    """団体コード and 団体名 merged down the rows of each municipality; one block left empty."""
    wb = openpyxl.Workbook()
    rows: list[list[object]] = [["団体コード", "団体名", "業務", "システム名", "ベンダー"]]
    rows += [["132012", "八王子市", area, f"{area}システム", "株式会社エーシステム"] for area in ("住記", "戸籍", "国保")]
    rows += [[None, "立川市", area, f"{area}システム", "株式会社ディー"] for area in ("住記", "戸籍", "国保")]
    _sheet(wb, "システム一覧", rows=rows, merges=("A2:A4", "B2:B4", "A5:A7", "B5:B7"))
    return _save(wb, path)


def notes_in_headers(path: Path) -> Path:
    """Header labels with line breaks, notes in brackets and ※ marks, on a sheet called Sheet1."""
    wb = openpyxl.Workbook()
    _sheet(wb, "Sheet1", rows=[
        ["団体コード\n（6桁）", "団体名", "業務名※必須", "現行\nシステム名", "現行\nベンダー", "移行予定日\n(YYYY/MM/DD)",
         "データ件数※概算", "【備考】"],
        ["131016", "千代田区", "住民基本台帳", "住民記録", "株式会社エーシステム", "2026/01/13", "58,000", None],
        ["131016", "千代田区", "印鑑登録", "印鑑登録", "株式会社エーシステム", "2026/01/13", "21,000", "住記と同時"],
    ])
    return _save(wb, path)


def interfaces_twice(path: Path) -> Path:
    """The same pair in the 連携先 column and on an interface sheet named differently, spelled differently."""
    wb = openpyxl.Workbook()
    _sheet(wb, "システム台帳", rows=[
        ["団体コード", "団体名", "業務", "システム名", "連携先"],
        ["132021", "立川市", "住民基本台帳", "住民記録システム", "住民税システム、外部（国税連携）"],
        ["132021", "立川市", "個人住民税", "住民税システム", None],
    ])
    _sheet(wb, "システム間連携", rows=[
        ["送信元", "受信先", "連携手段", "周期"],
        ["住民記録システム", "個人住民税", "ファイル", "日次"],
        ["住記", "住民税システム", "ファイル", "日次"],
    ])
    return _save(wb, path)


def half_width(path: Path) -> Path:
    """Half-width katakana sheet name and headers, Western dates, no 団体名 column."""
    wb = openpyxl.Workbook()
    _sheet(wb, "ｼｽﾃﾑ一覧", rows=[
        ["団体ｺｰﾄﾞ", "ｼｽﾃﾑ名", "業務", "ﾍﾞﾝﾀﾞｰ", "契約満了日"],
        ["132047", "住基ｼｽﾃﾑ", "住記", "ｴｰｼｽﾃﾑ㈱", "2026-03-31"],
        ["132047", "税ｼｽﾃﾑ", "固定資産税", "ｴｰｼｽﾃﾑ㈱", dt.datetime(2026, 3, 31)],
    ])
    return _save(wb, path)


def cover_sheet(path: Path) -> Path:
    """The 団体コード on a cover sheet (value below its label); lists named 業務システム一覧 and 委託先一覧."""
    wb = openpyxl.Workbook()
    _sheet(wb, "表紙", {"B2": "現行システム調査", "B4": "団体コード", "C4": "団体名", "B5": "131016", "C5": "千代田区"})
    _sheet(wb, "業務システム一覧", rows=[
        ["業務区分", "利用システム", "保守業者", "稼働開始予定日", "移行件数"],
        ["住記", "住民記録システム", "株式会社エーシステム", "R8.1.13", "58,000件"],
        ["介護", "介護システム", "シー株式会社", "R8.3.2", "12,000件"],
    ])
    _sheet(wb, "委託先一覧", rows=[["会社名", "月間対応上限"], ["(株)エーシステム", 2], ["シー(株)", 1]])
    return _save(wb, path)


def label_colon(path: Path) -> Path:
    """団体コード and 団体名 written as 'label：value' lines above the header of a sheet called 調査票."""
    wb = openpyxl.Workbook()
    _sheet(wb, "調査票", {"A1": "団体コード：132055", "A2": "団体名：府中市"}, [
        ["業務", "システム名", "現行ベンダ", "移行先ベンダ", "契約満了日", "移行日", "件数"],
        ["軽自動車税", "軽自システム", "デー株式会社", "イー株式会社", "2026年3月31日", "R8.1.13", "１，２００件"],
    ], start=4)
    return _save(wb, path)


Layout = Callable[[Path], Path]
CORPUS: dict[str, tuple[Layout, dict[str, int], list[tuple[str, str]]]] = {
    "survey_form": (survey_form, {"municipalities": 1, "systems": 4, "interfaces": 3, "vendors": 2},
                    [("INV015", "記入要領!A1"), ("INV003", "現行システム調査票!A5"), ("INV005", "現行システム調査票!A11"),
                     ("INV018", "現行システム調査票!F3")]),
    "vendor_answer": (vendor_answer, {"municipalities": 2, "systems": 4, "interfaces": 0, "vendors": 1},
                      [("INV033", "回答シート（ビー情報サービス）!G7")]),
    "prefecture_rollup": (prefecture_rollup, {"municipalities": 3, "systems": 6, "interfaces": 0, "vendors": 2},
                          [("INV016", "作業用"), ("INV016", "凡例")]
                          + [("INV013", f"集計表!A{r}") for r in range(3, 9)]),
    "english_pmo": (english_pmo, {"municipalities": 2, "systems": 3, "interfaces": 1, "vendors": 2},
                    [("INV043", "Interfaces!B3")]),
    "two_row_header": (two_row_header, {"municipalities": 1, "systems": 2, "interfaces": 0, "vendors": 1}, []),
    "merged_blocks": (merged_blocks, {"municipalities": 1, "systems": 3, "interfaces": 0, "vendors": 1},
                      [("INV010", "システム一覧!A5"), ("INV010", "システム一覧!A6"), ("INV010", "システム一覧!A7")]),
    "notes_in_headers": (notes_in_headers, {"municipalities": 1, "systems": 2, "interfaces": 0, "vendors": 1}, []),
    "interfaces_twice": (interfaces_twice, {"municipalities": 1, "systems": 2, "interfaces": 2, "vendors": 0},
                         [("INV043", "システム間連携!A3")]),
    "half_width": (half_width, {"municipalities": 1, "systems": 2, "interfaces": 0, "vendors": 1},
                   [("INV014", "ｼｽﾃﾑ一覧!A2")]),
    "cover_sheet": (cover_sheet, {"municipalities": 1, "systems": 2, "interfaces": 0, "vendors": 2},
                    [("INV018", "表紙!B5")]),
    "label_colon": (label_colon, {"municipalities": 1, "systems": 1, "interfaces": 0, "vendors": 2},
                    [("INV018", "調査票!A1")]),
}


def _where(f) -> str:  # type: ignore[no-untyped-def]
    if f.location.sheet is None:
        return ""
    return f.location.sheet + (f"!{f.location.cell}" if f.location.cell else "")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_layout_reads_with_expected_counts_and_findings(name: str, tmp_path: Path) -> None:
    build, counts, expected = CORPUS[name]
    result = read_inventory([build(tmp_path / f"{name}.xlsx")])
    inv = result.inventory
    assert {"municipalities": len(inv.municipalities), "systems": len(inv.systems),
            "interfaces": len(inv.interfaces), "vendors": len(inv.vendors)} == counts
    assert sorted((f.code, _where(f)) for f in result.findings) == sorted(expected)


def test_corpus_values_are_read_right(tmp_path: Path) -> None:
    survey = read_inventory([survey_form(tmp_path / "s.xlsx")]).inventory
    by_name = {s.name: s for s in survey.systems}
    juki = by_name["住民記録システム"]
    assert (juki.municipality_code, juki.area_code, juki.current_vendor, juki.contract_end, juki.planned_date,
            juki.record_count) == ("132012", "001", "株式会社エーシステム", dt.date(2026, 3, 31), dt.date(2026, 1, 5), 12345)
    assert {s.current_vendor for s in survey.systems} == {"株式会社エーシステム", "（株）ビーソフト"}
    assert by_name["介護保険システム"].record_count == 3000
    assert [m.name for m in survey.municipalities] == ["八王子市"]
    assert sorted((i.source, i.target, i.method) for i in survey.interfaces) == [
        ("住民記録システム", "住民税システム", "ファイル"), ("住記", "国保", "API"), ("国保システム", "住民記録システム", "")]

    pmo = read_inventory([english_pmo(tmp_path / "e.xlsx")]).inventory
    assert {(s.municipality_code, s.area_code, s.name, s.current_vendor, s.record_count) for s in pmo.systems} == {
        ("011002", "001", "JUKI-NEXT", "Alpha Systems", 1200000), ("011002", "024", "NHI-NEXT", "Alpha Systems", 350000),
        ("141003", "001", "Resident Core", "Beta Tech", 2500000)}
    assert {v.name: v.capacity for v in pmo.vendors} == {"Alpha Systems": 3, "Beta Tech": 1}

    cover = read_inventory([cover_sheet(tmp_path / "c.xlsx")]).inventory
    assert [(m.code, m.name) for m in cover.municipalities] == [("131016", "千代田区")]
    assert {s.name: (s.planned_date, s.record_count) for s in cover.systems} == {
        "住民記録システム": (dt.date(2026, 1, 13), 58000), "介護システム": (dt.date(2026, 3, 2), 12000)}


def test_corpus_imports_through_the_cli_without_a_synonyms_file(workdir: Path) -> None:
    import json

    for name, (build, _, _) in sorted(CORPUS.items()):
        if name == "merged_blocks":  # its rejected rows are errors: nothing would be written
            continue
        run_cli("inventory", "import", str(build(workdir / f"{name}.xlsx")), expect=0)
    listed = json.loads(run_cli("inventory", "list", "--format", "json").stdout)
    assert {k: len(v) for k, v in listed.items()} == {"municipalities": 8, "systems": 25, "interfaces": 6,
                                                       "vendors": 9}


def test_a_hidden_sheet_is_told_in_each_language(tmp_path: Path) -> None:
    result = read_inventory([prefecture_rollup(tmp_path / "rollup.xlsx")])
    hidden = {f.location.sheet: (f.message_ja, f.message_en) for f in result.findings if f.code == "INV016"}
    assert hidden == {
        "作業用": ("シート 作業用 は非表示（シートの再表示で表示できます）のため読み飛ばしました。取り込むには再表示してください。",
                "Sheet 作業用 is hidden (hidden) and was skipped; unhide it to import it."),
        "凡例": ("シート 凡例 は非表示（Excel の画面からは再表示できません）のため読み飛ばしました。取り込むには再表示してください。",
               "Sheet 凡例 is hidden (veryHidden) and was skipped; unhide it to import it."),
    }
