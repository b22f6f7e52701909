"""Plan jobs against the store: build and save a scenario, record progress, load plans for output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from migrator.errors import PlanError
from migrator.i18n import join_list
from migrator.inventory.model import Inventory
from migrator.inventory.values import given_lg_code
from migrator.inventory.vendors import vendor_key
from migrator.location import Location
from migrator.planning.build import PlanResult, build_plan
from migrator.planning.config import PlanningConfig
from migrator.planning.graph import ExtraEdge
from migrator.planning.model import Plan
from migrator.planning.progress import read_progress
from migrator.report import Report, make_finding
from migrator.store import Store
from migrator.store.inventory_repo import load_inventory
from migrator.store.plan_repo import load_plan, load_progress, record_progress, save_plan


def build_and_save(
    store: Store,
    *,
    start: dt.date | None = None,
    scenario: str = "default",
    config: PlanningConfig | None = None,
    deadline: dt.date | None = None,
    capacities: Mapping[str, int] | None = None,
    staff_limit: int | None = None,
    extra_edges: Sequence[ExtraEdge] = (),
    municipality: str | None = None,
    passes: int = 3,
    solver: str = "heuristic",
    time_limit: float = 10.0,
) -> PlanResult:
    """Build the plan of ``scenario`` from the stored inventory, from ``start`` (default: today), keeping
    recorded progress, and store it.

    The earlier plan of the scenario (if any) gives the progress to keep fixed and the baseline dates.
    A plan with cycles is not stored. ``municipality`` is read as the inventory reads a 団体コード (full width, five
    digits without the check digit); one that is no code is an InputError.
    """
    municipality = given_lg_code(municipality)
    with store.reader() as session:
        inventory = load_inventory(session, municipality=municipality)
        progress, baseline = load_progress(session, scenario)
    if not inventory.systems and municipality:
        raise PlanError(f"The store holds no system of municipality {municipality}; "
                        "`migrator inventory list` shows the municipalities imported.",
                        f"団体コード {municipality} のシステムは登録されていません。"
                        "登録済みの団体は `migrator inventory list` で確認できます。")
    if not inventory.systems:
        raise PlanError("the store holds no inventory; run `migrator inventory import` first",
                        "在庫(システム一覧)が登録されていません。先に `migrator inventory import` を実行してください")
    if capacities:
        capacities = _stored_vendor_names(inventory, capacities)
    result = build_plan(inventory, start=start, config=config, scenario=scenario, deadline=deadline,
                        capacities=capacities, staff_limit=staff_limit, extra_edges=extra_edges,
                        progress=progress, baseline=baseline, passes=passes, solver=solver,
                        time_limit=time_limit)
    if result.plan is not None:
        with store.transaction() as session:
            save_plan(session, result.plan)
    return result


def get_plan(store: Store, scenario: str = "default", *, name: str = "--scenario") -> Plan:
    """The stored plan of ``scenario``; an InputError naming ``name`` (the option or argument that gave it), the
    value and the stored scenarios when other plans are stored (PLN053), a PlanError when none is."""
    with store.reader() as session:
        return load_plan(session, scenario, name=name)


def import_progress(store: Store, path: Path, *, scenario: str = "default", as_of: dt.date | None = None) -> Report:
    """Record the progress file in the stored plan of ``scenario``; nothing is written when a row is wrong,
    but every wrong row is reported, tasks not in the plan too. ``as_of``: no actual date may lie after it
    (default today)."""
    progress, findings = read_progress(path, as_of=as_of)
    write = not any(f.severity == "error" for f in findings)
    with store.transaction() as session:
        try:
            unknown = record_progress(session, scenario, progress, write=write)
        except PlanError:
            if write:
                raise
            unknown = []  # no plan yet: the wrong rows are what there is to say
    findings += [make_finding("PLN008", progress[k].location or Location(file=str(path)), item=k, scenario=scenario)
                 for k in unknown]
    counts: dict[str, int] = {}
    for p in progress.values():
        counts[p.status] = counts.get(p.status, 0) + 1
    return Report.of(f"plan progress {scenario}", findings, subject=str(path),
                     summary={"scenario": scenario, "rows": len(progress), **counts})


def _stored_vendor_names(inventory: Inventory, capacities: Mapping[str, int]) -> dict[str, int]:
    """``--capacity`` names matched to the stored vendors as the inventory matches them (width, 株式会社/(株)).

    Raises:
        PlanError: a name matches no vendor of the inventory (a typo would otherwise change nothing silently).
    """
    names = {n for s in inventory.systems for n in (s.current_vendor, s.target_vendor) if n}
    names |= {v.name for v in inventory.vendors}
    by_key = {vendor_key(n): n for n in names}
    out: dict[str, int] = {}
    for given, limit in capacities.items():
        stored = by_key.get(vendor_key(given))
        if stored is None:
            raise PlanError(f"--capacity names vendor '{given}', which is not in the inventory "
                            f"({join_list(sorted(names), 'en')}).",
                            f"--capacity のベンダー「{given}」は在庫にありません（{join_list(sorted(names), 'ja')}）。")
        out[stored] = limit
    return out
