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

from migrator.i18n import Lang, join_list, plural

SHOWN = 10
"""How many rows a message names before it says how many more there are."""


_KINDS_JA = {"interface": "連携", "system": "システム", "vendor": "ベンダー", "municipality": "団体",
             "snapshot": "懸念点一覧の記録", "validation run": "検証の実行", "plan task": "計画のタスク"}


@dataclass(frozen=True)
class Row:
    """A stored row a downgrade would touch: its kind, id and what tells it apart (``interface 1 (132012 A → B)``);
    ``kind`` ``rows`` stands for a count of rows (``ident``) of a table."""

    kind: str
    ident: object
    detail: str = ""

    def text(self, lang: Lang = "en") -> str:
        if self.kind == "rows":
            return f"{self.ident} 行" if lang == "ja" else f"{self.ident} {plural(self.ident, 'row', 'rows')}"
        kind = _KINDS_JA.get(self.kind, self.kind) if lang == "ja" else self.kind
        return f"{kind} {self.ident} ({self.detail})"


@dataclass(frozen=True)
class Loss:
    """Data that undoing ``revision`` would lose: what (in English and Japanese), and which rows."""

    revision: str
    what: str
    what_ja: str
    rows: tuple[Row, ...]
    truncates: bool
    """True when values would be cut (never forced); False when a column or table would be dropped."""

    def describe(self, lang: Lang = "en") -> str:
        """What would be lost and the first rows, joined as ``lang`` joins lists."""
        if len(self.rows) == 1 and self.rows[0].kind == "rows":  # a whole table: its number of rows, not "1 row"
            count = self.rows[0].ident
            if lang == "ja":
                return f"{self.revision} の取り消しで {self.what_ja} ({count} 行)"
            return f"undoing {self.revision}: {self.what} with its {count} {plural(count, 'row', 'rows')}"
        shown = join_list((r.text(lang) for r in self.rows[:SHOWN]), lang)
        more = len(self.rows) - SHOWN
        if lang == "ja":
            return (f"{self.revision} の取り消しで {self.what_ja} ({len(self.rows)} 件: {shown}"
                    + (f"、ほか {more} 件" if more > 0 else "") + ")")
        return (f"undoing {self.revision}: {self.what} in {len(self.rows)} {plural(len(self.rows), 'row', 'rows')}: {shown}"
                + (f" and {more} more" if more > 0 else ""))


def _interface_rows(conn: Connection, where: str) -> tuple[Row, ...]:
    found = conn.execute(text(
        "SELECT i.id, m.code, i.source_name, i.target_name FROM interface i "
        f"JOIN municipality m ON m.id = i.municipality_id WHERE {where} ORDER BY i.id"))
    return tuple(Row("interface", i, f"{code} {src} → {dst}") for i, code, src, dst in found)


def _system_rows(conn: Connection, where: str) -> tuple[Row, ...]:
    found = conn.execute(text(
        "SELECT s.id, m.code, s.area_code, s.name FROM system s "
        f"JOIN municipality m ON m.id = s.municipality_id WHERE {where} ORDER BY s.id"))
    return tuple(Row("system", i, f"{code} {area} {name}") for i, code, area, name in found)


def _undo_0008(conn: Connection) -> list[Loss]:
    found = conn.execute(text(
        "SELECT t.id, p.scenario, t.task_key FROM plan_task t JOIN plan p ON p.id = t.plan_id "
        "WHERE length(t.task_key) > 200 ORDER BY t.id"))
    rows = tuple(Row("plan task", i, f"{scenario} {key}") for i, scenario, key in found)
    return [Loss("0008", "plan_task.task_key is longer than 200 characters",
                 "plan_task.task_key (タスクID) が 200 文字を超えています", rows, True)]


def _undo_0007(conn: Connection) -> list[Loss]:
    rows = _interface_rows(conn, "i.cells IS NOT NULL")
    return [Loss("0007", "interface.cells (the cells of each interface's ends) would be dropped",
                 "interface.cells (各連携の連携元・連携先のセル) が削除されます", rows, False)]


def _undo_0006(conn: Connection) -> list[Loss]:
    vendors = conn.execute(text(
        "SELECT id, name FROM vendor WHERE projects IS NOT NULL OR cutovers_day IS NOT NULL "
        "OR cutovers_weekend IS NOT NULL OR cutovers_month IS NOT NULL ORDER BY id"))
    munis = conn.execute(text("SELECT id, code FROM municipality WHERE staff IS NOT NULL ORDER BY id"))
    return [
        Loss("0006", "the vendors' project and cut-over slots would be dropped",
             "ベンダーの同時移行プロジェクト数と本番移行上限が削除されます",
             tuple(Row("vendor", i, name) for i, name in vendors), False),
        Loss("0006", "the municipalities' IT staff would be dropped", "団体の情報担当職員数が削除されます",
             tuple(Row("municipality", i, code) for i, code in munis), False),
    ]


def _undo_0005(conn: Connection) -> list[Loss]:
    snapshots = conn.execute(text("SELECT id, municipality_code, taken_at FROM risk_snapshot ORDER BY id"))
    runs = conn.execute(text("SELECT id, municipality_code, area_code FROM validation_run "
                             "WHERE municipality_code IS NOT NULL ORDER BY id"))
    return [
        Loss("0005", "table risk_snapshot (the stored risk registers) would be dropped",
             "テーブル risk_snapshot (保存した懸念点一覧) が削除されます",
             tuple(Row("snapshot", i, f"{code or '-'} {taken}") for i, code, taken in snapshots), False),
        Loss("0005", "the link of validation runs to their systems would be dropped",
             "検証の実行とシステムの結び付きが削除されます",
             tuple(Row("validation run", i, f"{code} {area or '-'}") for i, code, area in runs), False),
    ]


def _undo_0004(conn: Connection) -> list[Loss]:
    rows = _system_rows(conn, "s.cells IS NOT NULL")
    return [Loss("0004", "system.cells (the cell each field was read from) would be dropped",
                 "system.cells (各項目を読んだセル) が削除されます", rows, False)]


def _undo_0003(conn: Connection) -> list[Loss]:
    rows = _interface_rows(conn, "i.origin IS NOT NULL")
    return [Loss("0003", "interface.origin (the cell each interface was read from) would be dropped",
                 "interface.origin (各連携を読んだセル) が削除されます", rows, False)]


def _undo_0002(conn: Connection) -> list[Loss]:
    return [
        Loss("0002", "interface.method is longer than 20 characters", "interface.method (方式) が 20 文字を超えています",
             _interface_rows(conn, "length(i.method) > 20"), True),
        Loss("0002", "interface.frequency is longer than 50 characters",
             "interface.frequency (頻度) が 50 文字を超えています", _interface_rows(conn, "length(i.frequency) > 50"), True),
        Loss("0002", "system.hosting is longer than 50 characters", "system.hosting (稼働形態) が 50 文字を超えています",
             _system_rows(conn, "length(s.hosting) > 50"), True),
    ]


def _undo_0001(conn: Connection) -> list[Loss]:
    losses = []
    for table in sorted(set(inspect(conn).get_table_names()) - {"alembic_version"}):
        count = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        if count:
            losses.append(Loss("0001", f"table {table} would be dropped", f"テーブル {table} が削除されます",
                               (Row("rows", count),), False))
    return losses


GUARDS: dict[str, Callable[[Connection], list[Loss]]] = {
    "0001": _undo_0001, "0002": _undo_0002, "0003": _undo_0003, "0004": _undo_0004, "0005": _undo_0005,
    "0006": _undo_0006, "0007": _undo_0007, "0008": _undo_0008,
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
