"""Re-planning with progress: facts reserve their resources first, nothing new exceeds a capacity, no fact
moves; facts that overload a resource on their own are named. Every day of a cut-over obeys its calendar."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.planning import build_plan, load_config
from migrator.planning.build import TaskProgress
from migrator.planning.calendar import BusinessCalendar
from migrator.planning.schedule import Problem, cpm, fact_overloads, schedule, violations
from tests.planning.inventories import VENDORS, sample_inventory
from tests.planning.test_plan_invariants import check_plan
from tests.planning.test_schedule_properties import problems


def _load(p: Problem, start: list[int], only: set[int] | None = None) -> Counter[tuple[int, int]]:
    load: Counter[tuple[int, int]] = Counter()
    for v in range(p.n):
        if p.res[v] >= 0 and (only is None or v in only):
            for k in range(start[v], start[v] + p.dur[v]):
                load[(p.res[v], k)] += 1
    return load


def test_running_work_holds_its_slot_before_the_rest_is_placed() -> None:
    p = Problem(dur=[2, 1], preds=[[], []], succs=[[], []], order=[0, 1], res=[0, 0], cap=[1], fixed={0: -1})
    s = schedule(p, priority=[1, 1]).start
    assert s == [-1, 1]
    assert violations(p, s) == []


@settings(max_examples=150, deadline=None)
@given(problems(), st.data())
def test_replan_with_random_progress_keeps_every_invariant(p: Problem, data: st.DataObject) -> None:
    first = schedule(p, priority=cpm(p).tail).start
    now = data.draw(st.integers(0, max(first[v] + p.dur[v] for v in range(p.n))), label="re-plan day")
    # Work started before the re-plan day is a fact; actual starts drift from the plan, so facts may overload.
    started = [v for v in range(p.n) if first[v] < now]
    drift = data.draw(st.lists(st.integers(-2, 2), min_size=len(started), max_size=len(started)), label="drift")
    p.fixed = {v: first[v] + d for v, d in zip(started, drift, strict=True)}
    p.release = [r if v in p.fixed else max(r, now) for v, r in enumerate(p.release)]
    passes = data.draw(st.integers(0, 3), label="passes")

    s = schedule(p, priority=cpm(p).tail, passes=passes).start

    assert all(s[v] == start for v, start in p.fixed.items())
    new = set(range(p.n)) - set(p.fixed)
    for v in new:
        assert s[v] >= now
        assert all(s[u] + p.dur[u] <= s[v] for u in p.preds[v])
        assert p.mask[v] < 0 or p.masks[p.mask[v]][s[v]]
    facts = _load(p, s, set(p.fixed))
    for (r, day), used in _load(p, s).items():
        assert used <= max(p.cap[r], facts[(r, day)]), (r, day)
        if used > p.cap[r]:
            assert used == facts[(r, day)]  # nothing new on a day the facts overload
    assert {(r, k) for r, k, _ in fact_overloads(p)} == {key for key, used in facts.items() if used > p.cap[key[0]]}


def _progress_at(plan, day: dt.date) -> dict[str, TaskProgress]:  # type: ignore[no-untyped-def]
    out = {}
    for t in plan.tasks:
        if t.start_date < day and t.duration:
            done = t.finish_date < day
            out[t.key] = TaskProgress("完了" if done else "作業中", t.start_date, t.finish_date if done else None)
    return out


def test_rebuild_with_running_work_and_a_later_start_stays_within_capacity() -> None:
    inv = sample_inventory(municipalities=1)
    caps = {v: 1 for v in VENDORS}
    first = build_plan(inv, start=dt.date(2025, 4, 1), capacities=caps).plan
    assert first is not None
    later = dt.date(2025, 7, 1)
    progress = _progress_at(first, later)
    assert any(p.status == "作業中" for p in progress.values())
    result = build_plan(inv, start=later, capacities=caps, progress=progress)
    plan = result.plan
    assert plan is not None
    check_plan(plan)
    assert not [f for f in result.report.findings if f.code == "PLN009"]
    by_key = {t.key: t for t in plan.tasks}
    for key, pr in progress.items():
        assert by_key[key].start_date == pr.actual_start


def test_facts_that_overload_a_vendor_are_named() -> None:
    inv = sample_inventory(municipalities=1)
    plan = build_plan(inv, start=dt.date(2025, 4, 1)).plan
    assert plan is not None
    a = [t for t in plan.tasks if t.vendor == "A社" and t.owner != "municipality"][:3]
    # Three of A社's tasks reported running on the same day, for a capacity of 1.
    progress = {t.key: TaskProgress("作業中", dt.date(2025, 5, 7)) for t in a}
    result = build_plan(inv, start=dt.date(2025, 5, 12), capacities={"A社": 1}, progress=progress)
    found = [f for f in result.report.findings if f.code == "PLN009"]
    assert len(found) == 1 and "A社" in found[0].message_en and "up to 3 tasks" in found[0].message_en


def test_a_multi_day_cutover_never_runs_into_a_freeze_window() -> None:
    cal = BusinessCalendar(dt.date(2025, 4, 1), load_config().calendar)
    one, three = cal.mask("010", "business_day"), cal.mask("010", "business_day", 3)
    friday = cal.index(dt.date(2026, 2, 12))  # 02-13 Friday, 02-16 Monday starts 確定申告 for tax areas
    assert one[friday] and one[friday + 1] and not one[friday + 2]
    assert not three[friday] and not three[friday + 1]

    config = load_config()
    phases = tuple(dataclasses.replace(ph, days=3) if ph.kind == "cutover" else ph for ph in config.template.phases)
    config = dataclasses.replace(config, template=dataclasses.replace(config.template, phases=phases))
    plan = build_plan(sample_inventory(), start=dt.date(2025, 4, 1), config=config).plan
    assert plan is not None
    cut = [t for t in plan.tasks if t.kind == "cutover"]
    assert cut and all(t.duration == 3 for t in cut)
    for t in cut:
        for k in range(t.start, t.finish):
            assert plan.calendar.freeze_window(t.area_code, plan.calendar.day(k)) is None, (t.key, k)


def test_a_chain_tag_standing_alone_is_said_in_japanese_too() -> None:
    from migrator.planning.build import why_text

    assert why_text("[capacity]", "ja") == "[資源の上限]"
    assert why_text("a/b [cut-over slot] [freeze]", "ja") == "a/b [切替枠] [凍結期間]"
    assert why_text("[capacity]", "en") == "[capacity]"


def test_a_planned_date_before_the_plan_start_is_warned_at_its_cell_unless_cut_over() -> None:
    from migrator.inventory.model import Inventory
    from migrator.location import Location

    inv = sample_inventory(municipalities=1)
    old = [dataclasses.replace(s, planned_date=dt.date(1900, 1, 1), source="/in/a.xlsx システム一覧!A5", cells={"planned_date": "J5"})
           if s.area_code in ("001", "002") else s for s in inv.systems]
    inventory = Inventory(municipalities=inv.municipalities, systems=tuple(old), interfaces=inv.interfaces,
                          vendors=inv.vendors)
    done = {"131016/002/印鑑登録システム/cutover": TaskProgress("完了", dt.date(2025, 3, 1), dt.date(2025, 3, 2))}
    report = build_plan(inventory, start=dt.date(2025, 4, 1), progress=done).report
    (stale,) = [f for f in report.findings if f.code == "PLN010"]
    assert stale.location == Location(file="/in/a.xlsx", sheet="システム一覧", cell="J5")
    assert stale.message_en.startswith("The inventory plans 131016 住民基本台帳システム for 1900-01-01, before the plan's start")


def test_a_late_cut_over_is_named_at_the_cell_that_set_its_deadline_or_its_planned_date() -> None:
    from migrator.inventory.model import Inventory
    from migrator.location import Location

    inv = sample_inventory(municipalities=1)
    cells = {"planned_date": "J5", "special_support": "M5", "special_deadline": "N5"}
    placed = []
    for n, s in enumerate(inv.systems):
        special = {"special_support": True, "special_deadline": dt.date(2025, 6, 30)} if n % 3 == 1 else (
            {"special_support": True, "special_deadline": None} if n % 3 == 2 else {"special_support": False})
        placed.append(dataclasses.replace(s, source=f"/in/a.xlsx システム一覧!A{n + 5}", **special,
                                          cells={k: f"{v[0]}{n + 5}" for k, v in cells.items()}))
    inventory = Inventory(municipalities=inv.municipalities, systems=tuple(placed), interfaces=inv.interfaces,
                          vendors=inv.vendors)
    report = build_plan(inventory, start=dt.date(2025, 4, 1), deadline=dt.date(2025, 6, 30)).report
    late = [f for f in report.findings if f.code == "PLN002"]
    by_name = {s.name: (n, s) for n, s in enumerate(placed)}
    columns = set()
    for f in late:
        n, s = by_name[f.item or ""]
        column = "J" if not s.special_support else ("N" if s.special_deadline else "M")
        assert f.location == Location(file="/in/a.xlsx", sheet="システム一覧", cell=f"{column}{n + 5}"), f.message_en
        columns.add(column)
    assert columns >= {"J", "N"}
