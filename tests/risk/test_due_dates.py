"""The date to resolve a concern by, on a project's own planning template (phase ids not the shipped ones) and
for a cut-over late for its deadline: a date that still meets the deadline, or said to be overdue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from migrator.planning.calendar import BusinessCalendar
from migrator.planning.config import load_calendar
from tests.conftest import run_cli

CODE = "202011"  # 松本市
# A template of the project's own: other ids, other names, the same kinds a phase declares.
TEMPLATE = """\
name: 松本市方式
phases:
  - {id: kickoff, name: 着手会議, owner: municipality, days: 5}
  - {id: data_design, name: データ設計, owner: target_vendor, days: 60}
  - {id: trial_a, name: 試験移行A, owner: target_vendor, days: 10, kind: rehearsal}
  - {id: trial_b, name: 試験移行B, owner: target_vendor, days: 10, kind: rehearsal}
  - {id: go_live, name: 稼働切替, owner: target_vendor, days: 1, kind: cutover, due: true, scale: false}
  - {id: wrap_up, name: 後片付け, owner: current_vendor, days: 5}
"""
# No phase of kind cutover: the cut-over is the phase due by the deadline.
TEMPLATE_DUE_ONLY = """\
phases:
  - {id: prep, name: 準備, owner: target_vendor, days: 10}
  - {id: switch, name: 切替, owner: target_vendor, days: 1, due: true, scale: false}
  - {id: check, name: 確認, owner: municipality, days: 5}
"""
# Neither: the cut-over is the system's last phase.
TEMPLATE_BARE = """\
phases:
  - {id: prep, name: 準備, owner: target_vendor, days: 10}
  - {id: switch, name: 切替, owner: target_vendor, days: 1, scale: false}
"""


# The project's dependency rules name its own phases (住記 cuts over first).
DEPENDENCIES = {
    "tpl.yaml": "rules:\n  - {name: 住記先行, from: {areas: ['001'], phase: go_live}, to: {areas: '*', phase: go_live}}\n",
    "due_only.yaml": "rules: []\n",
    "bare.yaml": "rules: []\n",
}


def _build(template: str, scenario: str, start: str) -> None:
    run_cli("plan", "build", "--start", start, "--template", template, "--rules", f"deps_{template}", "-s", scenario,
            "--format", "json", expect=None)


def _inventory(path: Path) -> None:
    """Two systems as a municipality writes them: one without a chosen target vendor (RSK002)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行先ベンダー", "契約満了日",
               "標準準拠版提供予定日", "データ件数"])
    ws.append([CODE, "松本市", "住民基本台帳", "住民情報システム", "甲社", "乙社", dt.date(2027, 3, 31),
               dt.date(2025, 4, 1), 20000])
    ws.append([CODE, "松本市", "国民健康保険", "国保システム", "甲社", None, dt.date(2027, 3, 31),
               dt.date(2025, 4, 1), 8000])
    wb.save(path)


@pytest.fixture
def project(workdir: Path) -> Path:
    _inventory(workdir / "システム一覧.xlsx")
    run_cli("inventory", "import", str(workdir / "システム一覧.xlsx"), "--format", "json", expect=None)
    for name, text in (("tpl.yaml", TEMPLATE), ("due_only.yaml", TEMPLATE_DUE_ONLY), ("bare.yaml", TEMPLATE_BARE)):
        (workdir / name).write_text(text, encoding="utf-8")
        (workdir / f"deps_{name}").write_text(DEPENDENCIES[name], encoding="utf-8")
    return workdir


def _concerns(*args: str) -> list[dict]:
    out = run_cli("risk", "list", "-m", CODE, "--format", "json", "--no-store", *args)
    return json.loads(out.stdout)["concerns"]


def _tasks(scenario: str) -> dict[str, dict]:
    tasks = json.loads(run_cli("plan", "show", "-s", scenario, "--format", "json").stdout)["tasks"]
    return {t["key"]: t for t in tasks}


def test_a_projects_own_template_gets_due_dates_from_what_its_phases_are(project: Path) -> None:
    _build("tpl.yaml", "own", "2025-04-01")
    concerns = _concerns("--scenario", "own", "--as-of", "2025-04-01")
    tasks = _tasks("own")
    assert concerns and all(c["due"] for c in concerns), concerns
    # RSK002 (no target vendor) threatens the item mapping; this template has none, so the first rehearsal.
    rsk002 = next(c for c in concerns if c["code"] == "RSK002")
    trial = tasks[f"{CODE}/024/国保システム/trial_a"]
    calendar = BusinessCalendar(dt.date(2025, 4, 1), load_calendar())
    assert rsk002["due"] == calendar.day(trial["ls"]).isoformat() and rsk002["due_text"] == rsk002["due"]


@pytest.mark.parametrize("template", ["due_only.yaml", "bare.yaml"])
def test_the_cut_over_is_the_phase_due_by_the_deadline_or_else_the_last_one(project: Path, template: str) -> None:
    _build(template, "t", "2025-04-01")
    concerns = _concerns("--scenario", "t", "--as-of", "2025-04-01")
    rsk002 = next(c for c in concerns if c["code"] == "RSK002")
    assert rsk002["due"] and rsk002["due_note"] == ""
    assert rsk002["due"] <= _tasks("t")[f"{CODE}/024/国保システム/switch"]["start_date"]


