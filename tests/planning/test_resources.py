"""The resource model on hand-computed cases: a vendor's project slots and cut-over slots, and a
municipality's IT staff read from the inventory (docs/planning.md#resources); levelled float and the
critical chain exact on them."""

from __future__ import annotations

import datetime as dt

from migrator.inventory.model import Inventory, Municipality, System, Vendor
from migrator.planning import build_plan
from migrator.planning.config import Phase, PlanningConfig, Rules, Template, load_calendar
from migrator.planning.schedule import Problem, list_schedule, violations

D = dt.date
TEMPLATE = Template(name="three", phases=(
    Phase("spec", "抽出仕様確定", "target_vendor", 2, True),
    Phase("accept", "受入", "municipality", 3, True, kind="ready"),
    Phase("cutover", "本番移行", "target_vendor", 1, True, kind="cutover", due=True, scale=False),
))
AREAS = (("005", "選挙人名簿管理"), ("017", "就学"), ("018", "児童手当"))


def _inventory(vendor: Vendor, staff: int | None = None, areas: tuple[tuple[str, str], ...] = AREAS) -> Inventory:
    return Inventory(
        municipalities=(Municipality("131016", "千代田区", staff=staff),),
        systems=tuple(System("131016", area, name, f"{name}システム", current_vendor="A社", target_vendor="A社")
                      for area, name in areas),
        vendors=(vendor,),
    )


CONFIG = PlanningConfig(template=TEMPLATE, rules=Rules(), calendar=load_calendar())


def test_two_project_slots_and_one_cutover_per_weekend_by_hand() -> None:
    # Ten teams, so only the slots bind. 選挙 and 就学 take the two project slots on 04-01 (Tue); 児童手当
    # waits for the first to close: 選挙 cuts over on 04-08, so 児童手当 starts 04-09. One cut-over per
    # weekend (counted from Saturday): 選挙 has the week of 04-05, 就学 is ready on 04-08 but goes to the
    # week of 04-12 (04-14), 児童手当 ready on 04-16 to the week of 04-19 (04-21).
    result = build_plan(_inventory(Vendor("A社", 10, projects=2, cutovers_weekend=1)), start=D(2025, 4, 1),
                        config=CONFIG)
    plan = result.plan
    assert plan is not None
    got = {(t.area_code, t.phase_id): (t.start_date, t.finish_date, t.total_float, t.critical) for t in plan.tasks}
    assert got == {
        ("005", "spec"): (D(2025, 4, 1), D(2025, 4, 2), 3, False),
        ("005", "accept"): (D(2025, 4, 3), D(2025, 4, 7), 3, False),
        ("005", "cutover"): (D(2025, 4, 8), D(2025, 4, 8), 3, False),
        ("017", "spec"): (D(2025, 4, 1), D(2025, 4, 2), 8, False),
        ("017", "accept"): (D(2025, 4, 3), D(2025, 4, 7), 8, False),
        ("017", "cutover"): (D(2025, 4, 14), D(2025, 4, 14), 4, False),
        ("018", "spec"): (D(2025, 4, 9), D(2025, 4, 10), 3, False),
        ("018", "accept"): (D(2025, 4, 11), D(2025, 4, 15), 3, False),
        ("018", "cutover"): (D(2025, 4, 21), D(2025, 4, 21), 0, True),
    }
    # Levelled: 選挙 may slip 3 days (its cut-over to Friday 04-11, still its week, and 児童手当's spec
    # after it); 就学's cut-over may slip to 04-18, the last day of its week; 児童手当's cut-over cannot move.
    # The chain that sets the finish: 児童手当 waits for the weekend slot 就学 took, which waited for 選挙's.
    assert [(plan.tasks[i].area_code, plan.tasks[i].phase_id) for i in plan.critical_path] == [
        ("005", "spec"), ("005", "accept"), ("005", "cutover"), ("017", "cutover"), ("018", "cutover")]
    # Bound: three cut-overs need three weekends from the first possible cut-over (04-08): 04-21 + 1 day.
    summary = result.report.summary
    assert (summary["makespan_days"], summary["bound_days"], summary["gap_pct"]) == (15, 15, 0.0)
    assert plan.params["project_slots"] == {"A社": 2}
    assert plan.params["cutover_slots"] == {"A社": {"weekend": 1}}


def test_a_late_cutover_is_explained_by_the_slots_that_held_it() -> None:
    result = build_plan(_inventory(Vendor("A社", 10, projects=2, cutovers_weekend=1)), start=D(2025, 4, 1),
                        config=CONFIG, deadline=D(2025, 4, 18))
    late = [f for f in result.report.findings if f.code == "PLN002"]
    assert len(late) == 1 and late[0].item == "児童手当システム"
    chain = late[0].message_en
    assert "就学システム cut-over [cut-over slot]" in chain and "選挙人名簿管理システム cut-over [cut-over slot]" in chain
    chain = late[0].message_ja
    assert "就学システム 本番移行 [切替枠]" in chain and "選挙人名簿管理システム 本番移行 [切替枠]" in chain


