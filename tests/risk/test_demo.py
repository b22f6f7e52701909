"""``migrator demo`` ends with the sample municipality's register: inventory + the demo's runs + the demo plan."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from tests.conftest import run_cli


def test_the_demo_ends_with_the_register_of_the_sample_municipality(workdir: Path) -> None:
    result = run_cli("demo", "--out", "out")
    steps = [line.split("]", 1)[0] for line in result.stdout.splitlines() if line.startswith("[")]
    assert steps[-1] == "[risks"
    wb = openpyxl.load_workbook(workdir / "out" / "risks.xlsx")
    concerns = list(wb["Concerns"].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in concerns} == {"132012 八王子市"}
    juki = {r[0] for r in concerns if r[4] == "住民記録システム"}
    assert {"RSK011", "RSK012", "RSK013"} <= juki  # from the mainframe run linked to 八王子市
    ready = {r[2]: r for r in wb["Data readiness"].iter_rows(min_row=2, values_only=True)}
    assert ready["住民記録システム"][6:8] == (3000, 12)
    assert ready["印鑑登録システム"][3] is None
    plan = openpyxl.load_workbook(workdir / "out" / "plan-risks.xlsx")
    assert len(list(plan["Concerns"].iter_rows(min_row=2))) == len(concerns)
    risks = json.loads(run_cli("risk", "list", "-m", "132012", "--scenario", "demo", "--format", "json").stdout)
    assert len(risks["concerns"]) == len(concerns)
