"""The plan of the sample inventory is one a PMO would recognise, and `plan build` says so in text."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from pathlib import Path

from tests.conftest import DATA, run_cli

SAMPLES = sorted((DATA / "sample_data" / "inventory").glob("*.xlsx"))


def test_sample_plan_is_sane_and_its_text_summary_names_finish_bound_late_and_resources(workdir: Path) -> None:
    run_cli("inventory", "import", "--partial", *map(str, SAMPLES), expect=None)
    text = run_cli("plan", "build", "--start", "2025-04-01", "-s", "s").stdout
    data = json.loads(run_cli("plan", "show", "-s", "s", "--format", "json").stdout)
    assert data["finish"] < "2027-04-01"  # the 特定移行支援 systems finish within FY2026
    late = [t for t in data["tasks"] if t["late_days"]]
    due = [t for t in data["tasks"] if t["deadline"] == "2026-03-31"]
    # Most systems on time; the late ones wait for a project slot of their vendor, and PLN002 says so.
    assert 0 < len(late) <= len(due) // 3 and max(t["late_days"] for t in late) <= 40
    findings = json.loads(run_cli("plan", "build", "--start", "2025-04-01", "-s", "s", "--format", "json").stdout)
    chains = [f for f in findings["findings"] if f["code"] == "PLN002"]
    assert len(chains) == len(late)
    assert sum("[project slot]" in json.dumps(f, ensure_ascii=False) for f in chains) * 3 >= len(chains) * 2
    assert f"finish: {data['finish']} ({data['makespan_days']} business days from 2025-04-01)" in text
    bound = max(data["lower_bound_days"], data["resource_bound_days"])
    assert data["bound_days"] == bound
    assert f"lower bound: {bound} business days" in text and f"gap {data['gap_pct']} %" in text
    assert f"deadline 2026-03-31: {len(late)} of {len(due)} systems late" in text
    assert "binding resource: ビー情報サービス株式会社 (capacity 3)" in text
    exported = json.loads(Path(run_cli("plan", "export", "-s", "s", "--format", "json", "-o", "p.json")
                               .stdout.split()[-1]).read_text(encoding="utf-8"))
    assert data["edges"] == len({(e["from"], e["to"]) for e in exported["edges"]})  # each edge counted once

    ja = run_cli("--lang", "ja", "plan", "build", "--start", "2025-04-01", "-s", "s").stdout
    assert f"完了予定: {data['finish']}" in ja and f"期限 2026-03-31: {len(due)} システム中 {len(late)} 件が遅延" in ja

    # The HTML page: its headline carries the same figures as the plan's JSON, in either language.
    late_systems = {(t["municipality_code"], t["area_code"], t["system_name"]) for t in late}
    due_systems = {(t["municipality_code"], t["area_code"], t["system_name"]) for t in data["tasks"]
                   if t["deadline"] and t["status"] != "対象外"}
    kind = ("resource", "資源") if bound > data["lower_bound_days"] else ("CPM", "CPM")
    for lang, expected in (
        ("en", [f"Systems late against their deadlines: {len(late_systems)} of {len(due_systems)}",
                f"finish: {data['finish']} ({data['makespan_days']} business days from 2025-04-01)",
                f"lower bound: {bound} business days ({kind[0]}), gap {data['gap_pct']} %",
                f"deadline 2026-03-31: {len(late)} of {len(due)} systems late",
                "binding resource: ビー情報サービス株式会社 (capacity 3)"]),
        ("ja", [f"期限に遅れるシステム: {len(late_systems)} / {len(due_systems)}",
                f"完了予定: {data['finish']}（2025-04-01 から {data['makespan_days']} 営業日）",
                f"下限: {bound} 営業日（{kind[1]}）、差 {data['gap_pct']} %",
                f"期限 2026-03-31: {len(due)} システム中 {len(late)} 件が遅延"]),
    ):
        run_cli("--lang", lang, "plan", "export", "-s", "s", "--format", "html", "-o", f"p_{lang}.html")
        page = (workdir / f"p_{lang}.html").read_text(encoding="utf-8")
        headline = page[page.index('<section class="headline">'):page.index("</section>")]
        for line in expected:
            assert html_lib.escape(line) in headline, (lang, line)
        assert "makespan_days" not in page and "current_vendor" not in page
        # late systems first in the task table, then the rest; the critical tasks marked
        table = page[page.index('id="tasks"'):]
        rows = re.findall(r"<tr(?: class=\"([a-z ]*)\")?><td>", table)
        marks = ["late" in r for r in rows]
        assert marks == sorted(marks, reverse=True) and marks.count(True) >= len(late)
        assert sum("crit" in r for r in rows) == sum(t["critical"] for t in data["tasks"])


def test_progress_reads_back_the_exported_workbook_in_either_language(workdir: Path) -> None:
    import openpyxl

    run_cli("inventory", "import", "--partial", *map(str, SAMPLES), expect=None)
    run_cli("plan", "build", "--start", "2025-04-01")
    for lang, sheet, key_col, status_col, start_col, finish_col in (
            ("ja", "タスク", "タスクID", "状況", "実績開始日", "実績終了日"),
            ("en", "Tasks", "task", "status", "actual start", "actual finish")):
        run_cli("--lang", lang, "plan", "export", "--format", "xlsx", "-o", f"plan_{lang}.xlsx")
        as_exported = json.loads(run_cli("plan", "progress", f"plan_{lang}.xlsx", "--format", "json").stdout)
        assert as_exported["findings"] == [] and as_exported["summary"]["未着手"] > 400
        wb = openpyxl.load_workbook(f"plan_{lang}.xlsx")
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        col = {name: head.index(name) + 1 for name in (key_col, status_col, start_col, finish_col)}
        rows = {ws.cell(r, col[key_col]).value: r for r in range(2, ws.max_row + 1)}
        first = "132012/001/住民記録システム/extract_spec"
        ws.cell(rows[first], col[status_col], "完了")
        ws.cell(rows[first], col[start_col], "2025-04-01")
        ws.cell(rows[first], col[finish_col], "2025-04-11")
        ws.cell(rows[first.replace("extract_spec", "extract_sample")], col[status_col], "作業中")
        ws.cell(rows[first.replace("extract_spec", "extract_sample")], col[start_col], "2025-04-14")
        wb.save(f"plan_{lang}.xlsx")
        report = json.loads(run_cli("plan", "progress", f"plan_{lang}.xlsx", "--format", "json").stdout)
        assert report["findings"] == [] and report["summary"]["完了"] == 1 and report["summary"]["作業中"] == 1
    run_cli("plan", "build", "--start", "2025-05-01")
    tasks = {t["key"]: t for t in json.loads(run_cli("plan", "show", "--format", "json").stdout)["tasks"]}
    assert tasks["132012/001/住民記録システム/extract_spec"]["finish_date"] == "2025-04-11"
    assert tasks["132012/001/住民記録システム/extract_sample"]["start_date"] == "2025-04-14"


def test_an_unknown_status_is_reported_in_one_language(workdir: Path) -> None:
    Path("p.csv").write_text("タスクID,状況\na/001/x/spec,保留\n", encoding="utf-8")
    from migrator.planning.progress import read_progress

    _, (finding,) = read_progress(Path("p.csv"))
    assert "ではありません" in finding.message_ja and "ではありません" not in finding.message_en
    assert "not one of" in finding.message_en and "not one of" not in finding.message_ja


def test_charts_keep_work_done_before_the_replan_and_compare_counts_business_days() -> None:
    import datetime as dt
    import re

    from migrator.planning import build_plan
    from migrator.planning.build import TaskProgress
    from migrator.planning.export import compare, plan_sheets, to_html
    from tests.planning.inventories import sample_inventory

    inv = sample_inventory(municipalities=1)
    first = build_plan(inv, start=dt.date(2025, 4, 1)).plan
    assert first is not None
    done = next(t for t in first.tasks if t.phase_id == "extract_spec")
    progress = {done.key: TaskProgress("完了", dt.date(2025, 4, 1), dt.date(2025, 4, 14))}
    result = build_plan(inv, start=dt.date(2025, 6, 2), progress=progress)
    plan = result.plan
    assert plan is not None
    gantt = plan_sheets(plan, "en")[1]
    assert gantt.name == "Gantt" and gantt.header[5] == "25/03/31"  # the week of the finished work
    row = next(r for r, values in enumerate(gantt.rows, start=2) if values[2] == dt.date(2025, 4, 1))
    assert gantt.fills[(row, 6)] == gantt.fills[(row, 7)] == "A9D08E"  # green: done, weeks of 03-31 and 04-07
    html = to_html(plan, "en")
    assert 'overflow-x:auto' in html
    # Given the build's findings, each late system names the chain that holds it (PLN002).
    late = [t for t in plan.tasks if t.late_days]
    with_chains = to_html(plan, "en", result.report.findings)
    chains = re.findall(r'<td class="chain">([^<]*)</td>', with_chains)
    assert late and len(chains) == len(late)
    assert all(c.startswith(f"{t.label('en')} ") and "Chain: " in c
               for c, t in zip(chains, sorted(late, key=lambda t: (-t.late_days, t.key)), strict=True))
    label_w = 330
    assert all(float(x) >= label_w for x in re.findall(r'<rect x="([\d.]+)" y="\d+" width="[\d.]+" height="12"', html))

    diff = compare(first, plan)
    moved = {m["task"]: m for m in diff["moved"]}
    m = next(m for k, m in moved.items() if k != done.key)
    assert m["shift_days"] == first.calendar.index(m["b_finish"]) - first.calendar.index(m["a_finish"])
    assert m["shift_days"] < (m["b_finish"] - m["a_finish"]).days


def test_plan_build_and_inventory_import_end_with_their_result(workdir: Path) -> None:
    first = run_cli("inventory", "import", "--partial", *map(str, SAMPLES), expect=None).stdout.splitlines()
    assert any(" added, " in line and not line.endswith(": 0 added, 0 changed") for line in first)
    imported = run_cli("inventory", "import", "--partial", *map(str, SAMPLES), expect=None).stdout.splitlines()
    report = json.loads(run_cli("inventory", "import", "--partial", "--dry-run", *map(str, SAMPLES),
                                "--format", "json", expect=None).stdout)
    codes = sorted(report["summary"]["per_municipality"])
    assert codes and imported[-1].startswith("rows not imported (unreadable): ")
    assert [line.split(":")[0] for line in imported[-1 - len(codes):-1]] == codes
    # the second import of the same workbooks adds and changes nothing
    assert all(row == {"added": 0, "changed": 0} for row in report["summary"]["per_municipality"].values())
    ja = run_cli("--lang", "ja", "inventory", "import", "--partial", *map(str, SAMPLES), expect=None).stdout
    assert ja.splitlines()[-1].startswith("読めずに取り込まなかった行: ")
    text = run_cli("plan", "build", "--start", "2025-04-01", "-s", "s").stdout.splitlines()
    data = json.loads(run_cli("plan", "show", "-s", "s", "--format", "json").stdout)
    findings_end = max(i for i, line in enumerate(text) if line.startswith("summary: "))
    assert text[findings_end + 1].startswith(f"finish: {data['finish']} ")
    assert any(line.startswith("deadline 2026-03-31: ") for line in text[findings_end + 1:])


def test_two_municipalities_with_one_team_per_vendor_and_one_staff_plan_within_two_percent() -> None:
    # 立川市 and 武蔵野市 of the sample (143 tasks), every vendor with one team and one member of staff each:
    # CP-SAT proves 748 business days optimal, which is also the resource bound; the default search gets
    # within 2 % of it.
    from migrator.inventory.importer import read_inventory
    from migrator.inventory.model import Inventory, Vendor
    from migrator.planning import build_plan

    inv = read_inventory(SAMPLES).inventory
    keep = {"132021", "132039"}
    inv = Inventory(municipalities=tuple(m for m in inv.municipalities if m.code in keep),
                    systems=tuple(s for s in inv.systems if s.municipality_code in keep),
                    interfaces=tuple(i for i in inv.interfaces if i.municipality_code in keep),
                    vendors=tuple(Vendor(v.name, 1) for v in inv.vendors))
    plan = build_plan(inv, start=dt.date(2025, 4, 1), staff_limit=1).plan
    assert plan is not None and len(plan.tasks) == 143
    summary = plan.summary()
    assert summary["bound_days"] == 748
    assert plan.makespan >= 748 and summary["gap_pct"] <= 2.0


def test_the_task_table_says_what_holds_each_critical_and_late_task(workdir: Path) -> None:
    import openpyxl

    run_cli("inventory", "import", "--partial", *map(str, SAMPLES), expect=None)
    run_cli("plan", "build", "--start", "2025-04-01")
    data = json.loads(run_cli("plan", "show", "--format", "json").stdout)
    keys = {t["key"] for t in data["tasks"]}
    held = {t["key"] for t in data["tasks"] if t["critical"] or t["late_days"]}
    for lang, sheet, key_col, why_col, slot in (("ja", "タスク", "タスクID", "要因", "[プロジェクト枠]"),
                                                 ("en", "Tasks", "task", "binding", "[project slot]")):
        run_cli("--lang", lang, "plan", "export", "--format", "xlsx", "-o", f"plan_{lang}.xlsx")
        ws = openpyxl.load_workbook(f"plan_{lang}.xlsx")[sheet]
        head = [c.value for c in ws[1]]
        why = {ws.cell(r, head.index(key_col) + 1).value: ws.cell(r, head.index(why_col) + 1).value or ""
               for r in range(2, ws.max_row + 1)}
        # Only critical and late tasks carry a reason; each names the task that held it, or a note of its own.
        assert {k for k, w in why.items() if w} <= held and len([k for k in held if why[k]]) * 2 >= len(held)
        for k in held:
            if why[k] and not why[k].startswith("["):
                assert why[k].split(" [")[0] in keys and why[k].split(" [")[0] != k
        # The late systems wait for a project slot of their vendor (docs/planning.md): their chains say so.
        assert any(slot in w for w in why.values())
        html = run_cli("--lang", lang, "plan", "export", "--format", "html", "-o", f"plan_{lang}.html").stdout
        assert why_col in Path(html.split()[-1]).read_text(encoding="utf-8")
