"""Every problem of a row at its cell, rejected rows that create nothing, interfaces keyed on the systems they join."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from migrator.inventory.checks import check_inventory
from migrator.services.inventory import import_inventory
from migrator.store import Store
from migrator.store.inventory_repo import inventory_counts, load_inventory

HEADER = ["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "契約満了日", "移行予定日", "データ件数", "特定移行支援",
          "連携先"]
GOOD = ["132012", "八王子市", "住記", "住民記録システム", "株式会社エーシステム", "R8.3.31", "R8.1.5", "1,000件", "×",
        "国保システム"]


def _book(path: Path, rows: list[list[object]], links: list[list[object]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    for row in [HEADER, *rows]:
        ws.append(row)
    if links is not None:
        sheet = wb.create_sheet("連携一覧")
        for row in [["連携元", "連携先", "方式", "頻度"], *links]:
            sheet.append(row)
    wb.save(path)
    return path


def _found(report) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(f.code, f.severity, f"{f.location.sheet}!{f.location.cell}") for f in report.findings
            if f.code not in ("INV090", "INV091", "INV098")]


def test_every_problem_of_a_rejected_row_is_reported_at_its_cell(store: Store, tmp_path: Path) -> None:
    bad = ["132013", "立川市", "文書管理", "文書システム", "株式会社ゼット", "R7.13.1", "平成38年1月5日", "多数", "要確認", None]
    path = _book(tmp_path / "bad.xlsx", [[*GOOD[:-1], None], bad])

    report = import_inventory([path], store=store, partial=True)

    assert sorted(_found(report)) == sorted([
        ("INV011", "error", "システム一覧!A3"), ("INV020", "error", "システム一覧!C3"),
        ("INV030", "error", "システム一覧!F3"), ("INV032", "error", "システム一覧!G3"),
        ("INV035", "error", "システム一覧!H3"), ("INV034", "error", "システム一覧!I3"),
    ])
    assert report.summary["rows_rejected"] == 1
    with store.reader() as session:
        inv = load_inventory(session)
    # The rejected row created neither its municipality nor its vendor.
    assert [m.code for m in inv.municipalities] == ["132012"]
    assert [v.name for v in inv.vendors] == ["株式会社エーシステム"]


def test_rows_under_an_empty_merged_block_are_each_reported(store: Store, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(HEADER)
    for area in ("住記", "戸籍", "国保"):
        ws.append([None, "立川市", area, f"{area}システム"])
    ws.merge_cells("A2:A4")
    ws.merge_cells("B2:B4")
    path = tmp_path / "merged.xlsx"
    wb.save(path)

    report = import_inventory([path], store=store, partial=True)

    assert _found(report) == [("INV010", "error", f"システム一覧!A{r}") for r in (2, 3, 4)]
    assert report.summary["rows_rejected"] == 3
    with store.reader() as session:
        assert inventory_counts(session)["municipalities"] == 0


def test_an_unreadable_value_is_an_error_stored_empty_only_with_partial(store: Store, tmp_path: Path) -> None:
    path = _book(tmp_path / "date.xlsx", [[*GOOD[:5], "R7.13.1", *GOOD[6:-1], None]])

    refused = import_inventory([path], store=store)
    assert _found(refused) == [("INV030", "error", "システム一覧!F2")]
    assert not refused.valid and refused.summary["written"] is False
    with store.reader() as session:
        assert inventory_counts(session)["systems"] == 0

    partial = import_inventory([path], store=store, partial=True)
    assert partial.summary["written"] is True
    with store.reader() as session:
        (system,) = load_inventory(session).systems
    assert system.contract_end is None and system.planned_date == dt.date(2026, 1, 5)


def test_interfaces_are_keyed_on_the_systems_they_join(store: Store, tmp_path: Path) -> None:
    kokuho = ["132012", "八王子市", "国民健康保険", "国保システム", "株式会社エーシステム", None, None, None, None, None]
    first = _book(tmp_path / "v1.xlsx", [GOOD, kokuho],
                  links=[["住民記録システム", "国民健康保険", "ファイル", "日次"], ["住記", "国保システム", "ファイル", "日次"]])

    report = import_inventory([first], store=store)

    assert report.summary["read"]["interfaces"] == 1
    assert [(f.code, f"{f.location.sheet}!{f.location.cell}") for f in report.findings if f.code == "INV043"] == [
        ("INV043", "連携一覧!A3")]
    with store.reader() as session:
        (iface,) = load_inventory(session).interfaces
    assert (iface.source, iface.target, iface.method) == ("住民記録システム", "国民健康保険", "ファイル")

    # A newer workbook that changes only 方式, writing the ends another way, updates the interface.
    newer = _book(tmp_path / "v2.xlsx", [GOOD, kokuho], links=[["住民記録", "国保", "API", "日次"]])
    updated = import_inventory([newer], store=store)
    assert [f.message_en for f in updated.findings if f.code == "INV091"] == [
        "interface '132012 住民記録システム → 国民健康保険': method changed from 'ファイル' to 'API'."]
    assert [f.message_ja for f in updated.findings if f.code == "INV091"] == [
        "連携「132012 住民記録システム → 国民健康保険」の 方式 を「ファイル」から「API」に更新しました。"]
    with store.reader() as session:
        (iface,) = load_inventory(session).interfaces
    assert iface.method == "API"
    assert import_inventory([newer], store=store).summary["written"] is False


def test_a_system_list_without_any_municipality_code_rejects_its_rows_once(store: Store, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "調査票"
    ws["A1"] = "団体名：八王子市"
    ws.append([])
    ws.append(["業務", "システム名", "現行ベンダー"])
    ws.append(["住記", "住民記録システム", "株式会社エーシステム"])
    ws.append(["国保", "国保システム", "株式会社エーシステム"])
    path = tmp_path / "nocode.xlsx"
    wb.save(path)

    report = import_inventory([path], store=store, partial=True)

    assert _found(report) == [("INV017", "error", "調査票!None")]
    assert report.summary["rows_rejected"] == 2
    with store.reader() as session:
        assert inventory_counts(session) == {"municipalities": 0, "systems": 0, "interfaces": 0, "vendors": 0}


def test_a_text_longer_than_the_store_keeps_is_an_error_at_its_cell(store: Store, tmp_path: Path) -> None:
    long_name = "住民記録システム" * 26  # 208 characters
    path = _book(tmp_path / "long.xlsx", [[*GOOD[:3], long_name, *GOOD[4:-1], None]])

    report = import_inventory([path], store=store)

    assert [(f.code, f.severity, f"{f.location.sheet}!{f.location.cell}", f.message_en) for f in report.findings
            if f.code == "INV024"] == [
        ("INV024", "error", "システム一覧!D2", "name has 208 characters, more than the 200 the store keeps; "
         "an error for this field.")]
    with store.reader() as session:
        assert inventory_counts(session)["systems"] == 0


def test_dates_before_2000_are_warned_at_their_cell_and_imported_as_written(store: Store, tmp_path: Path) -> None:
    from migrator.inventory.checks import source_location

    rows = [[*GOOD[:5], dt.datetime(1900, 1, 1), "1985/4/1", *GOOD[7:]],
            ["132012", "八王子市", "国保", "国保システム", "株式会社エーシステム", "R8.3.31", "1999-12-31", 10, "×", None]]
    report = import_inventory([_book(tmp_path / "old.xlsx", rows)], store=store)
    warned = [(f.location.cell, f.value) for f in report.findings if f.code == "INV036"]
    assert warned == [("F2", "1900-01-01"), ("G2", "1985/4/1"), ("G3", "1999-12-31")]
    first = next(f for f in report.findings if f.code == "INV036")
    assert first.message_en.startswith("contract end '1900-01-01' is before 2000-01-01")
    assert first.message_ja.startswith("契約満了日「1900-01-01」は 2000-01-01 より前の日付です")
    with store.reader() as session:
        systems = {s.name: s for s in load_inventory(session).systems}
    assert systems["住民記録システム"].planned_date == dt.date(1985, 4, 1)  # a warning: kept as written
    assert source_location(systems["国保システム"].cell("planned_date")).cell == "G3"


@pytest.mark.parametrize(("source", "file", "sheet", "cell"), [
    ("/data/book.xlsx システム 一覧!J5", "/data/book.xlsx", "システム 一覧", "J5"),
    ("/data/my book.xlsx システム一覧!J5", "/data/my book.xlsx", "システム一覧", "J5"),
    ("C:/業者 A/一覧 2026.XLSM Sheet 1!AB12", "C:/業者 A/一覧 2026.XLSM", "Sheet 1", "AB12"),
])
def test_a_record_source_is_split_into_file_sheet_and_cell_whatever_spaces_they_hold(source: str, file: str,
                                                                                       sheet: str, cell: str) -> None:
    from migrator.inventory.checks import source_location

    where = source_location(source)
    assert (where.file, where.sheet, where.cell) == (file, sheet, cell)


def test_a_workbook_without_a_column_leaves_that_field_of_stored_systems_as_it_was(store: Store,
                                                                                     tmp_path: Path) -> None:
    full = _book(tmp_path / "full.xlsx", [GOOD])
    import_inventory([full], store=store)
    # A later sheet that only updates the planned dates says nothing about vendors, contracts or counts.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["自治体コード", "業務名", "システム名称", "移行予定日"])
    ws.append(["132012", "住民記録", "住民記録システム", "2026/2/2"])
    wb.save(tmp_path / "dates.xlsx")

    report = import_inventory([tmp_path / "dates.xlsx"], store=store)

    assert [f.message_en for f in report.findings if f.code == "INV091"] == [
        "system '132012 001 住民記録システム': planned date changed from '2026-01-05' to '2026-02-02'."]
    with store.reader() as session:
        (system,) = load_inventory(session).systems
    assert (system.current_vendor, system.contract_end, system.record_count, system.planned_date) == (
        "株式会社エーシステム", dt.date(2026, 3, 31), 1000, dt.date(2026, 2, 2))
    assert system.cell("planned_date").endswith("dates.xlsx Sheet1!D2")


def test_an_interface_end_written_without_the_word_system_names_that_system(store: Store, tmp_path: Path) -> None:
    zei = ["132012", "八王子市", "個人住民税", "税務システム", "株式会社エーシステム", None, None, None, None, None]
    juki = [*GOOD[:-1], None]
    path = _book(tmp_path / "v1.xlsx", [juki, zei], links=[["住民記録", "税務", "ファイル（暫定）", "日次"]])

    report = import_inventory([path], store=store)

    with store.reader() as session:
        inventory = load_inventory(session)
    assert [f.code for f in check_inventory(inventory).findings if f.code == "INV102"] == []
    assert [f.code for f in report.findings if f.code in ("INV043", "INV102")] == []
    # the same pair written with the full names is the same interface
    again = _book(tmp_path / "v2.xlsx", [juki, zei], links=[["住民記録システム", "税務 システム", "API", "日次"]])
    assert [f.message_en for f in import_inventory([again], store=store).findings if f.code == "INV091"] == [
        "interface '132012 住民記録 → 税務': method changed from 'ファイル（暫定）' to 'API'."]


def test_an_interface_list_of_a_roll_up_may_name_its_municipality_by_name(store: Store, tmp_path: Path) -> None:
    # A prefecture roll-up: a sheet per municipality (団体コード in the title block), one interface list that
    # names the municipality of each row by 団体名.
    wb = openpyxl.Workbook()
    for i, (code, name) in enumerate((("271403", "堺市"), ("272035", "岸和田市"))):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append(["団体コード", code])
        ws.append(["団体名", name])
        ws.append(["業務", "システム名"])
        ws.append(["住記", "住民記録システム"])
        ws.append(["国保", "国保システム"])
    links = wb.create_sheet("連携一覧")
    links.append(["団体名", "連携元", "連携先", "方式"])
    links.append(["堺市", "住民記録システム", "国保システム", "ファイル"])
    links.append(["岸和田市", "住民記録システム", "国保システム", "API"])
    links.append(["和泉市", "住民記録システム", "国保システム", "API"])
    wb.save(tmp_path / "rollup.xlsx")

    report = import_inventory([tmp_path / "rollup.xlsx"], store=store, partial=True)

    assert [(f.code, f.location.cell) for f in report.findings if f.severity == "error"] == [("INV042", "A4")]
    with store.reader() as session:
        interfaces = load_inventory(session).interfaces
    assert sorted((i.municipality_code, i.method) for i in interfaces) == [("271403", "ファイル"), ("272035", "API")]
