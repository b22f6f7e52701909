"""Hidden columns of inventory workbooks, imported through ``migrator inventory import``: a visible column wins a
heading over a hidden one (INV008 at the hidden heading), and a hidden column is read only when no visible
column holds its item (INV009)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrator.store import Store
from migrator.store.inventory_repo import load_inventory
from tests.conftest import run_cli

HEADER = ["団体コード", "団体名", "業務", "システム名"]
ROWS = [["132012", "八王子市", "住記", "住民記録システム"], ["132012", "八王子市", "国保", "国保システム"]]


def _book(path: Path, extra: list[tuple[str, list[Any]]], *, hidden: tuple[str, ...] = (),
          title: str = "システム一覧", header: list[str] = HEADER, rows: list[list[Any]] = ROWS) -> Path:
    """A sheet with a title row above its header (row 2) and ``extra`` columns (label, a value per row) after
    ``header``, the columns ``hidden`` (letters) hidden."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["令和7年度 現行システム調査"])
    ws.append([*header, *(label for label, _ in extra)])
    for i, row in enumerate(rows):
        ws.append([*row, *(values[i] for _, values in extra)])
    for letter in hidden:
        ws.column_dimensions[letter].hidden = True
    wb.save(path)
    return path


def _import(db_url: str, path: Path, *, lang: str = "en") -> dict[str, Any]:
    result = run_cli("--db", db_url, "--lang", lang, "inventory", "import", str(path), "--format", "json")
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _found(report: dict[str, Any], *codes: str) -> list[tuple[str, str, str, str, str]]:
    return [(f["code"], f["severity"], f"{f['location']['sheet']}!{f['location']['cell']}", f["message_ja"],
             f["message_en"]) for f in report["findings"] if f["code"] in codes]


def _systems(store: Store) -> dict[str, Any]:
    with store.reader() as session:
        return {s.name: s for s in load_inventory(session).systems}


STALE = [
    # hidden heading, its stale values, visible heading, its current values, the field stored
    ("移行予定日", [dt.date(2025, 1, 6), dt.date(2025, 2, 3)], "移行予定日",
     [dt.date(2026, 4, 6), dt.date(2026, 5, 11)], "planned_date"),
    ("ベンダー", ["旧システム株式会社", "旧システム株式会社"], "現行ベンダー", ["株式会社エーシステム", "ビー株式会社"],
     "current_vendor"),
    ("特定移行支援", ["○", "○"], "特定移行支援", ["×", "×"], "special_support"),
]


@pytest.mark.parametrize(("old", "stale", "new", "current", "fieldname"), STALE, ids=[s[4] for s in STALE])
def test_a_visible_column_wins_its_heading_over_a_hidden_one_standing_first(
        store: Store, db_url: str, tmp_path: Path, old: str, stale: list[Any], new: str, current: list[Any],
        fieldname: str) -> None:
    # The PMO kept the old column (E) hidden, left of the current one (F): the hidden one used to be read.
    path = _book(tmp_path / "inv.xlsx", [(old, stale), (new, current)], hidden=("E",))
    report = _import(db_url, path)
    assert report["exit_code"] == 0
    assert _found(report, "INV008", "INV009", "INV003") == [(
        "INV008", "warning", "システム一覧!E2",
        f"E 列「{old}」は非表示のため読まず、同じ項目の表示されている F 列「{new}」を読みました。古い列なら削除してください。",
        f"Column E '{old}' is hidden and was not read; the visible column F '{new}' of the same item was read "
        f"instead. Delete the hidden column if it is an old one.")]
    systems = _systems(store)
    expected = [v if fieldname != "special_support" else False for v in current]
    assert [getattr(systems[name], fieldname) for name in ("住民記録システム", "国保システム")] == expected
    assert {systems[name].cells[fieldname] for name in systems} == {"F3", "F4"}


def test_a_hidden_column_right_of_the_visible_one_is_not_read_either(store: Store, db_url: str,
                                                                      tmp_path: Path) -> None:
    path = _book(tmp_path / "inv.xlsx", [("移行予定日", [dt.date(2026, 4, 6), None]),
                                         ("移行予定日（旧）", [dt.date(2025, 1, 6), dt.date(2025, 2, 3)])],
                 hidden=("F",))
    report = _import(db_url, path, lang="ja")
    assert [(code, at) for code, _, at, _, _ in _found(report, "INV008", "INV009", "INV003")] == [
        ("INV008", "システム一覧!F2")]
    assert "F 列「移行予定日（旧）」は非表示のため読まず、同じ項目の表示されている E 列「移行予定日」を読みました" in report["findings"][0][
        "message"]
    # The row whose visible cell is empty stays empty: the hidden column's stale date does not fill it.
    assert {n: s.planned_date for n, s in _systems(store).items()} == {
        "住民記録システム": dt.date(2026, 4, 6), "国保システム": None}


