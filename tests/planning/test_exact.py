"""The exact mode (OR-Tools CP-SAT): never worse than the heuristic, feasible, and a proven bound."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from migrator.planning import build_plan
from migrator.planning.schedule import Problem, cpm, schedule, violations
from tests.conftest import DATA, run_cli
from tests.planning.test_levelled import _two_systems
from tests.planning.test_schedule_properties import problems

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
