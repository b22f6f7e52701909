"""The findings merge: what every job's batches gave → one run's findings, summary and 外字 list.

A runner (local or Spark) hands over, per job, what its table run did (:class:`TableRun`), the engine that
holds the aggregated findings, 外字 counts and key columns of all its batches (merged across splits with
:meth:`BatchEngine.merge`), and the reader's line-level findings. The cross-table checks (duplicate keys,
references, households) and the reconciliation run here on the collected key columns; a runner may bring
its own cross-table check (Spark runs it as joins and aggregations on the cluster).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from migrator.report import Finding, Report, make_finding
from migrator.validation.crosscheck import cross_table_findings
from migrator.validation.engine import BatchEngine
from migrator.validation.reconcile import reconcile
from migrator.validation.types import Job, RunOptions, RunResult, TableRun

CrossCheck = Callable[[Sequence[tuple[Job, pl.DataFrame]], RunOptions], list[Finding]]


@dataclass
class JobResult:
    """One job's share of a run: its table run, its engine (all batches merged), its reader's findings."""

    table: TableRun
    engine: BatchEngine
    read_findings: list[Finding]
    before: list[Finding] = field(default_factory=list)  # the job's own findings before its batches (DAT051 …)


def gaiji_table(counts: Counter[str]) -> tuple[tuple[str, str, int], ...]:
    """(character, code point, count), most frequent first."""
    return tuple((ch, f"U+{ord(ch):04X}", n) for ch, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def finish(parts: Sequence[JobResult], findings: Sequence[Finding], options: RunOptions, *, title: str,
           started: float, cross: CrossCheck | None = None) -> RunResult:
    """The run's result from its jobs' results (``findings``: those of the run itself, before the jobs')."""
    out: list[Finding] = list(findings)
    for part in parts:
        out += part.before
        out += part.read_findings
        out += part.engine.findings(part.table.rows_in)
    runs = [p.table for p in parts]
    timings: dict[str, float] = {p.table.job.name: round(p.table.seconds, 3) for p in parts}
    key_frames = []
    for p in parts:
        key_frames.append(p.engine.key_frame())
        p.engine.keys.clear()  # the compact per-batch pieces are not needed any more
    t0 = time.perf_counter()
    frames = [(p.table.job, k) for p, k in zip(parts, key_frames, strict=True)]
    out += cross(frames, options) if cross is not None else cross_table_findings(
        frames, options, points=[p.engine.point for p in parts])
    timings["cross-table"] = round(time.perf_counter() - t0, 3)
    if options.reconcile:
        t0 = time.perf_counter()
        for part, keys in zip(parts, key_frames, strict=True):
            out += reconcile(part.table, keys, options, places=part.engine.collector.extract)
        timings["reconcile"] = round(time.perf_counter() - t0, 3)
    if options.show_values:
        out.append(make_finding("DAT901"))
    gaiji: Counter[str] = Counter()
    for p in parts:
        gaiji.update(p.engine.gaiji)
    timings["total"] = round(time.perf_counter() - started, 3)
    stages = [p.engine.stages for p in parts]
    summary: dict[str, Any] = {
        "rows_in": sum(r.rows_in for r in runs), "rows_out": sum(r.rows_out for r in runs),
        "rows_rejected": sum(r.rows_rejected for r in runs),
        "input_checksums": {str(r.job.extract): f"sha256:{r.checksum}" for r in runs},
        "encodings": {str(r.job.extract): r.encoding for r in runs},
        "timings_s": timings,
        "stages_s": {name: round(sum(s[name] for s in stages), 3)
                     for name in dict.fromkeys(n for s in stages for n in s)},
        "per_table": [{"table": r.job.name, "extract": str(r.job.extract), "rows_in": r.rows_in,
                       "rows_out": r.rows_out, "rows_rejected": r.rows_rejected,
                       "output": str(r.output) if r.output else None,
                       "rejects": str(r.rejects) if r.rejects else None} for r in runs],
    }
    report = Report.of(title, out, subject=", ".join(str(r.job.extract) for r in runs), summary=summary)
    outputs = tuple(p for r in runs for p in (r.output, r.rejects) if p is not None)
    return RunResult(report, tuple(runs), outputs, gaiji_table(gaiji))
