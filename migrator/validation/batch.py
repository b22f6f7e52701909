"""Many validation runs in one command: a manifest of jobs (municipality, mapping workbooks, extracts).

Each job is one ordinary run (``run_mapping_files``) with its own output folder and reports; the roll-up
report gathers every job's findings and a line per job. On the local engine the jobs run in a pool of
worker processes (``workers`` at most, each streaming its extracts batch by batch as a single run does); on
Spark they run one after the other on one Spark session, each cut into splits over the cluster.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import signal
import time
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from migrator.errors import InputError, MigratorError
from migrator.i18n import Lang
from migrator.limits import (
    compose_yaml,
    csv_field_limit,
    csv_reason,
    how_to_raise,
    read_text_file,
    yaml_reason,
)
from migrator.location import Location
from migrator.report import Finding, Report
from migrator.validation.types import RunOptions, RunResult


@dataclass(frozen=True)
class BatchJob:
    """One job of a manifest: its name, municipality and (mapping workbook, extract) pairs."""

    name: str
    municipality: str | None
    pairs: tuple[tuple[Path, Path], ...]
    where: str = ""  # the manifest place that declared it


@dataclass
class BatchResult:
    report: Report  # the roll-up
    jobs: list[dict[str, Any]] = field(default_factory=list)  # per job: name, municipality, counts, exit code
    outputs: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.report.exit_code


def _error(path: Path, line: int | None, en: str, ja: str) -> InputError:
    return InputError.of("DAT501", Location(file=str(path), line=line), reason=en, reason_ja=ja)


def _municipality(path: Path, line: int | None, value: str | None) -> str | None:
    """A manifest's municipality, read as the inventory reads a 団体コード; one that is no code is DAT501 at its line."""
    from migrator.inventory.values import given_lg_code

    try:
        return given_lg_code(value, name="municipality")
    except InputError as exc:
        raise _error(path, line, exc.en.rstrip("."), exc.ja.rstrip("。")) from None


class _TextLoader(yaml.SafeLoader):
    """YAML as a manifest means it: every scalar is the text written (``011002`` stays ``011002``, not the octal
    integer 4610; ``013``, ``1_000``, ``1.0e+3``, ``yes`` stay as typed), except an empty value or ``null``/``~``,
    which is no value. A manifest holds names, 団体コード and paths only, none of them a number."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _csv_rows(path: Path, text: str) -> list[list[str]]:
    """The records of a CSV manifest; a field over ``csv_field_bytes`` (often a quote never closed) or a line the
    csv module cannot read is an error at the line where its record starts."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    last = 0
    with csv_field_limit() as limit:
        try:
            for record in reader:
                rows.append(record)
                last = reader.line_num
        except csv.Error as exc:
            where = Location(file=str(path), line=last + 1)
            if "field limit" in str(exc):
                raise InputError.of("CORE109", where, limit=limit, how=how_to_raise("csv_field_bytes")) from None
            why = csv_reason(exc)
            raise _error(path, last + 1, f"not valid CSV: {why['reason']}",
                         f"CSV として読めない: {why['reason_ja']}") from None
    return rows


