"""The ``migrator demo`` step of mapping workbooks: check the shipped samples and export them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from migrator.i18n import t
from migrator.report import Finding, Report

if TYPE_CHECKING:
    from migrator.demo import DemoContext, DemoStep

SAMPLES = ("juki_mainframe_jumin", "juki_rdb_jumin", "juki_rdb_setai")


def demo_step(ctx: DemoContext) -> DemoStep:
    """Check each sample mapping, write its YAML form and a template with suggestions to ``ctx.out_dir``."""
    from migrator.demo import DemoStep
    from migrator.mapping import check_workbook, convert_mapping, write_template
    from migrator.schema import SchemaRegistry

    registry = SchemaRegistry.load(ctx.root / "schemas")
    findings: list[Finding] = []
    outputs: list[Path] = []
    counts: list[str] = []
    for name in SAMPLES:
        report = check_workbook(ctx.root / "mappings" / f"{name}.xlsx", registry=registry)
        findings += report.findings
        counts.append(t("demo_mapping_one", ctx.lang, name=name, errors=report.counts_by_severity["error"]))
        written, _ = convert_mapping(ctx.root / "mappings" / f"{name}.xlsx", ctx.out_dir / f"{name}.yaml")
        if written:
            outputs.append(written)
    path, made = write_template(standard="std-001-juki", table="住民", legacy="legacy-juki-rdb", legacy_table="個人",
                                out=ctx.out_dir / "mapping_template_rdb.xlsx", registry=registry)
    outputs.append(path)
    report = Report.of("mapping check", findings, subject="mappings/")
    detail = "; ".join([*counts, t("demo_mapping_template", ctx.lang, n=sum(1 for r in made.items if r.legacy))])
    return DemoStep(name="mapping", detail=detail, outputs=tuple(outputs), report=report)
