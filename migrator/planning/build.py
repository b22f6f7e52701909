"""Building a plan: graph → CPM → capacity-aware schedule → deadlines, risks and the critical path."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from migrator import limits
from migrator.errors import PlanError
from migrator.i18n import Lang, join_list
from migrator.inventory.checks import source_location
from migrator.inventory.model import Inventory
from migrator.location import Location
from migrator.planning.calendar import ONE_DAY, BusinessCalendar
from migrator.planning.config import PlanningConfig, load_config
from migrator.planning.graph import Cycle, ExtraEdge, TaskGraph, analyse, build_graph, rule_label
from migrator.planning.model import Plan, ScheduledTask
from migrator.planning.schedule import (
    Cpm,
    Problem,
    cpm,
    energy_bound,
    fact_overloads,
    horizon_bound,
    levelled_float,
    project_spans,
    schedule,
)
from migrator.report import Finding, Report, make_finding

CHAIN_MAX = 14
RESTARTS_MAX, RESTART_TASKS = 400, 50_000
STAFF = "団体職員"


@dataclass(frozen=True)
class TaskProgress:
    """Actual status of one task as recorded by ``migrator plan progress``."""

    status: str
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None
    location: Location | None = field(default=None, compare=False)
    """Where the progress file recorded it (its row), for findings about the task."""


def _cycle_finding(cycle: Cycle, tasks: Sequence[ScheduledTask], origins: Mapping[tuple[int, int], Location]) -> Finding:
    """PLN001 at the place that declared an edge of the cycle (a line of --edges before an interface's row),
    each edge with the place it was declared where it has one."""
    def edge(a: int, b: int, rule: str, lang: Lang) -> str:
        label = "; ".join(rule_label(r, lang) for r in rule.split("; "))
        place = origins.get((a, b))
        at = f"{'、' if lang == 'ja' else ', '}{place.text(lang)}" if place is not None else ""
        return f"{tasks[a].key} → {tasks[b].key} [{label}{at}]"

    declared = [origins[(a, b)] for a, b, _ in cycle.edges if (a, b) in origins]
    first = next((p for p in declared if p.line is not None), declared[0] if declared else Location())
    return make_finding(
        "PLN001", first, item=tasks[cycle.nodes[0]].key, count=1, size=len(cycle.nodes),
        nodes=tuple(tasks[v].key for v in cycle.nodes),
        edges="; ".join(edge(a, b, r, "en") for a, b, r in cycle.edges),
        edges_ja="; ".join(edge(a, b, r, "ja") for a, b, r in cycle.edges),
    )


@dataclass(frozen=True)
class PlanResult:
    """The built plan (None when the graph has cycles) and the findings of building it."""

    plan: Plan | None
    report: Report


def build_plan(
    inventory: Inventory,
    *,
    start: dt.date | None = None,
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
    """Plan the migration of every system in ``inventory`` from ``start`` (default: today).

    Args:
        deadline: replaces the FY2025-end deadline of systems that are not 特定移行支援.
        capacities: parallel tasks per vendor, over what the inventory declares.
        staff_limit: parallel municipality-owned tasks per municipality (IT staff), unlimited when None.
        progress: actual status per task key; finished and running work stays fixed.
        baseline: planned (start, finish) per task key of an earlier build, kept for baseline vs actual.
        passes: forward–backward improvement passes after the greedy list schedule.
        restarts: further list schedules with randomised priorities (default: as many as fit in about
            50,000 scheduled tasks, at most 400; none from 50,000 tasks on).
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
            findings.append(_cycle_finding(c, tasks, graph.origins))
        return PlanResult(None, Report.of(f"plan {scenario}", findings, subject=scenario,
                                          summary={"scenario": scenario, "tasks": len(tasks), "cycles": len(cycles)}))

    start_given = start is not None
    start = start or dt.date.today()
    findings += _stale_planned_dates(graph, progress, start)
    findings += _deadlines_before_start(graph, progress, start, start_given, deadline)
    cal = BusinessCalendar(start, config.calendar)
    n = len(tasks)
    # Resources (docs/planning.md#resources): a vendor's teams (同時作業上限), the municipality's IT staff
    # (情報担当職員数 or --staff-limit), a vendor's project slots and its cut-over slots per day/weekend/month.
    res_index: dict[str, int] = {}
    cap: list[int] = []
    vendors = {v.name: v for v in inventory.vendors}
    declared = {v.name: v.capacity or v.projects for v in inventory.vendors if v.capacity or v.projects}
    declared.update(capacities or {})
    staff = {m.code: m.staff for m in inventory.municipalities if m.staff}
    assumed: list[str] = []
    res = [-1] * n
    for i, t in enumerate(tasks):
        limit: int | None
        if t.owner == "municipality":
            limit = staff_limit if staff_limit is not None else staff.get(t.municipality_code)
            if limit is None:
                continue
            name = f"{STAFF}:{t.municipality_code}"
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
    slots = _Slots(cal)
    proj = [-1] * n
    proj_res: list[int] = []
    proj_cap: list[int] = []
    proj_close: list[int] = []
    proj_names: dict[str, int] = {}
    slot_of: dict[int, tuple[int, ...]] = {}
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        members[graph.system_of[i]].append(i)
    for idx in members.values():
        cut = next((i for i in idx if tasks[i].kind == "cutover"), None)
        vendor = vendors.get(tasks[cut].vendor or "") if cut is not None else None
        if cut is None or vendor is None or (progress.get(tasks[cut].key) or TaskProgress("")).status == "対象外":
            continue
        q = tuple(slots.resource(vendor.name, kind, limit) for kind, limit in
                  (("day", vendor.cutovers_day), ("weekend", vendor.cutovers_weekend),
                   ("month", vendor.cutovers_month)) if limit)
        if q:
            slot_of[cut] = q
        if vendor.projects:
            if vendor.name not in proj_names:
                proj_names[vendor.name] = len(proj_cap)
                proj_cap.append(vendor.projects)
            pid = len(proj_close)
            proj_res.append(proj_names[vendor.name])
            proj_close.append(cut)
            for i in idx[:idx.index(cut) + 1]:
                if tasks[i].owner == "target_vendor":
                    proj[i] = pid

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
                      mask=mask, masks=masks, grow=cal.extend, fixed=fixed, slot_of=slot_of, slot_cap=slots.cap,
                      slot_period=slots.period, proj=proj, proj_res=proj_res, proj_cap=proj_cap,
                      proj_close=proj_close)
    try:  # a task or chain past the planning horizon is named (the calendar knows no task)
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
        # Resource bound: the tasks of a resource that may start on day t or later and leave at least q days
        # after them need their work over its capacity in days between the two (energy_bound), per resource;
        # then the same against deadlines from a horizon, freeze windows included (horizon_bound).
        items: list[list[tuple[int, int, int]]] = [[] for _ in cap]
        for i in range(n):
            r = res[i]
            if r >= 0 and i not in fixed and dur[i] > 0:
                items[r].append((figures.es[i], dur[i], figures.tail[i] - dur[i]))
        resource_bound = max((energy_bound(items[r], cap[r]) for r in range(len(cap))), default=0)
        resource_bound = max(resource_bound, _project_bound(problem, figures), _slot_bound(problem, figures))
        resource_bound = max(resource_bound, horizon_bound(problem, figures.es, max(resource_bound, figures.makespan)))
        if restarts is None:
            restarts = min(RESTARTS_MAX, RESTART_TASKS // n)
        deadlines = _deadlines(graph, deadline)
        due_index = [cal.due_index(d) if d is not None else None for d in deadlines]
        sched = schedule(problem, priority=figures.tail, passes=passes, restarts=restarts,
                         bound=max(figures.makespan, resource_bound))
        start_idx = sched.start
        pnames = {r: name for name, r in proj_names.items()}
        for r, count in sorted(sched.forced.items()):
            findings.append(make_finding("PLN060", Location(), item=pnames[r], projects=proj_cap[r], extra=count))
        links = sched.links
        exact: dict[str, object] = {}
        if solver == "exact":
            from migrator.planning.exact import solve_exact

            found = solve_exact(problem, hint=start_idx, time_limit=time_limit)
            if found.makespan <= sched.makespan:
                start_idx = found.start
                links = _lanes(problem, start_idx)
            exact = {"solver": "exact", "optimal": found.optimal, "solver_bound": found.bound,
                     "heuristic_makespan": sched.makespan}
        makespan = max((s + d for s, d in zip(start_idx, dur, strict=True)), default=0)
        levelled = problem.with_links(links)

        # Float against the levelled schedule: a cut-over may slip to its deadline (a late one not at all), the
        # rest to the finish of the plan; the CPM figures (es … lf) stay as the bound without capacity.
        tfloat = levelled_float(levelled, start_idx, due_index)
        late_chains: list[tuple[int, int, dt.date]] = []
        for i, t in enumerate(tasks):
            s, f = start_idx[i], start_idx[i] + dur[i]
            t.wave, t.es, t.ef, t.ls, t.lf = wave[i], figures.es[i], figures.ef[i], figures.ls[i], figures.lf[i]
            t.total_float, t.critical = tfloat[i], tfloat[i] == 0 and i not in fixed and t.status != "対象外"
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
        chains = _ChainTracer(levelled, start_idx, set(links))
        for i, over, due in late_chains:
            t = tasks[i]
            chain = chains.trace(i)
            findings.append(make_finding(
                "PLN002", source_location(graph.systems[graph.system_of[i]].deadline_at()), item=t.system_name,
                task=t.label("en"), task_ja=t.label("ja"),
                finish=t.finish_date.isoformat() if t.finish_date else "", deadline=due.isoformat(), days=over,
                chain=" ← ".join(f"{tasks[v].label('en')}{why}" for v, why in chain),
                chain_ja=" ← ".join(f"{tasks[v].label('ja')}{_why_ja(why)}" for v, why in chain),
            ))
        # What holds each critical or late task (the export's 要因 / binding column): the predecessor, or the
        # vendor's, staff's or slot's previous task, with the link's label, and its own freeze or release note.
        binding: dict[str, str] = {}
        for i, t in enumerate(tasks):
            if t.critical or t.late_days:
                note, nxt = chains._step(i)
                text = f"{tasks[nxt[0]].key}{nxt[1]}{note}" if nxt is not None else note.strip()
                if text:
                    binding[t.key] = text
        plan = Plan(
            scenario=scenario, start=start, calendar_settings=config.calendar, tasks=tasks, edges=edges,
            critical_path=_critical_chain(levelled, start_idx, chains), makespan=makespan, lower_bound=figures.makespan,
            greedy_makespan=sched.greedy_makespan, deadline=deadline,
            capacities={name: cap[r] for name, r in res_index.items()},
            params={"template": config.template.name, "passes": sched.passes, "restarts": restarts,
                    "resource_bound": resource_bound, "staff_limit": staff_limit, **exact,
                    "project_slots": {name: proj_cap[r] for name, r in proj_names.items()},
                    "cutover_slots": slots.describe(),
                    "rules": [r.name for r in config.rules.rules], "binding": binding},
            _calendar=cal,
        )
        summary = plan.summary()
    except PlanError as exc:
        if exc.code != "PLN051":
            raise
        raise _past_horizon(tasks, problem, cal) or exc from None
    return PlanResult(plan, Report.of(f"plan {scenario}", findings, subject=scenario, summary=summary))


# The tags of a chain link, wherever they stand (a note of its own is stored stripped: "[capacity]").
_WHY_JA = {"[project slot]": "[プロジェクト枠]", "[cut-over slot]": "[切替枠]", "[capacity]": "[資源の上限]",
           "[freeze]": "[凍結期間]", "[release]": "[提供開始待ち]"}


def why_text(why: str, lang: str = "ja") -> str:
    """The notes of a chain link (what held the task: ``[capacity]`` …) in ``lang``."""
    return _why_ja(why) if lang == "ja" else why


def _why_ja(why: str) -> str:
    """The notes of a chain link (what held the task) in Japanese."""
    for en, ja in _WHY_JA.items():
        why = why.replace(en, ja)
    return why


def _stale_planned_dates(graph: TaskGraph, progress: Mapping[str, TaskProgress], start: dt.date) -> list[Finding]:
    """PLN010 for each system the inventory plans to migrate before the plan starts (at its 移行予定日 cell),
    unless its cut-over is recorded done or not applicable."""
    done = {graph.system_of[i] for i, t in enumerate(graph.tasks)
            if t.kind == "cutover" and (progress.get(t.key) or TaskProgress("")).status in ("完了", "対象外")}
    return [make_finding("PLN010", source_location(s.cell("planned_date")), item=f"{s.municipality_code} {s.name}",
                         planned=s.planned_date.isoformat(), start=start.isoformat())
            for si, s in enumerate(graph.systems)
            if s.planned_date is not None and s.planned_date < start and si not in done]


# Where a deadline comes from, as PLN011 names it (en, ja).
_DEADLINE_FROM = {
    "cell": ("its 特定移行支援期限", "特定移行支援期限"),
    "special": ("特定移行支援 with no 特定移行支援期限: the default deadline of special support",
                "特定移行支援期限の記載がないため特定移行支援の既定の期限"),
    "option": ("--deadline", "--deadline の指定"),
    "default": ("the default deadline, the end of FY2025; --deadline sets another",
                "既定の期限、2025年度末。--deadline で変更できます"),
}
_SYSTEMS_SHOWN = 3


def _deadlines_before_start(graph: TaskGraph, progress: Mapping[str, TaskProgress], start: dt.date,
                            start_given: bool, override: dt.date | None) -> list[Finding]:
    """PLN011 for each deadline that falls before the plan's start, where the deadline comes from: at the
    特定移行支援期限 (or 特定移行支援) cell of a special-support system, one per system; one for all the
    systems --deadline or the FY2025-end default holds. No schedule can meet such a deadline, so each of those
    cut-overs is also late (PLN002); this says why. A cut-over recorded done or not applicable is left out."""
    due_systems = {graph.system_of[i] for i in range(len(graph.tasks)) if graph.phase_due[i]}
    done = {graph.system_of[i] for i, t in enumerate(graph.tasks)
            if t.kind == "cutover" and (progress.get(t.key) or TaskProgress("")).status in ("完了", "対象外")}
    start_from = ("--start", "--start の指定") if start_given else ("today; --start sets another",
                                                                  "今日。--start で指定できます")
    findings: list[Finding] = []
    grouped: dict[tuple[str, dt.date], list[str]] = {}
    for si, s in enumerate(graph.systems):
        due = override if override is not None and not s.special_support else s.deadline
        if si not in due_systems or si in done or due >= start:
            continue
        name = f"{s.municipality_code} {s.name}"
        if not s.special_support:
            grouped.setdefault(("option" if override is not None else "default", due), []).append(name)
            continue
        origin = "cell" if s.special_deadline is not None else "special"
        findings.append(_deadline_finding(source_location(s.deadline_at()), name, [name], due, origin, start,
                                          start_from))
    for (origin, due), names in grouped.items():
        findings.append(_deadline_finding(Location(), None, names, due, origin, start, start_from))
    return findings


def _deadline_finding(at: Location, item: str | None, names: Sequence[str], due: dt.date, origin: str,
                      start: dt.date, start_from: tuple[str, str]) -> Finding:
    shown = {lang: join_list(names[:_SYSTEMS_SHOWN], lang) + (" …" if len(names) > _SYSTEMS_SHOWN else "")
             for lang in ("en", "ja")}
    if len(names) == 1:
        systems, systems_ja = names[0], names[0]
    else:
        systems, systems_ja = f"{len(names)} systems ({shown['en']})", f"{len(names)} システム（{shown['ja']}）"
    late, late_ja = ("the cut-over is", "切替は") if len(names) == 1 else ("their cut-overs are", "それぞれの切替は")
    return make_finding("PLN011", at, item=item, systems=systems, systems_ja=systems_ja, late=late, late_ja=late_ja,
                        deadline=due.isoformat(), deadline_from=_DEADLINE_FROM[origin][0],
                        deadline_from_ja=_DEADLINE_FROM[origin][1], start=start.isoformat(),
                        start_from=start_from[0], start_from_ja=start_from[1])


def _past_horizon(tasks: Sequence[ScheduledTask], p: Problem, cal: BusinessCalendar) -> PlanError | None:
    """PLN051 naming the first task (in dependency order) that cannot end within the planning horizon even with
    no other work competing: a cut-over no day of the horizon allows, or a task whose chain of predecessors
    ends past it; None when every task fits alone (the vendors' capacity pushes the plan past it)."""
    days = len(cal)  # the calendar reached the horizon when it refused to grow
    ef = [0] * len(tasks)
    for v in p.order:
        es = p.fixed.get(v, max([p.release[v], *(ef[u] for u in p.preds[v])]))
        if p.mask[v] >= 0 and p.dur[v] > 0:
            allowed = p.masks[p.mask[v]].find(1, max(es, 0))
            if allowed < 0:
                return _horizon_error(cal, f" (no day of it allows the cut-over {tasks[v].key})",
                                      f"（本番移行 {tasks[v].key} を置ける日が期間内にありません）")
            es = allowed
        ef[v] = es + p.dur[v]
        if ef[v] > days:
            return _horizon_error(cal, f" (task {tasks[v].key} is the first to end past it, its chain of "
                                       f"predecessors included)",
                                  f"（先行タスクの連鎖を含めて、タスク {tasks[v].key} が最初に期間を越えます）")
    return None


def _horizon_error(cal: BusinessCalendar, task: str, task_ja: str) -> PlanError:
    years = limits.current().plan_horizon_years
    return PlanError.of("PLN051", None, years=years, start=cal.start.isoformat(), task=task, task_ja=task_ja,
                        how=limits.how_to_raise("plan_horizon_years"))


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


class _Slots:
    """Cut-over slot resources of the vendors: periods of a day, a weekend (a week from Saturday) or a month."""

    def __init__(self, cal: BusinessCalendar) -> None:
        self.cal = cal
        self.cap: list[int] = []
        self.period: list[Callable[[int], tuple[int, int]]] = []
        self.names: dict[tuple[str, str], int] = {}

    def resource(self, vendor: str, kind: str, limit: int) -> int:
        if (vendor, kind) not in self.names:
            self.names[(vendor, kind)] = len(self.cap)
            self.cap.append(limit)
            self.period.append(self._day if kind == "day" else self._week if kind == "weekend" else self._month)
        return self.names[(vendor, kind)]

    def describe(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for (vendor, kind), q in self.names.items():
            out[vendor][kind] = self.cap[q]
        return dict(out)

    @staticmethod
    def _day(t: int) -> tuple[int, int]:
        return t, t + 1

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one calendar per build, the cache dies with it
    def _week(self, t: int) -> tuple[int, int]:
        # The weekend a cut-over belongs to: the last Saturday on or before its first day (a weekend
        # cut-over starts on the first business day after the weekend it runs over).
        day = self.cal.day(t)
        sat = day - dt.timedelta(days=(day.weekday() - 5) % 7)
        return self.cal.index(sat), self.cal.index(sat + dt.timedelta(days=7))

    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def _month(self, t: int) -> tuple[int, int]:
        day = self.cal.day(t)
        first = day.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return self.cal.index(first), self.cal.index(nxt)


def _project_bound(p: Problem, figures: Cpm) -> int:
    """Per vendor with project slots: its projects as the tasks of :func:`energy_bound`, each with the earliest
    start of its tasks, its shortest span (the longest path from one of its tasks to its cut-over's finish)
    and what must follow its cut-over. Paths are followed through the project's tasks and up to three other tasks in a row
    (the municipality's work between them); a shorter path only weakens the bound."""
    if not p.proj_close:
        return 0
    pos = {v: i for i, v in enumerate(p.order)}
    items: list[list[tuple[int, int, int]]] = [[] for _ in p.proj_cap]
    for pid, c in enumerate(p.proj_close):
        if c in p.fixed:
            continue
        depth = {c: 0}
        stack = [c]
        while stack:
            v = stack.pop()
            for u in p.preds[v]:
                d = 0 if p.proj[u] == pid else depth[v] + 1
                if d <= 3 and (u not in depth or d < depth[u]):
                    depth[u] = d
                    stack.append(u)
        to_close: dict[int, int] = {}
        for v in sorted(depth, key=lambda x: -pos[x]):
            to_close[v] = p.dur[v] + max((to_close[w] for w in p.succs[v] if w in to_close), default=0)
        own = [v for v in depth if p.proj[v] == pid and v not in p.fixed]
        if not own:
            continue
        items[p.proj_res[pid]].append((min(figures.es[v] for v in own), max(to_close[v] for v in own),
                                        figures.tail[c] - p.dur[c]))
    return max((energy_bound(items[r], p.proj_cap[r]) for r in range(len(p.proj_cap))), default=0)


def _slot_bound(p: Problem, figures: Cpm) -> int:
    """Per cut-over slot: its cut-overs need ceil(n / limit) periods from the period of the earliest one;
    the last of them starts no earlier than the first day of that period, and what must follow remains."""
    by_q: dict[int, list[int]] = defaultdict(list)
    for v, qs in p.slot_of.items():
        if v not in p.fixed and p.dur[v]:
            for q in qs:
                by_q[q].append(v)
    best = 0
    for q, vs in by_q.items():
        t = max(0, min(figures.es[v] for v in vs))
        for _ in range(-(-len(vs) // p.slot_cap[q]) - 1):
            t = p.slot_period[q](t)[1]
        best = max(best, t + min(figures.tail[v] for v in vs))
    return best


def _lanes(p: Problem, start: list[int]) -> list[tuple[int, int]]:
    """Project lanes of a schedule found otherwise (the exact solver) as edges, as the list schedule makes them."""
    members: dict[int, list[int]] = defaultdict(list)
    for v, pid in enumerate(p.proj):
        if pid >= 0:
            members[pid].append(v)
    lanes: dict[int, list[tuple[int, int]]] = defaultdict(list)  # resource → [(end, closing task)]
    links: list[tuple[int, int]] = []
    for pid, (a, b) in sorted(project_spans(p, start).items(), key=lambda x: x[1]):
        own = lanes[p.proj_res[pid]]
        fit = [k for k, (end, _) in enumerate(own) if end <= a]
        if fit:
            k = max(fit, key=lambda k: own[k][0])
            links.extend((own[k][1], w) for w in members[pid] if w not in p.fixed)
            own[k] = (b, p.proj_close[pid])
        else:
            own.append((b, p.proj_close[pid]))
    return links


class _ChainTracer:
    """Explains why a task finishes when it does: the predecessor, vendor capacity or freeze window that held it."""

    def __init__(self, p: Problem, start: list[int], links: set[tuple[int, int]] | None = None) -> None:
        self.p, self.start = p, start
        self.links = links or set()
        self._by_res: dict[tuple[int, int], list[int]] | None = None
        self._by_slot: dict[tuple[int, int], list[int]] | None = None
        self._prefix: dict[int, list[int]] = {}
        self._steps: dict[int, tuple[str, tuple[int, str] | None]] = {}

    def _frozen_between(self, m: int, a: int, b: int) -> bool:
        """Whether mask ``m`` forbids a day in ``a .. b-1`` (a prefix count: a cut-over may wait years)."""
        mask = self.p.masks[m]
        prefix = self._prefix.get(m)
        if prefix is None or len(prefix) != len(mask) + 1:
            prefix = self._prefix[m] = [0, *itertools.accumulate(1 - x for x in mask)]
        b = min(b, len(mask))
        return a < b and prefix[b] - prefix[a] > 0

    def _slot_blocker(self, v: int, s: int) -> int | None:
        """A cut-over of the previous period when the cut-over slots of that period are full."""
        p = self.p
        if v not in p.slot_of or s <= 0:
            return None
        if self._by_slot is None:
            self._by_slot = defaultdict(list)
            for w, qs in p.slot_of.items():
                if self.start[w] >= 0 and p.dur[w]:
                    for q in qs:
                        self._by_slot[(q, p.slot_period[q](self.start[w])[0])].append(w)
        for q in p.slot_of[v]:
            lo, _ = p.slot_period[q](s)
            if lo != s or lo <= 0:
                continue
            prev = self._by_slot.get((q, p.slot_period[q](lo - 1)[0]), [])
            if len(prev) >= p.slot_cap[q]:
                return max(prev, key=lambda w: (self.start[w], w))
        return None

    def _res_finishing(self, r: int, day: int) -> list[int]:
        if self._by_res is None:
            self._by_res = defaultdict(list)
            for v in range(self.p.n):
                if self.p.res[v] >= 0 and self.p.dur[v] > 0:
                    self._by_res[(self.p.res[v], self.start[v] + self.p.dur[v])].append(v)
        return self._by_res.get((r, day), [])

    def trace(self, v: int, limit: int = CHAIN_MAX) -> list[tuple[int, str]]:
        chain: list[tuple[int, str]] = []
        why = ""
        while len(chain) < limit:
            note, nxt = self._step(v)
            chain.append((v, why + note))
            if nxt is None:
                break
            v, why = nxt
        return chain

    def _step(self, v: int) -> tuple[str, tuple[int, str] | None]:
        """What holds ``v``: a note on ``v`` itself and the next task of its chain with the link's label.
        Computed once per task: the chains of many late cut-overs share their tails."""
        found = self._steps.get(v)
        if found is None:
            found = self._steps[v] = self._explain(v)
        return found

    def _explain(self, v: int) -> tuple[str, tuple[int, str] | None]:
        p, start = self.p, self.start
        s = start[v]
        if s <= 0 or v in p.fixed:
            return "", None
        ready = max((start[u] + p.dur[u] for u in p.preds[v]), default=p.release[v])
        binding = [u for u in p.preds[v] if start[u] + p.dur[u] == s]
        if binding:
            u = max(binding, key=lambda u: ((u, v) not in self.links, u))
            return "", (u, " [project slot]" if (u, v) in self.links else "")
        held = self._slot_blocker(v, s)
        if held is not None:
            return "", (held, " [cut-over slot]")
        r, m = p.res[v], p.mask[v]
        # A freeze window on the day before the start holds the task whatever the vendor was doing.
        frozen = m >= 0 and s - 1 >= max(ready, 0) and not p.masks[m][s - 1]
        blockers = self._res_finishing(r, s) if r >= 0 and not frozen else []
        if blockers:
            return "", (blockers[0], " [capacity]")
        note = ""
        if m >= 0 and self._frozen_between(m, max(ready, 0), s):
            note = " [freeze]"
        elif r >= 0:
            note = " [capacity]"
        if s == p.release[v] and s > ready:
            return note + " [release]", None
        if not p.preds[v]:
            return note, None
        return note, (max(p.preds[v], key=lambda u: (start[u] + p.dur[u], u)), "")
