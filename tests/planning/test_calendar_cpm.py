"""Business calendar and CPM on small hand-computed graphs, holidays included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from migrator.inventory.model import Inventory, Municipality, System
from migrator.planning import BusinessCalendar, build_plan, load_calendar, load_template
from migrator.planning.config import PlanningConfig, Rules
from migrator.planning.schedule import Problem, cpm, schedule, violations

D = dt.date


def test_business_days_skip_weekends_holidays_and_year_end() -> None:
    cal = BusinessCalendar(D(2025, 4, 28))
    # 4/29 昭和の日, 5/3–5/6 Golden Week (5/6 振替休日).
    assert [cal.day(i) for i in range(6)] == [D(2025, 4, 28), D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2),
                                              D(2025, 5, 7), D(2025, 5, 8)]
    assert cal.index(D(2025, 5, 3)) == 4
    assert cal.due_index(D(2025, 5, 2)) == 4
    year_end = BusinessCalendar(D(2025, 12, 26))
    assert [year_end.day(i) for i in range(3)] == [D(2025, 12, 26), D(2026, 1, 5), D(2026, 1, 6)]
    assert cal.fiscal_year(D(2026, 3, 31)) == 2025 and cal.fiscal_year(D(2026, 4, 1)) == 2026
    assert cal.index(D(2025, 4, 21)) == -5  # 4/21–4/25 before the start


def test_cutover_masks_follow_freeze_windows_and_weekends() -> None:
    cal = BusinessCalendar(D(2026, 2, 2), load_calendar())
    tax = cal.mask("010", "business_day")
    days = {cal.day(i): bool(tax[i]) for i in range(len(tax))}
    assert days[D(2026, 2, 13)] and not days[D(2026, 2, 16)] and not days[D(2026, 3, 13)]
    assert days[D(2026, 3, 16)]
    assert not days[D(2026, 5, 1)] and not days[D(2026, 6, 30)] and days[D(2026, 7, 1)]
    juki = cal.mask("001", "weekend")
    allowed = [cal.day(i) for i in range(len(juki)) if juki[i]][:5]
    # First business days after a weekend or holiday: 2/12 follows 建国記念の日, 2/24 the 天皇誕生日 weekend.
    assert allowed == [D(2026, 2, 2), D(2026, 2, 9), D(2026, 2, 12), D(2026, 2, 16), D(2026, 2, 24)]
    assert cal.cutover_gap(cal.index(D(2026, 2, 24))) == (D(2026, 2, 21), D(2026, 2, 23))


def diamond() -> Problem:
    # A(2) → B(3) → D(1); A → C(1) → D
    return Problem(dur=[2, 3, 1, 1], preds=[[], [0], [0], [1, 2]], succs=[[1, 2], [3], [3], []], order=[0, 1, 2, 3])


def test_cpm_on_a_diamond() -> None:
    c = cpm(diamond())
    assert (c.es, c.ef) == ([0, 2, 2, 5], [2, 5, 3, 6])
    assert (c.ls, c.lf) == ([0, 2, 4, 5], [2, 5, 5, 6])
    assert c.total_float == [0, 0, 2, 0]
    assert c.tail == [6, 4, 2, 1]


def test_capacity_one_serialises_the_parallel_branch() -> None:
    p = diamond()
    p.res, p.cap = [0, 0, 0, 0], [1]
    s = schedule(p, priority=cpm(p).tail)
    assert s.start == [0, 2, 5, 6] and s.makespan == 7
    assert violations(p, s.start) == []


def test_build_plan_dates_float_and_critical_path_on_the_holiday_calendar(tmp_path: Path) -> None:
    tpl = tmp_path / "t.yaml"
    tpl.write_text(
        "name: diamond\nphases:\n"
        "  - {id: a, name: A, owner: municipality, days: 2}\n"
        "  - {id: b, name: B, owner: municipality, days: 3, after: [a]}\n"
        "  - {id: c, name: C, owner: municipality, days: 1, after: [a]}\n"
        "  - {id: d, name: D, owner: municipality, days: 1, after: [b, c], kind: cutover, due: true}\n",
        encoding="utf-8")
    config = PlanningConfig(template=load_template(tpl), rules=Rules(), calendar=load_calendar())
    inv = Inventory(municipalities=(Municipality("131016", "千代田区"),),
                    systems=(System("131016", "019", "健康管理", "健康管理システム"),))
    plan = build_plan(inv, start=D(2025, 4, 28), config=config).plan
    assert plan is not None
    got = {t.phase: (t.start_date, t.finish_date, t.total_float, t.critical) for t in plan.tasks}
    assert got == {
        "A": (D(2025, 4, 28), D(2025, 4, 30), 0, True),
        "B": (D(2025, 5, 1), D(2025, 5, 7), 0, True),
        "C": (D(2025, 5, 1), D(2025, 5, 1), 2, False),
        "D": (D(2025, 5, 8), D(2025, 5, 8), 0, True),
    }
    assert [plan.tasks[i].phase for i in plan.critical_path] == ["A", "B", "D"]
    assert (plan.makespan, plan.lower_bound) == (6, 6)
    assert [t.wave for t in plan.tasks] == [0, 1, 1, 2]
