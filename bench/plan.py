"""Benchmark of the migration planner, from 2,000 to 280,000 tasks (national scale).

Each size runs in its own process (so peak memory is its own) and prints build time, time per 1,000 tasks
and its ratio to the family's smallest size (same run; flat = 1), peak memory, and the makespan of the
improved schedule against the greedy list schedule (the baseline, same run) and the lower bounds: CPM
(dependencies only) and resource (a vendor's total work / its capacity); gap % is against the larger.
Instances: municipalities × 20 business areas × 8 tasks. Families: ``scaled`` (50 vendors whose teams grow
with the size), and at fixed capacity, where the plan gets longer as it grows: one national vendor with
20 teams (up to 63 municipalities: 300 would need a century of that vendor's work, past the planning
horizon), 50 vendors with 30 teams each, and ``real-sized`` vendors (4 national with 150 teams, 16 regional
with 30, 30 local with 10, each serving municipalities in proportion to its teams). ``staff 2`` adds an IT
staff of 2 per municipality. ``issue 143`` is the sample's 立川市 and 武蔵野市 (143 tasks) with one team per
vendor and one member of staff, planned with the default search; with OR-Tools installed its CP-SAT bound
(60 s) is the bound. ``risk s`` is the risk register evaluated over the plan (every shipped rule, every system).

    .venv/bin/python bench/plan.py              # every family, without 280,000 tasks
    .venv/bin/python bench/plan.py --national   # also 280,000 tasks
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time

from migrator.inventory.model import Interface, Inventory, Municipality, System, Vendor
from migrator.planning.build import build_plan
from migrator.planning.config import Phase, PlanningConfig, Template, load_calendar, load_rules

AREAS = ["001", "002", "003", "004", "005", "010", "011", "012", "013", "014", "015", "017", "019", "020", "021",
         "022", "023", "024", "025", "027"]
EIGHT = Template(name="bench8", phases=(
    Phase("extract_spec", "抽出仕様確定", "current_vendor", 10, True),
    Phase("item_mapping", "項目マッピング合意", "target_vendor", 15, True),
    Phase("code_mapping", "コード変換表合意", "target_vendor", 10, True),
    Phase("rehearsal1", "移行リハーサル1", "target_vendor", 10, True, kind="rehearsal"),
    Phase("rehearsal2", "移行リハーサル2", "target_vendor", 10, True, kind="rehearsal"),
    Phase("link_test", "連携テスト", "target_vendor", 10, True, kind="link_test"),
    Phase("acceptance", "受入", "municipality", 10, True, kind="ready"),
    Phase("cutover", "本番移行", "target_vendor", 1, True, kind="cutover", due=True, scale=False),
))
REAL_SIZED = [150] * 4 + [30] * 16 + [10] * 30
FAMILIES: dict[str, tuple[int, int | list[int] | None, dict[int, int]]] = {
    # name: (vendors, teams per vendor (a list: per vendor) or None = grown with the size, municipalities per size)
    "scaled": (50, None, {2_000: 13, 30_000: 188, 280_000: 1_741}),
    "one vendor ×20": (1, 20, {2_500: 16, 5_000: 31, 10_000: 63}),
    "50 vendors ×30": (50, 30, {30_000: 188, 60_000: 375, 280_000: 1_741}),
    "real-sized": (50, REAL_SIZED, {30_000: 188, 60_000: 375, 280_000: 1_741}),
    "staff 2": (50, 30, {2_000: 13, 30_000: 188}),
    "issue 143": (2, 1, {143: 2}),
}
NATIONAL = 280_000


def instance(munis: int, vendors: int = 50, seed: int = 7, cap: int | list[int] | None = None) -> Inventory:
    """``munis`` municipalities × 20 systems; ``cap`` teams per vendor (or a list, one per vendor, market
    shares in proportion), or (None) grown with the size."""
    rng = random.Random(seed)
    systems, interfaces = [], []
    caps = cap if isinstance(cap, list) else [cap or max(2, round(munis * 20 / vendors / 8))] * vendors
    for m in range(munis):
        code = f"{10000 + m:05d}0"
        v = rng.randrange(vendors)
        for a in AREAS:
            # A municipality works with a few vendors; with sizes given, each system's vendor is drawn in
            # proportion to the vendors' teams (their market share).
            w = rng.choices(range(vendors), weights=caps)[0] if isinstance(cap, list) else (v + rng.randrange(3)) % vendors
            vendor = f"V{w:02d}"
            systems.append(System(code, a, a, f"S{a}", current_vendor=vendor, target_vendor=vendor,
                                  record_count=rng.choice([10_000, 100_000, 1_000_000])))
        interfaces += [Interface(code, "S001", "S024"), Interface(code, "S010", "S023")]
    return Inventory(municipalities=tuple(Municipality(f"{10000 + m:05d}0", f"M{m}") for m in range(munis)),
                     systems=tuple(systems), interfaces=tuple(interfaces),
                     vendors=tuple(Vendor(f"V{i:02d}", caps[i]) for i in range(vendors)))


def issue_instance() -> Inventory:
    """The sample's 立川市 and 武蔵野市: 11 systems, 143 tasks; one team per vendor."""
    from migrator.bundled import bundled
    from migrator.inventory.importer import read_inventory

    inv = read_inventory(sorted(bundled("sample_data", "inventory").glob("*.xlsx"))).inventory
    keep = {"132021", "132039"}
    return Inventory(municipalities=tuple(m for m in inv.municipalities if m.code in keep),
                     systems=tuple(s for s in inv.systems if s.municipality_code in keep),
                     interfaces=tuple(i for i in inv.interfaces if i.municipality_code in keep),
                     vendors=tuple(Vendor(v.name, 1) for v in inv.vendors))


