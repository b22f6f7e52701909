"""Recording validation runs: counts per code and item, input checksums and timings (never raw rows)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from migrator.report import Report
from migrator.store import models as m


def save_run(session: Session, *, mapping_id: str, report: Report, started_at: dt.datetime,
             finished_at: dt.datetime | None = None, status: str = "finished", municipality_code: str | None = None,
             area_code: str | None = None, system_name: str | None = None) -> int:
    """Store the summary of one run (``report.summary`` holds rows, checksums and timings); return its id.

    ``municipality_code``, ``area_code`` and ``system_name`` link the run to the system it migrates.
    """
    summary = report.summary
    run = m.ValidationRun(
        mapping_id=mapping_id[:100], started_at=started_at, finished_at=finished_at or dt.datetime.now(dt.UTC),
        status=status, rows_in=int(summary.get("rows_in", 0)), rows_out=int(summary.get("rows_out", 0)),
        rows_rejected=int(summary.get("rows_rejected", 0)), exit_code=report.exit_code,
        input_checksums=dict(summary.get("input_checksums", {})), timings=dict(summary.get("timings_s", {})),
        municipality_code=municipality_code, area_code=area_code, system_name=system_name,
    )
    counts: Counter[tuple[str, str, str | None]] = Counter()
    for f in report.findings:
        counts[(f.code, f.severity, f.item)] += f.count
    run.findings = [m.FindingSummary(code=code, severity=sev, item=item, count=n)
                    for (code, sev, item), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][2] or ""))]
    session.add(run)
    session.flush()
    return run.id


def list_runs(session: Session, *, limit: int = 20) -> list[dict[str, Any]]:
    """The most recent runs with their counts per code."""
    rows = session.scalars(select(m.ValidationRun).order_by(m.ValidationRun.id.desc()).limit(limit)).all()
    return [{"id": r.id, "mapping_id": r.mapping_id, "status": r.status, "rows_in": r.rows_in,
             "rows_out": r.rows_out, "rows_rejected": r.rows_rejected, "exit_code": r.exit_code,
             "input_checksums": r.input_checksums, "timings": r.timings,
             "counts": {f"{f.code}:{f.item or ''}": f.count for f in r.findings}} for r in rows]
