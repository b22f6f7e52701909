"""Building a plan: graph → CPM → capacity-aware schedule → deadlines, risks and the critical path."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from migrator.errors import PlanError
from migrator.inventory.model import Inventory
from migrator.location import Location
from migrator.planning.calendar import ONE_DAY, BusinessCalendar
from migrator.planning.config import PlanningConfig, load_config
from migrator.planning.graph import ExtraEdge, TaskGraph, analyse, build_graph
from migrator.planning.model import Plan
from migrator.planning.schedule import Problem, cpm, fact_overloads, levelled_float, schedule
from migrator.report import Finding, Report, make_finding

CHAIN_MAX = 12
RESTARTS_MAX, RESTART_TASKS = 16, 50_000
INF = 1 << 60
STAFF = "団体職員"


@dataclass(frozen=True)
class TaskProgress:
    """Actual status of one task as recorded by ``migrator plan progress``."""

    status: str
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None


@dataclass(frozen=True)
class PlanResult:
    """The built plan (None when the graph has cycles) and the findings of building it."""

    plan: Plan | None
    report: Report


def build_plan(
    inventory: Inventory,
    *,
    start: dt.date,
    config: PlanningConfig | None = None,
    scenario: str = "default",
    deadline: dt.date | None = None,
    capacities: Mapping[str, int] | None = None,
    staff_limit: int | None = None,
    extra_edges: Sequence[ExtraEdge] = (),
    progress: Mapping[str, TaskProgress] | None = None,
    baseline: Mapping[str, tuple[dt.date | None, dt.date | None]] | None = None,
    passes: int = 3,
    restarts: int | None = None,
    solver: str = "heuristic",
    time_limit: float = 10.0,
) -> PlanResult:
    """Plan the migration of every system in ``inventory`` from ``start``.

    Args:
        deadline: replaces the FY2025-end deadline of systems that are not 特定移行支援.
        capacities: parallel tasks per vendor, over what the inventory declares.
        staff_limit: parallel municipality-owned tasks per municipality (IT staff), unlimited when None.
        progress: actual status per task key; finished and running work stays fixed.
        baseline: planned (start, finish) per task key of an earlier build, kept for baseline vs actual.
        passes: forward–backward improvement passes after the greedy list schedule.
        restarts: further list schedules with randomised priorities (default: as many as fit in about
            50,000 scheduled tasks, at most 16; none from 50,000 tasks on).
        solver: ``heuristic``, or ``exact``: then OR-Tools CP-SAT improves the heuristic plan for up to
            ``time_limit`` seconds and proves its optimum or a lower bound (plans up to 3,000 tasks).
    """
    config = config or load_config()
    progress = progress or {}
    graph = build_graph(inventory, config, extra_edges=list(extra_edges))
    tasks, edges = graph.tasks, graph.edges
    findings: list[Finding] = list(graph.findings)
    if not tasks:
        raise PlanError("the inventory has no systems to plan", "計画対象のシステムが在庫にありません")
    order, wave, cycles = analyse(len(tasks), edges)
    if cycles:
        for c in cycles:
            findings.append(make_finding(
                "PLN001", Location(), item=tasks[c.nodes[0]].key, count=1, size=len(c.nodes),
                nodes=", ".join(tasks[v].key for v in c.nodes),
                edges="; ".join(f"{tasks[a].key} → {tasks[b].key} [{r}]" for a, b, r in c.edges),
            ))
        return PlanResult(None, Report.of(f"plan {scenario}", findings, subject=scenario,
                                          summary={"scenario": scenario, "tasks": len(tasks), "cycles": len(cycles)}))

    cal = BusinessCalendar(start, config.calendar)
    n = len(tasks)
    # Resources: one per vendor, and per municipality when an IT staff limit is set.
    res_index: dict[str, int] = {}
    cap: list[int] = []
    declared = {v.name: v.capacity for v in inventory.vendors if v.capacity}
    declared.update(capacities or {})
    assumed: list[str] = []
    res = [-1] * n
    for i, t in enumerate(tasks):
        limit: int | None
        if t.owner == "municipality":
            if staff_limit is None:
                continue
            name = f"{STAFF}:{t.municipality_code}"
            limit = staff_limit
        else:
            if t.vendor is None:
                continue
            name = t.vendor
            limit = declared.get(name)
            if limit is None:
                limit = config.calendar.default_vendor_capacity
                if limit is None:
                    continue
                if name not in assumed:
                    assumed.append(name)
        if limit < 1:
            raise PlanError(f"capacity of {name} must be at least 1", f"{name} の同時作業上限は 1 以上にしてください")
        if name not in res_index:
            res_index[name] = len(cap)
            cap.append(limit)
        res[i] = res_index[name]
    for name in assumed:
        findings.append(make_finding("PLN005", Location(), item=name, capacity=cap[res_index[name]]))

    mask_ids: dict[tuple[str, str, int], int] = {}
    masks: list[bytearray] = []
    mask = [-1] * n
    for i, t in enumerate(tasks):
        if t.kind == "cutover":
            k = (t.area_code, t.window or "business_day", t.duration)
            if k not in mask_ids:
                mask_ids[k] = len(masks)
                masks.append(cal.mask(*k))
            mask[i] = mask_ids[k]

    release = [0] * n
    for i in range(n):
        system = graph.systems[graph.system_of[i]]
        if graph.phase_release[i] and system.release_date and system.release_date > start:
            release[i] = cal.index(system.release_date)

    dur = [t.duration for t in tasks]
    fixed: dict[int, int] = {}
    for i, t in enumerate(tasks):
        pr = progress.get(t.key)
        if pr is None:
            continue
        t.status, t.actual_start, t.actual_finish = pr.status, pr.actual_start, pr.actual_finish
        if pr.status == "対象外":
            dur[i], res[i], mask[i] = 0, -1, -1
        elif pr.status == "完了":
            f = cal.index(pr.actual_finish + ONE_DAY) if pr.actual_finish else 0
            s = cal.index(pr.actual_start) if pr.actual_start else f - dur[i]
            fixed[i], dur[i], mask[i] = s, max(f - s, 0), -1
        elif pr.status == "作業中":
            s = cal.index(pr.actual_start) if pr.actual_start else 0
            fixed[i], dur[i], mask[i] = s, max(dur[i], 1 - s), -1

    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    seen: set[tuple[int, int]] = set()
    for a, b, _ in edges:
        if (a, b) not in seen:
            seen.add((a, b))
            preds[b].append(a)
            succs[a].append(b)
    problem = Problem(dur=dur, preds=preds, succs=succs, order=order, res=res, cap=cap, release=release,
                      mask=mask, masks=masks, grow=cal.extend, fixed=fixed)
    names = {r: name for name, r in res_index.items()}
    by_res: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for r, day, used in fact_overloads(problem):
        by_res[r].append((day, used))
    for r, days in sorted(by_res.items()):
        findings.append(make_finding(
            "PLN009", Location(), item=names[r], capacity=cap[r], days=len(days), peak=max(u for _, u in days),
            first=cal.day(days[0][0]).isoformat(), last=cal.day(days[-1][0]).isoformat(),
        ))
    figures = cpm(problem)
    # Resource bound: a resource cannot start its work before the earliest of its tasks may start, needs
    # its work over its capacity in days, and after its last task the shortest path to the end remains.
    work, head, after = [0] * len(cap), [INF] * len(cap), [INF] * len(cap)
    for i in range(n):
        r = res[i]
        if r >= 0 and i not in fixed and dur[i] > 0:
            work[r] += dur[i]
            head[r] = min(head[r], figures.es[i])
            after[r] = min(after[r], figures.tail[i] - dur[i])
    resource_bound = max((head[r] + -(-work[r] // cap[r]) + after[r] for r in range(len(cap)) if work[r]),
                         default=0)
    if restarts is None:
        restarts = min(RESTARTS_MAX, RESTART_TASKS // n)
    sched = schedule(problem, priority=figures.tail, passes=passes, restarts=restarts)
    start_idx = sched.start
    exact: dict[str, object] = {}
    if solver == "exact":
        from migrator.planning.exact import solve_exact

        found = solve_exact(problem, hint=start_idx, time_limit=time_limit)
        if found.makespan <= sched.makespan:
            start_idx = found.start
        exact = {"solver": "exact", "optimal": found.optimal, "solver_bound": found.bound,
                 "heuristic_makespan": sched.makespan}
    makespan = max((s + d for s, d in zip(start_idx, dur, strict=True)), default=0)

    deadlines = _deadlines(graph, deadline)
    # Float against the levelled schedule: a cut-over may slip to its deadline (a late one not at all), the
    # rest to the finish of the plan; the CPM figures (es … lf) stay as the bound without capacity.
    limits = [cal.due_index(d) if d is not None else None for d in deadlines]
    tfloat = levelled_float(problem, start_idx, limits)
    late_chains: list[tuple[int, int, dt.date]] = []
    for i, t in enumerate(tasks):
        s, f = start_idx[i], start_idx[i] + dur[i]
        t.wave, t.es, t.ef, t.ls, t.lf = wave[i], figures.es[i], figures.ef[i], figures.ls[i], figures.lf[i]
        t.total_float, t.critical = tfloat[i], tfloat[i] == 0 and i not in fixed and dur[i] > 0
        t.start, t.finish, t.duration = s, f, dur[i]
        t.start_date = t.actual_start if i in fixed and s < 0 and t.actual_start else cal.day(max(s, 0))
        t.finish_date = t.actual_finish if t.status == "完了" and t.actual_finish else cal.finish_date(max(f, s + 1))
        if t.status == "対象外":
            t.finish_date = t.start_date
        if baseline and t.key in baseline:
            t.baseline_start, t.baseline_finish = baseline[t.key]
        else:
            t.baseline_start, t.baseline_finish = t.start_date, t.finish_date
        due = deadlines[i]
        if due is not None:
            t.deadline = due
            over = f - cal.due_index(due)
            if over > 0 and t.status != "対象外":
                t.late_days = over
                late_chains.append((i, over, due))
    chains = _ChainTracer(problem, start_idx)
    for i, over, due in late_chains:
        t = tasks[i]
        chain = chains.trace(i)
        findings.append(make_finding(
            "PLN002", Location(file=graph.systems[graph.system_of[i]].source), item=t.system_name,
            task=f"{t.municipality_code} {t.system_name} {t.phase}", finish=t.finish_date.isoformat()
            if t.finish_date else "", deadline=due.isoformat(), days=over,
            chain=" ← ".join(f"{tasks[v].municipality_code} {tasks[v].system_name} {tasks[v].phase}{why}" for v, why in chain),
        ))
    plan = Plan(
        scenario=scenario, start=start, calendar_settings=config.calendar, tasks=tasks, edges=edges,
        critical_path=_critical_chain(problem, start_idx, chains), makespan=makespan, lower_bound=figures.makespan,
        greedy_makespan=sched.greedy_makespan, deadline=deadline,
        capacities={name: cap[r] for name, r in res_index.items()},
        params={"template": config.template.name, "passes": sched.passes, "restarts": restarts,
                "resource_bound": resource_bound, "staff_limit": staff_limit, **exact,
                "rules": [r.name for r in config.rules.rules]},
        _calendar=cal,
    )
    summary = plan.summary()
    return PlanResult(plan, Report.of(f"plan {scenario}", findings, subject=scenario, summary=summary))


def _deadlines(graph: TaskGraph, override: dt.date | None) -> list[dt.date | None]:
    out: list[dt.date | None] = []
    for i in range(len(graph.tasks)):
        if not graph.phase_due[i]:
            out.append(None)
            continue
        s = graph.systems[graph.system_of[i]]
        out.append(override if override is not None and not s.special_support else s.deadline)
    return out


def _critical_chain(p: Problem, start: list[int], chains: _ChainTracer) -> list[int]:
    """The chain that sets the finish of the plan, first task first: from the last task to finish back
    through the predecessor or the resource (a vendor's previous task) that held each one."""
    if not p.n:
        return []
    last = max(range(p.n), key=lambda v: (start[v] + p.dur[v], -v))
    return [v for v, _ in reversed(chains.trace(last, limit=p.n))]


class _ChainTracer:
    """Explains why a task finishes when it does: the predecessor, vendor capacity or freeze window that held it."""

    def __init__(self, p: Problem, start: list[int]) -> None:
        self.p, self.start = p, start
        self._by_res: dict[tuple[int, int], list[int]] | None = None

    def _res_finishing(self, r: int, day: int) -> list[int]:
        if self._by_res is None:
            self._by_res = defaultdict(list)
            for v in range(self.p.n):
                if self.p.res[v] >= 0 and self.p.dur[v] > 0:
                    self._by_res[(self.p.res[v], self.start[v] + self.p.dur[v])].append(v)
        return self._by_res.get((r, day), [])

    def trace(self, v: int, limit: int = CHAIN_MAX) -> list[tuple[int, str]]:
        p, start = self.p, self.start
        chain: list[tuple[int, str]] = []
        why = ""
        while len(chain) < limit:
            chain.append((v, why))
            s = start[v]
            if s <= 0 or v in p.fixed:
                break
            ready = max((start[u] + p.dur[u] for u in p.preds[v]), default=p.release[v])
            binding = [u for u in p.preds[v] if start[u] + p.dur[u] == s]
            if binding:
                v, why = max(binding), ""
                continue
            r, m = p.res[v], p.mask[v]
            # A freeze window on the day before the start holds the task whatever the vendor was doing.
            frozen = m >= 0 and s - 1 >= max(ready, 0) and not p.masks[m][s - 1]
            blockers = self._res_finishing(r, s) if r >= 0 and not frozen else []
            if blockers:
                v, why = blockers[0], " [capacity]"
                continue
            if m >= 0 and any(not p.masks[m][k] for k in range(max(ready, 0), s)):
                chain[-1] = (v, chain[-1][1] + " [freeze]")
            elif r >= 0:
                chain[-1] = (v, chain[-1][1] + " [capacity]")
            if s == p.release[v] and s > ready:
                chain[-1] = (v, chain[-1][1] + " [release]")
                break
            if not p.preds[v]:
                break
            v, why = max(p.preds[v], key=lambda u: (start[u] + p.dur[u], u)), ""
        return chain
