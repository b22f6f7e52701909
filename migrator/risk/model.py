"""The risk register as data: validation runs as the register sees them, concerns, readiness, the register."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from migrator.i18n import Lang
from migrator.inventory.areas import area_label

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class RunRecord:
    """The stored summary of one validation run and the system it migrates (when it was linked to one)."""

    id: int
    mapping_id: str
    finished_at: dt.datetime | None
    rows_in: int
    rows_out: int
    rows_rejected: int
    counts: dict[str, int] = field(default_factory=dict)
    """Finding counts by code (DAT108 → 12)."""
    municipality_code: str | None = None
    area_code: str | None = None
    system_name: str | None = None


@dataclass(frozen=True)
class Readiness:
    """The data readiness of one system: the figures of its last linked validation run."""

    municipality_code: str
    area_code: str
    system_name: str
    run_id: int | None = None
    mapping_id: str | None = None
    run_date: dt.date | None = None
    rows_in: int = 0
    rows_rejected: int = 0
    gaiji_unmapped: int = 0
    reconciliation: str = "-"
    """``ok``, ``gaps`` or ``-`` (no run)."""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def reject_share(self) -> float | None:
        return self.rows_rejected / self.rows_in if self.rows_in else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["run_date"] = self.run_date.isoformat() if self.run_date else None
        data["reject_share"] = self.reject_share
        return data


_SOURCES = {"inventory": ("システム一覧", "inventory"), "run": ("検証", "run"), "plan": ("計画", "plan")}


@dataclass(frozen=True)
class Evidence:
    """What a concern rests on: ``inventory`` (a cell), ``run`` (a validation run) or ``plan`` (a task).

    ``ref`` and ``detail`` are in English, ``ref_ja`` and ``detail_ja`` in Japanese (empty in a register stored
    before evidence spoke Japanese: the English is shown then)."""

    source: str
    ref: str
    detail: str
    ref_ja: str = ""
    detail_ja: str = ""

    def text(self, lang: Lang = "en") -> str:
        ja = lang == "ja"
        source = _SOURCES.get(self.source, (self.source, self.source))[0 if ja else 1]
        ref = (self.ref_ja or self.ref) if ja else self.ref
        detail = (self.detail_ja or self.detail) if ja else self.detail
        return f"[{source}] {ref}: {detail}"


DUE_NOTES: dict[str, tuple[str, str]] = {
    "overdue": ("期限超過 ({date} までに要対応)", "overdue (action was due by {date})"),
    "no_plan": ("算出不可: 計画なし", "cannot be derived: no plan"),
    "not_planned": ("算出不可: 計画にないシステム", "cannot be derived: the system is not in the plan"),
    "no_phase": ("算出不可: 該当する工程が計画にない", "cannot be derived: no such phase in the plan"),
    "done": ("算出不可: 該当工程は完了済み", "cannot be derived: the phase is already done"),
}
"""How each ``Concern.due_note`` reads (ja, en)."""

CARRIED_NOTES: dict[str, tuple[str, str]] = {
    "": ("{date} ({task} の期限 {deadline} から逆算)", "{date} (carried back from the deadline {deadline} of {task})"),
    "overdue": ("期限超過 ({date} までに要対応、{task} の期限 {deadline} から逆算)",
                "overdue (action was due by {date}, carried back from the deadline {deadline} of {task})"),
}
"""How a due date carried back from a successor's deadline reads (ja, en), by ``Concern.due_note``."""


@dataclass(frozen=True)
class DueDriver:
    """The later task whose deadline a concern's due date is carried back from (a cut-over after the rehearsal
    the concern threatens): its key, its deadline and its name in each language."""

    task: str
    deadline: dt.date
    label_ja: str = ""
    label_en: str = ""

    def label(self, lang: Lang = "en") -> str:
        return (self.label_ja if lang == "ja" else self.label_en) or self.task


