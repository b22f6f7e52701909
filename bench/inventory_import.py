"""Time the import of a prefecture-sized inventory workbook (2,000 systems) into a fresh SQLite store.

Run: .venv/bin/python bench/inventory_import.py [ROWS]
Prints the floor (reading the workbook alone with the Excel adapter), the full read with every value
parsed, the save to the store, and a re-import (which must change nothing).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from migrator.excel import SheetSpec, read_workbook, write_workbook
from migrator.inventory.areas import CORE_AREAS, area_name
from migrator.inventory.importer import read_inventory
from migrator.inventory.values import lg_check_digit
from migrator.services.inventory import import_inventory
from migrator.store import open_store, upgrade

HEADER = ["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行先ベンダー", "稼働形態", "契約満了日",
          "標準準拠版提供予定日", "移行予定日", "データ件数", "連携先", "特定移行支援", "備考"]


def make_workbook(path: Path, rows: int) -> Path:
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


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        path = make_workbook(Path(tmp) / "prefecture.xlsx", rows)
        t0 = time.perf_counter()
        read_workbook(path)
        t1 = time.perf_counter()
        result = read_inventory([path])
        t2 = time.perf_counter()
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        store = open_store(url)
        t3 = time.perf_counter()
        report = import_inventory([path], store=store)
        t4 = time.perf_counter()
        again = import_inventory([path], store=store)
        t5 = time.perf_counter()
        store.close()
    print(f"rows: {rows}, systems read: {len(result.inventory.systems)}, "
          f"findings: {len(result.findings)}, errors: {not report.valid}")
    print(f"floor: read_workbook only          {t1 - t0:6.2f} s")
    print(f"read + parse (read_inventory)      {t2 - t1:6.2f} s")
    print(f"import into empty SQLite (all)     {t4 - t3:6.2f} s")
    print(f"re-import, nothing changes         {t5 - t4:6.2f} s  (written: {again.summary['written']})")


if __name__ == "__main__":
    main()
