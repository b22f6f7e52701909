"""Float and the critical chain against the levelled schedule, resources included, on hand-computed cases;
the CPM figures stay as the bound without capacity."""

from __future__ import annotations

import datetime as dt

from migrator.inventory.model import Inventory, Municipality, System, Vendor
from migrator.planning import build_plan
from migrator.planning.config import Phase, PlanningConfig, Rules, Template, load_calendar
from migrator.planning.schedule import Problem, levelled_float, schedule

D = dt.date


def test_a_vendor_with_one_team_makes_its_tasks_one_chain() -> None:
    # Tasks 0–2 share one team; task 3 needs none. CPM gives task 0 a float of 4; levelled, 0.
    p = Problem(dur=[2, 3, 1, 5], preds=[[], [], [], []], succs=[[], [], [], []], order=[0, 1, 2, 3],
                res=[0, 0, 0, -1], cap=[1])
    s = schedule(p, priority=[2, 3, 1, 5], passes=0).start
    assert s == [3, 0, 5, 0]
    assert levelled_float(p, s, [None] * 4) == [0, 0, 0, 1]


def test_a_limit_holds_a_task_and_facts_do_not_float() -> None:
    p = Problem(dur=[2, 1, 4], preds=[[], [0], []], succs=[[1], [], []], order=[0, 1, 2], res=[-1, -1, -1],
                cap=[], fixed={2: 0})
    s = schedule(p, priority=[3, 1, 4]).start
    assert s == [0, 2, 0]
    assert levelled_float(p, s, [None, None, None]) == [1, 1, 0]
    assert levelled_float(p, s, [None, 3, None]) == [0, 0, 0]


def _two_systems() -> tuple[Inventory, PlanningConfig]:
    tpl = Template(name="three", phases=(
        Phase("spec", "抽出仕様確定", "target_vendor", 2, True),
        Phase("accept", "受入", "municipality", 3, True, kind="ready"),
        Phase("cutover", "本番移行", "target_vendor", 1, True, kind="cutover", due=True, scale=False),
    ))
    inv = Inventory(
        municipalities=(Municipality("131016", "千代田区"),),
        systems=tuple(System("131016", area, name, f"{name}システム", current_vendor="A社", target_vendor="A社")
                      for area, name in (("005", "選挙人名簿管理"), ("017", "就学"))),
        vendors=(Vendor("A社", 2),),
    )
    return inv, PlanningConfig(template=tpl, rules=Rules(), calendar=load_calendar())


def test_staff_limited_municipality_float_and_chain_by_hand() -> None:
    inv, config = _two_systems()
    plan = build_plan(inv, start=D(2025, 4, 1), config=config, staff_limit=1).plan
    assert plan is not None
    got = {(t.area_code, t.phase_id): (t.start_date, t.finish_date, t.total_float, t.critical) for t in plan.tasks}
    # Two teams do both specs at once; one member of staff accepts 選挙 (04-03–07), then 就学 (04-08–10).
    assert got == {
        ("005", "spec"): (D(2025, 4, 1), D(2025, 4, 2), 0, True),
        ("005", "accept"): (D(2025, 4, 3), D(2025, 4, 7), 0, True),
        ("005", "cutover"): (D(2025, 4, 8), D(2025, 4, 8), 3, False),
        ("017", "spec"): (D(2025, 4, 1), D(2025, 4, 2), 3, False),
        ("017", "accept"): (D(2025, 4, 8), D(2025, 4, 10), 0, True),
        ("017", "cutover"): (D(2025, 4, 11), D(2025, 4, 11), 0, True),
    }
    assert [(plan.tasks[i].area_code, plan.tasks[i].phase_id) for i in plan.critical_path] == [
        ("005", "spec"), ("005", "accept"), ("017", "accept"), ("017", "cutover")]
    # Without capacity every task of both systems is on a 6-day path: CPM float 0, the bound.
    assert all(t.ls - t.es == 0 for t in plan.tasks) and plan.lower_bound == 6 and plan.makespan == 9


def test_a_late_cutover_has_no_float_and_an_early_one_floats_to_its_deadline() -> None:
    inv, config = _two_systems()
    plan = build_plan(inv, start=D(2025, 4, 1), config=config, staff_limit=1, deadline=D(2025, 4, 9)).plan
    assert plan is not None
    cut = {t.area_code: t for t in plan.tasks if t.phase_id == "cutover"}
    assert cut["017"].late_days == 2 and cut["017"].total_float == 0 and cut["017"].critical
    # 選挙 cuts over on 04-08 and may slip one day, to its deadline 04-09.
    assert cut["005"].late_days == 0 and cut["005"].total_float == 1


def test_restarts_never_lengthen_the_plan_and_the_bound_holds() -> None:
    inv, config = _two_systems()
    for staff in (1, 2):
        one = build_plan(inv, start=D(2025, 4, 1), config=config, staff_limit=staff, restarts=0).plan
        many = build_plan(inv, start=D(2025, 4, 1), config=config, staff_limit=staff, restarts=8).plan
        assert one is not None and many is not None
        assert max(many.lower_bound, many.params["resource_bound"]) <= many.makespan <= one.makespan
    # One member of staff: 3 + 3 days of 受入, after the first spec (2 days) and before a cut-over (1 day).
    plan = build_plan(inv, start=D(2025, 4, 1), config=config, staff_limit=1).plan
    assert plan is not None and plan.params["resource_bound"] == 2 + 6 + 1 == plan.makespan
