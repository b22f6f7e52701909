"""Risk register jobs against the store: build the register from what the store holds, keep snapshots, diff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from migrator.errors import InputError, PlanError
from migrator.inventory.values import given_lg_code
from migrator.risk import Register, RegisterDiff, diff, evaluate, load_rules
from migrator.store import Store
from migrator.store.inventory_repo import load_inventory
from migrator.store.plan_repo import load_plan, stored_scenario
from migrator.store.risk_repo import list_snapshots, load_runs, load_snapshot, save_snapshot


def build_register(store: Store, *, municipality: str | None = None, scenario: str = "default",
                   rules: Path | None = None, as_of: dt.date | None = None, snapshot: bool = True) -> Register:
    """The register of ``municipality`` (or all) from the stored inventory, runs and plan of ``scenario``.

    When the store holds no plan at all the register holds the inventory and run concerns only; when it holds
    plans but none of ``scenario`` (a name mistyped) that is an InputError naming ``--scenario``, the value and
    the stored scenarios (PLN053).
    With ``snapshot`` the register is stored, for ``risk diff``. ``municipality`` is read as the inventory reads a
    団体コード (full width, five digits without the check digit); one that is no code is an InputError.
    """
    municipality = given_lg_code(municipality)
    rule_set = load_rules(rules)
    with store.reader() as session:
        inventory = load_inventory(session, municipality=municipality)
        runs = load_runs(session)
        plan = load_plan(session, scenario) if stored_scenario(session, scenario) else None
    if not municipality and not inventory.systems:
        # A register of nothing would read as "no concern": say what is missing instead.
        raise PlanError("The store holds no system to assess; import the inventories first "
                        "(`migrator inventory import WORKBOOK…`).",
                        "データベースにシステムが登録されていないため懸念点を評価できません。先にシステム一覧を取り込んでください"
                        "（`migrator inventory import WORKBOOK…`）。")
    if municipality and not inventory.systems:
        raise PlanError(f"The store holds no system of municipality {municipality}; "
                        "`migrator inventory list` shows the municipalities imported.",
                        f"団体コード {municipality} のシステムは登録されていません。"
                        "登録済みの団体は `migrator inventory list` で確認できます。")
    register = evaluate(inventory=inventory, runs=runs, plan=plan, rules=rule_set,
                        as_of=as_of or dt.date.today(), municipality=municipality)
    if snapshot:
        with store.transaction() as session:
            save_snapshot(session, register)
    return register


def diff_snapshots(store: Store, *, municipality: str | None = None, before: int | None = None,
                   after: int | None = None) -> tuple[int, int, RegisterDiff]:
    """Compare two snapshots: by default the last two of ``municipality`` (a 団体コード read as the inventory reads
    it). Returns (before id, after id, diff)."""
    municipality = given_lg_code(municipality)
    with store.reader() as session:
        ids = [s["id"] for s in list_snapshots(session, municipality=municipality)]
        if after is None or before is None:
            if len(ids) < 2:
                raise InputError("risk diff needs two stored registers; run `migrator risk list` at each meeting.",
                                 "比較には懸念点一覧が2回分必要です。会議ごとに `migrator risk list` を実行してください。")
            after = ids[0] if after is None else after
            if before is None:
                before = next((i for i in ids if i < after), after)
        old, new = load_snapshot(session, before), load_snapshot(session, after)
    for sid, concerns in ((before, old), (after, new)):
        if concerns is None:
            raise InputError(f"no stored register #{sid}", f"懸念点一覧 #{sid} は保存されていません")
    assert old is not None and new is not None
    return before, after, diff(old, new)
