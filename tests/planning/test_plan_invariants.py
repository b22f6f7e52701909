"""Invariants of a produced plan: dependency order, 住記 first, cut-overs outside freeze windows and
holidays, vendor capacity never exceeded — on a built inventory with all 20 areas, and on the sample
workbooks through the CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import jpholiday

from migrator.inventory.model import Inventory
from migrator.planning import Plan, build_plan, load_config
from migrator.planning.calendar import BusinessCalendar
from migrator.planning.graph import ExtraEdge
from tests.conftest import DATA, run_cli
from tests.planning.inventories import sample_inventory


def check_plan(plan: Plan) -> None:
    tasks = plan.tasks
    cal = BusinessCalendar(plan.start, plan.calendar_settings)
    for a, b, rule in plan.edges:
        assert tasks[a].finish <= tasks[b].start, (tasks[a].key, tasks[b].key, rule)
    cut = [t for t in tasks if t.kind == "cutover"]
    assert cut
    for t in cut:
        day = t.start_date
        assert day is not None and day == t.finish_date
        assert day.weekday() < 5 and not jpholiday.is_holiday(day) and cal.is_business_day(day), t.key
        assert cal.freeze_window(t.area_code, day) is None, (t.key, day)
    for juki in (t for t in cut if t.area_code == "001"):
        others = [t for t in cut if t.municipality_code == juki.municipality_code and t.area_code != "001"]
        assert others
        assert all(o.start_date > juki.finish_date for o in others), juki.key
    load: Counter[tuple[str, int]] = Counter()
    for t in tasks:
        if t.owner != "municipality" and t.vendor:
            for k in range(t.start, t.finish):
                load[(t.vendor, k)] += 1
    assert load
    for (vendor, _day), used in load.items():
        assert used <= plan.capacities[vendor], vendor
    assert plan.makespan >= max(plan.lower_bound, plan.params["resource_bound"])


def test_built_inventory_with_all_areas_gives_a_valid_plan() -> None:
    result = build_plan(sample_inventory(municipalities=3), start=dt.date(2025, 4, 1))
    plan = result.plan
    assert plan is not None
    assert len({t.area_code for t in plan.tasks}) == 20
    check_plan(plan)
    assert plan.capacities == {"A社": 3, "B社": 2, "C社": 4, "D社": 3}
    assert [f.item for f in result.report.findings if f.code == "PLN005"] == ["D社"]
    # 個人住民税 precedes the levies of 国保, 介護, 後期 (a rule in rules.yaml, not code).
    cut = {(t.municipality_code, t.area_code): t for t in plan.tasks if t.kind == "cutover"}
    for (muni, area), t in cut.items():
        if area in ("023", "024", "025"):
            assert t.start_date > cut[(muni, "010")].finish_date


def test_release_date_and_interim_interface() -> None:
    plan = build_plan(sample_inventory(municipalities=1), start=dt.date(2025, 4, 1)).plan
    assert plan is not None
    fixed = next(t for t in plan.tasks if t.area_code == "012" and t.phase_id == "rehearsal1")
    assert fixed.start_date >= dt.date(2025, 6, 2)
    rules = Counter(r for *_e, r in plan.edges)
    # Two interfaces add the cut-over readiness edges both ways; the 暫定連携 one adds only test edges.
    assert rules["連携先準備"] == 4 and rules["連携テスト前提"] == 6


def test_one_more_vendor_team_never_makes_the_plan_longer() -> None:
    inv = sample_inventory(municipalities=2)
    base = build_plan(inv, start=dt.date(2025, 4, 1)).plan
    more = build_plan(inv, start=dt.date(2025, 4, 1), capacities={"B社": 6}).plan
    assert base is not None and more is not None
    assert more.makespan <= base.makespan


def test_cycle_names_every_member_and_the_rule_of_each_edge(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n"
        "  - {name: 税が先, from: {areas: ['010'], phase: cutover}, to: {areas: ['024'], phase: rehearsal2}}\n"
        "  - {name: 国保が先, from: {areas: ['024'], phase: link_test}, to: {areas: ['010'], phase: rehearsal2}}\n",
        encoding="utf-8")
    config = load_config(rules=rules)
    inv = sample_inventory(municipalities=1)
    inv = Inventory(municipalities=inv.municipalities, vendors=inv.vendors,
                    systems=tuple(s for s in inv.systems if s.area_code in ("010", "024", "019")))
    result = build_plan(inv, start=dt.date(2025, 4, 1), config=config)
    assert result.plan is None and result.report.exit_code == 1
    (finding,) = [f for f in result.report.findings if f.code == "PLN001"]
    members = ["131016/010/個人住民税システム/" + p for p in ("rehearsal2", "link_test", "acceptance", "go_decision",
                                                         "cutover")]
    members += ["131016/024/国民健康保険システム/" + p for p in ("rehearsal2", "link_test")]
    named = finding.message_en.split("Tasks: ")[1].split(". Edges: ")[0].split(", ")
    assert sorted(named) == sorted(members)
    assert "7 tasks form a cycle" in finding.message_en
    assert "[税が先]" in finding.message_en and "[国保が先]" in finding.message_en and "[phase order]" in finding.message_en
    assert "[工程順]" in finding.message_ja and "phase order" not in finding.message_ja


def test_sample_workbooks_through_the_cli(workdir: Path) -> None:
    samples = sorted((DATA / "sample_data" / "inventory").glob("*.xlsx"))
    run_cli("inventory", "import", "--partial", *map(str, samples), expect=None)
    run_cli("plan", "build", "--start", "2025-04-01")
    shown = json.loads(run_cli("plan", "show", "--format", "json").stdout)
    assert shown["tasks"] and shown["late_tasks"] >= 0
    starts = [t["start_date"] for t in shown["tasks"]]
    assert starts == sorted(starts)
    from migrator.services.planning import get_plan
    from migrator.store import open_store

    store = open_store()
    try:
        plan = get_plan(store)
    finally:
        store.close()
    check_plan(plan)


def test_a_user_edge_from_a_task_to_itself_is_a_cycle() -> None:
    inv = sample_inventory(municipalities=1)
    inv = Inventory(municipalities=inv.municipalities, vendors=inv.vendors,
                    systems=tuple(s for s in inv.systems if s.area_code == "010"))
    key = "131016/010/個人住民税システム/link_test"
    result = build_plan(inv, start=dt.date(2025, 4, 1), extra_edges=[ExtraEdge(key, key)])
    assert result.plan is None and result.report.exit_code == 1
    (finding,) = [f for f in result.report.findings if f.code == "PLN001"]
    assert finding.message_en == f"1 task forms a cycle. Tasks: {key}. Edges: {key} → {key} [user-declared]"
