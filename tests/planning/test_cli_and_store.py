"""The plan commands end to end, progress and re-planning, and the plan store on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict
from pathlib import Path

import openpyxl
import pytest

from migrator.planning import build_plan
from migrator.planning.export import to_json
from migrator.planning.model import Plan
from migrator.store import Store, open_store, upgrade
from migrator.store.plan_repo import list_plans, load_plan, save_plan
from tests.conftest import DATA, run_cli
from tests.planning.inventories import sample_inventory

SAMPLES = sorted((DATA / "sample_data" / "inventory").glob("*.xlsx"))


def _sample_plan_and_store(db_url: str) -> tuple[Plan, Store]:
    """A plan of the sample inventory (one municipality) and an open store at ``db_url``, upgraded."""
    upgrade(db_url)
    plan = build_plan(sample_inventory(municipalities=1), start=dt.date(2025, 4, 1)).plan
    assert plan is not None
    return plan, open_store(db_url)


def test_plan_store_round_trip(db_url: str) -> None:
    plan, store = _sample_plan_and_store(db_url)
    try:
        with store.transaction() as session:
            save_plan(session, plan)
        with store.transaction() as session:  # saving again replaces, never duplicates
            save_plan(session, plan)
        with store.reader() as session:
            back = load_plan(session, "default")
            assert [p["scenario"] for p in list_plans(session)] == ["default"]
    finally:
        store.close()
    assert [t.to_dict() for t in back.tasks] == [t.to_dict() for t in plan.tasks]
    assert back.edges == plan.edges and back.critical_path == plan.critical_path
    assert back.summary() == plan.summary()
    # The JSON export of the stored plan: the same content as an indented dump, one task (one edge) a line.
    text = to_json(back)
    assert json.loads(text) == json.loads(json.dumps(back.to_dict(), ensure_ascii=False, indent=2))
    first = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asdict(back.tasks[0]).items()}
    assert json.loads(text)["tasks"][0] == first
    assert sum(1 for line in text.splitlines() if line.startswith('    {"key": ')) == len(plan.tasks)


@pytest.fixture
def imported(workdir: Path) -> Path:
    run_cli("inventory", "import", "--partial", *map(str, SAMPLES), expect=None)
    return workdir


def test_build_show_export_compare(imported: Path) -> None:
    out = run_cli("plan", "build", "--start", "2025-04-01", "--scenario", "base", "--format", "json").stdout
    base = json.loads(out)["summary"]
    assert base["tasks"] > 100 and base["makespan_days"] >= base["lower_bound_days"]
    vendors = {t["vendor"] for t in json.loads(run_cli("plan", "show", "-s", "base", "--format", "json").stdout)["tasks"]
               if t["vendor"]}
    big = [f"--capacity={v}=8" for v in sorted(vendors)]
    run_cli("plan", "build", "--start", "2025-04-01", "--scenario", "more", *big)
    text = run_cli("plan", "compare", "base", "more").stdout
    assert "makespan (business days)" in text and "moved:" in text and "makespan_days" not in text
    diff = json.loads(run_cli("plan", "compare", "base", "more", "--format", "json").stdout)
    assert diff["b"]["makespan_days"] <= diff["a"]["makespan_days"] and diff["moved"]

    for fmt, name in (("xlsx", "p.xlsx"), ("json", "p.json"), ("mermaid", "p.mmd"), ("html", "p.html")):
        run_cli("plan", "export", "-s", "base", "--format", fmt, "-o", name, "--lang", "ja")
    data = json.loads(Path("p.json").read_text(encoding="utf-8"))
    assert len(data["tasks"]) == base["tasks"] and data["critical_path"] and data["edges"][0]["rule"]
    mermaid = Path("p.mmd").read_text(encoding="utf-8")
    assert mermaid.startswith("gantt\n") and "dateFormat YYYY-MM-DD" in mermaid and ":crit, " in mermaid
    html = Path("p.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 2 and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    wb = openpyxl.load_workbook("p.xlsx")
    assert wb.sheetnames[:4] == ["タスク", "ガント", "凍結期間", "依存関係"]
    gantt = wb["ガント"]
    colours = {c.fill.fgColor.rgb[-6:] for row in gantt.iter_rows(min_row=2) for c in row if c.fill.fill_type}
    assert {"FF7C80", "D9D9D9", "9BC2E6"} <= colours  # critical, freeze window, other work
    assert gantt.cell(1, 6).value is not None and gantt.cell(1, 1).value == "システム"
    assert "工程順" in {r[2] for r in wb["依存関係"].iter_rows(min_row=2, values_only=True)}
    run_cli("plan", "export", "-s", "base", "--format", "xlsx", "-o", "p_en.xlsx", "--lang", "en")
    rules = {r[2] for r in openpyxl.load_workbook("p_en.xlsx")["Dependencies"].iter_rows(min_row=2, values_only=True)}
    assert "phase order" in rules and not {"工程順", "連携先準備", "利用者指定"} & rules


def test_progress_keeps_finished_work_and_shows_baseline(imported: Path) -> None:
    run_cli("plan", "build", "--start", "2025-04-01")
    tasks = json.loads(run_cli("plan", "show", "--format", "json").stdout)["tasks"]
    first = next(t for t in tasks if t["phase_id"] == "extract_spec")
    second = next(t for t in tasks if t["key"] == first["key"].replace("extract_spec", "extract_sample"))
    csv = Path("progress.csv")
    csv.write_text("タスクID,状況,実績開始日,実績終了日\n"
                   f"{first['key']},完了,2025/4/1,2025/4/30\n"
                   f"{second['key']},作業中,2025/5/7,\n"
                   "nope/001/x/cutover,未着手,,\n", encoding="utf-8")
    out = run_cli("plan", "progress", str(csv), "--format", "json").stdout
    report = json.loads(out)
    assert report["counts_by_code"] == {"PLN008": 1} and report["summary"]["完了"] == 1
    run_cli("plan", "build", "--start", "2025-06-02")
    after = {t["key"]: t for t in json.loads(run_cli("plan", "show", "--format", "json").stdout)["tasks"]}
    done = after[first["key"]]
    assert (done["status"], done["start_date"], done["finish_date"]) == ("完了", "2025-04-01", "2025-04-30")
    running = after[second["key"]]
    assert running["status"] == "作業中" and running["actual_start"] == "2025-05-07"
    assert running["finish_date"] >= "2025-06-02"
    # The baseline is the first build's dates; the re-plan moved everything else after the new start.
    assert done["baseline_finish"] == first["finish_date"]
    moved = next(t for t in after.values() if t["status"] is None)
    assert moved["start_date"] >= "2025-06-02"
    assert moved["baseline_start"] == next(t for t in tasks if t["key"] == moved["key"])["start_date"]


def test_bad_progress_row_names_the_cell_and_writes_nothing(imported: Path) -> None:
    run_cli("plan", "build", "--start", "2025-04-01")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "進捗"
    ws.append(["タスクID", "状況", "実績開始日", "実績終了日"])
    ws.append(["132012/001/住民記録システム/extract_spec", "完了", "2025-04-01", "2025-04-31"])
    wb.save("p.xlsx")
    res = run_cli("plan", "progress", "p.xlsx", "--format", "json", expect=1)
    finding = json.loads(res.stdout)["findings"][0]
    assert finding["code"] == "PLN007" and finding["location"]["text"].endswith("進捗!D2")
    tasks = json.loads(run_cli("plan", "show", "--format", "json").stdout)["tasks"]
    assert not any(t["status"] for t in tasks)


def test_progress_reports_unknown_tasks_at_their_row_beside_wrong_rows(imported: Path) -> None:
    run_cli("plan", "build", "--start", "2025-04-01")
    Path("p.csv").write_text("タスクID,状況,実績開始日,実績終了日\n"
                             "132012/001/住民記録システム/extract_spec,完了,2025-04-01,2025-04-20\n"
                             "nope/001/x/cutover,未着手,,\n"
                             "132012/002/印鑑登録システム/extract_spec,完了,2025-04-01,2025-04-20\n",
                             encoding="utf-8")
    res = run_cli("plan", "progress", "p.csv", "--as-of", "2025-04-10", "--format", "json", expect=1)
    found = [(f["code"], f["location"]["line"], f["location"]["column"]) for f in json.loads(res.stdout)["findings"]]
    assert found == [("PLN007", 2, "実績終了日"), ("PLN007", 4, "実績終了日"), ("PLN008", 3, None)]
    assert not any(t["status"] for t in json.loads(run_cli("plan", "show", "--format", "json").stdout)["tasks"])


def test_errors_are_messages_not_tracebacks(workdir: Path, tmp_path: Path) -> None:
    res = run_cli("plan", "build", "--start", "2025-04-01", expect=2)
    assert "inventory import" in res.stderr
    res = run_cli("plan", "show", "-s", "nothing", expect=2)
    assert "nothing" in res.stderr
    bad = tmp_path / "tpl.yaml"
    bad.write_text("phases:\n  - {id: a, name: A, owner: nobody, days: 1}\n", encoding="utf-8")
    res = run_cli("plan", "build", "--template", str(bad), expect=2)
    assert "tpl.yaml" in res.stderr and "owner" in res.stderr
    res = run_cli("plan", "build", "--capacity", "A社", expect=2)
    assert "VENDOR=N" in res.stderr


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_scenario_that_is_not_stored_is_a_usage_error_naming_the_stored_ones(imported: Path, lang: str) -> None:
    """A mistyped --scenario selected no plan without a word (a risk register without plan rows); with plans
    stored and none of that name, every command that reads a stored plan refuses it, naming the stored ones."""
    run_cli("plan", "build", "--start", "2025-04-01", "-m", "132012", "-s", "base")
    run_cli("plan", "build", "--start", "2025-05-01", "-m", "132012", "-s", "more-capacity")
    Path("p.csv").write_text("タスクID,状況,実績開始日,実績終了日\n"
                             "132012/001/住民記録システム/extract_spec,完了,2025-04-01,2025-04-10\n", encoding="utf-8")
    commands = [("plan", "show", "--scenario", "bse"), ("plan", "show", "--concerns", "-s", "bse"),
                ("plan", "export", "-s", "bse", "--format", "json", "-o", "p.json"),
                ("plan", "export", "-s", "bse", "--format", "html", "--risks", "-o", "p.html"),
                ("plan", "progress", "p.csv", "-s", "bse"),
                ("risk", "list", "-m", "132012", "--scenario", "bse"),
                ("risk", "export", "r.xlsx", "--scenario", "bse")]
    for command in commands:
        refused = run_cli("--lang", lang, *command, expect=2).stderr
        assert "--scenario 'bse'" in refused
        assert ("base、more-capacity" if lang == "ja" else "base, more-capacity") in refused
        if lang == "ja":
            assert "この名前の計画は保存されていません(base の誤りでは?)" in refused and "stored" not in refused
        else:
            assert "no plan of that name is stored (did you mean base?). Stored scenarios: base, more-capacity" \
                in refused
    refused = run_cli("--lang", lang, "plan", "compare", "base", "more", expect=2).stderr
    assert "SCENARIO_B 'more'" in refused and ("more-capacity" in refused)
    assert not any(Path(name).exists() for name in ("p.json", "p.html", "r.xlsx"))
    # No plan is "default" and none was asked for: the register is refused too, naming what is stored.
    assert "--scenario 'default'" in run_cli("--lang", lang, "risk", "list", "-m", "132012", expect=2).stderr
    # A stored name still works; the progress file was not recorded by the refused command.
    assert not any(t["status"] for t in json.loads(run_cli("plan", "show", "-s", "base", "--format", "json").stdout)
                   ["tasks"])
    run_cli("risk", "list", "-m", "132012", "--scenario", "base", "--no-store")


def test_without_any_stored_plan_the_default_scenario_gives_a_register_without_plan_rows(imported: Path) -> None:
    out = run_cli("risk", "list", "-m", "132012", "--no-store", "--format", "json").stdout
    assert json.loads(out)["concerns"]
    assert "run `migrator plan build` first" in run_cli("plan", "show", expect=2).stderr


def test_cycle_exits_1_and_stores_nothing(imported: Path, tmp_path: Path) -> None:
    edges = tmp_path / "edges.yaml"
    edges.write_text("edges:\n  - {from: 132012/024/国保システム/cutover, to: 132012/001/住民記録システム/extract_spec}\n",
                     encoding="utf-8")
    res = run_cli("plan", "build", "--start", "2025-04-01", "--edges", str(edges), "--format", "json", expect=1)
    report = json.loads(res.stdout)
    assert report["counts_by_code"]["PLN001"] == 1
    # at the line of the edges file that closes the cycle, which the list of edges names too
    finding = report["findings"][0]
    assert (finding["location"]["file"], finding["location"]["line"]) == (str(edges), 2)
    assert f"[利用者指定、{edges}:2]" in finding["message_ja"] and f"[user-declared, {edges}:2]" in finding["message_en"]
    assert "連携一覧!B" in finding["message_en"]  # an interface's edge names its 連携先 cell
    # the tasks of the cycle are joined as each language joins lists
    assert ", 132012/" in finding["message_en"] and "、132012/" in finding["message_ja"]
    assert ", 132012/" not in finding["message_ja"]
    run_cli("plan", "show", expect=2)


def test_plan_show_speaks_japanese(workdir: object) -> None:
    from tests.conftest import run_cli

    samples = sorted(str(p) for p in (DATA / "sample_data" / "inventory").glob("*.xlsx"))
    run_cli("inventory", "import", "--partial", *samples, expect=None)
    run_cli("plan", "build", "--start", "2025-04-01", "--scenario", "ja")
    result = run_cli("--lang", "ja", "plan", "show", "--scenario", "ja", "--limit", "3")
    assert result.stdout.splitlines()[0].split()[:4] == ["ウェーブ", "タスク", "開始日", "終了日"]
    result = run_cli("--lang", "ja", "plan", "compare", "ja", "ja")
    assert "移動したタスク: 0" in result.stdout


def test_capacity_names_match_like_the_inventory_and_typos_are_refused(imported: Path) -> None:
    def makespan(*args: str) -> int:
        out = run_cli("plan", "build", "--start", "2025-04-01", "-s", "cap", *args, "--format", "json").stdout
        return int(json.loads(out)["summary"]["makespan_days"])

    exact = makespan("--capacity", "株式会社エーシステム=2")
    assert makespan("--capacity", "(株)エーシステム=2") == exact
    assert makespan("--capacity", "ｴｰｼｽﾃﾑ㈱=2") == exact
    assert exact > makespan()  # fewer teams than the inventory declares
    result = run_cli("plan", "build", "--start", "2025-04-01", "--capacity", "ニセシステム=5", expect=2)
    assert "ニセシステム" in result.stderr and "株式会社エーシステム" in result.stderr


def test_unknown_municipality_is_named(imported: Path) -> None:
    result = run_cli("plan", "build", "--start", "2025-04-01", "-m", "131016", expect=2)
    assert "131016" in result.stderr and "inventory list" in result.stderr


def test_plan_outputs_speak_one_language_at_a_time(imported: Path) -> None:
    run_cli("plan", "build", "--start", "2025-04-01", "-s", "a")
    Path("p.csv").write_text("タスクID,状況,実績開始日,実績終了日\n"
                             "132012/001/住民記録システム/extract_spec,完了,2025-04-01,2025-04-10\n", encoding="utf-8")
    run_cli("plan", "progress", "p.csv", "-s", "a")
    run_cli("plan", "build", "--start", "2025-05-01", "-s", "a")
    run_cli("plan", "build", "--start", "2025-05-01", "-s", "b")
    shown = run_cli("--lang", "en", "plan", "show", "-s", "a", "--format", "text").stdout
    assert " done" in shown and "完了" not in shown
    assert "完了" in run_cli("--lang", "ja", "plan", "show", "-s", "a").stdout
    en = run_cli("--lang", "en", "plan", "compare", "a", "b").stdout
    ja = run_cli("--lang", "ja", "plan", "compare", "a", "b").stdout
    assert "lower bound (business days)" in en and "下限 (営業日)" in ja and "makespan_days" not in ja
    for lang, title in (("en", "title Migration plan a"), ("ja", "title 移行計画 a")):
        run_cli("--lang", lang, "plan", "export", "-s", "a", "--format", "mermaid", "-o", f"{lang}.mmd")
        assert Path(f"{lang}.mmd").read_text(encoding="utf-8").splitlines()[1].strip() == title
    run_cli("--lang", "en", "plan", "export", "-s", "a", "--format", "xlsx", "-o", "en.xlsx")
    wb = openpyxl.load_workbook("en.xlsx")
    windows = {r[0] for r in wb["Freeze windows"].iter_rows(min_row=2, values_only=True)}
    assert windows == {"tax return season", "moving season", "initial tax levy", "year-end holidays"}
    rules = {r[2] for r in wb["Dependencies"].iter_rows(min_row=2, values_only=True)}
    assert not any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for rule in rules for ch in rule), rules
    statuses = {r[19] for r in wb["Tasks"].iter_rows(min_row=2, values_only=True)}
    assert statuses == {"done", None}


def test_build_prints_the_first_findings_and_counts_the_rest(imported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import migrator.cli.plan

    monkeypatch.setattr(migrator.cli.plan, "FINDINGS_SHOWN", 3)
    out = run_cli("plan", "build", "--start", "2025-04-01", "--deadline", "2025-06-30").stdout
    late = json.loads(run_cli("plan", "build", "--start", "2025-04-01", "--deadline", "2025-06-30",
                              "--format", "json").stdout)["counts_by_code"]["PLN002"]
    total = sum(json.loads(run_cli("plan", "build", "--start", "2025-04-01", "--deadline", "2025-06-30",
                                   "--format", "json").stdout)["counts_by_code"].values())
    rows = [line for line in out.splitlines() if re.match(r"[A-Z]{3}\d{3} ", line)]
    assert late > 3 and len(rows) == 3
    assert f"… {total - 3} more findings not shown (--format json lists them all)" in out
    # the summary and the plan's figures stay at the end of the output
    assert out.rstrip().splitlines()[-1].startswith(("binding resource", "deadline"))


_PHASES_JA = ("抽出仕様確定", "抽出サンプル提供", "項目マッピング合意", "コード変換表合意", "文字同定結果承認", "移行リハーサル",
              "連携テスト", "受入", "本番移行", "並行稼働・突合", "旧システム停止")


def test_phases_are_named_in_the_language_asked(imported: Path, tmp_path: Path) -> None:
    def phases_in(text: str) -> set[str]:
        return {p for p in _PHASES_JA if p in text}

    built = run_cli("--lang", "en", "plan", "build", "--start", "2025-04-01", "--deadline", "2025-09-30",
                    "-s", "a", "--format", "json").stdout
    late = [f for f in json.loads(built)["findings"] if f["code"] == "PLN002"]
    assert late
    assert all(not phases_in(f["message_en"]) for f in late), late[0]["message_en"]
    assert any(" cut-over finishes on " in f["message_en"] for f in late)
    assert all(" 本番移行 の終了 " in f["message_ja"] for f in late) and "cut-over" not in late[0]["message_ja"]
    text = run_cli("--lang", "en", "plan", "build", "--start", "2025-04-01", "--deadline", "2025-09-30",
                   "-s", "a").stdout
    assert "Chain: " in text and not phases_in(text)
    tasks = json.loads(run_cli("plan", "show", "-s", "a", "--format", "json").stdout)["tasks"]
    assert {(t["phase"], t["phase_en"]) for t in tasks if t["phase_id"] == "cutover"} == {("本番移行", "cut-over")}

    for fmt, name in (("mermaid", "p.mmd"), ("html", "p.html"), ("xlsx", "p.xlsx")):
        run_cli("--lang", "en", "plan", "export", "-s", "a", "--format", fmt, "-o", f"en_{name}")
        run_cli("--lang", "ja", "plan", "export", "-s", "a", "--format", fmt, "-o", f"ja_{name}")
    for name in ("p.mmd", "p.html"):
        en, ja = (Path(f"{lang}_{name}").read_text(encoding="utf-8") for lang in ("en", "ja"))
        assert not phases_in(en) and "extraction spec agreed" in en and "legacy system shutdown" in en, name
        assert phases_in(ja) == set(_PHASES_JA) and "extraction spec agreed" not in ja, name
    wb = openpyxl.load_workbook("en_p.xlsx")
    shown = {r[5] for r in wb["Tasks"].iter_rows(min_row=2, values_only=True)}
    shown |= {r[1] for r in wb["Gantt"].iter_rows(min_row=2, values_only=True)}
    assert "cut-over" in shown and not phases_in(" ".join(map(str, shown)))
    shown = {r[5] for r in openpyxl.load_workbook("ja_p.xlsx")["タスク"].iter_rows(min_row=2, values_only=True)}
    assert "本番移行" in shown and "cut-over" not in shown
    # a project's template: its own English name, else its one name in both languages; a shipped phase's
    # name keeps its English name
    tpl = tmp_path / "tpl.yaml"
    tpl.write_text("phases:\n  - {id: prep, name: 準備, name_en: preparation, days: 2}\n"
                   "  - {id: check, name: 点検, days: 1}\n"
                   "  - {id: cutover, name: 本番移行, days: 1, kind: cutover, due: true}\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\n", encoding="utf-8")
    run_cli("plan", "build", "--start", "2025-04-01", "-s", "own", "--template", str(tpl), "--rules", str(rules))
    run_cli("--lang", "en", "plan", "export", "-s", "own", "--format", "mermaid", "-o", "own.mmd")
    lines = Path("own.mmd").read_text(encoding="utf-8")
    assert "    preparation :" in lines and "    点検 :" in lines and "    cut-over :" in lines
    bad = tmp_path / "bad.yaml"
    bad.write_text("phases:\n  - {id: prep, name: 準備, name_en: [a], days: 2}\n", encoding="utf-8")
    res = run_cli("plan", "build", "--template", str(bad), expect=2)
    assert "phases[0].name_en" in res.stderr


def test_a_plan_stored_before_phases_had_english_names_shows_the_shipped_ones(db_url: str) -> None:
    from sqlalchemy import select

    from migrator.planning.export import to_mermaid
    from migrator.store import models

    plan, store = _sample_plan_and_store(db_url)
    try:
        with store.transaction() as session:
            save_plan(session, plan)
            row = session.scalar(select(models.Plan))
            assert row is not None
            row.params = {**row.params, "task_extra": [e[:7] for e in row.params["task_extra"]]}
        with store.reader() as session:
            back = load_plan(session, "default")
    finally:
        store.close()
    assert {t.phase_en for t in back.tasks} == {""}
    assert to_mermaid(back, "en") == to_mermaid(plan, "en") and "    cut-over :" in to_mermaid(back, "en")


def test_an_unknown_interface_end_is_reported_at_the_cell_that_names_it(workdir: Path, db_url: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名", "連携先"])
    ws.append(["132012", "八王子市", "住民基本台帳", "住民記録システム", "どこにもない"])
    ws.append(["132012", "八王子市", "国民健康保険", "国保システム", None])
    links = wb.create_sheet("連携一覧")
    links.append(["連携元", "連携先", "方式"])
    links.append(["消えたシステム", "国保システム", "ファイル"])
    wb.save("inv.xlsx")
    upgrade(db_url)  # a server's store is upgraded by `migrator db upgrade`, never on first use
    run_cli("--db", db_url, "inventory", "import", "inv.xlsx")  # stored, then read back by plan build
    out = run_cli("--db", db_url, "plan", "build", "--start", "2025-04-01", "--format", "json").stdout
    found = sorted((f["location"]["sheet"], f["location"]["cell"], f["item"])
                   for f in json.loads(out)["findings"] if f["code"] == "PLN003")
    # the 連携先 cell of the system's row, and the 連携元 cell of the list's row
    assert found == [("システム一覧", "E2", "どこにもない"), ("連携一覧", "A2", "消えたシステム")]



def _one_system_workbook(path: Path, system_name: str) -> Path:
    """A vendor's 調査票 of one municipality with one system named ``system_name``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行先ベンダー", "移行予定日"])
    ws.append(["132039", "武蔵野市", "住民基本台帳", system_name, "株式会社エーシステム", "株式会社エーシステム",
               dt.date(2026, 1, 5)])
    wb.save(path)
    return path


