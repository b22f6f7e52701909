"""``migrator plan``: Build and export migration plans (移行計画)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from migrator.cli.common import (
    InputFile,
    OutputPath,
    app,
    emit_report,
    emit_table,
    existing_files,
    lang_option,
    output_options,
)

if TYPE_CHECKING:
    from migrator.planning.model import ScheduledTask
    from migrator.store import Store

_DATE = click.DateTime(formats=["%Y-%m-%d"])
_SCENARIO = click.option("--scenario", "-s", default="default", show_default=True, help="Name of the plan.")
MAX_SCENARIO = 100
"""Characters of a scenario name the store keeps (plan.scenario)."""


def _stored_scenario(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """A scenario name ``plan build`` can store: refused before the plan is built, on every database alike."""
    from migrator.i18n import t

    if len(value) > MAX_SCENARIO:
        raise click.BadParameter(t("long_scenario", app().lang, length=len(value), most=MAX_SCENARIO),
                                 param_hint="--scenario")
    return value


_STORED_SCENARIO = click.option("--scenario", "-s", default="default", show_default=True, help="Name of the plan.",
                                callback=_stored_scenario)
_FILE = InputFile()
FINDINGS_SHOWN = 50
"""Findings ``plan build`` prints in text at most (``--format json`` gives them all)."""


@click.group()
def plan() -> None:
    """Build and export migration plans (移行計画).

    \b
    Example:
      migrator plan build --start 2025-04-01
    """


def _capacities(values: tuple[str, ...]) -> dict[str, int]:
    from migrator.i18n import t
    from migrator.planning.config import MAX_CAPACITY

    out = {}
    for v in values:
        name, sep, num = v.rpartition("=")
        if not sep or not name or not num.isdigit() or not 1 <= int(num) <= MAX_CAPACITY:
            raise click.BadParameter(t("bad_capacity", app().lang, value=v, most=MAX_CAPACITY),
                                     param_hint="--capacity")
        out[name] = int(num)
    return out


@plan.command()
@click.option("--start", type=_DATE, default=None, help="First day of the plan (default: today).")
@click.option("--deadline", type=_DATE, default=None,
              help="Deadline of systems that are not 特定移行支援 (default 2026-03-31).")
@_STORED_SCENARIO
@click.option("--template", type=_FILE, default=None, help="Task template YAML (default: the shipped one).")
@click.option("--rules", type=_FILE, default=None, help="Dependency rules YAML (default: the shipped one).")
@click.option("--calendar", type=_FILE, default=None, help="Calendar YAML: freeze windows, 年末年始, capacity.")
@click.option("--edges", type=_FILE, default=None, help="YAML of extra dependencies between task keys.")
@click.option("--capacity", multiple=True, metavar="VENDOR=N", help="Parallel tasks of a vendor (repeatable).")
@click.option("--staff-limit", type=click.IntRange(min=1), default=None,
              help="Parallel municipality-owned tasks per municipality (IT staff).")
@click.option("--municipality", "-m", metavar="CODE", default=None, help="Only this 団体コード.")
@click.option("--passes", type=click.IntRange(min=0), default=3, show_default=True,
              help="Forward–backward improvement passes.")
@click.option("--solver", type=click.Choice(["heuristic", "exact"]), default="heuristic", show_default=True,
              help="exact: OR-Tools CP-SAT proves the optimum or a bound (migrator[solver]; up to 3,000 tasks).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds the exact solver may take.")
@output_options
def build(start: dt.datetime | None, deadline: dt.datetime | None, scenario: str, template: Path | None,
          rules: Path | None, calendar: Path | None, edges: Path | None, capacity: tuple[str, ...],
          staff_limit: int | None, municipality: str | None, passes: int, solver: str, time_limit: float,
          fmt: str) -> None:
    """Build the plan from the stored inventory and store it; recorded progress stays fixed.

    Tasks follow the template per system; dependencies come from phase order, the rules, the interfaces
    (連携一覧) and --edges. The schedule respects the business calendar, freeze windows and vendor capacity.
    Exit code 1 when the dependencies form a cycle.

    \b
    Example:
      migrator plan build --start 2025-04-01 --scenario base
      migrator plan build --start 2025-04-01 -m 132039 --solver exact --time-limit 30
    """
    from migrator.planning import load_config, load_extra_edges
    from migrator.services.planning import build_and_save

    config = load_config(template=template, rules=rules, calendar=calendar)
    extra = load_extra_edges(edges) if edges else []
    store = app().store()
    try:
        result = build_and_save(
            store, start=start.date() if start else None, scenario=scenario, config=config,
            deadline=deadline.date() if deadline else None, capacities=_capacities(capacity),
            staff_limit=staff_limit, extra_edges=extra, municipality=municipality, passes=passes,
            solver=solver, time_limit=time_limit)
    finally:
        store.close()
    lines: list[str] = []
    if fmt != "json" and result.plan is not None:
        from migrator.planning.export import summary_text

        lines = summary_text(result.plan, app().lang).splitlines()
    # the result ends the output: finish date, makespan against the bound, late systems per deadline; a plan
    # late in thousands of systems prints the first findings only, so that the summary stays on screen
    emit_report(result.report, fmt, result=lines, limit=FINDINGS_SHOWN)


@plan.command()
@_SCENARIO
@click.option("--limit", type=int, default=None, help="Show only the first N tasks.")
@click.option("--concerns", is_flag=True, help="Only the tasks of systems with open concerns (`migrator risk list`).")
@output_options
def show(scenario: str, limit: int | None, concerns: bool, fmt: str) -> None:
    """Print the ordered task list: wave, start, finish, float, critical, vendor, checkpoint.

    \b
    Example:
      migrator plan show --scenario base --limit 30
    """
    from migrator.i18n import status_name
    from migrator.planning.export import ordered
    from migrator.services.planning import get_plan

    store = app().store(read_only=True)
    try:
        p = get_plan(store, scenario)
        tasks = ordered(p)
        if concerns:
            tasks = _with_concerns(store, scenario, tasks)
    finally:
        store.close()
    tasks = tasks[:limit] if limit else tasks
    header = (["ウェーブ", "タスク", "開始日", "終了日", "余裕日数", "クリティカル", "ベンダー", "チェックポイント",
               "期限", "遅延日数", "状況"] if app().lang == "ja" else
              ["wave", "task", "start", "finish", "float", "critical", "vendor", "checkpoint", "deadline", "late",
               "status"])
    rows = [[t.wave, t.key, t.start_date, t.finish_date, t.total_float, "★" if t.critical else "",
             t.vendor or "", "○" if t.checkpoint else "", t.deadline or "", t.late_days or "",
             status_name(t.status, app().lang)]
            for t in tasks]
    emit_table(header, rows, fmt, data={**p.summary(), "tasks": [t.to_dict() for t in tasks]})


@plan.command()
@_SCENARIO
@click.option("--format", "fmt", type=click.Choice(["xlsx", "json", "mermaid", "html"]), required=True)
@click.option("--output", "-o", type=OutputPath(), required=True)
@click.option("--risks", is_flag=True,
              help="xlsx/html: add the risk register (懸念点 sheet/section) and mark systems with open concerns.")
@lang_option
def export(scenario: str, fmt: str, output: Path, risks: bool) -> None:
    """Write the plan as Excel (tasks + weekly Gantt), JSON, a Mermaid gantt or a self-contained HTML page.

    \b
    Example:
      migrator plan export --scenario base --format xlsx -o plan.xlsx
    """
    from migrator.i18n import t
    from migrator.planning.export import write_plan
    from migrator.services.planning import get_plan

    store = app().store(read_only=True)
    try:
        p = get_plan(store, scenario)
        if risks and fmt in ("xlsx", "html"):
            from migrator.risk.export import write_plan_with_register
            from migrator.services.risk import build_register

            register = build_register(store, scenario=scenario, snapshot=False)
            click.echo(t("written", app().lang, path=write_plan_with_register(p, register, output, fmt, app().lang)))
            return
    finally:
        store.close()
    key = "replaced" if existing_files(output) else "written"
    click.echo(t(key, app().lang, path=write_plan(p, output, fmt, app().lang)))


def _with_concerns(store: Store, scenario: str, tasks: list[ScheduledTask]) -> list[ScheduledTask]:
    """The tasks of systems the risk register holds a concern for."""
    from migrator.services.risk import build_register

    systems = build_register(store, scenario=scenario, snapshot=False).systems_with_concerns()
    return [t for t in tasks if (t.municipality_code, t.area_code, t.system_name) in systems]


@plan.command()
@click.argument("scenario_a")
@click.argument("scenario_b")
@click.option("--limit", type=int, default=30, show_default=True, help="Moved tasks to list.")
@output_options
def compare(scenario_a: str, scenario_b: str, limit: int, fmt: str) -> None:
    """Show what moved between two scenarios (for example with one more vendor team).

    \b
    Example:
      migrator plan compare base more-capacity
    """
    from migrator.planning.export import compare as diff
    from migrator.services.planning import get_plan

    store = app().store(read_only=True)
    try:
        a, b = get_plan(store, scenario_a, name="SCENARIO_A"), get_plan(store, scenario_b, name="SCENARIO_B")
    finally:
        store.close()
    result = diff(a, b)
    if fmt == "json":
        emit_table([], [], fmt, data=result)
        return
    sa, sb = result["a"], result["b"]
    ja = app().lang == "ja"
    labels = {"finish": ("完了予定日", "finish"), "makespan_days": ("所要営業日数", "makespan (business days)"),
              "bound_days": ("下限 (営業日)", "lower bound (business days)"),
              "late_tasks": ("期限超過のタスク", "late tasks"), "critical_tasks": ("クリティカルなタスク", "critical tasks"),
              "tasks": ("タスク", "tasks")}
    emit_table(["", scenario_a, scenario_b], [[labels[k][0 if ja else 1], sa[k], sb[k]] for k in labels], fmt)
    moved = result["moved"]
    click.echo(f"{'移動したタスク' if ja else 'moved'}: {len(moved)}")
    emit_table(["タスク", "終了日 A", "終了日 B", "移動 (営業日)"] if ja else
               ["task", "finish A", "finish B", "shift (business days)"],
               [[m["task"], m["a_finish"], m["b_finish"], m["shift_days"]] for m in moved[:limit]], fmt)


@plan.command()
@click.argument("file", type=InputFile("workbook"))
@_SCENARIO
@click.option("--as-of", "as_of", type=_DATE, default=None,
              help="Day the progress was taken: no actual date may be later (default: today).")
@output_options
def progress(file: Path, scenario: str, as_of: dt.datetime | None, fmt: str) -> None:
    """Record actual status per task (完了/作業中/未着手/対象外, actual dates) from a workbook or CSV.

    Columns: タスクID, 状況, 実績開始日, 実績終了日. The next `plan build` keeps finished work fixed.
    Nothing is recorded while a row is wrong (a day that does not exist, a finish before its start, a day
    after --as-of, dates that contradict the status); every such cell is reported.

    \b
    Example:
      migrator plan progress progress.xlsx --scenario base
    """
    from migrator.services.planning import import_progress

    store = app().store()
    try:
        report = import_progress(store, file, scenario=scenario, as_of=as_of.date() if as_of else None)
    finally:
        store.close()
    emit_report(report, fmt)
