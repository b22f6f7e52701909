"""Two teams importing their municipalities at the same time, both bringing in the same new vendor, both land."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import openpyxl

from migrator.inventory.vendors import vendor_key
from migrator.store import Store
from migrator.store.inventory_repo import inventory_counts, load_inventory

ROUNDS = 3


def _book(path: Path, code: str, name: str, vendor: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行先ベンダー"])
    for area in ("住記", "戸籍", "国保", "介護"):
        ws.append([code, name, area, f"{area}システム", vendor, vendor])
    wb.save(path)
    return path


def _team(url: str, paths: list[str], barrier: mp.synchronize.Barrier, queue: mp.Queue) -> None:
    """One team: imports its workbooks one by one, each at the same moment as the other team's."""
    from migrator.errors import MigratorError
    from migrator.services.inventory import import_inventory
    from migrator.store import open_store

    store = open_store(url)
    try:
        for path in paths:
            barrier.wait(timeout=120)
            try:
                report = import_inventory([Path(path)], store=store)
                queue.put((path, "ok", report.summary["written"] and report.valid))
            except MigratorError as exc:
                queue.put((path, str(exc), False))
    finally:
        store.close()


def test_concurrent_imports_with_a_shared_new_vendor_both_land(store: Store, db_url: str, tmp_path: Path) -> None:
    teams: list[list[str]] = [[], []]
    for n in range(ROUNDS):
        teams[0].append(str(_book(tmp_path / f"a{n}.xlsx", "132012", "八王子市", f"株式会社ニューベンダー{n}")))
        teams[1].append(str(_book(tmp_path / f"b{n}.xlsx", "132021", "立川市", f"(株)ニューベンダー{n}")))
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=_team, args=(db_url, paths, barrier, queue)) for paths in teams]
    for w in workers:
        w.start()
    outcomes = sorted(queue.get(timeout=300) for _ in range(2 * ROUNDS))
    for w in workers:
        w.join(timeout=60)
    assert outcomes == sorted((p, "ok", True) for paths in teams for p in paths)
    with store.reader() as session:
        counts = inventory_counts(session)
        vendors = [v.name for v in load_inventory(session).vendors]
    assert counts == {"municipalities": 2, "systems": 8, "interfaces": 0, "vendors": ROUNDS}
    # Whichever import came first gave the vendor its spelling; the other one found it.
    assert sorted(vendor_key(v) for v in vendors) == [f"ニューベンダー{n}" for n in range(ROUNDS)]
