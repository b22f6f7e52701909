"""The demo: the main jobs of migrator run on the bundled sample data, with the embedded SQLite store.

Each step is a function that does real work through the library and says what it did; the demo report
lists every step, so the output never claims more than was run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from migrator.i18n import Lang
from migrator.location import Location
from migrator.report import Report, make_finding, write_report
from migrator.store import Store, head_revision


@dataclass(frozen=True)
class DemoContext:
    """Where the demo reads from and writes to."""

    root: Path
    out_dir: Path
    store: Store
    lang: Lang = "en"


@dataclass(frozen=True)
class DemoStep:
    """What one step did: a name, a one-line account, the files it wrote and its own report, if any."""

    name: str
    detail: str
    outputs: tuple[Path, ...] = ()
    report: Report | None = None


@dataclass(frozen=True)
class DemoResult:
    steps: tuple[DemoStep, ...]
    report: Report
    outputs: tuple[Path, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        return 0


def step_store(ctx: DemoContext) -> DemoStep:
    with ctx.store.reader() as session:
        session.connection()
    return DemoStep(
        name="store",
        detail=f"database {ctx.store.config.url.removeprefix('sqlite:///')} at revision {head_revision()}",
    )


def _steps() -> list[Callable[[DemoContext], DemoStep]]:
    # Imported here: each step pulls in its own engines (polars, pandera, networkx) only when the demo runs.
    from migrator.demo.inventory import demo_step as inventory_step
    from migrator.demo.mapping import demo_step as mapping_step
    from migrator.demo.planning import demo_step as plan_step
    from migrator.demo.risk import demo_step as risk_step
    from migrator.demo.schema import demo_step as schema_step
    from migrator.demo.validation import demo_step as validation_step

    return [step_store, schema_step, mapping_step, validation_step, inventory_step, plan_step, risk_step]


def run_demo(*, root: Path, out_dir: Path, store: Store, lang: Lang = "en") -> DemoResult:
    """Run every demo step and write the demo summary (JSON, HTML, Excel) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(root=root, out_dir=out_dir, store=store, lang=lang)
    steps = tuple(step(ctx) for step in _steps())
    findings = [
        make_finding("CORE001", Location(file=str(s.outputs[0]) if s.outputs else None), step=s.name, status=s.detail)
        for s in steps
    ]
    report = Report.of("migrator demo", findings, subject=str(root))
    outputs = [write_report(report, out_dir / f"demo-summary.{ext}", lang) for ext in ("json", "html", "xlsx")]
    all_outputs = tuple(p for s in steps for p in s.outputs) + tuple(outputs)
    return DemoResult(steps=steps, report=report, outputs=all_outputs)
