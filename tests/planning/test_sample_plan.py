"""The plan of the sample inventory is one a PMO would recognise, and `plan build` says so in text."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import DATA, run_cli

SAMPLES = sorted((DATA / "sample_data" / "inventory").glob("*.xlsx"))


def test_sample_plan_is_sane_and_its_text_summary_names_finish_bound_late_and_resources(workdir: Path) -> None:
    run_cli("inventory", "import", *map(str, SAMPLES), expect=None)
    text = run_cli("plan", "build", "--start", "2025-04-01", "-s", "s").stdout
    data = json.loads(run_cli("plan", "show", "-s", "s", "--format", "json").stdout)
    assert data["finish"] < "2027-04-01"  # the 特定移行支援 systems finish within FY2026
    late = [t for t in data["tasks"] if t["late_days"]]
    due = [t for t in data["tasks"] if t["deadline"] == "2026-03-31"]
    assert 0 < len(late) <= len(due) // 3 and max(t["late_days"] for t in late) <= 20
    assert f"finish: {data['finish']} ({data['makespan_days']} business days from 2025-04-01)" in text
    bound = max(data["lower_bound_days"], data["resource_bound_days"])
    assert data["bound_days"] == bound
    assert f"lower bound: {bound} business days" in text and f"gap {data['gap_pct']} %" in text
    assert f"deadline 2026-03-31: {len(late)} of {len(due)} systems late" in text
    assert "binding resource: ビー情報サービス株式会社 (capacity 3)" in text
    exported = json.loads(Path(run_cli("plan", "export", "-s", "s", "--format", "json", "-o", "p.json")
                               .stdout.split()[-1]).read_text(encoding="utf-8"))
    assert data["edges"] == len({(e["from"], e["to"]) for e in exported["edges"]}) < len(exported["edges"])

    ja = run_cli("--lang", "ja", "plan", "build", "--start", "2025-04-01", "-s", "s").stdout
    assert f"完了予定: {data['finish']}" in ja and f"期限 2026-03-31: {len(due)} システム中 {len(late)} 件が遅延" in ja
