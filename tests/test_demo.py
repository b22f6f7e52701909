"""``migrator demo`` runs on the bundled sample data with the embedded SQLite store and says what it did."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def test_demo_runs_with_embedded_sqlite(workdir: Path) -> None:
    result = run_cli("demo", "--out", "out")
    assert (workdir / ".migrator" / "migrator.db").is_file()
    summary = json.loads((workdir / "out" / "demo-summary.json").read_text(encoding="utf-8"))
    steps = [f["message_en"].split(":", 1)[0] for f in summary["findings"]]
    assert steps[0] == "store"
    for step in steps:
        assert f"[{step}]" in result.stdout
    assert result.stdout.rstrip().endswith("Summary (HTML): out/demo-summary.html")
    for name in ("demo-summary.json", "demo-summary.html", "demo-summary.xlsx"):
        assert (workdir / "out" / name).is_file()
        assert name in result.stdout


def test_demo_summary_figures_match_the_reports_it_links(workdir: Path) -> None:
    run_cli("demo", "--out", "out")
    out = workdir / "out"
    summary = json.loads((out / "demo-summary.json").read_text(encoding="utf-8"))["summary"]
    html = (out / "demo-summary.html").read_text(encoding="utf-8")
    by_step = {row["step"]: row for row in summary["steps"]}
    # the validation step's figures are those of the reports it wrote, which the page links to
    validation = by_step["validation"]
    reports = [out / p for p in validation["outputs"] if p.endswith("report.json")]
    assert reports
    errors = sum(json.loads(p.read_text(encoding="utf-8"))["counts"]["error"] for p in reports)
    assert validation["error"] == errors > 0
    assert summary["totals"]["error"] == sum(row["error"] for row in summary["steps"]) >= errors
    for row in summary["steps"]:
        for rel in row["outputs"]:
            assert (out / rel).is_file()
            assert f'href="{rel}"' in html
    assert f"{summary['totals']['error']} errors" in html
