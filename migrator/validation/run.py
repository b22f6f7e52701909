"""The local runner: compiled mappings on extracts in this process, batch by batch, with the outputs.

Each job's extract is read in a thread (:func:`prefetch`) while the engine (:mod:`migrator.validation.engine`)
converts and validates the previous batch; the rows that pass go to the converted standard-layout file, the
others to the rejects file, and the progress callback sees every batch. Cross-table checks and
reconciliation run once all batches are done (:mod:`migrator.validation.merge`), on key columns only, so
memory stays bounded by the batch size.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from migrator.errors import InputError
from migrator.limits import replace_output, write_error
from migrator.location import Location
from migrator.report import Finding, Report, make_finding
from migrator.validation.outputs import output_stem, run_inputs
from migrator.validation.readers import LINE, ROW, ExtractReader, ReadOptions
from migrator.validation.types import (
    CURRENT_RESIDENT,
    HOUSEHOLD_HEAD,
    Compiled,
    Job,
    RunOptions,
    RunResult,
    TableRun,
    legacy_key,
    parse_totals,
    recon_totals,
)

if TYPE_CHECKING:
    from migrator.validation.engine import BatchEngine

__all__ = ["CURRENT_RESIDENT", "HOUSEHOLD_HEAD", "Compiled", "Job", "RunOptions", "RunResult", "TableRun",
           "legacy_key", "load_job", "parse_totals", "prefetch", "recon_totals", "run_jobs", "run_mapping_files",
           "spreadsheet_safe"]



_FORMULA_LEAD = r"^[=+\-@\t\r＝＋－＠]"


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with text cells a spreadsheet would run as a formula prefixed by ``'`` (OWASP CSV injection).

    For files meant to be opened by people in Excel (the rejects); the converted standard-layout file is
    data for the target system and keeps every value exact.
    """
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_LEAD)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text)


