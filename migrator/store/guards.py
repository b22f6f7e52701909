"""What a downgrade would lose, found before it runs.

Undoing a revision can shorten a column (values that no longer fit would be cut or refused half-way by
the database) or drop columns and tables (their values are gone). Each revision whose undoing can lose
data has a guard here that names the rows concerned. Shortened values always stop the downgrade: the
user fixes those rows first. Dropped values stop it unless the user accepts the loss (``--force``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text

SHOWN = 10
"""How many rows a message names before it says how many more there are."""


@dataclass(frozen=True)
class Loss:
    """Data that undoing ``revision`` would lose: what, and which rows."""

    revision: str
    what: str
    rows: tuple[str, ...]
    truncates: bool
    """True when values would be cut (never forced); False when a column or table would be dropped."""

    def describe(self) -> str:
        shown = ", ".join(self.rows[:SHOWN]) + (f" and {len(self.rows) - SHOWN} more" if len(self.rows) > SHOWN else "")
        return f"undoing {self.revision}: {self.what} in {len(self.rows)} row(s): {shown}"


def _interface_rows(conn: Connection, where: str) -> tuple[str, ...]:
    found = conn.execute(text(
        "SELECT i.id, m.code, i.source_name, i.target_name FROM interface i "
        f"JOIN municipality m ON m.id = i.municipality_id WHERE {where} ORDER BY i.id"))
    return tuple(f"interface {i} ({code} {src} → {dst})" for i, code, src, dst in found)


def _system_rows(conn: Connection, where: str) -> tuple[str, ...]:
    found = conn.execute(text(
        "SELECT s.id, m.code, s.area_code, s.name FROM system s "
        f"JOIN municipality m ON m.id = s.municipality_id WHERE {where} ORDER BY s.id"))
    return tuple(f"system {i} ({code} {area} {name})" for i, code, area, name in found)


def _undo_0007(conn: Connection) -> list[Loss]:
    rows = _interface_rows(conn, "i.cells IS NOT NULL")
    return [Loss("0007", "interface.cells (the cells of each interface's ends) would be dropped", rows, False)]


def _undo_0006(conn: Connection) -> list[Loss]:
    vendors = conn.execute(text(
        "SELECT id, name FROM vendor WHERE projects IS NOT NULL OR cutovers_day IS NOT NULL "
        "OR cutovers_weekend IS NOT NULL OR cutovers_month IS NOT NULL ORDER BY id"))
    munis = conn.execute(text("SELECT id, code FROM municipality WHERE staff IS NOT NULL ORDER BY id"))
    return [
        Loss("0006", "the vendors' project and cut-over slots would be dropped",
             tuple(f"vendor {i} ({name})" for i, name in vendors), False),
        Loss("0006", "the municipalities' IT staff would be dropped",
             tuple(f"municipality {i} ({code})" for i, code in munis), False),
    ]


def _undo_0005(conn: Connection) -> list[Loss]:
    snapshots = conn.execute(text("SELECT id, municipality_code, taken_at FROM risk_snapshot ORDER BY id"))
    runs = conn.execute(text("SELECT id, municipality_code, area_code FROM validation_run "
                             "WHERE municipality_code IS NOT NULL ORDER BY id"))
    return [
        Loss("0005", "table risk_snapshot (the stored risk registers) would be dropped",
             tuple(f"snapshot {i} ({code or '-'} {taken})" for i, code, taken in snapshots), False),
        Loss("0005", "the link of validation runs to their systems would be dropped",
             tuple(f"validation run {i} ({code} {area or '-'})" for i, code, area in runs), False),
    ]


def _undo_0004(conn: Connection) -> list[Loss]:
    rows = _system_rows(conn, "s.cells IS NOT NULL")
    return [Loss("0004", "system.cells (the cell each field was read from) would be dropped", rows, False)]


def _undo_0003(conn: Connection) -> list[Loss]:
    rows = _interface_rows(conn, "i.origin IS NOT NULL")
    return [Loss("0003", "interface.origin (the cell each interface was read from) would be dropped", rows, False)]


def _undo_0002(conn: Connection) -> list[Loss]:
    return [
        Loss("0002", "interface.method is longer than 20 characters",
             _interface_rows(conn, "length(i.method) > 20"), True),
        Loss("0002", "interface.frequency is longer than 50 characters",
             _interface_rows(conn, "length(i.frequency) > 50"), True),
        Loss("0002", "system.hosting is longer than 50 characters",
             _system_rows(conn, "length(s.hosting) > 50"), True),
    ]


def _undo_0001(conn: Connection) -> list[Loss]:
    losses = []
    for table in sorted(set(inspect(conn).get_table_names()) - {"alembic_version"}):
        count = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        if count:
            losses.append(Loss("0001", f"table {table} would be dropped", (f"{count} row(s)",), False))
    return losses


GUARDS: dict[str, Callable[[Connection], list[Loss]]] = {
    "0001": _undo_0001, "0002": _undo_0002, "0003": _undo_0003, "0004": _undo_0004, "0005": _undo_0005,
    "0006": _undo_0006, "0007": _undo_0007,
}
"""Per revision, what undoing it would lose. A revision without a guard loses nothing when undone."""


def downgrade_losses(conn: Connection, revisions: Sequence[str]) -> list[Loss]:
    """What undoing ``revisions`` (newest first, as they would run) would lose, each with its rows."""
    losses: list[Loss] = []
    for revision in revisions:
        guard = GUARDS.get(revision)
        if guard is not None:
            losses += [loss for loss in guard(conn) if loss.rows]
    return losses
