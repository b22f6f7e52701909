"""A small plan checked against figures worked out by hand: business days across 年末年始 and Golden Week,
zero-day milestones, a vendor of one team, the stored plan read back, and the text heading."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from tests.conftest import run_cli

# Four short phases and a go-live decision of zero days; a cut-over of one day.
TEMPLATE = """\
name: probe
size_classes:
  - {name: S, factor: 1.0}
phases:
  - {id: spec, name: 抽出仕様確定, owner: current_vendor, days: 2}
  - {id: reh, name: 移行リハーサル2, owner: target_vendor, days: 3, kind: rehearsal}
  - {id: lt, name: 連携テスト, owner: target_vendor, days: 2, kind: link_test}
  - {id: acc, name: 受入, owner: municipality, days: 1, kind: ready}
  - {id: chk, name: 本番移行判定, owner: municipality, days: 0}
  - {id: go, name: 本番移行, owner: target_vendor, days: 1, kind: cutover, due: true, scale: false}
"""
RULES = """\
rules:
  - name: 住記先行
    from: {areas: ["001"], phase: go}
    to: {areas: "*", phase: go}
interfaces: {rehearsal: reh, link_test: lt, ready: acc, cutover: go}
"""
CALENDAR = """\
year_end: {from: "12-29", to: "01-03"}
fiscal_year_start: "04-01"
freeze_windows: []
default_vendor_capacity: 3
"""


def _inventory(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行先ベンダー", "データ件数"])
    ws.append(["131016", "千代田区", "001", "住民記録システム", "A社", "B社", 1000])
    ws.append(["131016", "千代田区", "024", "国保システム", "A社", "B社", 1000])
    ws.append(["131016", "千代田区", "019", "健康管理システム", "C社", "C社", 1000])
    wi = wb.create_sheet("連携一覧")
    wi.append(["団体コード", "連携元", "連携先", "方式", "頻度", "備考"])
    wi.append(["131016", "住民記録システム", "国保システム", "ファイル", "日次", ""])
    wv = wb.create_sheet("ベンダー一覧")
    wv.append(["ベンダー", "同時作業上限"])
    for name in ("A社", "B社", "C社"):
        wv.append([name, 5])
    wb.save(path)


def _setup(workdir: Path) -> list[str]:
    _inventory(workdir / "inv.xlsx")
    for name, text in (("t.yaml", TEMPLATE), ("r.yaml", RULES), ("c.yaml", CALENDAR)):
        (workdir / name).write_text(text, encoding="utf-8")
    run_cli("inventory", "import", "inv.xlsx")
    return ["--template", "t.yaml", "--rules", "r.yaml", "--calendar", "c.yaml"]


def _tasks(scenario: str) -> dict[str, dict]:
    shown = json.loads(run_cli("plan", "show", "-s", scenario, "--format", "json").stdout)
    return {t["key"]: t for t in shown["tasks"]}


def test_plan_over_the_year_end_matches_the_hand_computed_cpm(workdir: Path) -> None:
    config = _setup(workdir)
    out = run_cli("plan", "build", "--start", "2026-12-21", "--deadline", "2027-03-31", "-s", "ye", *config)
    # By hand: each system spec 0–2, reh 2–5, lt 5–7, acc 7–8, chk 8–8, go 8–9; 国保 and 健康管理 cut over
    # after 住記 (9–10). Business days from Mon 2026-12-21: 21 22 23 24 25 28 | 12-29..01-03 | 01-04 05 06 07.
    assert "finish: 2027-01-07 (10 business days from 2026-12-21)" in out.stdout
    assert "Migration plan: ye\n" in out.stdout  # the scenario is named once
    tasks = _tasks("ye")
    juki, kenko = "131016/001/住民記録システム/", "131016/019/健康管理システム/"
    assert [(tasks[juki + p]["es"], tasks[juki + p]["ls"]) for p in ("spec", "reh", "lt", "acc", "chk", "go")] == \
        [(0, 0), (2, 2), (5, 5), (7, 7), (8, 8), (8, 8)]
    # 健康管理 waits only for 住記's cut-over: one day of CPM slack on each of its tasks before go.
    assert [tasks[kenko + p]["ls"] - tasks[kenko + p]["es"] for p in ("spec", "reh", "lt", "acc", "chk", "go")] == \
        [1, 1, 1, 1, 1, 0]
    assert (tasks[juki + "lt"]["start_date"], tasks[juki + "lt"]["finish_date"]) == ("2026-12-28", "2027-01-04")
    # The zero-day decision ends where it starts, in the stored plan as in the build, and is dated on its day.
    chk = tasks[juki + "chk"]
    assert (chk["start"], chk["finish"], chk["duration"]) == (8, 8, 0)
    assert chk["start_date"] == chk["finish_date"] == "2027-01-06"
    # On the chain that sets the finish, float 0: critical like every other task of it.
    assert chk["total_float"] == 0 and chk["critical"] is True
    exported = json.loads((run_cli("plan", "export", "-s", "ye", "--format", "json", "-o", "ye.json"),
                           (workdir / "ye.json").read_text(encoding="utf-8"))[1])
    on_path = {t["key"]: t["critical"] for t in exported["tasks"] if t["key"] in exported["critical_path"]}
    assert on_path and all(on_path.values())
    # In the Mermaid gantt the decision is a milestone on its day, not a one-day bar.
    run_cli("plan", "export", "-s", "ye", "--format", "mermaid", "-o", "ye.mmd")
    gantt = (workdir / "ye.mmd").read_text(encoding="utf-8").splitlines()
    section = gantt.index("    section 131016 住民記録システム")
    assert gantt[section + 5].startswith("    go-live decision :crit, milestone, t") and \
        gantt[section + 5].endswith(", 2027-01-06, 0d")
    assert gantt[section + 6].endswith(", 2027-01-06, 2027-01-07")  # the cut-over's one day, end exclusive


def test_golden_week_2027_and_a_vendor_of_one_team(workdir: Path) -> None:
    config = _setup(workdir)
    # Start on Wed 2027-04-28: 04-29 昭和の日, 04-30 a business day, 05-01..05-05 weekend and holidays.
    run_cli("plan", "build", "--start", "2027-04-28", "--deadline", "2027-12-28", "-s", "gw", *config)
    tasks = _tasks("gw")
    spec = tasks["131016/001/住民記録システム/spec"]
    assert (spec["start_date"], spec["finish_date"]) == ("2027-04-28", "2027-04-30")
    assert tasks["131016/001/住民記録システム/reh"]["start_date"] == "2027-05-06"
    # One team per vendor: B社 carries 2 systems × (3 + 2 + 1) days after A社's first spec (2 days), but each
    # cut-over needs both ends' acceptance (the interface), which follows the last 連携テスト by a day that B社
    # cannot fill: reh 2–5, 5–8, lt 8–10, 10–12, acc 12–13, go 13–14, 14–15 = 15 days.
    run_cli("plan", "build", "--start", "2027-04-28", "--deadline", "2027-12-28", "-s", "one", *config,
            "--capacity", "A社=1", "--capacity", "B社=1", "--capacity", "C社=1")
    busy: dict[tuple[str, int], int] = {}
    for t in _tasks("one").values():
        if t["owner"] != "municipality":
            for day in range(t["start"], t["finish"]):
                busy[(t["vendor"], day)] = busy.get((t["vendor"], day), 0) + 1
    assert max(busy.values()) == 1
    shown = json.loads(run_cli("plan", "show", "-s", "one", "--format", "json").stdout)
    assert shown["makespan_days"] == 15


def test_a_deadline_already_passed_progress_in_wareki_and_the_risk_page_in_one_language(workdir: Path) -> None:
    config = _setup(workdir)
    # The default deadline 2026-03-31 is behind a start of 2027-04-28: 住記's cut-over on 2027-05-14 (business
    # day 9 of the plan) is late by the business days from 2026-04-01 to 2027-05-14, 269 by the calendar.
    out = run_cli("plan", "build", "--start", "2027-04-28", "-s", "late", *config, expect=0)
    assert "131016 住民記録システム cut-over finishes on 2027-05-14, 269 business days after its deadline 2026-03-31" \
        in out.stdout
    html = workdir / "r.html"
    run_cli("--lang", "ja", "risk", "export", str(html), "-m", "131016", "--scenario", "late", "--as-of", "2027-04-28")
    page = html.read_text(encoding="utf-8")
    assert "RSK020" in page and "基準日 2027-04-28 計画 late" in page and "as of" not in page

    # Progress as an Excel date, a serial number, text and 和暦 (full-width digits too), and a key not in the plan.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["タスクID", "状況", "実績開始日", "実績終了日"])
    ws.append(["131016/001/住民記録システム/spec", "完了", 46505, "2027/4/30"])  # 46505 = 2027-04-28
    ws.append(["131016/024/国保システム/spec", "完了", "R9.4.28", "令和９年５月６日"])
    ws.append(["131016/019/健康管理システム/spec", "作業中", "令和9年4月28日", None])
    ws.append(["131016/099/どこにもない/spec", "完了", "2027/4/28", "2027/4/30"])
    wb.save(workdir / "p.xlsx")
    out = run_cli("plan", "progress", "p.xlsx", "-s", "late", "--as-of", "2027-05-07")
    assert out.stdout.startswith("Plan progress: late: p.xlsx") and "PLN008" in out.stdout
    first = run_cli("plan", "build", "--start", "2027-04-28", "-s", "late", *config).stdout
    tasks = _tasks("late")
    assert [tasks["131016/024/国保システム/spec"][k] for k in ("status", "start_date", "finish_date")] == \
        ["完了", "2027-04-28", "2027-05-06"]
    # 国保's spec took 3 business days (04-28, 04-30, 05-06): its rehearsal starts on day 3, 2027-05-07.
    assert tasks["131016/024/国保システム/reh"]["start_date"] == "2027-05-07"
    # Building again changes nothing.
    assert run_cli("plan", "build", "--start", "2027-04-28", "-s", "late", *config).stdout == first
    assert _tasks("late") == tasks


def test_compare_gives_the_lower_bound_the_build_states(workdir: Path) -> None:
    # One vendor of one team: the resource bound (its work end to end) is above the CPM bound.
    config = _setup(workdir)
    one = ["--capacity", "B社=1", "--capacity", "A社=1", "--capacity", "C社=1"]
    built = run_cli("plan", "build", "--start", "2026-12-21", "--deadline", "2027-03-31", "-s", "one", *config, *one)
    run_cli("plan", "export", "-s", "one", "--format", "json", "-o", "one.json")
    exported = json.loads((workdir / "one.json").read_text(encoding="utf-8"))
    bound = exported["bound_days"]
    assert bound > exported["lower_bound_days"]
    assert f"lower bound: {bound} business days" in built.stdout
    compared = run_cli("plan", "compare", "one", "one").stdout
    (line,) = [x for x in compared.splitlines() if x.startswith("lower bound")]
    assert line.split()[-2:] == [str(bound), str(bound)]
