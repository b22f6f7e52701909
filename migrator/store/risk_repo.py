"""Reading validation runs as the risk register sees them, and keeping register snapshots."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from migrator.risk.model import Concern, Register, RunRecord
from migrator.store import models as m


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def load_runs(session: Session) -> list[RunRecord]:
    """Every stored validation run with its finding counts by code, oldest first."""
    out = []
    for r in session.scalars(select(m.ValidationRun).order_by(m.ValidationRun.id)):
        counts: Counter[str] = Counter()
        for f in r.findings:
            counts[f.code] += f.count
        out.append(RunRecord(id=r.id, mapping_id=r.mapping_id, finished_at=_aware(r.finished_at),
                             rows_in=r.rows_in, rows_out=r.rows_out, rows_rejected=r.rows_rejected,
                             counts=dict(sorted(counts.items())), municipality_code=r.municipality_code,
                             area_code=r.area_code, system_name=r.system_name))
    return out


def save_snapshot(session: Session, register: Register, *, taken_at: dt.datetime | None = None) -> int:
    """Store ``register`` as a snapshot; return its id."""
    row = m.RiskSnapshot(taken_at=taken_at or dt.datetime.now(dt.UTC), municipality_code=register.municipality,
                         scenario=register.scenario, as_of=register.as_of or dt.date.today(),
                         concerns=[c.to_dict() for c in register.concerns])
    session.add(row)
    session.flush()
    return row.id


def list_snapshots(session: Session, *, municipality: str | None = None) -> list[dict[str, Any]]:
    """Id, time, municipality, scenario and concern count of the snapshots (of ``municipality``), newest first."""
    q = select(m.RiskSnapshot).where(m.RiskSnapshot.municipality_code.is_(None) if municipality is None
                                     else m.RiskSnapshot.municipality_code == municipality)
    return [{"id": s.id, "taken_at": _aware(s.taken_at), "municipality": s.municipality_code,
             "scenario": s.scenario, "as_of": s.as_of, "concerns": len(s.concerns)}
            for s in session.scalars(q.order_by(m.RiskSnapshot.id.desc()))]


def load_snapshot(session: Session, snapshot_id: int) -> tuple[Concern, ...] | None:
    """The concerns of snapshot ``snapshot_id``; ``None`` when there is no such snapshot."""
    row = session.get(m.RiskSnapshot, snapshot_id)
    return None if row is None else tuple(Concern.from_dict(c) for c in row.concerns)
