"""The exact mode (OR-Tools CP-SAT): never worse than the heuristic, feasible, and a proven bound."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from migrator.planning import build_plan
from migrator.planning.schedule import Problem, cpm, energy_bound, horizon_bound, schedule, violations
from tests.conftest import DATA, run_cli
from tests.planning.test_levelled import _two_systems
from tests.planning.test_schedule_properties import problems, slotted

pytest.importorskip("ortools")

from migrator.planning.exact import solve_exact


@settings(max_examples=25, deadline=None)
@given(problems())
def test_exact_schedule_is_feasible_never_longer_and_bounded(p: Problem) -> None:
    heuristic = schedule(p, priority=cpm(p).tail)
    found = solve_exact(p, hint=heuristic.start, time_limit=5)
    assert violations(p, found.start) == []
    assert cpm(p).makespan <= found.makespan <= heuristic.makespan
    assert found.bound <= found.makespan
    if found.optimal:
        assert found.bound == found.makespan


def test_exact_mode_proves_the_staff_limited_case() -> None:
    inv, config = _two_systems()
    plan = build_plan(inv, start=dt.date(2025, 4, 1), config=config, staff_limit=1, solver="exact", time_limit=10).plan
    assert plan is not None
    assert plan.params["optimal"] is True and plan.params["solver_bound"] == plan.makespan == 9
    assert plan.summary()["gap_pct"] == 0.0


def test_exact_mode_through_the_cli(workdir: Path) -> None:
    samples = sorted((DATA / "sample_data" / "inventory").glob("*.xlsx"))
    run_cli("inventory", "import", "--partial", *map(str, samples), expect=None)
    out = run_cli("plan", "build", "--start", "2025-04-01", "-m", "132021", "--staff-limit", "1",
                  "--solver", "exact", "--time-limit", "20").stdout
    assert "exact solver: optimum" in out
    summary = json.loads(run_cli("plan", "show", "--format", "json").stdout)
    assert summary["makespan_days"] >= summary["bound_days"] > 0


@settings(max_examples=40, deadline=None)
@given(problems())
def test_resource_and_horizon_bounds_never_exceed_the_optimum(p: Problem) -> None:
    figures = cpm(p)
    items: list[list[tuple[int, int, int]]] = [[] for _ in p.cap]
    for v in range(p.n):
        if p.res[v] >= 0 and p.dur[v] > 0:
            items[p.res[v]].append((figures.es[v], p.dur[v], figures.tail[v] - p.dur[v]))
    energy = max((energy_bound(items[r], p.cap[r]) for r in range(len(p.cap))), default=0)
    horizon = horizon_bound(p, figures.es, max(energy, figures.makespan))
    heuristic = schedule(p, priority=figures.tail, restarts=20, bound=horizon)
    found = solve_exact(p, hint=heuristic.start, time_limit=5)
    # Against the optimum where the solver proves it (nearly always at this size), else its best schedule.
    assert max(figures.makespan, energy) <= horizon <= found.makespan <= heuristic.makespan


def test_energy_bound_counts_the_work_between_a_late_head_and_a_long_tail() -> None:
    # Two teams; two tasks free from day 0 with nothing after them, four of 5 days that may start on day 3
    # and leave 4 days after them: 3 + 10 + 4 = 17, where the earliest head and the shortest tail give
    # 0 + ceil(22 / 2) + 0 = 11.
    items = [(0, 1, 0), (0, 1, 0)] + [(3, 5, 4)] * 4
    assert energy_bound(items, 2) == 17
    assert energy_bound([], 3) == 0


def test_horizon_bound_sees_a_cut_over_wait_for_the_end_of_a_freeze() -> None:
    # One team, two 10-day tasks, each followed by a 1-day cut-over that may not start on days 15-29 (a
    # freeze window). The CPM gives 11 and the team's work 21, but only one task fits before the window:
    # the other's cut-over waits for day 30, so no plan ends before day 31.
    mask = bytearray(int(not 15 <= t < 30) for t in range(200))
    p = Problem(dur=[10, 10, 1, 1], preds=[[], [], [0], [1]], succs=[[2], [3], [], []], order=[0, 1, 2, 3],
                res=[0, 0, -1, -1], cap=[1], mask=[-1, -1, 0, 0], masks=[mask])
    figures = cpm(p)
    assert figures.makespan == 11
    assert energy_bound([(0, 10, 1), (0, 10, 1)], 1) == 21
    assert horizon_bound(p, figures.es, 21) == 31
    assert schedule(p, priority=figures.tail, bound=31).makespan == 31


@settings(max_examples=30, deadline=None)
@given(slotted())
def test_the_project_slot_bound_never_exceeds_the_optimum(case: tuple[Problem, int]) -> None:
    from migrator.planning.build import _project_bound

    p, _ = case
    figures = cpm(p)
    heuristic = schedule(p, priority=figures.tail, restarts=10)
    found = solve_exact(p, hint=heuristic.start, time_limit=5)
    if not heuristic.forced and found.makespan:  # dependencies that force a project beyond its slots void it
        assert _project_bound(p, figures) <= found.makespan
