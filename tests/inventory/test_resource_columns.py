"""The resource columns of an inventory (docs/planning.md#resources): a vendor's teams, project slots and
cut-over slots, a municipality's IT staff; read under the headings inventories use, stored, and checked
against the planned dates by the same periods the planner counts."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from migrator.inventory.checks import check_inventory, cutover_period
from migrator.services.inventory import import_inventory
from migrator.store import Store
from migrator.store.inventory_repo import load_inventory
from tests.conftest import run_cli

HEADER = ["団体コード", "団体名", "業務", "システム名", "移行先ベンダー", "移行予定日", "担当職員数"]


def _book(path: Path, rows: list[list[object]], vendors: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    for row in [HEADER, *rows]:
        ws.append(row)
    sheet = wb.create_sheet("ベンダー")
    for row in vendors:
        sheet.append(row)
    wb.save(path)
    return path


ROWS = [
    # Three cut-overs in the weekend of 2026-01-10 (Mon 01-12 is a holiday: 01-13 is its first business day),
    # two more in January: four in the month.
    ["132012", "八王子市", "住記", "住民記録システム", "エーシステム", dt.date(2026, 1, 13), "3名"],
    ["132012", "八王子市", "国保", "国保システム", "エーシステム", dt.date(2026, 1, 14), 3],
    ["132012", "八王子市", "介護", "介護システム", "エーシステム", dt.date(2026, 1, 16), None],
    ["132012", "八王子市", "後期", "後期高齢システム", "エーシステム", dt.date(2026, 1, 26), "４"],
]


def test_resource_columns_are_read_under_their_headings_and_stored(store: Store, tmp_path: Path) -> None:
    vendors = [["ベンダー", "作業チーム数", "同時移行数", "本番移行上限", "週末移行上限", "月間対応上限"],
               ["エーシステム", 8, "12プロジェクト", 2, 2, "３件"]]
    report = import_inventory([_book(tmp_path / "a.xlsx", ROWS, vendors)], store=store, partial=True)
    # 4 on one row of 八王子市 after 3 on the first: the first is kept.
    assert [(f.code, f.location.cell) for f in report.findings if f.code.startswith("INV11")] == [("INV112", "G5")]
    with store.reader() as session:
        inv = load_inventory(session)
    (vendor,) = inv.vendors
    assert (vendor.capacity, vendor.projects, vendor.cutovers_day, vendor.cutovers_weekend,
            vendor.cutovers_month) == (8, 12, 2, 2, 3)
    assert [(m.code, m.staff) for m in inv.municipalities] == [("132012", 3)]
    found = check_inventory(inv).findings
    # Weekend of 2026-01-10: 住記, 国保, 介護 > 2 (INV110); January: 4 > 3 (INV111); no day has more than 2.
    assert sorted((f.code, f.item) for f in found if f.code in ("INV105", "INV110", "INV111")) == [
        ("INV110", "エーシステム"), ("INV111", "エーシステム")]
    weekend = next(f for f in found if f.code == "INV110")
    assert "2026-01-10" in weekend.message_en and "3 system cut-overs" in weekend.message_en
    # At the planned date of the third cut-over (over the 2 a weekend takes), listing each with its cell, the
    # list in the language of the message.
    book = str(tmp_path / "a.xlsx")
    assert (weekend.location.file, weekend.location.sheet, weekend.location.cell) == (book, "システム一覧", "F4")
    assert [(e.location.cell, e.value) for e in weekend.examples] == [
        ("F2", "2026-01-13"), ("F3", "2026-01-14"), ("F4", "2026-01-16")]
    assert weekend.message_en.endswith("132012 介護システム (システム一覧!F4), 132012 住民記録システム (システム一覧!F2), "
                                       "132012 国保システム (システム一覧!F3)")
    assert "、" not in weekend.message_en and "(システム一覧!F4)、132012 住民記録システム" in weekend.message_ja
    month = next(f for f in found if f.code == "INV111")
    assert month.location.cell == "F5" and len(month.examples) == 4


def test_a_cutover_counts_in_the_weekend_before_it_and_in_its_month() -> None:
    assert cutover_period(dt.date(2026, 1, 13), "weekend") == dt.date(2026, 1, 10)
    assert cutover_period(dt.date(2026, 1, 10), "weekend") == dt.date(2026, 1, 10)
    assert cutover_period(dt.date(2026, 1, 26), "month") == dt.date(2026, 1, 1)


def test_an_unreadable_limit_is_an_error_at_its_cell(store: Store, tmp_path: Path) -> None:
    vendors = [["ベンダー", "同時移行プロジェクト数", "月間本番移行上限"], ["エーシステム", "多数", 0]]
    report = import_inventory([_book(tmp_path / "b.xlsx", ROWS[:1], vendors)], store=store, partial=True)
    assert sorted((f.code, f.location.cell) for f in report.findings if f.code == "INV113") == [
        ("INV113", "B2"), ("INV113", "C2")]
    message = next(f for f in report.findings if f.code == "INV113" and f.location.cell == "B2")
    assert message.message("ja").startswith("同時移行プロジェクト数「多数」") and "project slots" in message.message_en


def test_a_workbook_of_vendor_capacities_alone_is_imported_with_the_system_lists(workdir: Path) -> None:
    # The PMO keeps the vendors' declared capacity in a workbook of its own, counts written as people write them.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ベンダー別キャパシティ"
    ws.append(["ベンダー別対応可能数"])
    ws.append([])
    ws.append(["事業者名", "同時作業上限（チーム）", "月間本番移行上限"])
    ws.append(["ＡＢＣ情報サービス株式会社", 2, "3件"])
    wb.save(workdir / "vendors.xlsx")
    wb = openpyxl.Workbook()
    wb.active.title = "システム台帳"
    wb.active.append(["自治体コード", "団体名称", "業務名", "システム名", "現行ベンダ"])
    wb.active.append(["271403", "堺市", "国民健康保険", "国保システム", "ABC情報サービス(株)"])
    wb.save(workdir / "systems.xlsx")

    result = run_cli("--lang", "en", "inventory", "import", "vendors.xlsx", "systems.xlsx", expect=0)

    assert "INV001" not in result.stdout
    (vendor,) = json.loads(run_cli("inventory", "list", "--format", "json").stdout)["vendors"]
    assert vendor == {"name": "ＡＢＣ情報サービス株式会社", "capacity": 2}


@pytest.mark.parametrize("written", ["２チーム", "2 チーム", "3人", "２"])
def test_teams_are_read_as_people_write_counts_like_the_other_limits(store: Store, tmp_path: Path,
                                                                      written: str) -> None:
    path = _book(tmp_path / "v.xlsx", [["132012", "八王子市", "住記", "住記", "A社"]],
                 [["ベンダー", "同時作業上限"], ["A社", written]])
    report = import_inventory([path], store=store)
    assert [f.code for f in report.findings if f.severity == "error"] == []
    with store.reader() as session:
        (vendor,) = load_inventory(session).vendors
    assert vendor.capacity == int(unicodedata.normalize("NFKC", written)[0])


def test_cut_overs_of_a_period_read_from_two_workbooks_are_each_named_with_their_file(store: Store,
                                                                                      tmp_path: Path) -> None:
    vendors = [["ベンダー", "同時作業上限"], ["エーシステム", 1]]
    first = _book(tmp_path / "hachioji.xlsx", [ROWS[0]], vendors)
    second = _book(tmp_path / "tachikawa.xlsx",
                   [["132021", "立川市", "住記", "住民記録システム", "エーシステム", dt.date(2026, 1, 13), None]], vendors)
    import_inventory([first, second], store=store, partial=True)
    with store.reader() as session:
        (finding,) = [f for f in check_inventory(load_inventory(session)).findings if f.code == "INV105"]
    assert f"132012 住民記録システム ({tmp_path / 'hachioji.xlsx'} システム一覧!F2)" in finding.message_en
    assert f"132021 住民記録システム ({tmp_path / 'tachikawa.xlsx'} システム一覧!F2)" in finding.message_en


def test_a_vendor_listed_in_two_workbooks_with_other_limits_keeps_the_first_and_says_so(store: Store,
                                                                                       tmp_path: Path) -> None:
    first = _book(tmp_path / "a.xlsx", [ROWS[0]], [["ベンダー", "同時作業上限"], ["株式会社エーシステム", 2]])
    same = _book(tmp_path / "b.xlsx", [["132021", "立川市", "住記", "住民記録システム", "エーシステム", None, None]],
                 [["ベンダー", "同時作業上限"], ["(株)エーシステム", 2]])
    other = _book(tmp_path / "c.xlsx", [["132039", "武蔵野市", "住記", "住民記録システム", "エーシステム", None, None]],
                  [["ベンダー", "同時作業上限"], ["(株)エーシステム", 5]])

    report = import_inventory([first, same, other], store=store, partial=True)

    # the same figures twice are one vendor in silence; other figures are said, at the later row
    assert [(f.code, f.location.file, f.location.cell) for f in report.findings if f.code == "INV051"] == [
        ("INV051", str(other), "A2")]
    with store.reader() as session:
        (vendor,) = load_inventory(session).vendors
    assert (vendor.name, vendor.capacity) == ("株式会社エーシステム", 2)
