"""The demo step of the validation run: both sample extracts through their mappings, with reports.

The mainframe extract (fixed-width CP932) runs alone; the RDB extracts (個人 and 世帯 CSV) run together so
the cross-table checks see both tables. Both carry planted defects (sample_data/README.md), so the step's
report has errors by design.
"""

from __future__ import annotations

from pathlib import Path

from migrator.demo import DemoContext, DemoStep
from migrator.i18n import join_list, t
from migrator.report import Finding, Report

RUNS = {
    "mainframe": [("juki_mainframe_jumin.xlsx", "juki_mainframe.dat")],
    "rdb": [("juki_rdb_jumin.xlsx", "juki_rdb_kojin.csv"), ("juki_rdb_setai.xlsx", "juki_rdb_setai.csv")],
}
MUNICIPALITIES = {"mainframe": "132012", "rdb": "132021"}
"""The sample municipality whose 住民記録 each run migrates (八王子市 on the mainframe, 立川市 on an RDB)."""


def demo_step(ctx: DemoContext) -> DemoStep:
    """Run the sample mappings on the sample extracts, write converted files, rejects and reports.

    Each run is recorded in the store, linked to the system it migrates, for the risk register's data readiness.
    """
    import datetime as dt

    from migrator.store.validation_repo import save_run
    from migrator.validation.outputs import write_run_reports
    from migrator.validation.run import RunOptions, run_mapping_files

    outputs: list[Path] = []
    findings: list[Finding] = []
    details: list[str] = []
    for name, pairs in RUNS.items():
        paths = [(ctx.root / "mappings" / m, ctx.root / "sample_data" / "extracts" / x) for m, x in pairs]
        missing = [str(p) for pair in paths for p in pair if not p.is_file()]
        if missing:
            details.append(t("demo_validation_skipped", ctx.lang, name=name, missing=join_list(missing, ctx.lang)))
            continue
        out = ctx.out_dir / "validation" / name
        started = dt.datetime.now(dt.UTC)
        result = run_mapping_files(paths, RunOptions(out_dir=out, reconcile=True))
        if result.tables:
            with ctx.store.transaction() as session:
                save_run(session, mapping_id=",".join(t.job.name for t in result.tables), report=result.report,
                         started_at=started, municipality_code=MUNICIPALITIES[name],
                         area_code=result.tables[0].job.standard_schema.business_area)
        outputs += [*result.outputs, *write_run_reports(result, out, ctx.lang)]
        findings += result.report.findings
        s = result.report.summary
        counts = join_list((f"{c} {n}" for c, n in result.report.counts_by_code.items()), ctx.lang)
        details.append(t("demo_validation_one", ctx.lang, name=name, rows_in=s.get("rows_in", 0),
                         rows_out=s.get("rows_out", 0), rows_rejected=s.get("rows_rejected", 0), counts=counts))
    report = Report.of("validation demo", findings, subject="sample_data/extracts")
    return DemoStep(name="validation", detail="; ".join(details), outputs=tuple(outputs), report=report)