def read_manifest(path: Path) -> list[BatchJob]:
    """The jobs of a CSV (``job,municipality,mapping,extract``; rows of one job together) or YAML manifest
    (``jobs: [{name, municipality, pairs: [{mapping, extract}]}]``); paths are relative to the manifest. Every
    value is read as the text written: a YAML ``municipality: 011002`` is the code ``011002``, not a number."""
    base = path.parent
    raw: list[tuple[str, str | None, str, str, int | None]] = []  # name, municipality, mapping, extract, line
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            text = read_text_file(path, what="manifest")
            compose_yaml(text, path, _TextLoader)  # bounded first: depth and size of the tree
            data = yaml.load(text, Loader=_TextLoader)  # a SafeLoader
        except yaml.YAMLError as exc:
            why = yaml_reason(exc)
            raise _error(path, why["line"], f"not valid YAML: {why['reason']}",
                         f"YAML として読めない: {why['reason_ja']}") from None
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list) or not jobs:
            raise _error(path, None, "no list 'jobs'", "jobs の一覧がない")
        for n, job in enumerate(jobs, start=1):
            pairs = job.get("pairs") if isinstance(job, dict) else None
            if not isinstance(pairs, list) or not pairs:
                raise _error(path, None, f"job {n} has no list 'pairs'", f"{n} 番目のジョブに pairs がない")
            for pair in pairs:
                if not isinstance(pair, dict) or not pair.get("mapping") or not pair.get("extract"):
                    raise _error(path, None, f"job {n}: each pair needs mapping and extract",
                                 f"{n} 番目のジョブ: 各組に mapping と extract が必要")
                muni = job.get("municipality")
                muni = _municipality(path, None, str(muni) if muni is not None and str(muni).strip() else None)
                raw.append((str(job.get("name") or muni or f"job{n}"), muni,
                            str(pair["mapping"]), str(pair["extract"]), None))
    else:
        text = read_text_file(path, what="manifest").removeprefix("\ufeff")  # a BOM as Excel writes it
        rows = _csv_rows(path, text)
        if not rows or {"mapping", "extract"} - {c.strip() for c in rows[0]}:
            raise _error(path, 1, "the header needs the columns mapping and extract (and job, municipality)",
                         "見出しに mapping と extract（と job, municipality）の列が必要")
        head = [c.strip() for c in rows[0]]
        for line, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(head):
                raise _error(path, line, f"{len(row)} fields, the header has {len(head)}",
                             f"項目数 {len(row)}（見出しは {len(head)}）")
            rec = dict(zip(head, (c.strip() for c in row), strict=True))
            if not rec["mapping"] or not rec["extract"]:
                raise _error(path, line, "mapping and extract are required", "mapping と extract は必須")
            muni = _municipality(path, line, rec.get("municipality") or None)
            raw.append((rec.get("job") or muni or f"job{line}", muni, rec["mapping"], rec["extract"], line))
    out: dict[str, BatchJob] = {}
    for name, muni, mapping, extract, at in raw:
        where = f"{path}:{at}" if at else str(path)
        for p in (mapping, extract):
            if not (base / p).is_file():
                raise _error(path, at, f"job {name}: {p} is not a file", f"ジョブ {name}: {p} はファイルではない")
        pair = (base / mapping, base / extract)
        job = out.get(name)
        out[name] = BatchJob(name, muni, ((*job.pairs, pair) if job else (pair,)), job.where if job else where)
    return list(out.values())


def _run_one(job: BatchJob, options: RunOptions, out_dir: Path | None, lang: Lang,
             runner: Any = None) -> tuple[dict[str, Any], list[Finding], list[Path]]:
    from dataclasses import replace

    from migrator.validation.outputs import output_stem, write_run_reports
    from migrator.validation.run import remove_outputs, run_mapping_files

    folder = None
    if out_dir is not None:
        stem, _ = output_stem(job.name, out_dir, set())
        folder = out_dir / stem
    result: RunResult = run_mapping_files(list(job.pairs), replace(options, out_dir=folder, progress=None),
                                          runner=runner)
    outputs = list(result.outputs)
    if folder is not None:
        try:
            outputs += write_run_reports(result, folder, lang)
        except BaseException:
            remove_outputs(result.outputs)  # no converted file without the reports that tell what it holds
            raise
    summary = result.report.summary
    line = {"job": job.name, "municipality": job.municipality, "exit_code": result.exit_code,
            "rows_in": summary.get("rows_in", 0), "rows_out": summary.get("rows_out", 0),
            "rows_rejected": summary.get("rows_rejected", 0), **result.report.counts_by_severity}
    return line, list(result.report.findings), outputs


