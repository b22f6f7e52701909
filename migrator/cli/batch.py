"""``migrator batch MANIFEST``: many validation runs (per municipality) in one command, with a roll-up."""

from __future__ import annotations

from pathlib import Path

import click

from migrator.cli.common import OutputPath, app, emit_report, existing_files, output_options, schemas_option
from migrator.i18n import t
from migrator.limits import check_input_file


@click.command("batch")
@click.argument("manifest", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--out", "out_dir", type=OutputPath(folder=True), default=None,
              help="Folder for one sub-folder of outputs and reports per job, and the roll-up reports.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: jobs in a pool of worker processes; spark: each job on Apache Spark (migrator[spark]).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes of the local engine (each holds one batch of one extract at a time).")
@click.option("--master", default=None, metavar="URL", help="Spark master for --engine spark; default local[*].")
@click.option("--reconcile", is_flag=True, help="Reconcile extract and output in every job.")
@click.option("--batch-rows", type=click.IntRange(1000), default=100_000, show_default=True,
              help="Rows per batch (bounds memory per worker).")
@schemas_option
@output_options
def batch_cmd(manifest: Path, out_dir: Path | None, engine: str, workers: int, master: str | None,
              reconcile: bool, batch_rows: int, fmt: str) -> None:
    """Run the jobs of MANIFEST (CSV: job,municipality,mapping,extract; or YAML) and roll their reports up.

    Exit code 1 when any job has an error finding.

    \b
    Example:
      migrator batch nightly.csv --out night/ --workers 4
    """
    from migrator.validation.batch import read_manifest, run_batch
    from migrator.validation.types import RunOptions

    check_input_file(manifest, "text")
    jobs = read_manifest(manifest)
    ctx = app()
    before = existing_files(out_dir)
    result = run_batch(jobs, RunOptions(reconcile=reconcile, batch_rows=batch_rows), out_dir=out_dir,
                       lang=ctx.lang, engine=engine, workers=workers, master=master)
    sep = "、" if ctx.lang == "ja" else ", "
    lines = [t("table_result", ctx.lang, name=f"{j['job']} ({j['municipality'] or '-'})", rows_in=j["rows_in"],
               rows_out=j["rows_out"], rejected=j["rows_rejected"]) + sep + t("job_errors", ctx.lang, errors=j["error"])
             for j in result.jobs]
    emit_report(result.report, fmt, outputs=result.outputs, replaced=before, result=lines)
