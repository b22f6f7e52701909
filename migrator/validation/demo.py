"""The demo step of the validation run: the mainframe sample extract through its mapping, with reports."""

from __future__ import annotations

from migrator.demo import DemoContext, DemoStep

MAPPING_CANDIDATES = ("juki_mainframe.xlsx", "juki_mainframe.yaml")
EXTRACT = "sample_data/extracts/juki_mainframe.dat"


def demo_step(ctx: DemoContext) -> DemoStep:
    """Run the sample mapping on the sample extract (planted defects), write converted file and reports."""
    from migrator.validation.outputs import write_run_reports
    from migrator.validation.run import RunOptions, run_mapping_files

    mapping = next((ctx.root / "mappings" / n for n in MAPPING_CANDIDATES if (ctx.root / "mappings" / n).is_file()),
                   None)
    if mapping is None:
        return DemoStep(name="validation", detail="skipped: no sample mapping in mappings/ yet")
    out = ctx.out_dir / "validation"
    result = run_mapping_files([(mapping, ctx.root / EXTRACT)], RunOptions(out_dir=out, reconcile=True))
    outputs = (*result.outputs, *write_run_reports(result, out, ctx.lang))
    s = result.report.summary
    counts = ", ".join(f"{c} {n}" for c, n in result.report.counts_by_code.items())
    detail = (f"{s.get('rows_in', 0)} records: {s.get('rows_out', 0)} converted, {s.get('rows_rejected', 0)} "
              f"rejected; findings {counts}")
    return DemoStep(name="validation", detail=detail, outputs=tuple(outputs), report=result.report)
