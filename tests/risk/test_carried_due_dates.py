"""Due dates carried back from later deadlines: a task before a task with a deadline (a rehearsal before the
cut-over) is due by the latest start that still lets that task meet its deadline — on the Japanese business
calendar, a cut-over only on a day it may start — not by its CPM latest start, which can fall after it."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from migrator.inventory.model import Inventory, Municipality, System
from migrator.planning.config import CalendarSettings, FreezeWindow
from migrator.planning.model import Plan, ScheduledTask
from migrator.risk import Concern, evaluate, load_rules, parse_rules
from migrator.risk.export import to_html, write_xlsx
from tests.risk.facts import CODE, SYSTEM, with_run

MOVING = FreezeWindow("転入転出期", ("001",), (3, 20), (4, 15))
"""The 住民基本台帳 busy season: no cut-over of area 001 from 03-20 to 04-15."""
DEADLINE = dt.date(2026, 3, 31)
REJECTS = with_run(rows_rejected=50, rows_out=950)  # RSK010: threatens the system's first rehearsal


def _task(system: System, phase_id: str, phase: str, kind: str, days: int, ls: int, **kw: object) -> ScheduledTask:
    return ScheduledTask(key=f"{system.municipality_code}/{system.area_code}/{system.name}/{phase_id}",
                         municipality_code=system.municipality_code, area_code=system.area_code,
                         area_name=system.area_name, system_name=system.name, phase_id=phase_id, phase=phase,
                         owner="target_vendor", vendor=system.target_vendor, checkpoint=True, kind=kind,
                         duration=days, ls=ls, **kw)  # type: ignore[arg-type]


def _plan(tasks: list[ScheduledTask], edges: list[tuple[int, int]], *freeze: FreezeWindow) -> Plan:
    # Late starts from a plan that finishes in the autumn of 2026 (index 300 is in June 2026): all after the
    # deadline, as a late plan's CPM figures are.
    return Plan(scenario="late", start=dt.date(2025, 4, 1), calendar_settings=CalendarSettings(freeze_windows=freeze),
                tasks=tasks, edges=[(a, b, "工程順") for a, b in edges])


def _chain(*freeze: FreezeWindow, decision: str | None = None) -> Plan:
    """移行リハーサル1 (20 days) → 本番移行判定 (1 day) → 本番移行 (a cut-over due by 2026-03-31)."""
    decision_days = 0 if decision == "対象外" else 1
    return _plan([_task(SYSTEM, "rehearsal1", "移行リハーサル1", "rehearsal", 20, ls=290),
                  _task(SYSTEM, "go_decision", "本番移行判定", "work", decision_days, ls=310, status=decision),
                  _task(SYSTEM, "cutover", "本番移行", "cutover", 1, ls=311, deadline=DEADLINE)],
                 [(0, 1), (1, 2)], *freeze)


def _concern(plan: Plan, as_of: dt.date = dt.date(2025, 7, 1), system: System = SYSTEM,
             inventory: Inventory | None = None, code: str = "RSK010", rules_text: str | None = None) -> Concern:
    rules = parse_rules(rules_text, source="r.yaml", base=load_rules()) if rules_text else None
    inv = inventory or Inventory(municipalities=(Municipality(CODE, "八王子市"),), systems=(system,))
    register = evaluate(inventory=inv, runs=[replace(REJECTS, area_code=system.area_code)], plan=plan, rules=rules,
                        as_of=as_of)
    return next(c for c in register.concerns if c.code == code and c.system_name == system.name)


@pytest.mark.parametrize(("freeze", "decision", "due"), [
    # The cut-over may not start from 03-20 (転入転出期; 03-20 is also 春分の日): it starts by Thu 03-19 at the
    # latest, the go decision by Wed 03-18, so the rehearsal finishes by Tue 03-17. Twenty business days back
    # from there, skipping the weekends and Mon 02-23 (天皇誕生日): 03-17 … 02-24 are 16, then 02-20, 02-19,
    # 02-18, 02-17.
    ((MOVING,), None, dt.date(2026, 2, 17)),
    # No busy season: the cut-over may start on 03-31, the decision 03-30, the rehearsal ends by Fri 03-27;
    # back twenty days: 03-27 … 03-23 are 5, then (03-20 a holiday) 03-19 … 03-02 are 14, and 02-27.
    ((), None, dt.date(2026, 2, 27)),
    # The go decision is 対象外: it passes the cut-over's limit on with no day of its own (the rehearsal ends by
    # Wed 03-18; back twenty: 03-18 … 02-24 are 17, then 02-20, 02-19, 02-18).
    ((MOVING,), "対象外", dt.date(2026, 2, 18)),
])
def test_a_rehearsal_is_due_by_the_last_start_that_lets_the_cut_over_meet_its_deadline(
        freeze: tuple[FreezeWindow, ...], decision: str | None, due: dt.date) -> None:
    plan = _chain(*freeze, decision=decision)
    assert plan.calendar.day(290) > DEADLINE  # the CPM latest start the register used to give
    concern = _concern(plan)
    assert (concern.due, concern.due_note) == (due, "")
    assert concern.due_driver is not None and concern.due_driver.task == f"{CODE}/001/住民記録システム/cutover"
    assert concern.due_driver.deadline == DEADLINE
    assert concern.due_text("en") == (f"{due} (carried back from the deadline 2026-03-31 of "
                                      f"{CODE} 住民記録システム cut-over)")
    assert concern.due_text("ja") == f"{due} ({CODE} 住民記録システム 本番移行 の期限 2026-03-31 から逆算)"
    # Once that day has passed the register says it is overdue, and still says why.
    late = _concern(plan, as_of=due + dt.timedelta(days=1))
    assert (late.due, late.due_note) == (due, "overdue")
    assert late.due_text("en") == (f"overdue (action was due by {due}, carried back from the deadline 2026-03-31 "
                                   f"of {CODE} 住民記録システム cut-over)")
    assert late.due_text("ja") == (f"期限超過 ({due} までに要対応、{CODE} 住民記録システム 本番移行 の期限 2026-03-31 "
                                   "から逆算)")


def test_a_cut_over_without_a_deadline_of_its_own_starts_on_a_day_it_may_before_a_phase_that_has_one() -> None:
    # A template whose deadline is on the check after the cut-over (本番確認, 2 days, due Thu 2026-04-30): Wed
    # 04-29 is 昭和の日, so the check runs Tue 04-28 and 04-30 at the latest, the cut-over starts by Mon 04-27
    # and the rehearsal (5 days) ends by Fri 04-24: Mon 04-20 … 04-24.
    plan = _plan([_task(SYSTEM, "rehearsal1", "移行リハーサル1", "rehearsal", 5, ls=290),
                  _task(SYSTEM, "switch", "切替", "cutover", 1, ls=300),
                  _task(SYSTEM, "check", "本番確認", "work", 2, ls=301, deadline=dt.date(2026, 4, 30))],
                 [(0, 1), (1, 2)], MOVING)
    concern = _concern(plan)
    assert concern.due == dt.date(2026, 4, 20)
    assert concern.due_driver is not None and concern.due_driver.task == f"{CODE}/001/住民記録システム/check"
    # Due Fri 04-17 the check runs Thu 04-16 … 04-17; the cut-over would start Wed 04-15, the last day of
    # 転入転出期, and may start no day after Thu 03-19: the rehearsal runs Thu 03-12 … Wed 03-18 at the latest.
    plan.tasks[2].deadline = dt.date(2026, 4, 17)
    assert _concern(plan).due == dt.date(2026, 3, 12)


OTHER = replace(SYSTEM, area_code="002", area_name="印鑑登録", name="印鑑登録システム")


@pytest.mark.parametrize(("other_deadline", "due", "driver"), [
    # The other system's cut-over (a 特定移行支援 deadline, Fri 2026-01-30, no busy season in January) may start
    # on 01-30: the shared rehearsal (5 days) ends by Thu 01-29 and starts Fri 01-23 — before 03-12, what its
    # own cut-over asks (that cut-over by 03-19, the rehearsal Thu 03-12 … Wed 03-18).
    (dt.date(2026, 1, 30), dt.date(2026, 1, 23), f"{CODE}/002/印鑑登録システム/cutover"),
    (dt.date(2026, 12, 25), dt.date(2026, 3, 12), f"{CODE}/001/住民記録システム/cutover"),
])
@pytest.mark.parametrize("reverse", [False, True])
def test_a_task_before_two_tasks_with_deadlines_is_due_by_the_earlier(other_deadline: dt.date, due: dt.date,
                                                                      driver: str, reverse: bool) -> None:
    tasks = [_task(SYSTEM, "rehearsal1", "移行リハーサル1", "rehearsal", 5, ls=290),
             _task(SYSTEM, "cutover", "本番移行", "cutover", 1, ls=300, deadline=DEADLINE),
             _task(OTHER, "cutover", "本番移行", "cutover", 1, ls=300, deadline=other_deadline)]
    edges = [(0, 1), (0, 2)]
    if reverse:  # the order of the tasks and of the edges does not matter
        tasks.reverse()
        edges = [(2, 0), (2, 1)]
    concern = _concern(_plan(tasks, edges, replace(MOVING, areas=("001", "002"))))
    assert concern.due == due
    assert concern.due_driver is not None and concern.due_driver.task == driver
    assert concern.due_driver.deadline == min(DEADLINE, other_deadline)


def test_a_task_with_no_deadline_after_it_keeps_its_latest_start() -> None:
    plan = _chain(MOVING)
    plan.tasks.append(_task(SYSTEM, "decommission", "旧システム停止", "work", 5, ls=320))
    plan.edges.append((2, 3, "工程順"))
    concern = _concern(plan, rules_text="rules:\n  - {code: RSK010, threatens: decommission}\n")
    assert (concern.due, concern.due_driver, concern.due_note) == (plan.calendar.day(320), None, "")
    assert concern.due_text("en") == concern.due_text("ja") == plan.calendar.day(320).isoformat()
    # A plan without deadlines: every date as before.
    for task in plan.tasks:
        task.deadline = None
    concern = _concern(plan)
    assert (concern.due, concern.due_driver) == (plan.calendar.day(290), None)


def test_a_done_task_binds_nothing_before_it_and_an_earlier_latest_start_stays() -> None:
    plan = _chain(MOVING)
    plan.tasks[1].status = "完了"  # the go decision is a fact: the rehearsal keeps its own latest start
    assert (_concern(plan).due, _concern(plan).due_driver) == (plan.calendar.day(290), None)
    plan = _chain(MOVING)
    plan.tasks[0].ls = 150  # already before what the deadline asks: no reason to name
    assert (_concern(plan).due, _concern(plan).due_driver) == (plan.calendar.day(150), None)


def test_the_register_shows_the_carried_date_and_its_reason_in_every_output_and_language(tmp_path: Path) -> None:
    register = evaluate(inventory=Inventory(municipalities=(Municipality(CODE, "八王子市"),), systems=(SYSTEM,)),
                        runs=[REJECTS], plan=_chain(MOVING), as_of=dt.date(2025, 7, 1))
    en = "2026-02-17 (carried back from the deadline 2026-03-31 of 132012 住民記録システム cut-over)"
    ja = "2026-02-17 (132012 住民記録システム 本番移行 の期限 2026-03-31 から逆算)"
    for lang, text in (("en", en), ("ja", ja)):
        data = json.loads(json.dumps(register.to_dict(lang)))  # type: ignore[arg-type]
        (rsk010,) = [c for c in data["concerns"] if c["code"] == "RSK010"]
        assert rsk010["due"] == "2026-02-17" and rsk010["due_text"] == text
        assert rsk010["due_driver"] == {"task": "132012/001/住民記録システム/cutover", "deadline": "2026-03-31",
                                        "label_ja": "132012 住民記録システム 本番移行",
                                        "label_en": "132012 住民記録システム cut-over"}
        assert text in to_html(register, lang)  # type: ignore[arg-type]
        sheet = openpyxl.load_workbook(write_xlsx(register, tmp_path / f"{lang}.xlsx", lang)).worksheets[0]  # type: ignore[arg-type]
        rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
        assert rows["RSK010"][9] == text
    # A stored register reads back with its reason; one stored before it had none reads as before.
    (stored,) = [c for c in register.concerns if c.code == "RSK010"]
    assert Concern.from_dict(stored.to_dict()) == stored
    old = {k: v for k, v in stored.to_dict().items() if k != "due_driver"}
    assert Concern.from_dict(old).due_text("en") == "2026-02-17"


def test_a_national_size_plan_is_carried_back_in_one_pass() -> None:
    # 4,000 systems of five phases, each rehearsal also before a shared cut-over of its municipality: 20,000
    # tasks. Carrying the deadlines back is one pass over the tasks and edges; a pass per task was quadratic.
    systems, tasks, edges = [], [], []
    for m in range(40):
        for s in range(100):
            system = replace(SYSTEM, municipality_code=f"{130000 + m:06d}", name=f"システム{s:03d}")
            systems.append(system)
            first = len(tasks)
            tasks += [_task(system, "item_mapping", "項目マッピング合意", "work", 15, ls=200),
                      _task(system, "rehearsal1", "移行リハーサル1", "rehearsal", 10, ls=260),
                      _task(system, "go_decision", "本番移行判定", "work", 1, ls=300),
                      _task(system, "cutover", "本番移行", "cutover", 1, ls=301, deadline=DEADLINE),
                      _task(system, "decommission", "旧システム停止", "work", 5, ls=320)]
            edges += [(first + k, first + k + 1) for k in range(4)]
            if s:
                edges.append((first + 1, first - 5 * s + 3))  # before the municipality's first cut-over
    plan = _plan(tasks, edges, MOVING)
    inventory = Inventory(municipalities=tuple(Municipality(f"{130000 + m:06d}", "") for m in range(40)),
                          systems=tuple(systems))
    rules = parse_rules("rules:\n  - {code: RSK002, when: [[record_count, '>', 0]], threatens: rehearsal}\n",
                        source="r.yaml", base=load_rules())
    began = time.perf_counter()
    register = evaluate(inventory=inventory, plan=plan, rules=rules, as_of=dt.date(2025, 7, 1))
    took = time.perf_counter() - began
    due = {c.due for c in register.concerns if c.code == "RSK002"}
    # Each rehearsal: before its own cut-over (by 03-19, the decision 03-18, so 03-04 … 03-17) and the first
    # system's (by 03-19, so 03-05 … 03-18): the earlier, 03-04.
    assert len(register.concerns) >= 4000 and due == {dt.date(2026, 3, 4)}
    print(f"20,000 tasks: register in {took:.2f} s")  # shown with -s; not asserted