def run_one(family: str, tasks: int) -> dict[str, object]:
    vendors, cap, sizes = FAMILIES[family]
    t0 = time.perf_counter()
    if family == "issue 143":
        inv = issue_instance()
        solver = "heuristic"
        try:
            import ortools  # noqa: F401

            solver = "exact"
        except ImportError:
            pass
        t0 = time.perf_counter()
        result = build_plan(inv, start=dt.date(2025, 4, 1), staff_limit=1, solver=solver,
                            time_limit=60)
    else:
        inv = instance(sizes[tasks], vendors=vendors, cap=cap)
        config = PlanningConfig(template=EIGHT, rules=load_rules(template=EIGHT), calendar=load_calendar())
        t0 = time.perf_counter()
        result = build_plan(inv, start=dt.date(2025, 4, 1), config=config, passes=3,
                            staff_limit=2 if family == "staff 2" else None)
    elapsed = time.perf_counter() - t0
    plan = result.plan
    assert plan is not None
    if plan.params.get("solver") == "exact":  # the heuristic's makespan against the proven bound
        plan.makespan = plan.params["heuristic_makespan"]
    bound = max(plan.lower_bound, plan.params["resource_bound"], plan.params.get("solver_bound") or 0)
    from migrator.risk.register import evaluate  # the risk register over the plan: one pass per system

    t0 = time.perf_counter()
    evaluate(inventory=inv, plan=plan, as_of=dt.date(2025, 4, 1))
    risk_s = time.perf_counter() - t0
    return {
        "family": family, "tasks": len(plan.tasks), "edges": len(plan.edges), "build_s": round(elapsed, 2),
        "ms_per_1000": round(1000 * elapsed / len(plan.tasks) * 1000),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "makespan": plan.makespan, "greedy_makespan": plan.greedy_makespan, "cpm_lower_bound": plan.lower_bound,
        "resource_bound": plan.params["resource_bound"], "bound": bound,
        "gap_vs_bound_pct": round(100 * (plan.makespan - bound) / max(bound, 1), 2),
        "improvement_vs_greedy_pct": round(100 * (plan.greedy_makespan - plan.makespan) / plan.greedy_makespan, 1),
        "passes": plan.params["passes"], "risk_s": round(risk_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--national", action="store_true", help="also run 280,000 tasks")
    parser.add_argument("--family", choices=sorted(FAMILIES), action="append", help="only these families")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--largest", type=int, default=NATIONAL - 1,
                        help="skip sizes above this many tasks (default: all but 280,000; --national: all)")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return
    print(f"{'family':<15} {'tasks':>8} {'edges':>8} {'build s':>8} {'ms/1k':>6} {'×first':>6} {'peak MB':>8} "
          f"{'makespan':>9} {'greedy':>7} {'CPM LB':>7} {'res LB':>7} {'bound':>7} {'gap %':>6} {'gain %':>7} {'risk s':>7}")
    for family in args.family or FAMILIES:
        first: float | None = None
        for n in FAMILIES[family][2]:
            if n > args.largest and not args.national:
                continue
            out = subprocess.run([sys.executable, __file__, "--one", family, str(n)], capture_output=True, text=True,
                                 check=True)
            r = json.loads(out.stdout)
            # Time per task against the family's smallest size, same run: flat means ×1.
            first = first or r["ms_per_1000"]
            print(f"{family:<15} {r['tasks']:>8} {r['edges']:>8} {r['build_s']:>8} {r['ms_per_1000']:>6} "
                  f"{r['ms_per_1000'] / first:>6.2f} {r['peak_mb']:>8} {r['makespan']:>9} {r['greedy_makespan']:>7} "
                  f"{r['cpm_lower_bound']:>7} {r['resource_bound']:>7} {r['bound']:>7} {r['gap_vs_bound_pct']:>6} "
                  f"{r['improvement_vs_greedy_pct']:>7} {r['risk_s']:>7}", flush=True)


if __name__ == "__main__":
    main()