def test_a_system_name_as_long_as_the_inventory_accepts_is_planned_and_stored(db_url: str, workdir: Path) -> None:
    """The inventory keeps system names of 200 characters; the task keys built from them are longer and are
    stored on every database (PostgreSQL refused them), and undoing the revision that made that possible
    names the tasks instead of cutting their keys."""
    name = "住民記録" * 50
    book = _one_system_workbook(workdir / "調査票.xlsx", name)
    run_cli("--db", db_url, "db", "upgrade")
    run_cli("--db", db_url, "inventory", "import", str(book))
    run_cli("--db", db_url, "plan", "build", "--start", "2025-04-01", "--scenario", "base")
    out = workdir / "plan.json"
    run_cli("--db", db_url, "plan", "export", "--scenario", "base", "--format", "json", "-o", str(out))
    keys = [t["key"] for t in json.loads(out.read_text(encoding="utf-8"))["tasks"]]
    assert f"132039/001/{name}/cutover" in keys and all(len(k) > 200 for k in keys)
    refused = run_cli("--db", db_url, "db", "downgrade", "0007", expect=2)
    assert "plan_task.task_key is longer than 200 characters" in refused.stderr
    assert f"plan task 1 (base 132039/001/{name}/" in refused.stderr


def test_a_scenario_name_the_store_cannot_keep_is_refused_before_anything_is_built(db_url: str,
                                                                                   workdir: Path) -> None:
    book = _one_system_workbook(workdir / "調査票.xlsx", "住民記録システム")
    run_cli("--db", db_url, "db", "upgrade")
    run_cli("--db", db_url, "inventory", "import", str(book))
    long = "移行計画案" * 21
    refused = run_cli("--db", db_url, "plan", "build", "--start", "2025-04-01", "--scenario", long, expect=2)
    assert "the scenario name has 105 characters; at most 100 can be stored" in refused.stderr
    assert "Traceback" not in refused.stderr and "refused the change" not in refused.stderr
    ja = run_cli("--db", db_url, "--lang", "ja", "plan", "build", "--scenario", long, expect=2)
    assert "シナリオ名が 105 文字です。保存できるのは 100 文字までです。" in ja.stderr
    assert "scenario name" not in ja.stderr
    run_cli("--db", db_url, "plan", "build", "--start", "2025-04-01", "--scenario", long[:100])
    store = open_store(db_url)
    try:
        with store.reader() as session:
            assert [p["scenario"] for p in list_plans(session)] == [long[:100]]
    finally:
        store.close()