@dataclass(frozen=True)
class Concern:
    """One concern of one system, raised by the rule of ``code``."""

    code: str
    severity: str
    municipality_code: str
    municipality_name: str
    area_code: str
    area_name: str
    system_name: str
    title_ja: str
    title_en: str
    message_ja: str
    message_en: str
    evidence: tuple[Evidence, ...] = ()
    owner_role: str = "municipality"
    owner: str = ""
    due: dt.date | None = None
    """The latest start of the plan task the concern threatens: resolve it before then (a task with a deadline:
    the latest start that still meets the deadline; a task before tasks with deadlines: the latest start that
    still lets each of them meet its own, when that comes first)."""
    due_note: str = ""
    """Why ``due`` says more than a date or is empty: ``overdue`` (``due`` passed before the as-of day),
    ``no_plan``, ``not_planned`` (the system has no tasks in the plan), ``no_phase`` (no task of the plan is the
    one the rule threatens), ``done`` (that task is done). Empty when ``due`` is a date still ahead."""
    due_driver: DueDriver | None = None
    """The later task whose deadline sets ``due`` when it is carried back from one (``None``: the threatened
    task's own latest start or deadline sets it)."""
    measure: float | None = None
    """How big the concern is (rejected share, late days …), to tell when it got worse."""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.code, self.municipality_code, self.area_code, self.system_name)

    def title(self, lang: Lang = "en") -> str:
        return self.title_ja if lang == "ja" else self.title_en

    def message(self, lang: Lang = "en") -> str:
        return self.message_ja if lang == "ja" else self.message_en

    def due_text(self, lang: Lang = "en") -> str:
        """The date to resolve by as people read it: the date, ``overdue: date`` or why there is none; a date
        carried back from a later task's deadline names that task and deadline."""
        driver = self.due_driver
        if driver is not None and self.due is not None and self.due_note in CARRIED_NOTES:
            ja, en = CARRIED_NOTES[self.due_note]
            return (ja if lang == "ja" else en).format(date=self.due.isoformat(), task=driver.label(lang),
                                                       deadline=driver.deadline.isoformat())
        if not self.due_note:
            return self.due.isoformat() if self.due else "-"
        ja, en = DUE_NOTES.get(self.due_note, (self.due_note, self.due_note))
        return (ja if lang == "ja" else en).format(date=self.due.isoformat() if self.due else "-")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        data["evidence"] = [asdict(e) for e in self.evidence]
        if self.due_driver is not None:
            data["due_driver"] = {**asdict(self.due_driver), "deadline": self.due_driver.deadline.isoformat()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Concern:
        values = dict(data)
        values["due"] = dt.date.fromisoformat(values["due"]) if values.get("due") else None
        values["evidence"] = tuple(Evidence(**e) for e in values.get("evidence", ()))
        driver = values.get("due_driver")  # absent in a register stored before due dates were carried back
        values["due_driver"] = (DueDriver(**{**driver, "deadline": dt.date.fromisoformat(driver["deadline"])})
                                if driver else None)
        return cls(**values)


@dataclass(frozen=True)
class Register:
    """The 懸念点一覧: every concern once, ordered by system then severity, and each system's readiness."""

    concerns: tuple[Concern, ...]
    readiness: tuple[Readiness, ...] = ()
    as_of: dt.date | None = None
    municipality: str | None = None
    scenario: str | None = None
    """The plan the dates come from; ``None`` when no plan was stored."""

    def systems_with_concerns(self) -> set[tuple[str, str, str]]:
        return {(c.municipality_code, c.area_code, c.system_name) for c in self.concerns}

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in ("error", "warning", "info")}
        for c in self.concerns:
            out[c.severity] = out.get(c.severity, 0) + 1
        return out

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        return {
            "format": "migrator.risks/1",
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "municipality": self.municipality,
            "scenario": self.scenario,
            "counts": self.counts(),
            "concerns": [{**c.to_dict(), "area_label": area_label(c.area_code, c.area_name, lang),
                          "title": c.title(lang), "message": c.message(lang),
                          "due_text": c.due_text(lang),
                          "evidence_text": [e.text(lang) for e in c.evidence]} for c in self.concerns],
            "readiness": [r.to_dict() for r in self.readiness],
        }


@dataclass(frozen=True)
class Change:
    """A concern present in both snapshots that got worse: a higher severity or a larger measure."""

    before: Concern
    after: Concern


@dataclass(frozen=True)
class RegisterDiff:
    """What changed between two registers: resolved, new, worse (and how many stayed as they were)."""

    resolved: tuple[Concern, ...]
    new: tuple[Concern, ...]
    worse: tuple[Change, ...]
    unchanged: int

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        def brief(c: Concern) -> dict[str, Any]:
            return {"code": c.code, "severity": c.severity, "municipality_code": c.municipality_code,
                    "area_code": c.area_code, "system_name": c.system_name, "message": c.message(lang),
                    "measure": c.measure}

        return {"format": "migrator.risks-diff/1", "resolved": [brief(c) for c in self.resolved],
                "new": [brief(c) for c in self.new],
                "worse": [{"before": brief(w.before), "after": brief(w.after)} for w in self.worse],
                "unchanged": self.unchanged}