def test_a_late_cut_over_is_due_by_a_date_that_still_meets_its_deadline(project: Path) -> None:
    # Started in January, the plan cannot cut over by 2026-03-31: the cut-overs are late.
    _build("tpl.yaml", "late", "2026-01-05")
    tasks = _tasks("late")
    cutover = tasks[f"{CODE}/001/住民情報システム/go_live"]
    assert cutover["late_days"] > 0 and cutover["deadline"] == "2026-03-31"
    late = next(c for c in _concerns("--scenario", "late", "--as-of", "2026-01-05")
                if c["code"] == "RSK020" and c["system_name"] == "住民情報システム")
    # Not the latest start counted from the plan's own finish (after the deadline): the last day the cut-over
    # may start and still meet it — 住民基本台帳 may not cut over from 03-20 (転入転出期), so 2026-03-19.
    assert late["due"] == "2026-03-19" and late["due"] < cutover["start_date"]
    assert late["due_note"] == "" and late["due_text"] == "2026-03-19"
    # Once that day has passed, the register says so instead of giving a date.
    after = next(c for c in _concerns("--scenario", "late", "--as-of", "2026-03-23") if c["code"] == "RSK020"
                 and c["system_name"] == "住民情報システム")
    assert after["due_note"] == "overdue" and after["due_text"] == "overdue (action was due by 2026-03-19)"


def test_due_dates_read_in_either_language(project: Path) -> None:
    _build("tpl.yaml", "late", "2026-01-05")
    args = ("risk", "list", "-m", CODE, "--scenario", "late", "--as-of", "2026-03-23", "--no-store")
    ja = run_cli("--lang", "ja", *args, "--format", "json").stdout
    # 国保 (no busy season in March) may still cut over on 2026-03-31; 住民情報 had to by 2026-03-19.
    assert {c["system_name"]: c["due_text"] for c in json.loads(ja)["concerns"] if c["code"] == "RSK020"} == {
        "住民情報システム": "期限超過 (2026-03-19 までに要対応)", "国保システム": "2026-03-31"}
    ja = run_cli("--lang", "ja", *args).stdout
    assert "期限超過" in ja and "overdue" not in ja
    en = run_cli("risk", "list", "-m", CODE, "--scenario", "late", "--as-of", "2026-03-23", "--no-store")
    assert "overdue" in en.stdout and "期限超過" not in en.stdout


def test_without_a_plan_the_register_says_no_date_can_be_derived(project: Path) -> None:
    concerns = _concerns("--scenario", "nothing", "--as-of", "2025-04-01")
    assert concerns and all(c["due"] is None and c["due_note"] == "no_plan" for c in concerns)
    assert {c["due_text"] for c in concerns} == {"cannot be derived: no plan"}
    ja = run_cli("--lang", "ja", "risk", "list", "-m", CODE, "--scenario", "nothing", "--no-store").stdout
    assert "算出不可: 計画なし" in ja


def test_a_rule_whose_phase_the_plan_lacks_says_so(project: Path) -> None:
    rules = project / "rules.yaml"
    rules.write_text("rules:\n  - {code: RSK002, threatens: 項目合意}\n", encoding="utf-8")
    _build("tpl.yaml", "own", "2025-04-01")
    rsk002 = next(c for c in _concerns("--scenario", "own", "--rules", str(rules)) if c["code"] == "RSK002")
    assert rsk002["due"] is None and rsk002["due_text"] == "cannot be derived: no such phase in the plan"


def test_a_rehearsal_before_a_cut_over_is_due_by_a_date_carried_back_from_its_deadline(project: Path) -> None:
    # Started in January, the plan's own finish puts the rehearsals' latest starts after 2026-03-31. 国保 may cut
    # over on Tue 03-31 (稼働切替), so 試験移行B ends by Mon 03-30: ten business days back, 03-20 (春分の日) skipped,
    # it starts Mon 03-16; 試験移行A ends by Fri 03-13 and starts Mon 03-02. RSK002 (no target vendor) threatens
    # that first rehearsal.
    _build("tpl.yaml", "late", "2026-01-05")
    trial = _tasks("late")[f"{CODE}/024/国保システム/trial_a"]
    calendar = BusinessCalendar(dt.date(2026, 1, 5), load_calendar())
    assert calendar.day(trial["ls"]) > dt.date(2026, 3, 31)
    rsk002 = next(c for c in _concerns("--scenario", "late", "--as-of", "2026-01-05") if c["code"] == "RSK002")
    assert rsk002["due"] == "2026-03-02" and rsk002["due_note"] == ""
    assert rsk002["due_driver"]["task"] == f"{CODE}/024/国保システム/go_live"
    en = "2026-03-02 (carried back from the deadline 2026-03-31 of 202011 国保システム 稼働切替)"
    ja = "2026-03-02 (202011 国保システム 稼働切替 の期限 2026-03-31 から逆算)"
    assert rsk002["due_text"] == en
    args = ("-m", CODE, "--scenario", "late", "--as-of", "2026-01-05")
    for lang, text in (("en", en), ("ja", ja)):
        listed = json.loads(run_cli("--lang", lang, "risk", "list", *args, "--format", "json").stdout)
        assert next(c for c in listed["concerns"] if c["code"] == "RSK002")["due_text"] == text
        run_cli("--lang", lang, "risk", "export", str(project / f"r_{lang}.html"), *args)
        assert text in (project / f"r_{lang}.html").read_text(encoding="utf-8")
        run_cli("--lang", lang, "risk", "export", str(project / f"r_{lang}.xlsx"), *args)
        sheet = openpyxl.load_workbook(project / f"r_{lang}.xlsx").worksheets[0]
        assert text in [r[9] for r in sheet.iter_rows(min_row=2, values_only=True)]
    # Both listings were kept as snapshots, the reason with them: `risk diff` reads them back, nothing changed.
    change = json.loads(run_cli("risk", "diff", "-m", CODE, "--format", "json").stdout)
    assert change["new"] == change["resolved"] == change["worse"] == [] and change["unchanged"] > 0