def _create_private(path: Path, *, new: bool = False) -> None:
    # O_NOFOLLOW: a symbolic link planted in --out is refused rather than written through.
    with _writing(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (os.O_EXCL if new else 0)
                     | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
        os.chmod(path, 0o600)


def _part_name(path: Path) -> Path:
    """The hidden name ``path`` is written under until it is complete (as ``replace_output`` names its own)."""
    return path.with_name(f".{path.name}.{os.getpid()}.part")


@contextmanager
def _writing(path: Path | None) -> Iterator[None]:
    """Raise an operating-system error of writing an output (a full disk, a read-only file system) as the
    located input error it is (CORE120, naming ``path``), not as an internal error: polars reports one
    without a file name, often without an errno."""
    try:
        yield
    except OSError as exc:
        raise write_error(exc, path) from None


def _located(path: Path | None, write: Callable[[], object]) -> Callable[[], object]:
    """``write``, its operating-system errors located at ``path`` (see :func:`_writing`)."""
    def run() -> object:
        with _writing(path):
            return write()
    return run



class _TableRunner:
    """Runs one job batch by batch: reads, hands each batch to the engine, writes what it gives back."""

    def __init__(self, job: Job, options: RunOptions, *, qualify: bool = False,
                 tables: dict[str, pl.LazyFrame] | None = None, stem: str | None = None) -> None:
        self.job = job
        self.options = options
        self.stem = stem or job.name
        enc = options.encoding or getattr(job.compiled.mapping, "encoding", None)
        self.reader = ExtractReader(job.extract, job.compiled.legacy,
                                    ReadOptions(encoding=enc, batch_rows=options.batch_rows),
                                    code_tables=job.legacy_schema.code_tables if job.legacy_schema else {})
        self.stages: defaultdict[str, float] = defaultdict(float)
        # The extract is read from now on, while pandera is imported and the engine is built (the first
        # batch is ready sooner); the reading stops if the engine cannot be built.
        self.batches = prefetch(timed(self.reader.batches(), self.stages, "read (reader thread)"))
        try:
            from migrator.validation.engine import BatchEngine

            self.engine: BatchEngine = BatchEngine(job, options, qualify=qualify, tables=tables,
                                                   places=self.reader.places)
        except BaseException:
            self.batches.close()
            raise
        self.engine.stages = self.stages
        self.names = self.engine.names
        self.output: Path | None = None
        self.rejects: Path | None = None
        self._out_fh: Any = None
        self._rej_fh: Any = None
        self._sink: _Sink | None = None
        self._parts: dict[Path, Path] = {}

    # -------------------------------------------------------------- outputs
    def _open_outputs(self) -> None:
        out = self.options.out_dir
        if out is None:
            return
        out.mkdir(parents=True, exist_ok=True)
        stem = self.stem
        self.output = out / f"{stem}.csv"
        self.rejects = out / f"{stem}.rejects.csv"
        # Written under a hidden name beside the output and given its name only once the table is complete:
        # a run that fails or is interrupted leaves no file that looks like a finished output.
        self._parts = {final: _part_name(final) for final in (self.output, self.rejects)}
        for part in self._parts.values():
            # A file of this name was left by an earlier process that had this process id and was killed
            # (in a container every run may get the same one): it is no one's any more.
            with _writing(part):
                part.unlink(missing_ok=True)
            _create_private(part, new=True)
        with _writing(self.output):
            self._out_fh = self._parts[self.output].open("ab")
            self._rej_fh = self._parts[self.rejects].open("ab")
            pl.DataFrame({n: [] for n in self.names}, schema={n: pl.String for n in self.names}).write_csv(self._out_fh)
        self._rej_header = True

    def _close(self) -> None:
        fhs, self._out_fh, self._rej_fh = (self._out_fh, self._rej_fh), None, None
        for fh, final in zip(fhs, (self.output, self.rejects), strict=True):
            if fh is not None:
                with _writing(final):
                    fh.close()
        if self.rejects is not None and self._rej_header:  # no reject at all: a header-only file
            self._write_rejects(pl.DataFrame({ROW: [], LINE: [], "codes": [], "items": []},
                                             schema={ROW: pl.Int64, LINE: pl.Int64, "codes": pl.String,
                                                     "items": pl.String}), reopen=True)

    def _finish_outputs(self, ok: bool) -> None:
        """Give the complete outputs their names (``ok``), or remove what a failed run wrote."""
        parts, self._parts = self._parts, {}
        try:
            if ok:
                for final, part in parts.items():
                    with _writing(final):
                        os.replace(part, final)
        finally:
            for part in parts.values():
                part.unlink(missing_ok=True)

    def _write_rejects(self, frame: pl.DataFrame, reopen: bool = False) -> None:
        if self.rejects is None:
            return
        header, self._rej_header = self._rej_header, False
        if reopen:
            with _writing(self.rejects), self._parts[self.rejects].open("ab") as fh:
                _write_rejects(frame, fh, header)
        elif self._sink is not None:
            self._sink.put(_located(self.rejects, partial(_write_rejects, frame, self._rej_fh, header)))
        else:
            with _writing(self.rejects):
                _write_rejects(frame, self._rej_fh, header)

    # -------------------------------------------------------------- whole table
    def run(self) -> TableRun:
        t0 = time.perf_counter()
        failed = False
        complete = False
        try:
            # Opened inside the clean-up's reach: an interrupt that lands once the hidden files exist (while
            # the writer thread starts) must remove them too.
            self._open_outputs()
            if self._out_fh is not None:
                self._sink = _Sink()
            for legacy in self.batches:
                out = self.engine.batch(legacy)
                if self._sink is not None and out.good.height:
                    self._sink.put(_located(self.output, partial(_null_typed(out.good).write_csv, self._out_fh,
                                                                 include_header=False)))
                if out.rejects is not None:
                    self._write_rejects(out.rejects)
                if self.options.progress:
                    self.options.progress(legacy.height)
            # Unreadable records are rejects too (with their line and code), so counts reconcile.
            bad = self.reader.issues.bad_rows
            self.engine.rows_rejected += len(bad)
            if bad and self.rejects is not None:
                self._write_rejects(pl.DataFrame({ROW: [b[0] for b in bad], LINE: [b[1] for b in bad]},
                                                 schema={ROW: pl.Int64, LINE: pl.Int64}).with_columns(
                    *[pl.lit(None, dtype=pl.String).alias(k) for k in self.engine.reject_columns()],
                    pl.Series("codes", [b[2] for b in bad], dtype=pl.String),
                    pl.lit("", dtype=pl.String).alias("items")))
        except BaseException:
            failed = True  # this error is the one to raise, not a write's that it may have caused
            raise
        finally:
            try:
                self.batches.close()
                sink, self._sink = self._sink, None
                if sink is not None:
                    sink.close(check=not failed)  # raises the first error of a write given to the writer thread
                if not failed:
                    self._close()
                    complete = True
            finally:
                # A failed run's files are closed, then removed; a complete run's renamed. Here, whatever
                # happened above: an interrupt that lands in the clean-up (closing the reader, waiting for the
                # writer) skips the rest of it, and must not leave the files behind.
                for fh in (self._out_fh, self._rej_fh):
                    if fh is not None:
                        with suppress(OSError):
                            fh.close()
                self._out_fh = self._rej_fh = None
                self._finish_outputs(ok=complete)
        return TableRun(self.job, self.reader.rows, self.engine.rows_out, self.engine.rows_rejected, self.reader.checksum,
                        self.reader.encoding, self.output, self.rejects, time.perf_counter() - t0)



def _null_typed(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its columns that are null on every row typed ``pl.Null``: the same CSV text (empty
    fields), written in about half the time when most of the standard items are empty, as the items a legacy
    system never held are (null counts are kept by polars: no pass over the data)."""
    empty = [name for name, column in zip(frame.columns, frame.get_columns(), strict=True)
             if column.null_count() == frame.height and column.dtype != pl.Null]
    if not empty:
        return frame
    return frame.with_columns(pl.lit(None, dtype=pl.Null).alias(name) for name in empty)


def _write_rejects(frame: pl.DataFrame, fh: Any, header: bool) -> None:
    shown = spreadsheet_safe(frame.rename({ROW: "行番号", LINE: "物理行", "codes": "指摘コード", "items": "指摘項目"}))
    shown.write_csv(fh, include_header=header)


class _Sink:
    """Writes a run's output files in a thread of its own, in the order the writes are given.

    Polars writes CSV without holding the GIL, so the converted rows of one batch are written while the next
    batch is converted (the write was a sixth of the main thread's time). At most ``depth`` writes wait, so
    memory stays bounded; an error of a write is raised by the next :meth:`put` or by :meth:`close`, and the
    writes after it are dropped.
    """

    def __init__(self, depth: int = 2) -> None:
        self._queue: queue.Queue[Callable[[], object] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._raised = False
        self._thread = threading.Thread(target=self._work, name="output-writer", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while (write := self._queue.get()) is not None:
            if self._error is None:
                try:
                    write()
                except BaseException as exc:  # handed to the producer
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None and not self._raised:
            self._raised = True
            raise self._error

    def put(self, write: Callable[[], object]) -> None:
        self._raise()
        self._queue.put(write)

    def close(self, *, check: bool = True) -> None:
        """Wait for the writes given so far; with ``check``, raise the error of one of them, if any."""
        self._queue.put(None)
        self._thread.join()
        if check:
            self._raise()


def timed(batches: Iterator[pl.DataFrame], stages: dict[str, float], name: str) -> Iterator[pl.DataFrame]:
    """``batches``, with the time spent producing each added to ``stages[name]``."""
    while True:
        t0 = time.perf_counter()
        batch = next(batches, None)
        stages[name] += time.perf_counter() - t0
        if batch is None:
            return
        yield batch


def prefetch(batches: Iterator[pl.DataFrame]) -> _Prefetch:
    """Read the batches in a thread, from now on, while the caller converts the previous one (polars releases
    the GIL as it works).

    At most one batch waits, so memory stays bounded; an error of the reader is raised by ``next``. The
    reading stops at the end, at an error or at ``close()`` (call it when not iterating to the end).
    """
    return _Prefetch(batches)


class _Prefetch(Iterator[pl.DataFrame]):
    def __init__(self, batches: Iterator[pl.DataFrame]) -> None:
        self._slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._work, args=(batches,), name="extract-reader", daemon=True)
        self._thread.start()

    def _work(self, batches: Iterator[pl.DataFrame]) -> None:
        try:
            for batch in batches:
                while not self._stop.is_set():
                    try:
                        self._slot.put(("batch", batch), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._slot.put(("end", None))
        except BaseException as exc:  # handed to the consumer
            self._slot.put(("error", exc))

    def __next__(self) -> pl.DataFrame:
        if self._done:
            raise StopIteration
        kind, value = self._slot.get()
        if kind == "batch":
            return value
        self.close()
        if kind == "error":
            raise value
        raise StopIteration

    def close(self) -> None:
        self._done = True
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._slot.get_nowait()
            except queue.Empty:
                self._thread.join(0.05)



def derived_tables(job: Job, jobs: Sequence[Job], options: RunOptions
                    ) -> tuple[dict[str, pl.LazyFrame], list[Finding]]:
    """The other legacy tables ``job``'s mapping derives values from, read from the run's other extracts.

    Only the columns the joins use are kept. A table no job of the run reads is a DAT051 error (its
    derived values stay empty, so required items then fail row by row)."""
    needs = getattr(job.compiled, "needs", ())
    tables: dict[str, pl.LazyFrame] = {}
    findings: list[Finding] = []
    for name in needs:
        other = next((j for j in jobs if j.compiled.legacy is not None and j.compiled.legacy.name == name), None)
        if other is None:
            findings.append(make_finding("DAT051", Location(file=str(job.extract)), table=name, mapping=job.name))
            continue
        wanted = {c for d in job.compiled.derived if d.table == name  # type: ignore[attr-defined]
                  for c in (d.on, d.value) if c}
        enc = options.encoding or getattr(other.compiled.mapping, "encoding", None)
        reader = ExtractReader(other.extract, other.compiled.legacy, ReadOptions(encoding=enc,
                                                                                 batch_rows=options.batch_rows))
        parts = [b.select(sorted(wanted)) for b in reader.batches()]
        tables[name] = pl.concat(parts).lazy() if parts else pl.LazyFrame(schema={c: pl.String for c in wanted})
    return tables, findings



def run_jobs(jobs: Sequence[Job], options: RunOptions | None = None, *, title: str = "mapping run") -> RunResult:
    """Run every job (one extract each), then the cross-table checks and, if asked, the reconciliation."""
    from migrator.validation.merge import JobResult, finish

    options = options or RunOptions()
    started = time.perf_counter()
    parts: list[JobResult] = []
    taken: set[str] = set()
    try:
        for job in jobs:
            tables, findings = derived_tables(job, jobs, options)
            stem = None
            if options.out_dir is not None:
                stem, renamed = output_stem(job.name, options.out_dir, taken, run_inputs(jobs))
                findings += renamed
            runner = _TableRunner(job, options, qualify=len(jobs) > 1, tables=tables, stem=stem)
            parts.append(JobResult(runner.run(), runner.engine, runner.reader.findings, findings))
        return with_parquet(finish(parts, [], options, title=title, started=started), options)
    except BaseException:
        # A failed run keeps none of its outputs: the tables done before the failure are not the run's result.
        remove_outputs(p for part in parts for p in (part.table.output, part.table.rejects))
        raise


def remove_outputs(paths: Iterable[Path | None]) -> None:
    """Remove the outputs a failed run wrote (each with its Parquet copy), as far as the system lets us."""
    for path in paths:
        if path is not None:
            for each in (path, path.with_suffix(".parquet")):
                with suppress(OSError):
                    each.unlink(missing_ok=True)


def with_parquet(result: RunResult, options: RunOptions) -> RunResult:
    """``result`` with, when asked (``--parquet``), each converted CSV file also written as Parquet."""
    if not (options.parquet and options.out_dir is not None):
        return result
    extra = []
    for table_run in result.tables:
        if table_run.output is not None:
            target = table_run.output.with_suffix(".parquet")
            source = table_run.output
            try:
                replace_output(target, lambda part, source=source: pl.scan_csv(source, infer_schema=False)  # type: ignore[misc]
                               .sink_parquet(part), private=True)
            except (OSError, pl.exceptions.PolarsError) as exc:
                # The source is the CSV this run has just written: an error is the Parquet file's (polars
                # reports a full disk as a ComputeError, at times as a broken "thrift transport").
                raise write_error(exc, target) from None
            extra.append(target)
    return RunResult(result.report, result.tables, (*result.outputs, *extra), result.gaiji)


def load_job(workbook: Path, extract: Path, *, registry: Any = None,
             layouts: Sequence[str] = ()) -> tuple[Job | None, list[Finding]]:
    """Load and compile one mapping (``migrator.mapping``) and bind it to an extract.

    ``layouts``: legacy tables to read the extract with instead of the mapping's 現行テーブル, when its legacy
    schema has one of them (one mapping for the same items delivered as CSV and as fixed-width); the mapping
    is checked against that table. Returns ``(None, findings)`` when the mapping has errors: a broken
    mapping is not run.
    """
    import dataclasses

    from migrator import mapping as mp
    from migrator.schema import SchemaRegistry

    registry = registry or SchemaRegistry.load()
    mapping, findings = mp.load_mapping(Path(workbook))
    if mapping is None or any(f.severity == "error" for f in findings):
        return None, list(findings)
    # The same lookup as the check: by id, file stem (001_juki) or path, of whichever of 現行スキーマ名/ID names one.
    resolved = mp.resolve(mapping, registry)
    legacy_schema = resolved.legacy_schema
    chosen = next((t for t in layouts if legacy_schema is not None and t in legacy_schema.table_names), None)
    if chosen is not None and chosen != mapping.legacy_table:
        variants = {k: v for k, v in mapping.setting_variants.items() if k != "現行テーブル"}
        mapping = dataclasses.replace(mapping, legacy_table=chosen, settings={**mapping.settings, "現行テーブル": chosen},
                                      setting_variants=variants)
    check = mp.check_mapping(mapping, registry=registry)
    if not check.valid:
        return None, [*findings, *check.findings]
    compiled = mp.compile_mapping(mapping, registry=registry)
    standard = resolved.standard_schema or registry.get(mapping.standard_schema)
    legacy = legacy_schema or (registry.get(mapping.legacy_schema) if mapping.legacy_schema else None)
    return Job(compiled, Path(extract), standard, legacy), [f for f in findings if f.severity != "info"]


def run_mapping_files(pairs: Sequence[tuple[Path, Path]], options: RunOptions | None = None, *,
                      registry: Any = None,
                      runner: Callable[[Sequence[Job], RunOptions | None], RunResult] | None = None) -> RunResult:
    """Run each (mapping workbook, extract) pair as one run; mapping errors stop the run with a report.

    The standard schemas are checked under ``options.profile`` (see :func:`migrator.schema.apply_profile`).
    """
    from migrator.schema import SchemaRegistry

    profile = options.profile if options is not None else "standard"
    registry = (registry or SchemaRegistry.load()).with_profile(profile)
    jobs: list[Job] = []
    findings: list[Finding] = []
    for workbook, extract in pairs:
        job, found = load_job(workbook, extract, registry=registry, layouts=(options.layouts if options else ()))
        findings += found
        if job is not None:
            jobs.append(job)
    if len(jobs) < len(pairs):
        return RunResult(Report.of("mapping run", findings, subject=", ".join(str(w) for w, _ in pairs)), (), (), ())
    known = sorted({t for job in jobs if job.legacy_schema is not None for t in job.legacy_schema.table_names})
    unknown = [t for t in (options.layouts if options else ()) if t not in known]
    if unknown:  # a typo would otherwise read the extract with the mapping's own layout, without a word
        raise InputError(f"--layout {unknown[0]}: no legacy table of that name in the legacy schemas of this run's "
                         f"mappings (their tables: {', '.join(known) or '-'}).",
                         f"--layout {unknown[0]}: この実行のマッピングの現行スキーマに、その名前の現行テーブルはありません"
                         f"（テーブル: {', '.join(known) or '-'}）。")
    # ``runner``: another runner of the same engine core (``migrator.validation.spark.run_jobs_spark``)
    result = (runner or run_jobs)(jobs, options)
    # The report says which rules it checked: the standard's own, or a municipality's stricter profile.
    report = Report.of(result.report.title, [*findings, *result.report.findings], subject=result.report.subject,
                       summary={**result.report.summary, "profile": profile})
    return RunResult(report, result.tables, result.outputs, result.gaiji)
