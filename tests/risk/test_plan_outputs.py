"""The register inside the plan's Excel and HTML, and ``plan show --concerns``."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl

from migrator.inventory.model import Inventory, Municipality
from migrator.risk import evaluate
from migrator.risk.export import write_plan_with_register
from tests.conftest import DATA, run_cli
from tests.risk.facts import AS_OF, CODE, RUN, SYSTEM, plan

CALM = replace(SYSTEM, name="印鑑登録システム", area_code="002", area_name="印鑑登録")


def _two_systems() -> tuple[Inventory, object]:
    inv = Inventory(municipalities=(Municipality(CODE, "八王子市"),), systems=(SYSTEM, CALM))
    p = plan(late_days=2)
    calm_tasks = plan(CALM).tasks
    p.tasks.extend(calm_tasks)
    return inv, p


def test_the_plan_workbook_gains_the_register_and_marks_concerned_systems(tmp_path: Path) -> None:
    inv, p = _two_systems()
    register = evaluate(inventory=inv, runs=[RUN, replace(RUN, id=8, area_code="002")], plan=p, as_of=AS_OF)
    assert [(c.code, c.system_name) for c in register.concerns] == [("RSK020", SYSTEM.name)]
    path = write_plan_with_register(p, register, tmp_path / "plan.xlsx", "xlsx", "en")  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    assert {"Tasks", "Gantt", "Concerns", "Data readiness"} <= set(wb.sheetnames)
    concerns = [r for r in wb["Concerns"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[4]) for r in concerns] == [("RSK020", SYSTEM.name)]
    keys = [r[1] for r in wb["Tasks"].iter_rows(min_row=2, values_only=True)]
    marked = sorted(k for k in keys if k.startswith("⚠ "))
    assert marked == sorted(f"⚠ {t.key}" for t in p.tasks if t.system_name == SYSTEM.name)  # type: ignore[attr-defined]
    gantt = [r[0] for r in wb["Gantt"].iter_rows(min_row=2, values_only=True)]
    assert f"⚠ {CODE} {SYSTEM.name}" in gantt and f"{CODE} {CALM.name}" in gantt


def test_the_plan_page_gains_the_register_section_and_gantt_marks(tmp_path: Path) -> None:
    inv, p = _two_systems()
    register = evaluate(inventory=inv, runs=[], plan=p, as_of=AS_OF)
    html = write_plan_with_register(p, register, tmp_path / "plan.html", "html", "en").read_text(  # type: ignore[arg-type]
        encoding="utf-8")
    assert f">⚠ {CODE} {SYSTEM.name} cut-over</text>" in html
    assert f">{CODE} {CALM.name} cut-over</text>" in html and "本番移行" not in html
    ja = write_plan_with_register(p, register, tmp_path / "ja.html", "html", "ja").read_text(encoding="utf-8")  # type: ignore[arg-type]
    assert f">⚠ {CODE} {SYSTEM.name} 本番移行</text>" in ja
    assert html.count("<td>RSK020</td>") == 1
    assert "<h2>Risk register</h2>" in html


def test_plan_show_filters_to_systems_with_concerns_and_export_adds_the_register(workdir: Path) -> None:
    inventory = sorted(str(p) for p in (DATA / "sample_data" / "inventory").glob("*.xlsx"))
    run_cli("inventory", "import", *inventory, "--partial", "--format", "json", expect=None)
    run_cli("plan", "build", "--start", "2025-04-01", "--format", "json", expect=None)
    everything = json.loads(run_cli("plan", "show", "--format", "json").stdout)["tasks"]
    register = json.loads(run_cli("risk", "list", "--format", "json", "--no-store").stdout)
    concerned = {(c["municipality_code"], c["area_code"], c["system_name"]) for c in register["concerns"]}
    shown = json.loads(run_cli("plan", "show", "--concerns", "--format", "json").stdout)["tasks"]
    assert shown == [t for t in everything if (t["municipality_code"], t["area_code"], t["system_name"]) in concerned]
    assert shown  # the samples are late everywhere: every system has a concern here
    run_cli("plan", "export", "--format", "xlsx", "-o", "plan.xlsx", "--risks")
    rows = list(openpyxl.load_workbook(workdir / "plan.xlsx")["Concerns"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(register["concerns"])