def _worker_signals() -> None:
    """In a worker: Ctrl-C is the parent's to handle (a terminal sends it to every process of the group, and
    each idle worker would print a traceback); SIGTERM, the parent's stop, ends the job in hand as an error
    does, so the run removes what it wrote, and ends the worker without a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_requested)


_stopping = False  # in a worker: the parent asked it to stop


def _stop_requested(_signum: int, _frame: object) -> None:
    global _stopping
    if _stopping:  # once: a second SIGTERM would cut short the removal of what the job wrote
        return
    _stopping = True
    raise SystemExit(1)


def _run_in_worker(job: BatchJob, options: RunOptions, out_dir: Path | None,
                   lang: Lang) -> tuple[dict[str, Any], list[Finding], list[Path]]:
    """:func:`_run_one` in a worker process; a job stopped by the parent ends its worker once its run has
    removed what it wrote (the parent no longer waits for a result)."""
    try:
        return _run_one(job, options, out_dir, lang)
    except BaseException:
        if _stopping:
            os._exit(1)
        raise


def _stop_workers(pool: ProcessPoolExecutor, out_dir: Path | None = None) -> None:
    """Stop the jobs still running after an error or an interrupt, instead of waiting for them to finish;
    then remove what a worker that ended before its own clean-up was done left in ``out_dir``."""
    processes = dict(getattr(pool, "_processes", None) or {})
    for process in processes.values():  # each removes what its job wrote, then ends (see _run_in_worker)
        with suppress(OSError, ValueError):
            process.terminate()
    deadline = time.monotonic() + 10
    for process in processes.values():  # not gone before its removals are done
        with suppress(OSError, ValueError, AssertionError):
            process.join(max(deadline - time.monotonic(), 0))
    if out_dir is not None:
        _remove_orphan_parts(out_dir)


def _remove_orphan_parts(out_dir: Path) -> None:
    """Remove the half-written outputs (``.<name>.<pid>.part``) that killed workers left in the job folders."""
    for part in out_dir.glob("*/.*.part"):
        pid = part.name.rsplit(".", 2)[-2]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:  # its writer is gone
            part.unlink(missing_ok=True)
        except OSError:
            pass


def run_batch(jobs: list[BatchJob], options: RunOptions, *, out_dir: Path | None, lang: Lang = "en",
              engine: str = "local", workers: int = 2, master: str | None = None) -> BatchResult:
    """Run every job; per-job reports in ``out_dir/<job>/`` and the roll-up in ``out_dir/rollup.*``."""
    done: list[tuple[dict[str, Any], list[Finding], list[Path]]] = []
    if engine == "spark":
        from functools import partial

        from migrator.validation.spark import DEFAULT_MASTER, run_jobs_spark, session

        spark = session(master or DEFAULT_MASTER)
        for job in jobs:
            done.append(_run_one(job, options, out_dir, lang,
                                 partial(run_jobs_spark, spark=spark, municipality=job.municipality)))
    elif workers <= 1 or len(jobs) <= 1:
        done = [_run_one(job, options, out_dir, lang) for job in jobs]
    else:
        # spawn: a fresh interpreter per worker (polars' thread pool does not survive a fork)
        pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_signals)
        try:
            futures = [pool.submit(_run_in_worker, job, options, out_dir, lang) for job in jobs]
            pending: set[Future[Any]] = set(futures)
            while pending:  # waits with a timeout, so Ctrl-C is seen while the jobs run, not after them
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_EXCEPTION)
                for future in finished:
                    future.result()  # the first job's error stops the batch now
            done = [f.result() for f in futures]
        except SystemExit:  # a worker stopped from outside (SIGTERM): the batch was interrupted
            _stop_workers(pool, out_dir)
            raise KeyboardInterrupt from None
        except BrokenProcessPool:  # a worker killed (by the system when memory ran out, or by a user)
            _stop_workers(pool, out_dir)
            pool.shutdown(wait=True, cancel_futures=True)
            raise MigratorError("A worker process of the batch ended abruptly (killed, or out of memory); the batch "
                                "stopped and wrote no roll-up. Run again, with fewer --workers if memory is short.",
                                "バッチのワーカープロセスが途中で終了しました(強制終了またはメモリ不足)。バッチを中止し、"
                                "集計レポートは書いていません。メモリが足りない場合は --workers を減らして再実行してください。"
                                ) from None
        except BaseException:
            _stop_workers(pool, out_dir)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if out_dir is not None and len(done) < len(jobs):
                # Every worker has ended now: a hidden file still there (one that outlived the sweep above,
                # written by a worker that ended after it) is no one's any more.
                _remove_orphan_parts(out_dir)
    findings = [f for _, found, _ in done for f in found]
    lines = [line for line, _, _ in done]
    report = Report.of("batch run", findings, subject=", ".join(j.name for j in jobs),
                       summary={"jobs": lines, "rows_in": sum(x["rows_in"] for x in lines),
                                "rows_out": sum(x["rows_out"] for x in lines),
                                "rows_rejected": sum(x["rows_rejected"] for x in lines), "engine": engine})
    outputs = [p for _, _, paths in done for p in paths]
    if out_dir is not None:
        from migrator.validation.outputs import write_run_reports

        outputs += write_run_reports(RunResult(report, (), (), ()), out_dir, lang, stem="rollup")
    return BatchResult(report, lines, outputs)
