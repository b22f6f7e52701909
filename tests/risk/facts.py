"""Hand-made inventories, runs and plans for the risk register: one system with nothing to worry about, and the
changes that give it exactly one concern."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from migrator.inventory.model import Interface, Inventory, Municipality, System
from migrator.planning.config import load_calendar
from migrator.planning.model import Plan, ScheduledTask
from migrator.risk import RunRecord

CODE = "132012"
AS_OF = dt.date(2025, 7, 1)
SYSTEM = System(
    municipality_code=CODE, area_code="001", area_name="住民基本台帳", name="住民記録システム",
    current_vendor="株式会社エーシステム", target_vendor="ビー情報サービス株式会社",
    contract_end=dt.date(2027, 3, 31), release_date=dt.date(2025, 6, 1), record_count=120_000,
    source="inventory.xlsx システム一覧!A5",
)
RUN = RunRecord(id=7, mapping_id="juki-to-001", finished_at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=dt.UTC),
                rows_in=1000, rows_out=1000, rows_rejected=0, counts={}, municipality_code=CODE, area_code="001")


def inventory(system: System = SYSTEM, interfaces: tuple[Interface, ...] = ()) -> Inventory:
    return Inventory(municipalities=(Municipality(CODE, "八王子市"),), systems=(system,), interfaces=interfaces)


def _task(system: System, phase_id: str, phase: str, kind: str, start: dt.date, **kw: object) -> ScheduledTask:
    return ScheduledTask(key=f"{system.municipality_code}/{system.area_code}/{system.name}/{phase_id}",
                         municipality_code=system.municipality_code, area_code=system.area_code,
                         area_name=system.area_name, system_name=system.name, phase_id=phase_id, phase=phase,
                         owner="target_vendor", vendor=system.target_vendor, checkpoint=True, kind=kind, duration=1,
                         start_date=start, finish_date=start, **kw)  # type: ignore[arg-type]


def plan(system: System = SYSTEM, *, cutover: dt.date = dt.date(2026, 1, 5), late_days: int = 0,
         critical: bool = False, rehearsal: dt.date = dt.date(2025, 9, 1)) -> Plan:
    """A plan of three tasks of ``system``: a rehearsal, the code mapping and the cut-over."""
    tasks = [_task(system, "code_mapping", "コード変換表合意", "work", dt.date(2025, 8, 1), ls=60, total_float=20),
             _task(system, "rehearsal1", "移行リハーサル1", "rehearsal", rehearsal, ls=100, total_float=20,
                   critical=critical),
             _task(system, "cutover", "本番移行", "cutover", cutover, ls=180, total_float=20, late_days=late_days)]
    return Plan(scenario="t", start=dt.date(2025, 4, 1), calendar_settings=load_calendar(), tasks=tasks,
                edges=[(0, 1, "template"), (1, 2, "template")])


def with_run(**changes: object) -> RunRecord:
    return replace(RUN, **changes)  # type: ignore[arg-type]
