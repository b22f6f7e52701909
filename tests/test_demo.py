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
    for name in ("demo-summary.json", "demo-summary.html", "demo-summary.xlsx"):
        assert (workdir / "out" / name).is_file()
        assert name in result.stdout