def test_the_scenario_limit_is_the_width_of_the_store_column() -> None:
    from migrator.cli.plan import MAX_SCENARIO
    from migrator.store import models as m

    assert m.Plan.scenario.property.columns[0].type.length == MAX_SCENARIO


def test_a_template_phase_name_the_store_cannot_keep_is_refused_before_building(db_url: str,
                                                                                workdir: Path) -> None:
    """A phase name longer than plan_task.phase keeps was refused by PostgreSQL after the plan was built (SQLite
    stored it); the template is now refused where it says so, on every database."""
    from migrator.planning.config import MAX_PHASE_NAME
    from migrator.store import models as m

    assert m.PlanTask.phase.property.columns[0].type.length == MAX_PHASE_NAME
    template = workdir / "工程表.yaml"
    template.write_text("phases:\n  - {id: spec, name: " + "抽出仕様の確定" * 15 + ", days: 10}\n"
                        "  - {id: cutover, name: 本番移行, days: 1, kind: cutover, due: true}\n", encoding="utf-8")
    book = _one_system_workbook(workdir / "調査票.xlsx", "住民記録システム")
    run_cli("--db", db_url, "db", "upgrade")
    run_cli("--db", db_url, "inventory", "import", str(book))
    refused = run_cli("--db", db_url, "plan", "build", "--start", "2025-04-01", "--template", str(template), expect=2)
    assert "phases[0].name: at most 100 characters, got 105" in refused.stderr
    assert "refused the change" not in refused.stderr
    store = open_store(db_url)
    try:
        with store.reader() as session:
            assert list_plans(session) == []
    finally:
        store.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_municipality_with_a_wrong_check_digit_is_named_with_its_option(imported: Path, lang: str) -> None:
    result = run_cli("--lang", lang, "plan", "build", "--start", "2025-04-01", "-m", "１３２０１３", expect=2)
    assert "--municipality '１３２０１３'" in result.stderr and "132012" in result.stderr


def test_a_municipality_without_its_check_digit_is_completed(imported: Path) -> None:
    out = run_cli("plan", "build", "--start", "2025-04-01", "-m", " １３２０１ ", "--format", "json", expect=None)
    assert out.exit_code in (0, 1) and json.loads(out.stdout)["summary"]["tasks"] > 0
