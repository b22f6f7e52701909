"""``migrator mapping run`` / ``migrator validate``: run mappings on extracts and validate the result."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from migrator.cli.common import OutputPath, app, emit_report, existing_files, output_options, schemas_option
from migrator.errors import InputError
from migrator.i18n import Lang, shown_path, t
from migrator.limits import check_input_file

if TYPE_CHECKING:
    from migrator.validation.run import RunResult


@click.command()
@click.argument("pairs", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--out", "out_dir", type=OutputPath(folder=True), default=None,
              help="Folder for the converted file, the rejects and the reports (JSON, Excel, HTML).")
@click.option("--parquet", is_flag=True, help="Also write the converted file as Parquet.")
@click.option("--reconcile", is_flag=True, help="Reconcile extract and output: counts, keys, group totals.")
@click.option("--show-values", is_flag=True, help="Show sensitive values unmasked (prints a warning).")
@click.option("--encoding", default=None, callback=lambda _c, _p, v: _encoding(v),
              help="Encoding of the extracts (utf-8, utf-8-sig, cp932; sjis/shift_jis/ms932 mean cp932); default: "
              "the mapping's 文字コード, else the layout's, else detected strictly.")
@click.option("--examples", type=click.IntRange(0, 1000), default=5, show_default=True,
              help="Examples kept per finding.")
@click.option("--batch-rows", type=click.IntRange(1000), default=100_000, show_default=True,
              help="Rows per batch (bounds memory).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--no-store", is_flag=True, help="Do not record the run's summary in the database.")
@click.option("--profile", default="standard", show_default=True,
              help="Rules to check: the standard's own (standard), or a stricter profile a standard schema offers "
              "(municipality-strict for 001: the vendor list's required items, check digits on existing numbers).")
@click.option("--layout", "layouts", multiple=True, metavar="TABLE",
              help="Read the extracts with this table of the legacy schema instead of the mapping's 現行テーブル "
                   "(the same items delivered in another physical form, e.g. fixed-width instead of CSV). "
                   "Repeatable; applies to the mappings whose legacy schema has the table.")
@click.option("--municipality", "-m", metavar="CODE", default=None, callback=lambda _c, _p, v: _lg_code(v),
              help="団体コード of the system the run migrates (links the run to it for the risk register).")
@click.option("--system", "system_name", metavar="NAME", default=None, callback=lambda _c, _p, v: _system(v),
              help="Name of the system the run migrates, when the municipality has several of its business area.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Where to run: this process (local) or Apache Spark (spark; needs migrator[spark] and Java 17+).")
@click.option("--master", default=None, metavar="URL",
              help="Spark master for --engine spark (local[*], yarn, k8s://…, spark://…); default local[*].")
@schemas_option
@output_options
def run_cmd(pairs: tuple[Path, ...], out_dir: Path | None, parquet: bool, reconcile: bool, show_values: bool,
            encoding: str | None, examples: int, batch_rows: int, quiet: bool, no_store: bool, profile: str,
            layouts: tuple[str, ...], municipality: str | None, system_name: str | None, engine: str,
            master: str | None, fmt: str) -> None:
    """Run mapping WORKBOOK on EXTRACT (repeat the pair for related tables) and validate the result.

    Writes, with --out, the converted standard-layout CSV, a rejects file and the reports. Exit code 1
    when any finding is an error.

    \b
    Example:
      migrator mapping run mappings/juki_mainframe_jumin.xlsx sample_data/extracts/juki_mainframe.dat --out out
    """
    from migrator.validation.outputs import write_run_reports
    from migrator.validation.run import RunOptions, remove_outputs, run_mapping_files

    if len(pairs) % 2:
        raise InputError("Give WORKBOOK EXTRACT pairs (an even number of paths).",
                         "マッピングと抽出ファイルを対で指定してください（パスの数が偶数）。")
    jobs = [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    for i, path in enumerate(pairs):
        check_input_file(path, "extract" if i % 2 else "workbook")
    ctx = app()
    before = existing_files(out_dir)
    # Open the store before the run, so that an outdated or unreachable database stops the work up front
    # instead of hiding the findings of a long run.
    store = None if no_store else ctx.store()
    if store is not None:
        try:
            store.check_writable()  # a read-only SQLite file would take the run's summary down after the run
        except BaseException:
            store.close()
            raise
    if show_values:
        click.echo("警告: 個人情報をマスクせずに出力します。" if ctx.lang == "ja"
                   else "Warning: sensitive values will be shown unmasked.", err=True)
    started = dt.datetime.now(dt.UTC)
    total = sum(_estimated_rows(p) for _, p in jobs)
    show_bar = not quiet and sys.stderr.isatty()
    bar = click.progressbar(length=total, label=t("progress_rows", ctx.lang), file=sys.stderr) if show_bar else None
    progress = (lambda n: bar.update(n)) if bar is not None else None
    options = RunOptions(out_dir=out_dir, show_values=show_values, parquet=parquet, reconcile=reconcile,
                         examples=examples, batch_rows=batch_rows, encoding=encoding, progress=progress,
                         profile=profile, layouts=layouts)
    try:
        try:
            result = run_mapping_files(jobs, options, runner=_runner(engine, master, municipality))
        finally:
            if bar is not None:
                bar.render_finish()
        outputs = list(result.outputs)
        if out_dir is not None:
            try:
                outputs += write_run_reports(result, out_dir, ctx.lang)
            except BaseException:
                remove_outputs(result.outputs)  # no converted file without the reports that tell what it holds
                raise
        if store is not None and result.tables:
            from migrator.store.validation_repo import save_run

            with store.transaction() as session:
                save_run(session, mapping_id=",".join(t.job.name for t in result.tables), report=result.report,
                         started_at=started, municipality_code=municipality, system_name=system_name,
                         area_code=result.tables[0].job.standard_schema.business_area)
    finally:
        if store is not None:
            store.close()
    emit_report(result.report, fmt, outputs=outputs, replaced=before, result=_table_lines(result, ctx.lang))


def _runner(engine: str, master: str | None, municipality: str | None) -> Any:
    """The runner of ``--engine``: None for the local one, the Spark runner bound to its master."""
    if engine != "spark":
        return None
    from functools import partial

    from migrator.validation.spark import DEFAULT_MASTER, run_jobs_spark, session

    spark = session(master or DEFAULT_MASTER)  # before the mappings load: a missing Java stops the run up front
    return partial(run_jobs_spark, spark=spark, municipality=municipality)


def _table_lines(result: RunResult, lang: Lang) -> list[str]:
    """One line per table: rows in, written to the standard layout, rejected, and where the output went."""
    lines = []
    for run in result.tables:
        where = shown_path(run.output) if run.output is not None else "-"
        counts = t("table_result", lang, name=run.job.name, rows_in=run.rows_in, rows_out=run.rows_out,
                   rejected=run.rows_rejected)
        lines.append(f"{counts} → {where}")
    return lines


_ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8-sig", "utf8-sig": "utf-8-sig",
              "cp932": "cp932", "ms932": "cp932", "windows-31j": "cp932", "sjis": "cp932", "shift_jis": "cp932",
              "shift-jis": "cp932"}


def _encoding(value: str | None) -> str | None:
    """The canonical encoding name; legacy Shift_JIS data is read as CP932 (never shift_jis_2004)."""
    if value is None:
        return None
    canonical = _ENCODINGS.get(value.strip().lower())
    if canonical is None:
        raise click.BadParameter(t("bad_encoding", app().lang, value=value))
    return canonical


MAX_SYSTEM_NAME = 200
"""Characters of a system name the store keeps (validation_run.system_name, as system.name)."""


def _lg_code(value: str | None) -> str | None:
    """``--municipality`` as the run is recorded under it: a 団体コード read as the inventory reads one (full width,
    five digits without the check digit), checked before the run."""
    from migrator.inventory.values import given_lg_code

    return given_lg_code(value)


def _system(value: str | None) -> str | None:
    """``--system`` as the run is recorded under it: a name the store keeps, checked before the run."""
    if value is not None and len(value) > MAX_SYSTEM_NAME:
        raise click.BadParameter(t("long_system", app().lang, length=len(value), most=MAX_SYSTEM_NAME))
    return value


def _estimated_rows(path: Path) -> int:
    """Records in ``path`` for the progress bar: its size over the mean line length of its first MB."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    lines = head.count(b"\n")
    return max(size * lines // len(head), 1) if lines and head else max(size // 200, 1)