def test_project_slots_as_lanes_and_the_waiting_project() -> None:
    # Two projects on one slot: 0→1 and 2→3 (closing tasks 1 and 3); one team per task is free.
    p = Problem(dur=[2, 1, 3, 1], preds=[[], [0], [], [2]], succs=[[1], [], [3], []], order=[0, 1, 2, 3],
                proj=[0, 0, 1, 1], proj_res=[0, 0], proj_cap=[1], proj_close=[1, 3])
    done = list_schedule(p, [3, 1, 4, 1])
    # Project 1 has the higher priority: it runs days 0–3, project 0 after its cut-over.
    assert done.start == [4, 6, 0, 3]
    assert done.links == [(3, 0), (3, 1)] and done.forced == {}
    assert violations(p, done.start) == []
    assert violations(p, [0, 2, 0, 3]) == ["project slots 0 hold 2 projects on day 0, limit 1"]


def test_dependencies_that_need_two_projects_at_once_are_named() -> None:
    # 選挙's cut-over needs 就学's acceptance and the other way round is not possible with one slot:
    # 就学's spec waits for 選挙's cut-over, which waits for 就学. The plan admits it and says so (PLN060).
    from migrator.planning.graph import ExtraEdge

    inv = _inventory(Vendor("A社", 10, projects=1), areas=AREAS[:2])
    edge = ExtraEdge("131016/017/就学システム/accept", "131016/005/選挙人名簿管理システム/cutover")
    result = build_plan(inv, start=D(2025, 4, 1), config=CONFIG, extra_edges=[edge])
    found = [f for f in result.report.findings if f.code == "PLN060"]
    assert len(found) == 1 and found[0].item == "A社" and "1 project runs beyond its slots" in found[0].message_en


def test_staff_declared_in_the_inventory_limits_the_municipality() -> None:
    # One member of IT staff (情報担当職員数 1): the three acceptances run one after another.
    plan = build_plan(_inventory(Vendor("A社", 10), staff=1), start=D(2025, 4, 1), config=CONFIG).plan
    assert plan is not None
    accept = sorted((t.start_date, t.finish_date) for t in plan.tasks if t.phase_id == "accept")
    assert accept == [(D(2025, 4, 3), D(2025, 4, 7)), (D(2025, 4, 8), D(2025, 4, 10)),
                      (D(2025, 4, 11), D(2025, 4, 15))]
    assert plan.makespan == 2 + 9 + 1 and plan.params["resource_bound"] == plan.makespan
    # --staff-limit overrides the inventory.
    wider = build_plan(_inventory(Vendor("A社", 10), staff=1), start=D(2025, 4, 1), config=CONFIG, staff_limit=3).plan
    assert wider is not None and wider.makespan == 6


def test_a_project_waiting_for_a_slot_takes_the_one_that_frees_first() -> None:
    # two project slots; projects 0 (10 days) and 1 (3 days) take them on day 0, project 2 comes last: its
    # slot is project 1's, free from day 3, not project 0's, free from day 10
    p = Problem(dur=[10, 3, 1], preds=[[], [], []], succs=[[], [], []], order=[0, 1, 2], proj=[0, 1, 2],
                proj_res=[0, 0, 0], proj_cap=[2], proj_close=[0, 1, 2])
    assert list_schedule(p, [3, 2, 1]).start == [0, 0, 3]


def test_with_links_orders_every_task_after_its_predecessors_and_lanes() -> None:
    p = Problem(dur=[1, 1, 1, 1], preds=[[], [0], [0, 1], []], succs=[[1, 2], [2], [], []], order=[0, 1, 2, 3],
                proj=[0, 0, 1, 1], proj_res=[0, 0], proj_cap=[1], proj_close=[2, 3])
    linked = p.with_links([(2, 3)])
    assert sorted(linked.order) == [0, 1, 2, 3]
    place = {v: i for i, v in enumerate(linked.order)}
    assert all(place[u] < place[v] for v in range(4) for u in linked.preds[v])
    assert linked.preds[3] == [2] and 3 in linked.succs[2]


def test_a_project_with_facts_holds_its_slot_from_its_first_fact() -> None:
    # one project slot; project 0 has started (task 0 ran days 0-1, a fact), project 1 has the higher priority
    # but waits for project 0's cut-over (task 1, day 2) before its first task (days 3-5) and its cut-over (day 6)
    p = Problem(dur=[2, 1, 3, 1], preds=[[], [0], [], [2]], succs=[[1], [], [3], []], order=[0, 1, 2, 3],
                proj=[0, 0, 1, 1], proj_res=[0, 0], proj_cap=[1], proj_close=[1, 3], fixed={0: 0})
    done = list_schedule(p, [1, 1, 4, 1])
    assert done.start == [0, 2, 3, 6]
    assert done.links == [(1, 2), (1, 3)] and done.forced == {}
    assert violations(p, done.start) == []
