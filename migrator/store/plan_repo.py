"""Saving and loading plans (``migrator.planning.Plan``) and the recorded progress of their tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from migrator.errors import InputError, PlanError
from migrator.i18n import did_you_mean
from migrator.planning.build import TaskProgress
from migrator.planning.config import calendar_from_dict
from migrator.planning.model import Plan, ScheduledTask
from migrator.store import models as m


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def save_plan(session: Session, plan: Plan) -> int:
    """Store ``plan`` under its scenario, replacing an earlier plan of the same scenario; return its id."""
    old = session.scalar(select(m.Plan).where(m.Plan.scenario == plan.scenario))
    if old is not None:
        session.execute(delete(m.PlanTask).where(m.PlanTask.plan_id == old.id))
        session.delete(old)
        session.flush()
    extra = [[t.area_name, t.phase_id, t.kind, t.window, t.late_days, _iso(t.baseline_start),
              _iso(t.baseline_finish), t.phase_en] for t in plan.tasks]
    row = m.Plan(
        scenario=plan.scenario, start_date=plan.start, deadline=plan.deadline, finish_date=plan.finish_date,
        makespan_days=plan.makespan, lower_bound_days=plan.lower_bound,
        params={**plan.params, "calendar": plan.calendar_settings.to_dict(), "capacities": plan.capacities,
                "greedy_makespan": plan.greedy_makespan, "critical_path": plan.critical_path,
                "edges": [list(e) for e in plan.edges], "task_extra": extra},
    )
    session.add(row)
    session.flush()
    session.execute(insert(m.PlanTask), [
        {"plan_id": row.id, "task_key": t.key, "municipality_code": t.municipality_code, "area_code": t.area_code,
         "system_name": t.system_name, "phase": t.phase, "owner": t.owner, "vendor": t.vendor,
         "checkpoint": t.checkpoint, "duration_days": t.duration, "wave": t.wave, "early_start": t.es,
         "early_finish": t.ef, "late_start": t.ls, "late_finish": t.lf, "total_float": t.total_float,
         "critical": t.critical, "start_date": t.start_date, "finish_date": t.finish_date, "deadline": t.deadline,
         "status": t.status, "actual_start": t.actual_start, "actual_finish": t.actual_finish}
        for t in plan.tasks
    ])
    return row.id


def list_plans(session: Session) -> list[dict[str, Any]]:
    """Scenario, dates and figures of every stored plan."""
    return [
        {"scenario": p.scenario, "start": _iso(p.start_date), "finish": _iso(p.finish_date),
         "makespan_days": p.makespan_days, "lower_bound_days": p.lower_bound_days}
        for p in session.scalars(select(m.Plan).order_by(m.Plan.scenario))
    ]


def stored_scenario(session: Session, scenario: str, *, name: str = "--scenario") -> bool:
    """Whether a plan of ``scenario`` is stored: False only when the store holds no plan at all.

    Raises:
        InputError: the store holds plans and none of ``scenario`` (PLN053, a usage error, exit 2): a name
            mistyped would otherwise quietly select no plan. The message names ``name`` (the option or argument
            that gave the scenario) and the value, and lists the stored scenarios with the closest one.
    """
    if session.scalar(select(m.Plan.id).where(m.Plan.scenario == scenario)) is not None:
        return True
    known = [p["scenario"] for p in list_plans(session)]
    if not known:
        return False
    hint, hint_ja = did_you_mean(scenario, known)
    raise InputError.of("PLN053", None, name=name, scenario=scenario, known=known, hint=hint, hint_ja=hint_ja)


def load_plan(session: Session, scenario: str, *, name: str = "--scenario") -> Plan:
    """The stored plan of ``scenario``.

    Raises:
        InputError: other plans are stored, none of ``scenario`` (PLN053, naming ``name``; see
            :func:`stored_scenario`).
        PlanError: the store holds no plan at all (run ``migrator plan build`` first).
    """
    row = session.scalar(select(m.Plan).where(m.Plan.scenario == scenario))
    if row is None:
        stored_scenario(session, scenario, name=name)
        raise PlanError(f"no plan for scenario {scenario!r} (no plan is stored); run `migrator plan build` first",
                        f"シナリオ {scenario!r} の計画がありません (保存済みの計画はありません)。"
                        "先に `migrator plan build` を実行してください")
    params = dict(row.params or {})
    extra = params.pop("task_extra", [])
    tasks = []
    # Plain rows, not ORM objects: nothing is changed, and a national plan has 280,000 of them.
    rows = session.execute(select(m.PlanTask.__table__).where(m.PlanTask.plan_id == row.id).order_by(m.PlanTask.id))
    cal_start = row.start_date
    for i, r in enumerate(rows):
        # a plan stored before phases had English names has seven fields (its phases are named as shipped)
        area_name, phase_id, kind, window, late, bs, bf, phase_en = (
            [*extra[i], ""][:8] if i < len(extra) else ("", "", "work", None, 0, None, None, ""))
        tasks.append(ScheduledTask(
            key=r.task_key, municipality_code=r.municipality_code or "", area_code=r.area_code or "",
            area_name=area_name, system_name=r.system_name or "", phase_id=phase_id, phase=r.phase,
            owner=r.owner or "", vendor=r.vendor, checkpoint=r.checkpoint, kind=kind, duration=r.duration_days,
            wave=r.wave or 0, es=r.early_start or 0, ef=r.early_finish or 0, ls=r.late_start or 0,
            lf=r.late_finish or 0, total_float=r.total_float or 0, critical=r.critical,
            start_date=r.start_date, finish_date=r.finish_date, deadline=r.deadline, late_days=late,
            status=r.status, actual_start=r.actual_start, actual_finish=r.actual_finish,
            baseline_start=_date(bs), baseline_finish=_date(bf), window=window, phase_en=phase_en or "",
        ))
    plan = Plan(
        scenario=row.scenario, start=cal_start, calendar_settings=calendar_from_dict(params.pop("calendar", {})),
        tasks=tasks, edges=[(a, b, r) for a, b, r in params.pop("edges", [])],
        critical_path=list(params.pop("critical_path", [])), makespan=row.makespan_days or 0,
        lower_bound=row.lower_bound_days or 0, greedy_makespan=params.pop("greedy_makespan", 0) or 0,
        deadline=row.deadline, capacities=dict(params.pop("capacities", {})), params=params,
    )
    cal = plan.calendar
    for t in tasks:
        if t.start_date:
            t.start = cal.index(t.start_date)
        if t.finish_date:
            # A zero-day task (a milestone, or 対象外 work) is dated on its start day but ends where it starts,
            # as the build left it: finish - start is its duration.
            t.finish = t.start if t.duration == 0 and t.start_date else cal.index(t.finish_date) + 1
    return plan


def record_progress(session: Session, scenario: str, progress: dict[str, TaskProgress], *,
                    write: bool = True) -> list[str]:
    """Set the actual status and dates of tasks of ``scenario`` (only check them unless ``write``); return the
    keys not in the plan. Without a plan of ``scenario`` it raises as :func:`load_plan` does."""
    row = session.scalar(select(m.Plan).where(m.Plan.scenario == scenario))
    if row is None:
        load_plan(session, scenario)  # raises the helpful error
    assert row is not None
    tasks = {t.task_key: t for t in session.scalars(select(m.PlanTask).where(m.PlanTask.plan_id == row.id))}
    unknown = []
    for key, pr in progress.items():
        t = tasks.get(key)
        if t is None:
            unknown.append(key)
            continue
        if write:
            t.status, t.actual_start, t.actual_finish = pr.status, pr.actual_start, pr.actual_finish
    return unknown


def load_progress(session: Session, scenario: str) -> tuple[dict[str, TaskProgress],
                                                          dict[str, tuple[dt.date | None, dt.date | None]]]:
    """Recorded progress and the baseline (planned start, finish) of every task of a stored plan.

    Both are empty when the scenario has no stored plan yet.
    """
    row = session.scalar(select(m.Plan).where(m.Plan.scenario == scenario))
    if row is None:
        return {}, {}
    plan = load_plan(session, scenario)
    progress = {t.key: TaskProgress(t.status, t.actual_start, t.actual_finish) for t in plan.tasks if t.status}
    baseline = {t.key: (t.baseline_start or t.start_date, t.baseline_finish or t.finish_date) for t in plan.tasks}
    return progress, baseline
