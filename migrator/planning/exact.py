"""Exact schedules for plans small enough, with OR-Tools CP-SAT (the optional extra ``migrator[solver]``).

The model is the one the list scheduler obeys: business-day starts, precedence, release days, start masks
(cut-over days outside freeze windows), resources as cumulative constraints, facts fixed. The heuristic
schedule is the hint and the horizon, so the solver never returns anything longer; within the time limit
it proves the optimum or reports the best bound it found.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.errors import PlanError
from migrator.planning.schedule import Problem, fact_overloads

EXACT_MAX_TASKS = 3_000
"""Largest plan the exact mode accepts: beyond it CP-SAT rarely proves anything within minutes."""


@dataclass(frozen=True)
class ExactResult:
    start: list[int]
    makespan: int
    bound: int
    """The solver's proven lower bound on the makespan (equal to ``makespan`` when optimal)."""
    optimal: bool


def solve_exact(p: Problem, *, hint: list[int], time_limit: float, seed: int = 7) -> ExactResult:
    """The shortest schedule of ``p`` CP-SAT finds within ``time_limit`` seconds, starting from ``hint``."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        raise PlanError("the exact solver needs OR-Tools: pip install 'migrator[solver]'",
                        "厳密解法には OR-Tools が必要です: pip install 'migrator[solver]'") from None
    if p.n > EXACT_MAX_TASKS:
        raise PlanError(f"the exact solver takes plans of at most {EXACT_MAX_TASKS:,} tasks, this one has {p.n:,};"
                        " plan a municipality at a time (-m) or use the heuristic",
                        f"厳密解法は {EXACT_MAX_TASKS:,} タスクまでです（この計画は {p.n:,} タスク）。"
                        "団体ごと (-m) に計画するか、発見的解法を使ってください")
    horizon = max((s + d for s, d in zip(hint, p.dur, strict=True)), default=0)
    if fact_overloads(p) or horizon == 0:
        # Facts that overload a resource make the cumulative model infeasible: keep the heuristic plan.
        return ExactResult(start=list(hint), makespan=horizon, bound=0, optimal=False)
    m = cp_model.CpModel()
    start: list[cp_model.IntVar] = []
    for v in range(p.n):
        if v in p.fixed:
            start.append(m.new_constant(p.fixed[v]))
            continue
        last = horizon - p.dur[v]
        if p.mask[v] >= 0:
            p.next_allowed(p.mask[v], last)  # grows the mask to the horizon
            days = [t for t in range(p.release[v], last + 1) if p.masks[p.mask[v]][t]]
            start.append(m.new_int_var_from_domain(cp_model.Domain.from_values(days or [hint[v]]), f"s{v}"))
        else:
            start.append(m.new_int_var(p.release[v], max(last, p.release[v]), f"s{v}"))
    for v in range(p.n):
        if v in p.fixed:
            continue
        for u in p.preds[v]:
            m.add(start[u] + p.dur[u] <= start[v])
    by_res: dict[int, list[cp_model.IntervalVar]] = {}
    for v in range(p.n):
        if p.res[v] >= 0 and p.dur[v] > 0:
            by_res.setdefault(p.res[v], []).append(m.new_fixed_size_interval_var(start[v], p.dur[v], f"i{v}"))
    for r, intervals in by_res.items():
        m.add_cumulative(intervals, [1] * len(intervals), p.cap[r])
    # Project slots: a project holds a slot from its first task's start to its cut-over's finish.
    members: dict[int, list[int]] = {}
    for v, pid in enumerate(p.proj):
        if pid >= 0:
            members.setdefault(pid, []).append(v)
    spans: dict[int, list[cp_model.IntervalVar]] = {}
    for pid, vs in members.items():
        c = p.proj_close[pid]
        first = m.new_int_var(-horizon, horizon, f"p{pid}")
        m.add_min_equality(first, [start[v] for v in vs])
        size = m.new_int_var(0, 2 * horizon, f"ps{pid}")
        spans.setdefault(p.proj_res[pid], []).append(m.new_interval_var(first, size, start[c] + p.dur[c], f"pi{pid}"))
    for r, intervals in spans.items():
        m.add_cumulative(intervals, [1] * len(intervals), p.proj_cap[r])
    # Cut-over slots: at most the limit of cut-overs start in one period.
    in_period: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for v, qs in p.slot_of.items():
        if v in p.fixed or not p.dur[v]:
            continue
        for q in qs:
            t, choices = max(p.release[v], 0), []
            while t <= horizon - p.dur[v]:
                lo, hi = p.slot_period[q](t)
                b = m.new_bool_var(f"b{v}_{q}_{lo}")
                m.add(start[v] >= lo).only_enforce_if(b)
                m.add(start[v] < hi).only_enforce_if(b)
                in_period.setdefault((q, lo), []).append(b)
                choices.append(b)
                t = hi
            m.add_exactly_one(choices)
    for (q, _), bs in in_period.items():
        m.add(sum(bs) <= p.slot_cap[q])
    makespan = m.new_int_var(0, horizon, "makespan")
    for v in range(p.n):
        m.add(makespan >= start[v] + p.dur[v])
    m.minimize(makespan)
    for v in range(p.n):
        if v not in p.fixed:
            m.add_hint(start[v], hint[v])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1  # deterministic, and the machine is shared
    solver.parameters.random_seed = seed
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(start=list(hint), makespan=horizon, bound=0, optimal=False)
    found = [solver.value(s) for s in start]
    value = max((s + d for s, d in zip(found, p.dur, strict=True)), default=0)
    return ExactResult(start=found, makespan=value, bound=int(solver.best_objective_bound),
                       optimal=status == cp_model.OPTIMAL)
