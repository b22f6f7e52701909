"""The demo: the main jobs of migrator run on the bundled sample data, with the embedded SQLite store.

Each step is a function that does real work through the library and says what it did; the demo report
lists every step, so the output never claims more than was run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from migrator.i18n import Lang, plural, t
from migrator.limits import write_output_text
from migrator.location import Location
from migrator.report import Report, make_finding, write_report
from migrator.report.html import page
from migrator.report.labels import title_text
from migrator.report.text import label
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
        detail=t("demo_store", ctx.lang, db=ctx.store.config.url.removeprefix("sqlite:///"), revision=head_revision()),
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
    rows = [_step_summary(s, out_dir) for s in steps]
    summary = {"steps": rows, "totals": {sev: sum(row[sev] for row in rows) for sev in SEVERITIES}}
    report = Report.of("migrator demo", findings, subject=str(root), summary=summary)
    outputs = [write_report(report, out_dir / f"demo-summary.{ext}", lang) for ext in ("json", "xlsx")]
    html = out_dir / "demo-summary.html"
    write_output_text(html, summary_html(summary, lang))
    all_outputs = (*(p for s in steps for p in s.outputs), *outputs, html)
    return DemoResult(steps=steps, report=report, outputs=all_outputs)


SEVERITIES = ("error", "warning", "info")


def _step_summary(step: DemoStep, out_dir: Path) -> dict[str, Any]:
    """What one step found (the counts of its own report) and the files it wrote, relative to ``out_dir``."""
    counts = step.report.counts_by_severity if step.report is not None else {}
    return {"step": step.name, "detail": step.detail, **{sev: counts.get(sev, 0) for sev in SEVERITIES},
            "outputs": [os.path.relpath(p, out_dir) for p in step.outputs]}


_HEAD = {"step": ("手順", "step"), "detail": ("結果", "result"), "outputs": ("出力", "outputs"),
         "total": ("合計", "total")}


def summary_html(summary: dict[str, Any], lang: Lang) -> str:
    """The demo summary page: a headline, per step what it did and found, and a link to every report it wrote."""
    ja = lang == "ja"

    def head(key: str) -> str:
        return escape(_HEAD[key][0] if ja else _HEAD[key][1]) if key in _HEAD else escape(label(key, lang))

    totals = summary["totals"]
    headline = (f"{len(summary['steps'])} 手順を実行: エラー {totals['error']} 件、警告 {totals['warning']} 件"
                "(サンプルには意図的な不備が含まれています)" if ja else
                f"{len(summary['steps'])} {plural(len(summary['steps']), 'step', 'steps')} run: {totals['error']} "
                f"{plural(totals['error'], 'error', 'errors')}, {totals['warning']} "
                f"{plural(totals['warning'], 'warning', 'warnings')} "
                "(the samples carry deliberate defects)")
    rows = []
    for row in summary["steps"]:
        links = "<br>".join(f'<a href="{escape(p)}">{escape(p)}</a>' for p in row["outputs"])
        rows.append(f"<tr><td class=\"nw\">{escape(t('step_' + row['step'], lang))}</td><td>{escape(row['detail'])}</td>"
                    + "".join(f'<td class="{sev} nw">{row[sev]}</td>' for sev in SEVERITIES) + f"<td>{links}</td></tr>")
    rows.append(f"<tr><th class=\"nw\">{head('total')}</th><td></td>"
                + "".join(f'<td class="{sev} nw">{totals[sev]}</td>' for sev in SEVERITIES) + "<td></td></tr>")
    body = (f"<h1>{escape(title_text('migrator demo', lang))}</h1>\n<p><strong>{escape(headline)}</strong></p>\n<table><tr>"
            + "".join(f'<th class="nw">{head(k)}</th>' for k in ("step", "detail", *SEVERITIES, "outputs")) + "</tr>\n"
            + "\n".join(rows) + "\n</table>")
    return page(title_text("migrator demo", lang), body, lang=lang)