def test_a_hidden_column_no_visible_column_has_is_read_and_said(store: Store, db_url: str, tmp_path: Path) -> None:
    path = _book(tmp_path / "inv.xlsx", [("現行ベンダー", ["株式会社エーシステム", "ビー株式会社"]),
                                         ("移行予定日", [dt.date(2026, 4, 6), dt.date(2026, 5, 11)])],
                 hidden=("F",))
    report = _import(db_url, path)
    assert report["exit_code"] == 0
    assert _found(report, "INV008", "INV009", "INV003") == [(
        "INV009", "warning", "システム一覧!F2",
        "F 列「移行予定日」は非表示ですが、この項目の列はほかにないため読みました。値が古いかもしれません。"
        "再表示して確かめるか、もう記入していない列なら削除してください。",
        "Column F '移行予定日' is hidden but was read, as no visible column holds its item; its values may be out "
        "of date. Unhide it to check them, or delete it if it is no longer filled in.")]
    assert {n: s.planned_date for n, s in _systems(store).items()} == {
        "住民記録システム": dt.date(2026, 4, 6), "国保システム": dt.date(2026, 5, 11)}


def test_a_hidden_column_that_is_not_understood_stays_not_recognised(store: Store, db_url: str,
                                                                     tmp_path: Path) -> None:
    path = _book(tmp_path / "inv.xlsx", [("作業メモ", ["x", "y"])], hidden=("E",))
    report = _import(db_url, path)
    assert [(code, at) for code, _, at, _, _ in _found(report, "INV008", "INV009", "INV003")] == [
        ("INV003", "システム一覧!E2")]


def test_a_vendor_list_prefers_its_visible_capacity(store: Store, db_url: str, tmp_path: Path) -> None:
    path = _book(tmp_path / "inv.xlsx", [("同時作業上限", [2]), ("同時作業上限", [5])], hidden=("B",), title="ベンダー一覧",
                 header=["ベンダー名"], rows=[["株式会社エーシステム"]])
    wb = openpyxl.load_workbook(path)
    systems = wb.create_sheet("システム一覧")
    systems.append([*HEADER, "現行ベンダー"])
    systems.append([*ROWS[0], "株式会社エーシステム"])
    wb.save(path)
    report = _import(db_url, path)
    assert [(code, at) for code, _, at, _, _ in _found(report, "INV008", "INV009")] == [("INV008", "ベンダー一覧!B2")]
    with store.reader() as session:
        assert {v.name: v.capacity for v in load_inventory(session).vendors} == {"株式会社エーシステム": 5}


def test_a_workbook_without_hidden_columns_imports_as_before(store: Store, db_url: str, tmp_path: Path) -> None:
    """The same columns, none hidden: the first column of a heading is read, the second is not recognised, and
    the stored rows are those the header always gave."""
    path = _book(tmp_path / "inv.xlsx", [("移行予定日", [dt.date(2025, 1, 6), dt.date(2025, 2, 3)]),
                                         ("現行ベンダー", ["株式会社エーシステム", "ビー株式会社"]),
                                         ("移行予定日", [dt.date(2026, 4, 6), dt.date(2026, 5, 11)]),
                                         ("特定移行支援", ["○", None])])
    report = _import(db_url, path)
    assert report["exit_code"] == 0
    assert [(code, at) for code, _, at, _, _ in _found(report, "INV003", "INV008", "INV009")] == [
        ("INV003", "システム一覧!G2")]
    stored = {n: {k: v for k, v in dataclasses.asdict(s).items() if k != "source"} for n, s in _systems(store).items()}
    cells = {"municipality_code": "A{r}", "municipality_name": "B{r}", "area": "C{r}", "name": "D{r}",
             "planned_date": "E{r}", "current_vendor": "F{r}", "special_support": "H{r}"}
    common = {"municipality_code": "132012", "target_vendor": None, "hosting": None, "contract_end": None,
              "release_date": None, "record_count": None, "notes": None, "special_deadline": None}
    assert stored == {
        "住民記録システム": {**common, "area_code": "001", "area_name": "住民基本台帳", "name": "住民記録システム",
                      "current_vendor": "株式会社エーシステム", "planned_date": dt.date(2025, 1, 6),
                      "special_support": True, "cells": {f: c.format(r=3) for f, c in cells.items()}},
        "国保システム": {**common, "area_code": "024", "area_name": "国民健康保険", "name": "国保システム",
                    "current_vendor": "ビー株式会社", "planned_date": dt.date(2025, 2, 3), "special_support": False,
                    "cells": {f: c.format(r=4) for f, c in cells.items()}},
    }


def test_a_hidden_column_under_a_group_label_is_said_at_its_own_heading(store: Store, db_url: str,
                                                                        tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    for col, label in zip("ABCD", HEADER, strict=True):
        ws.merge_cells(f"{col}1:{col}2")
        ws[f"{col}1"] = label
    ws.merge_cells("E1:F1")
    ws["E1"], ws["E2"], ws["F2"] = "日程", "移行予定日", "移行予定日"
    ws.append([*ROWS[0], dt.date(2025, 1, 6), dt.date(2026, 4, 6)])
    ws.column_dimensions["E"].hidden = True
    wb.save(tmp_path / "form.xlsx")
    report = _import(db_url, tmp_path / "form.xlsx")
    assert [(code, at, en) for code, _, at, _, en in _found(report, "INV008", "INV009", "INV003")] == [
        ("INV008", "システム一覧!E2", "Column E '日程 移行予定日' is hidden and was not read; the visible column F "
                                   "'移行予定日' of the same item was read instead. Delete the hidden column if it is "
                                   "an old one.")]
    assert _systems(store)["住民記録システム"].planned_date == dt.date(2026, 4, 6)
