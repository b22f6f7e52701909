"""Time reading inventories and table definitions against a plain openpyxl load of the same file.

Run: .venv/bin/python bench/inventory_import.py [ROWS] [SHEETS]

Two workbooks are generated in a temporary folder:
- a prefecture-sized inventory (ROWS systems, default 2,000), imported into a fresh SQLite store;
- a vendor table-definition workbook (SHEETS sheets, default 74; title block with labels and values,
  two-row header, ``=ROW()-11`` numbering, ○ keys), imported with ``schema import``.
Each is compared with the baseline measured in the same run: ``openpyxl.load_workbook(read_only=True)``
iterating every cell's value once. Ratios are time / baseline (lower is better).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

from migrator.excel import SheetSpec, read_workbook, write_workbook
from migrator.inventory.areas import CORE_AREAS, area_name
from migrator.inventory.importer import read_inventory
from migrator.inventory.values import lg_check_digit
from migrator.schema import import_workbook
from migrator.services.inventory import import_inventory
from migrator.store import open_store, upgrade

HEADER = ["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行先ベンダー", "稼働形態", "契約満了日",
          "標準準拠版提供予定日", "移行予定日", "データ件数", "連携先", "特定移行支援", "備考"]
TYPES = ["bigint", "varchar", "char", "date", "timestamp", "numeric", "smallint", "text", "bytea", "integer"]


def make_inventory(path: Path, rows: int) -> Path:
    data = []
    for i in range(rows):
        muni = f"13{100 + i // 20:03d}"
        area = CORE_AREAS[i % 20]
        data.append([
            muni + lg_check_digit(muni), f"第{i // 20}市", area_name(area) if i % 3 else f"R{area}"[1:],
            f"{area_name(area)}システム", f"ベンダー{i % 7}株式会社", f"(株)ベンダー{(i + 1) % 7}", "ガバクラ",
            f"R8.{1 + i % 12}.{1 + i % 28}", dt.date(2025, 6, 1), f"令和8年{1 + i % 3}月{5 + i % 20}日",
            f"{1000 + i:,}件", "住民基本台帳" if area != "001" else None, "○" if i % 11 == 0 else "×", None,
        ])
    return write_workbook(path, [SheetSpec(name="システム一覧", header=HEADER, rows=data)])


def make_definitions(path: Path, sheets: int) -> Path:
    """A vendor table-definition workbook: one table per sheet, about 15 items each."""
    wb = openpyxl.Workbook()
    wb.active.title = "表紙"
    wb.active["B2"] = "テーブル定義書"
    for t in range(sheets):
        ws = wb.create_sheet(f"T{t:03d}")
        ws["A1"] = "テーブル定義書"
        ws.merge_cells("A1:H1")
        ws["A2"], ws["C2"], ws["E2"], ws["G2"] = "システム名", "テーブルＩＤ", "テーブル名称", "作成日"
        ws["A3"], ws["C3"], ws["E3"], ws["G3"] = "住民記録", f"t_{t:03d}", f"テーブル{t:03d}", "2024/04/01"
        for rng in ("A2:B2", "C2:D2", "E2:F2", "A3:B3", "C3:D3", "E3:F3"):
            ws.merge_cells(rng)
        for c, (top, low) in enumerate(zip(["No", "項目", None, "PostgreSQL", None, "必須", "キー", "備考"],
                                           [None, "論理名", "物理名", "TYPE", "SIZE", None, None, None],
                                           strict=True), start=1):
            ws.cell(10, c, top)
            ws.cell(11, c, low)
        for i in range(15):
            r = 12 + i
            ws.cell(r, 1, "=ROW()-11")
            for c, value in enumerate([f"項目{i}", f"col_{i}", TYPES[i % len(TYPES)], 10 + i if i % 3 else None,
                                       "○" if i < 2 else None, "○" if i == 0 else None, f"説明{i}"], start=2):
                ws.cell(r, c, value)
    wb.save(path)
    return path


def baseline(path: Path) -> float:
    """Plain openpyxl read-only load, every value of every sheet read once."""
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()
    return time.perf_counter() - t0


def timed(work: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = work()
    return time.perf_counter() - t0, result


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    sheets = int(sys.argv[2]) if len(sys.argv) > 2 else 74
    with tempfile.TemporaryDirectory() as tmp:
        inventory = make_inventory(Path(tmp) / "prefecture.xlsx", rows)
        definitions = make_definitions(Path(tmp) / "definitions.xlsx", sheets)

        base_inv = baseline(inventory)
        t_book, _ = timed(lambda: read_workbook(inventory))
        t_read, result = timed(lambda: read_inventory([inventory]))
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        store = open_store(url)
        t_import, report = timed(lambda: import_inventory([inventory], store=store))
        t_again, again = timed(lambda: import_inventory([inventory], store=store))
        store.close()

        base_def = baseline(definitions)
        t_def_book, _ = timed(lambda: read_workbook(definitions))
        t_def, imported = timed(lambda: import_workbook(definitions))
    print(f"inventory: {rows} rows, systems read: {len(result.inventory.systems)}, "  # type: ignore[attr-defined]
          f"findings: {len(result.findings)}, valid: {report.valid}")  # type: ignore[attr-defined]
    print(f"  baseline: openpyxl read-only load        {base_inv:6.2f} s   1.00x")
    print(f"  read_workbook (Excel adapter)            {t_book:6.2f} s  {t_book / base_inv:5.2f}x")
    print(f"  read_inventory (read + parse)            {t_read:6.2f} s  {t_read / base_inv:5.2f}x")
    print(f"  import into empty SQLite (all)           {t_import:6.2f} s  {t_import / base_inv:5.2f}x")
    print(f"  re-import, nothing changes               {t_again:6.2f} s  {t_again / base_inv:5.2f}x"
          f"  (written: {again.summary['written']})")  # type: ignore[attr-defined]
    schema = imported.schema  # type: ignore[attr-defined]
    items = sum(len(t.items) for t in schema.tables) if schema else 0
    print(f"table definitions: {sheets} sheets, tables: {len(schema.tables) if schema else 0}, items: {items}")
    print(f"  baseline: openpyxl read-only load        {base_def:6.2f} s   1.00x")
    print(f"  read_workbook (Excel adapter)            {t_def_book:6.2f} s  {t_def_book / base_def:5.2f}x")
    print(f"  schema import_workbook (read + parse)    {t_def:6.2f} s  {t_def / base_def:5.2f}x")


if __name__ == "__main__":
    main()
