"""The validation demo step runs both sample extracts and writes their outputs."""

from __future__ import annotations

from pathlib import Path

from migrator.demo import DemoContext
from migrator.demo.validation import demo_step
from migrator.store import open_store, upgrade
from tests.conftest import DATA


def test_demo_step_runs_both_samples(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.sqlite"
    upgrade(url)
    store = open_store(url)
    step = demo_step(DemoContext(root=DATA, out_dir=tmp_path / "demo", store=store))
    assert step.name == "validation"
    assert step.detail.startswith("mainframe: 3000 records, 2990 converted, 10 rejected")
    assert "rdb: 4138 records" in step.detail
    names = {p.relative_to(tmp_path / "demo" / "validation").as_posix() for p in step.outputs}
    assert {"mainframe/juki-mainframe-to-001-jumin.csv", "mainframe/report.html", "rdb/report.xlsx",
            "rdb/juki-rdb-to-001-setai.csv", "rdb/juki-rdb-to-001-jumin.rejects.csv"} <= names
    assert step.report is not None and step.report.exit_code == 1  # the planted defects
