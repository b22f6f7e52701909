"""Inventories in two vendor layouts nobody tuned the importer on, imported and checked through the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook

from tests.conftest import run_cli


def _answer_form(path: Path) -> None:
    """A vendor's answer form: 団体コード on a cover sheet, a two-row header whose group labels (事業者, 日程) are
    merged over 現行 | 移行後 and 契約満了日 | 移行予定日, 和暦 and Excel dates, counts with 件 and a note row."""
    wb = Workbook()
    cover = wb.active
    cover.title = "表紙"
    cover["B4"], cover["C4"] = "団体コード", "団体名"
    cover["B5"], cover["C5"] = "１３１０１６", "千代田区 "
    s = wb.create_sheet("システム調査")
    s.merge_cells("A1:H1")
    s["A1"] = "１．現行システムの状況"
    for col, label in (("A", "No"), ("B", "業務名称"), ("C", "パッケージ名"), ("H", "データ件数 ")):
        s.merge_cells(f"{col}4:{col}5")
        s[f"{col}4"] = label
    s.merge_cells("D4:E4")
    s["D4"], s["D5"], s["E5"] = "事業者", "現行", "移行後"
    s.merge_cells("F4:G4")
    s["F4"], s["F5"], s["G5"] = "日程", "契約満了日", "移行予定日"
    rows = [(1, "住民記録", "AAA住記", "株式会社エー", "ビー株式会社", dt.date(2026, 3, 31), "令和7年12月1日", "１２，０００件"),
            (2, "国保", "AAA国保", "㈱エー", "ビー株式会社", "R8.3.31", "2025/11/4", "3000")]
    for r, row in enumerate(rows, start=6):
        for c, v in enumerate(row, start=1):
            s.cell(row=r, column=c, value=v)
    s.cell(row=9, column=1, value="※ 件数は概数で可")
    wb.save(path)


def _pmo_rollup(path: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "Inventory"
    s.append(["Current system inventory (prefecture roll-up)"])
    s.append([])
    s.append(["LG Code", "Municipality", "Business Area", "System Name", "Current Vendor", "Go-Live", "Records"])
    s.append([11002, "札幌市", "Resident Registry", "Sapporo JUKI", "Vendor X Ltd.", "2025-10-01", 1900000])
    s.append(["012025", "函館市", "Individual Inhabitant Tax", "Hakodate Tax", "vendor x ltd", "2025-12-01", None])
    s.append(["012025", "函館市", "Corporate Inhabitant Tax", "Hakodate Corp Tax", "Vendor X Ltd.", "2025-12-01", None])
    wb.save(path)


def test_group_labels_over_a_two_row_header_name_their_columns(workdir: Path) -> None:
    _answer_form(workdir / "answer.xlsx")
    result = run_cli("--lang", "en", "inventory", "import", "answer.xlsx", "--format", "json")
    assert not [f for f in json.loads(result.stdout)["findings"] if f["code"] == "INV003" and "移行後" in f["message"]]
    listed = json.loads(run_cli("--lang", "en", "inventory", "list", "--format", "json").stdout)
    systems = {s["system_name"]: s for s in listed["systems"]}
    assert systems["AAA住記"]["current_vendor"] == "株式会社エー"
    assert systems["AAA住記"]["target_vendor"] == "ビー株式会社"  # 移行後 under 事業者
    assert (systems["AAA住記"]["contract_end"], systems["AAA住記"]["planned_date"]) == ("2026-03-31", "2025-12-01")
    assert systems["AAA住記"]["record_count"] == 12000


def test_inhabitant_tax_is_the_english_of_juminzei(workdir: Path) -> None:
    _pmo_rollup(workdir / "rollup.xlsx")
    run_cli("--lang", "en", "inventory", "import", "rollup.xlsx")
    listed = json.loads(run_cli("--lang", "en", "inventory", "list", "--format", "json").stdout)
    assert {s["system_name"]: s["area_code"] for s in listed["systems"]} == {
        "Sapporo JUKI": "001", "Hakodate Tax": "010", "Hakodate Corp Tax": "011"}


def test_a_dry_run_leaves_no_database_behind(workdir: Path) -> None:
    _pmo_rollup(workdir / "rollup.xlsx")
    result = run_cli("--lang", "en", "inventory", "import", "rollup.xlsx", "--dry-run", "--format", "json")
    assert json.loads(result.stdout)["summary"]["per_municipality"]["011002"]["added"] >= 1
    assert sorted(p.name for p in workdir.iterdir()) == ["rollup.xlsx"]
    # with a store, a dry run compares with it and still writes nothing
    run_cli("--lang", "en", "inventory", "import", "rollup.xlsx")
    again = run_cli("--lang", "en", "inventory", "import", "rollup.xlsx", "--dry-run", "--format", "json")
    assert json.loads(again.stdout)["summary"]["per_municipality"]["011002"]["added"] == 0


def _dated(path: Path, juki: tuple[str, str], kokuho: tuple[str, str]) -> None:
    """Two systems of 131016 whose 契約満了日 and 移行予定日 are written as given."""
    wb = Workbook()
    s = wb.active
    s.title = "システム一覧"
    s.append(["団体コード", "業務", "システム名", "契約満了日", "移行予定日"])
    s.append(["131016", "住記", "A住記", *juki])
    s.append(["131016", "国保", "A国保", *kokuho])
    wb.save(path)


def test_fiscal_years_and_pasted_times_are_dates(workdir: Path) -> None:
    _dated(workdir / "fy.xlsx", ("令和7年度末", "2025-12-01 00:00:00"), ("FY2025", "R7年度中"))
    result = run_cli("--lang", "ja", "inventory", "import", "fy.xlsx", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    said = {(f["code"], f["location"]["cell"]) for f in findings if f["code"].startswith("INV03")}
    assert said == {("INV037", "D2"), ("INV037", "D3"), ("INV037", "E3")}, findings
    assert "年度末日 2026-03-31" in next(f["message"] for f in findings if f["code"] == "INV037")
    listed = json.loads(run_cli("--lang", "en", "inventory", "list", "--format", "json").stdout)
    assert {(s["system_name"], s["contract_end"], s["planned_date"]) for s in listed["systems"]} == {
        ("A住記", "2026-03-31", "2025-12-01"), ("A国保", "2026-03-31", "2026-03-31")}


def test_a_fiscal_year_outside_its_era_is_refused_as_a_date_is(workdir: Path) -> None:
    # 平成32年3月31日 is INV032; so is 平成32年度末 (and 昭和64年度, 令和0年度), not a silent FY2020.
    _dated(workdir / "fy.xlsx", ("平成32年度末", "平成31年度"), ("昭和64年度", "令和0年度"))
    result = run_cli("--lang", "en", "inventory", "import", "fy.xlsx", "--format", "json", expect=None)
    findings = json.loads(result.stdout)["findings"]
    said = {(f["code"], f["location"]["cell"]) for f in findings if f["code"].startswith("INV03")}
    assert said == {("INV032", "D2"), ("INV037", "E2"), ("INV032", "D3"), ("INV032", "E3")}, findings


def test_a_label_under_a_group_label_is_read_with_the_group_first(workdir: Path) -> None:
    # 事業者 under 移行後 is the target vendor, though 事業者 alone is the current one; an unrecognised column
    # under the group is named as written, not by the joined labels tried.
    wb = Workbook()
    s = wb.active
    s.title = "システム一覧"
    s.append(["団体コード", "業務", "システム名", "移行後", None, None])
    s.append([None, None, None, "事業者", "移行予定日", "備品"])
    s.merge_cells("D1:F1")
    for c in "ABC":
        s.merge_cells(f"{c}1:{c}2")
    s.append(["131016", "住記", "A住記", "ビー株式会社", "2025-12-01", "x"])
    wb.save(workdir / "grp.xlsx")
    result = run_cli("--lang", "en", "inventory", "import", "grp.xlsx", "--format", "json")
    ignored = [f["message"] for f in json.loads(result.stdout)["findings"] if f["code"] == "INV003"]
    assert ignored == ["Column '備品' is not recognised and was ignored."], ignored
    listed = json.loads(run_cli("--lang", "en", "inventory", "list", "--format", "json").stdout)
    [system] = listed["systems"]
    assert (system["current_vendor"], system["target_vendor"]) == (None, "ビー株式会社")
