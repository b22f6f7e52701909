"""A built plan as data: tasks with their CPM figures, scheduled dates, deadlines, progress and baseline."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, fields
from typing import Any

from migrator.planning.calendar import BusinessCalendar
from migrator.planning.config import CalendarSettings, shipped_phase_name_en

STATUSES = ("完了", "作業中", "未着手", "対象外")
"""Progress states of the national progress model (完了済み/作業中/未着手/対象外)."""


@dataclass(slots=True)
class ScheduledTask:
    """One task of a plan. Day figures (``es`` … ``finish``) are business-day indices from the plan start."""

    key: str
    municipality_code: str
    area_code: str
    area_name: str
    system_name: str
    phase_id: str
    phase: str
    owner: str
    vendor: str | None
    checkpoint: bool
    kind: str
    duration: int
    wave: int = 0
    es: int = 0
    ef: int = 0
    ls: int = 0
    lf: int = 0
    total_float: int = 0
    critical: bool = False
    start: int = 0
    finish: int = 0
    start_date: dt.date | None = None
    finish_date: dt.date | None = None
    deadline: dt.date | None = None
    late_days: int = 0
    status: str | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None
    baseline_start: dt.date | None = None
    baseline_finish: dt.date | None = None
    window: str | None = None
    """For a cut-over: ``business_day`` or ``weekend`` (then the cut-over runs over the days before start)."""
    phase_en: str = ""
    """The phase's name in English (empty: the template gave none)."""

    def phase_label(self, lang: str) -> str:
        """The phase's name as shown in ``lang``: the template's English name under ``en`` (the shipped one for a
        phase of the shipped template's name), else the name as the template wrote it."""
        if lang == "ja":
            return self.phase
        return self.phase_en or shipped_phase_name_en(self.phase) or self.phase

    def label(self, lang: str) -> str:
        """The task as people read it: municipality code, system and phase name in ``lang``."""
        return f"{self.municipality_code} {self.system_name} {self.phase_label(lang)}"

    def to_dict(self) -> dict[str, Any]:
        """The task's fields, dates as ISO text. Every field is a plain value: no deep copy (``asdict``'s took
        most of a national plan's JSON export)."""
        data = {name: getattr(self, name) for name in _task_fields()}
        for k, v in data.items():
            if isinstance(v, dt.date):
                data[k] = v.isoformat()
        return data


@functools.cache
def _task_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(ScheduledTask))


@dataclass
class Plan:
    """A plan of one scenario: ordered tasks, dependency edges, the critical path and summary figures."""

    scenario: str
    start: dt.date
    calendar_settings: CalendarSettings
    tasks: list[ScheduledTask]
    edges: list[tuple[int, int, str]] = field(default_factory=list)
    """(predecessor index, successor index, the rule that created the edge)."""
    critical_path: list[int] = field(default_factory=list)
    makespan: int = 0
    lower_bound: int = 0
    greedy_makespan: int = 0
    deadline: dt.date | None = None
    capacities: dict[str, int] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    _calendar: BusinessCalendar | None = field(default=None, repr=False)

    @property
    def calendar(self) -> BusinessCalendar:
        if self._calendar is None:
            self._calendar = BusinessCalendar(self.start, self.calendar_settings)
        return self._calendar

    @property
    def finish_date(self) -> dt.date | None:
        dates = [t.finish_date for t in self.tasks if t.finish_date]
        return max(dates) if dates else None

    @property
    def waves(self) -> int:
        return max((t.wave for t in self.tasks), default=-1) + 1

    def index(self) -> dict[str, int]:
        return {t.key: i for i, t in enumerate(self.tasks)}

    def resource_load(self) -> dict[str, tuple[int, int]]:
        """Per resource (vendor, or 団体職員:団体コード under a staff limit): (days it is full, days it works)."""
        staff = self.params.get("staff_limit")
        load: dict[str, dict[int, int]] = {}
        for t in self.tasks:
            if t.status in ("完了", "対象外"):
                continue
            name = (f"団体職員:{t.municipality_code}" if staff else None) if t.owner == "municipality" else t.vendor
            if name is None:
                continue
            days = load.setdefault(name, {})
            for k in range(max(t.start, 0), t.finish):
                days[k] = days.get(k, 0) + 1
        caps = {**self.capacities}
        out = {}
        for name, days in load.items():
            cap = caps.get(name, staff if name.startswith("団体職員:") else None)
            if cap:
                out[name] = (sum(1 for used in days.values() if used >= cap), len(days))
        return out

    def late_by_deadline(self) -> dict[str, dict[str, int]]:
        """Per deadline: systems due, systems late and the most business days late."""
        out: dict[str, dict[str, int]] = {}
        for t in self.tasks:
            if t.deadline is None or t.status == "対象外":
                continue
            row = out.setdefault(t.deadline.isoformat(), {"systems": 0, "late": 0, "max_late_days": 0})
            row["systems"] += 1
            if t.late_days > 0:
                row["late"] += 1
                row["max_late_days"] = max(row["max_late_days"], t.late_days)
        return dict(sorted(out.items()))

    def summary(self) -> dict[str, Any]:
        """Headline figures for reports."""
        late = [t for t in self.tasks if t.late_days > 0]
        bound = max(self.lower_bound, self.params.get("resource_bound") or 0, self.params.get("solver_bound") or 0)
        return {
            "scenario": self.scenario,
            "start": self.start.isoformat(),
            "finish": self.finish_date.isoformat() if self.finish_date else None,
            "tasks": len(self.tasks),
            "edges": len({(a, b) for a, b, _ in self.edges}),
            "waves": self.waves,
            "makespan_days": self.makespan,
            "lower_bound_days": self.lower_bound,
            "greedy_makespan_days": self.greedy_makespan,
            "resource_bound_days": self.params.get("resource_bound"),
            "bound_days": bound,
            "gap_pct": round(100 * (self.makespan - bound) / bound, 2) if bound else 0.0,
            "critical_tasks": sum(t.critical for t in self.tasks),
            "late_tasks": len(late),
            "systems": len({(t.municipality_code, t.area_code, t.system_name) for t in self.tasks}),
        }

    def to_dict(self) -> dict[str, Any]:
        """Every field of the plan, for JSON."""
        return {
            "format": "migrator.plan/1",
            **self.summary(),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "capacities": dict(self.capacities),
            "calendar": self.calendar_settings.to_dict(),
            "critical_path": [self.tasks[i].key for i in self.critical_path],
            "tasks": [t.to_dict() for t in self.tasks],
            "edges": [{"from": self.tasks[a].key, "to": self.tasks[b].key, "rule": r} for a, b, r in self.edges],
            "params": dict(self.params),
        }
