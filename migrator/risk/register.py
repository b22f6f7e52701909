"""Evaluating the rules: each system's facts from the inventory, its last validation run and the plan.

Pure: the inventory, the runs (``RunRecord``) and the plan come in as values; the register comes out.
A run is linked to a system by municipality + business area (+ system name when the run names one); a run
without a municipality is linked when exactly one system of the inventory has its area.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from migrator.catalogue import spec
from migrator.i18n import Lang, join_list
from migrator.i18n import fill as fill_in
from migrator.inventory.areas import area_label, resolve_area
from migrator.inventory.importer import LABELS, LABELS_EN
from migrator.inventory.model import Inventory, System, names_system
from migrator.planning.config import window_label
from migrator.planning.model import Plan, ScheduledTask
from migrator.risk.model import (
    SEVERITY_RANK,
    Change,
    Concern,
    DueDriver,
    Evidence,
    Readiness,
    Register,
    RegisterDiff,
    RunRecord,
)
from migrator.risk.rules import FACTS, FINDING_CODES, Rule, RuleSet, holds, load_rules

DONE = "完了"


class Label(str):
    """A fact that people read in their language (a phase's or a freeze window's name): the text is the name as
    written (what a rule compares), ``en`` its English name."""

    en: str

    def __new__(cls, ja: str, en: str) -> Label:
        label = super().__new__(cls, ja)
        label.en = en
        return label

SystemKey = tuple[str, str, str]


def link_runs(inventory: Inventory, runs: Iterable[RunRecord]) -> dict[SystemKey, RunRecord]:
    """The last run of each system of ``inventory`` (by finish time, then id) among the runs linked to it."""
    by_area: dict[str, list[System]] = {}
    for s in inventory.systems:
        by_area.setdefault(s.area_code, []).append(s)
    last: dict[SystemKey, RunRecord] = {}
    for run in runs:
        if not run.area_code:
            continue
        candidates = [s for s in by_area.get(run.area_code, ())
                      if (run.system_name is None or s.name == run.system_name)]
        if run.municipality_code:
            candidates = [s for s in candidates if s.municipality_code == run.municipality_code]
        elif len(candidates) != 1:
            continue
        for s in candidates:
            before = last.get(s.key)
            if before is None or _order(run) > _order(before):
                last[s.key] = run
    return last


def _order(run: RunRecord) -> tuple[dt.datetime, int]:
    return (run.finished_at or dt.datetime.min.replace(tzinfo=dt.UTC), run.id)


def _count(run: RunRecord, fact: str, codes: dict[str, tuple[str, ...]]) -> int:
    return sum(run.counts.get(c, 0) for c in codes.get(fact, ()))


def readiness_of(system: System, run: RunRecord | None,
                 codes: dict[str, tuple[str, ...]] = FINDING_CODES) -> Readiness:
    """The data readiness of ``system`` from its last linked run."""
    if run is None:
        return Readiness(system.municipality_code, system.area_code, system.name)
    gaps = _count(run, "reconciliation_gaps", codes)
    return Readiness(
        system.municipality_code, system.area_code, system.name, run_id=run.id, mapping_id=run.mapping_id,
        run_date=run.finished_at.date() if run.finished_at else None, rows_in=run.rows_in,
        rows_rejected=run.rows_rejected, gaiji_unmapped=_count(run, "gaiji_unmapped", codes),
        reconciliation="gaps" if gaps else "ok", counts=dict(run.counts),
    )


_BUILT: dict[str, tuple[weakref.ref[Any], Any]] = {}
"""What :func:`_built` made of the plan and the inventory being evaluated (emptied when their register is built)."""


def _built(name: str, of: Any, build: Callable[[Any], Any]) -> Any:
    """``build(of)``, made once for the object ``of`` while a register is evaluated, not again per system."""
    held = _BUILT.get(name)
    if held is None or held[0]() is not of:
        held = _BUILT[name] = (weakref.ref(of), build(of))
    return held[1]


@dataclass
class _PlanTasks:
    """A plan's tasks grouped by system, and the keys of those a task of the same system follows: built once
    per plan while a register is evaluated (a national plan has 280,000 tasks; looking them up per system was
    quadratic)."""

    by_system: dict[tuple[str, str, str], list[ScheduledTask]]
    followed: set[str]
    index: dict[str, int]  # task key → position
    preds: dict[int, list[int]]  # position → its predecessors' positions


def _group_plan(plan: Plan) -> _PlanTasks:
    by_system: dict[tuple[str, str, str], list[ScheduledTask]] = {}
    for t in plan.tasks:
        by_system.setdefault((t.municipality_code, t.area_code, t.system_name), []).append(t)
    tasks = plan.tasks
    followed = {tasks[a].key for a, b, _rule in plan.edges
                if (tasks[a].municipality_code, tasks[a].area_code, tasks[a].system_name)
                == (tasks[b].municipality_code, tasks[b].area_code, tasks[b].system_name)}
    preds: dict[int, list[int]] = {}
    for a, b, _rule in plan.edges:
        preds.setdefault(b, []).append(a)
    return _PlanTasks(by_system, followed, plan.index(), preds)


def _plan_tasks(plan: Plan) -> _PlanTasks:
    known: _PlanTasks = _built("plan", plan, _group_plan)
    return known


def _tasks_of(plan: Plan | None, system: System) -> list[ScheduledTask]:
    if plan is None:
        return []
    return list(_plan_tasks(plan).by_system.get(system.key, ()))


def _chain(plan: Plan, task: ScheduledTask, limit: int = 6) -> list[str]:
    """The tasks that drive ``task``: walk back through the predecessor that finishes last."""
    known = _plan_tasks(plan)
    index, preds = known.index, known.preds
    chain, node = [task.key], index[task.key]
    while preds.get(node) and len(chain) < limit:
        node = max(preds[node], key=lambda i: (plan.tasks[i].finish, plan.tasks[i].ef))
        chain.append(plan.tasks[node].key)
    return list(reversed(chain))


def _group_interfaces(inventory: Inventory) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for i in inventory.interfaces:
        grouped.setdefault(i.municipality_code, []).append(i)
    return grouped


def _interim_links(inventory: Inventory, system: System, markers: Sequence[str]) -> int:
    grouped: dict[str, list[Any]] = _built("interfaces", inventory, _group_interfaces)

    def joins(end: str) -> bool:  # by the system's name as the inventory matches it, or its business area
        return names_system(end, system.name) or end == system.area_name or resolve_area(end) == system.area_code

    return sum(1 for i in grouped.get(system.municipality_code, ())
               if (joins(i.source) or joins(i.target)) and any(m in f"{i.method} {i.notes or ''}" for m in markers))


def system_facts(system: System, *, inventory: Inventory, run: RunRecord | None, plan: Plan | None,
                 as_of: dt.date, rules: RuleSet | None = None) -> dict[str, Any]:
    """Every fact of ``system`` a rule may name (``rules.FACTS``); unknown ones are ``None``."""
    rules = rules or load_rules()
    facts: dict[str, Any] = dict.fromkeys(FACTS)
    facts.update(
        contract_end=system.contract_end, release_date=system.release_date, planned_date=system.planned_date,
        current_vendor=system.current_vendor, target_vendor=system.target_vendor,
        special_support=system.special_support,
        special_deadline=system.deadline if system.special_support else None, record_count=system.record_count,
        interim_links=_interim_links(inventory, system, rules.interim_markers),
    )
    if run is not None:
        ready = readiness_of(system, run, rules.finding_codes)
        facts.update(run_id=run.id, run_date=ready.run_date, rows_in=run.rows_in, rows_rejected=run.rows_rejected,
                     reject_share=ready.reject_share, gaiji_unmapped=ready.gaiji_unmapped,
                     code_unconverted=_count(run, "code_unconverted", rules.finding_codes),
                     reconciliation_gaps=_count(run, "reconciliation_gaps", rules.finding_codes))
    planned = _tasks_of(plan, system)
    tasks = [t for t in planned if t.status != DONE]
    if plan is not None and tasks:
        rehearsals = sorted(t.start_date for t in tasks if t.kind == "rehearsal" and t.start_date)
        if rehearsals:
            # A rehearsal not done whose day has passed is the next one still, due now (0 days away), not
            # "-448 days away".
            upcoming = [d for d in rehearsals if d >= as_of] or rehearsals
            facts.update(next_rehearsal=upcoming[0], days_to_rehearsal=max((upcoming[0] - as_of).days, 0))
            if facts["run_date"] is not None:
                facts["run_age_at_rehearsal"] = (upcoming[0] - facts["run_date"]).days
        critical = [t for t in tasks if t.critical]
        facts.update(critical=bool(critical),
                     critical_tasks=tuple(Label(t.phase, t.phase_label("en")) for t in critical) or None,
                     slack=min(t.total_float for t in tasks), late_days=max(t.late_days for t in tasks))
        cutover = next((t for t in tasks if _is_cutover(t, planned, plan)), None)
        if cutover is not None and cutover.start_date:
            window = plan.calendar.freeze_window(system.area_code, cutover.start_date)
            facts.update(cutover_date=cutover.start_date,
                         cutover_freeze=Label(window.name, window_label(window.name, "en")) if window else None,
                         chain=" → ".join(_chain(plan, cutover)))
    return facts


def _shown(value: Any, fact: str, lang: Lang = "en") -> str:
    """A fact as a message or the evidence shows it (a list joined as ``lang`` joins lists)."""
    if value is None:
        return "-"
    if isinstance(value, Label):
        return str.__str__(value) if lang == "ja" else value.en
    if isinstance(value, tuple):
        return join_list((_shown(v, fact, lang) for v in value), lang)
    if fact == "reject_share" and isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# What people call each fact: an inventory field as the inventory's header names it, the rest as the register's
# columns and the plan's outputs do.
FACT_LABELS: dict[str, tuple[str, str]] = {
    **{f: (LABELS[f], LABELS_EN[f]) for f in ("contract_end", "release_date", "planned_date", "record_count",
                                              "special_support", "special_deadline")},
    "current_vendor": ("現行ベンダー", "current vendor"), "target_vendor": ("移行先ベンダー", "target vendor"),
    "interim_links": ("暫定連携の数", "interim links"),
    "run_id": ("実行", "run"), "run_date": ("実行日", "run date"), "rows_in": ("件数", "rows in"),
    "rows_rejected": ("移行不可", "rejected"), "reject_share": ("移行不可率", "reject share"),
    "gaiji_unmapped": ("未対応外字", "unmapped gaiji"), "code_unconverted": ("未変換コード", "unconverted codes"),
    "reconciliation_gaps": ("照合の不一致", "reconciliation gaps"),
    "run_age_at_rehearsal": ("リハーサル時点の実行の経過日数", "run age at the rehearsal (days)"),
    "next_rehearsal": ("次のリハーサル", "next rehearsal"), "days_to_rehearsal": ("リハーサルまでの日数", "days to rehearsal"),
    "cutover_date": ("本番移行日", "cut-over date"), "late_days": ("遅延日数", "late days"), "chain": ("連鎖", "chain"),
    "critical": ("クリティカル", "critical"), "critical_tasks": ("クリティカルなタスク", "critical tasks"),
    "slack": ("余裕日数", "float"), "cutover_freeze": ("凍結期間", "freeze window"),
}


def fact_label(fact: str, lang: Lang) -> str:
    """A fact as people call it in ``lang`` (an inventory field by the inventory's header)."""
    pair = FACT_LABELS.get(fact)
    return fact if pair is None else pair[0 if lang == "ja" else 1]


def _stated(facts: dict[str, Any], names: Sequence[str], lang: Lang) -> str:
    """``label=value`` of each fact of ``names``, joined as ``lang`` joins lists (yes/no in words)."""
    def value(fact: str) -> str:
        v = facts[fact]
        if isinstance(v, bool):
            return ("はい" if v else "いいえ") if lang == "ja" else ("yes" if v else "no")
        return _shown(v, fact, lang)

    return join_list((f"{fact_label(f, lang)}={value(f)}" for f in names), lang)


def _evidence(rule: Rule, system: System, facts: dict[str, Any], run: RunRecord | None, plan: Plan | None,
              threatened: ScheduledTask | None) -> tuple[Evidence, ...]:
    """What the concern rests on: each inventory field the rule read at its own cell (the others at the row),
    the run's figures at the run, the plan's at the task it threatens; named and said in both languages."""
    named = list(dict.fromkeys([*(c.fact for c in rule.when), *rule.evidence,
                                *(str(c.value)[1:] for c in rule.when
                                  if isinstance(c.value, str) and c.value.startswith("@"))]))
    out = []
    row = system.source or f"{system.municipality_code} {system.area_name} {system.name}"
    at_cells = [f for f in named if FACTS[f] == "inventory" and system.set_at(f)]
    for f in at_cells:
        out.append(Evidence(source="inventory", ref=system.set_at(f) or row, detail=_stated(facts, [f], "en"),
                            detail_ja=_stated(facts, [f], "ja")))
    for source in ("inventory", "run", "plan"):
        shown = [f for f in named if FACTS[f] == source and f not in at_cells]
        if not shown:
            continue
        detail, detail_ja = _stated(facts, shown, "en"), _stated(facts, shown, "ja")
        if source == "inventory":
            ref = ref_ja = row
        elif source == "run" and run is not None:
            stamp = run.finished_at.date().isoformat() if run.finished_at else "-"
            ref = f"run #{run.id} {run.mapping_id} ({stamp})"
            ref_ja = f"実行 #{run.id} {run.mapping_id} ({stamp})"
            counts = [f"{c}×{n}" for c, n in sorted(run.counts.items())]
            detail += f", findings {join_list(counts, 'en') or '-'}"
            detail_ja += f"、指摘 {join_list(counts, 'ja') or '-'}"
        elif source == "plan" and plan is not None:
            ref = f"plan {plan.scenario}" + (f": {threatened.key}" if threatened else "")
            ref_ja = f"計画 {plan.scenario}" + (f": {threatened.key}" if threatened else "")
        else:
            ref = ref_ja = "-"
        out.append(Evidence(source=source, ref=ref, detail=detail, ref_ja=ref_ja, detail_ja=detail_ja))
    return tuple(out)


def _owner(rule: Rule, system: System, inventory: Inventory) -> str:
    if rule.owner == "current_vendor":
        return system.current_vendor or "-"
    if rule.owner == "target_vendor":
        return system.target_vendor or "-"
    return next((m.name for m in inventory.municipalities if m.code == system.municipality_code),
                system.municipality_code)


CLOSED = (DONE, "対象外")


def _is_cutover(task: ScheduledTask, tasks: Sequence[ScheduledTask], plan: Plan) -> bool:
    """Whether ``task`` is its system's cut-over: of kind ``cutover``; in a template without one, the phase due
    by the deadline (the last such); without that either, the system's last phase (no phase of it follows)."""
    if any(t.kind == "cutover" for t in tasks):
        return task.kind == "cutover"
    due = [t for t in tasks if t.deadline is not None]
    if due:
        return task is due[-1]
    followed = _plan_tasks(plan).followed
    last = [t for t in tasks if t.key not in followed]
    return bool(last) and task is last[-1]


def _matches(name: str, task: ScheduledTask, tasks: Sequence[ScheduledTask], plan: Plan) -> bool:
    """Whether ``task`` is the phase ``name`` of a rule's ``threatens``: by phase id when the system has a phase
    of that id, else by what the phase is (its kind; ``cutover`` by :func:`_is_cutover`)."""
    if any(t.phase_id == name for t in tasks):
        return task.phase_id == name
    if name == "cutover":
        return _is_cutover(task, tasks, plan)
    return task.kind == name


def threatened_task(rule: Rule, plan: Plan | None,
                    tasks: Sequence[ScheduledTask]) -> tuple[ScheduledTask | None, str]:
    """The open task of a system (its ``tasks`` in plan order) that ``rule`` threatens — the first candidate of
    ``threatens`` that names one (a kind: its earliest open task) — or ``None`` and why (a ``due_note``)."""
    if plan is None:
        return None, "no_plan"
    if not tasks:
        return None, "not_planned"
    closed = False
    for name in rule.threatens:
        found = [t for t in tasks if _matches(name, t, tasks, plan)]
        open_ = [t for t in found if t.status not in CLOSED]
        if open_:
            return min(open_, key=lambda t: (t.start, tasks.index(t))), ""
        closed = closed or bool(found)
    return None, "done" if closed else "no_phase"


def _latest_start(plan: Plan, task: ScheduledTask, finish: int) -> int:
    """The latest start of ``task`` (a business-day index from the plan's start, negative before it) that still
    finishes by the exclusive index ``finish``: for a cut-over a day it may start on, none of its days in a freeze
    window of its area."""
    cal = plan.calendar
    start = finish - max(task.duration, 1)
    if task.kind == "cutover":
        while start >= 0 and not (cal.cutover_allowed(task.area_code, task.window or "business_day", start) and all(
                cal.freeze_window(task.area_code, cal.day(start + k)) is None for k in range(1, task.duration))):
            start -= 1
    return start


def _index_date(plan: Plan, index: int) -> dt.date:
    """The business day of ``index``; before the plan's start counted back in business days from there."""
    cal = plan.calendar
    if index >= 0:
        return cal.day(index)
    # Counted back once per plan as far as asked, not day by day per concern (a register of a national plan
    # asks for a date months before the start for each of its concerns).
    back: list[dt.date] = _built("days_before_start", plan, lambda p: [p.start])
    day = back[-1]
    while len(back) <= -index:
        day -= dt.timedelta(days=1)
        while not cal.is_business_day(day):
            day -= dt.timedelta(days=1)
        back.append(day)
    return back[-index]


def deadline_start(plan: Plan, task: ScheduledTask) -> dt.date | None:
    """The latest start of ``task`` that still finishes by its deadline (a cut-over: on a day it may start, not
    in a freeze window of its area); ``None`` for a task without a deadline. Before the plan's start it is
    counted back in business days from there."""
    if task.deadline is None:
        return None
    return _index_date(plan, _latest_start(plan, task, plan.calendar.due_index(task.deadline)))


FACT = (DONE, "作業中")
"""A task done or under way: its start is a fact, and it binds nothing before it."""


def _carry_deadlines(plan: Plan) -> dict[int, tuple[int, int]]:
    """Per task (its position) that precedes a task with a deadline: the latest start that still lets every such
    successor meet its deadline, and the successor whose deadline sets it (of several, the one that asks for the
    earliest start; of equal ones, the first in the plan) — a backward pass in reverse topological order, each
    task and edge once, so the time grows with the plan, not its square.

    Each task on the way is measured as :func:`deadline_start` measures the one with the deadline: its duration
    in business days, a cut-over on a day it may start on. A task 対象外 passes its successors' limit on
    without time of its own and its own deadline binds nothing; one done or under way binds nothing before it."""
    tasks, n = plan.tasks, len(plan.tasks)
    succs: list[list[int]] = [[] for _ in range(n)]
    waiting = [0] * n
    for a, b, _rule in plan.edges:
        succs[a].append(b)
        waiting[b] += 1
    order = [v for v in range(n) if not waiting[v]]
    for v in order:  # grows as it goes: Kahn's topological order
        for w in succs[v]:
            waiting[w] -= 1
            if not waiting[w]:
                order.append(w)
    # The cut-overs of an area that must finish by the same day start by the same day: walked back once.
    walked: dict[tuple[str, str | None, int, int], int] = {}
    due_index: dict[dt.date, int] = {}

    def latest(t: ScheduledTask, finish: int) -> int:
        if t.kind != "cutover":
            return _latest_start(plan, t, finish)
        key = (t.area_code, t.window, t.duration, finish)
        start = walked.get(key)
        if start is None:
            start = walked[key] = _latest_start(plan, t, finish)
        return start

    carried: dict[int, tuple[int, int]] = {}
    limit: dict[int, tuple[int, int]] = {}  # position → (latest start for the deadlines at or after it, whose)
    for v in reversed(order):
        t = tasks[v]
        best: tuple[int, int] | None = None
        for w in succs[v]:
            held = limit.get(w)
            if held is not None and (best is None or held < best):
                best = held
        if t.status == "対象外":
            if best is not None:
                carried[v] = limit[v] = best
            continue
        if best is not None:
            carried[v] = (latest(t, best[0]), best[1])
        if t.status in FACT:
            continue
        own = None
        if t.deadline is not None:
            finish = due_index.get(t.deadline)
            if finish is None:
                finish = due_index[t.deadline] = plan.calendar.due_index(t.deadline)
            own = (latest(t, finish), v)
        held = carried.get(v)
        if own is not None and (held is None or own <= held):
            held = own
        if held is not None:
            limit[v] = held
    return carried


def _carried(plan: Plan) -> dict[int, tuple[int, int]]:
    known: dict[int, tuple[int, int]] = _built("deadlines", plan, _carry_deadlines)
    return known


def _due(rule: Rule, plan: Plan | None, tasks: Sequence[ScheduledTask],
         as_of: dt.date) -> tuple[ScheduledTask | None, dt.date | None, str, DueDriver | None]:
    """The task ``rule`` threatens, the date to resolve by, its note and the task whose deadline set it: the
    task's latest start (CPM); for a task with a deadline the latest start that still meets it when that comes
    first — a late cut-over's CPM latest start, counted from the plan's own finish, falls after the deadline it
    is late for; and for a task that precedes tasks with deadlines (a rehearsal before a cut-over) the latest
    start that still lets each of them meet its own, when that comes first still (:func:`_carry_deadlines`).
    A date before ``as_of`` is ``overdue``."""
    task, note = threatened_task(rule, plan, tasks)
    if task is None or plan is None:
        return None, None, note, None
    due = plan.calendar.day(max(task.ls, 0))
    by_deadline = deadline_start(plan, task)
    if by_deadline is not None and by_deadline < due:
        due = by_deadline
    driver = None
    held = _carried(plan).get(_plan_tasks(plan).index[task.key])
    if held is not None:
        by_successor = _index_date(plan, held[0])
        if by_successor < due:
            due, setter = by_successor, plan.tasks[held[1]]
            assert setter.deadline is not None  # only a task with a deadline sets a limit
            driver = DueDriver(task=setter.key, deadline=setter.deadline, label_ja=setter.label("ja"),
                               label_en=setter.label("en"))
    return task, due, "overdue" if due < as_of else "", driver


def evaluate(*, inventory: Inventory, runs: Sequence[RunRecord] = (), plan: Plan | None = None,
             rules: RuleSet | None = None, as_of: dt.date, municipality: str | None = None) -> Register:
    """Build the register: every enabled rule over every system (of ``municipality`` when given)."""
    try:
        return _evaluate(inventory=inventory, runs=runs, plan=plan, rules=rules, as_of=as_of,
                         municipality=municipality)
    finally:
        _BUILT.clear()  # the plan's tasks by system are not kept past its register


def _evaluate(*, inventory: Inventory, runs: Sequence[RunRecord], plan: Plan | None, rules: RuleSet | None,
              as_of: dt.date, municipality: str | None) -> Register:
    rules = rules or load_rules()
    last = link_runs(inventory, runs)
    names = {m.code: m.name for m in inventory.municipalities}
    concerns: list[Concern] = []
    readiness: list[Readiness] = []
    systems = [s for s in inventory.systems if municipality is None or s.municipality_code == municipality]
    for system in systems:
        run = last.get(system.key)
        readiness.append(readiness_of(system, run, rules.finding_codes))
        facts = system_facts(system, inventory=inventory, run=run, plan=plan, as_of=as_of, rules=rules)
        tasks = _tasks_of(plan, system)
        label = f"{system.municipality_code} {system.area_name} {system.name}"
        label_en = f"{system.municipality_code} {area_label(system.area_code, system.area_name, 'en')} {system.name}"
        for rule in rules.rules:
            if not rule.enabled or not all(holds(c, facts) for c in rule.when):
                continue
            threatened, due, due_note, driver = _due(rule, plan, tasks, as_of)
            entry = spec(rule.code)
            fill = {**{f: _shown(v, f) for f, v in facts.items()}, "item": label_en}
            fill_ja = {**{f: _shown(v, f, "ja") for f, v in facts.items()}, "item": label}
            measure = facts.get(rule.measure) if rule.measure else None
            concerns.append(Concern(
                code=rule.code, severity=rule.severity or entry.severity,
                municipality_code=system.municipality_code,
                municipality_name=names.get(system.municipality_code, ""), area_code=system.area_code,
                area_name=system.area_name, system_name=system.name, title_ja=entry.title_ja,
                title_en=entry.title_en, message_ja=fill_in(entry.message_ja, **fill_ja), message_en=fill_in(entry.message_en, **fill),
                evidence=_evidence(rule, system, facts, run, plan, threatened), owner_role=rule.owner,
                owner=_owner(rule, system, inventory), due=due, due_note=due_note, due_driver=driver,
                measure=float(measure) if isinstance(measure, (int, float)) else None,
            ))
    concerns.sort(key=lambda c: (c.municipality_code, c.area_code, c.system_name, -SEVERITY_RANK[c.severity],
                                 c.code))
    return Register(concerns=tuple(concerns), readiness=tuple(readiness), as_of=as_of,
                    municipality=municipality, scenario=plan.scenario if plan else None)


def diff(before: Sequence[Concern], after: Sequence[Concern]) -> RegisterDiff:
    """What was resolved, what is new and what got worse (higher severity or larger measure)."""
    old = {c.key: c for c in before}
    new = {c.key: c for c in after}
    worse = []
    unchanged = 0
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        if (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity]
                or (a.measure is not None and b.measure is not None and b.measure > a.measure)):
            worse.append(Change(a, b))
        else:
            unchanged += 1
    return RegisterDiff(resolved=tuple(old[k] for k in sorted(old.keys() - new.keys())),
                        new=tuple(new[k] for k in sorted(new.keys() - old.keys())),
                        worse=tuple(sorted(worse, key=lambda w: w.after.key)), unchanged=unchanged)
