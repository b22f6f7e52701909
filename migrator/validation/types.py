"""The values the validation engine, its runners, the cross-table checks and the reconciliation share.

A job (compiled mapping bound to an extract), the run's options, what one table's run did, the run's
result, and the helpers that read the reconciliation settings of a mapping (照合キー, 照合集計). This
module imports no other module of the validation package, so none of them depends on a runner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from migrator.location import Location
from migrator.report import Report
from migrator.schema import Schema, Table

ROW = "__row"  # the record's number in the extract (1 = the first data record), a column of every batch
LINE = "__line"  # the physical line the record starts on (the readers use the same names)


@dataclass
class ExtractPlaces:
    """How a record's place in its extract is named: by line (CSV, fixed-width) or by sheet cell (Excel).

    A text extract's places are left as they are given (``file:line row, column``). An Excel extract's get its
    sheet and the cell of the value (``世帯!C4``; the first cell of the row's table when no item's column
    applies); ``line`` stays the sheet row, as the rejects file's 物理行 is. The reader fills in the sheet and
    its columns once the header is found, before it yields the first batch.
    """

    file: str
    sheet: str | None = None
    columns: dict[str, int] = field(default_factory=dict)  # legacy item (or header name) → 1-based sheet column

    def point(self, location: Location, sheet_row: int | None, items: Sequence[str] = ()) -> Location:
        """``location`` (a record's place) with, for an Excel extract, the sheet and the cell of the first of
        ``items`` the sheet has a column of, in the record's ``sheet_row``."""
        if self.sheet is None or sheet_row is None:
            return location
        col = next((self.columns[i] for i in items if i in self.columns), min(self.columns.values(), default=1))
        return replace(location, line=sheet_row, sheet=self.sheet, cell=f"{column_letters(col)}{sheet_row}")


def column_letters(col: int) -> str:
    """The letters of the 1-based sheet column ``col`` (1 → A, 27 → AA). Here rather than from openpyxl: the
    engine core imports no workbook library (it runs on Spark executors too)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class Compiled(Protocol):
    """What the run needs of ``migrator.mapping.CompiledMapping`` (the contract between issues 5 and 6)."""

    @property
    def mapping(self) -> Any: ...
    @property
    def standard(self) -> Table: ...
    @property
    def legacy(self) -> Table | None: ...
    @property
    def columns(self) -> dict[str, pl.Expr]: ...
    @property
    def sources(self) -> dict[str, str]: ...
    @property
    def issues(self) -> tuple[Any, ...]: ...


@dataclass(frozen=True)
class RunOptions:
    out_dir: Path | None = None
    show_values: bool = False
    parquet: bool = False
    reconcile: bool = False
    examples: int = 5
    batch_rows: int = 100_000
    encoding: str | None = None
    progress: Callable[[int], None] | None = None
    profile: str = "standard"  # the standard's own rules, or a stricter profile of the standard schemas
    layouts: tuple[str, ...] = ()  # legacy tables to read the extracts with, instead of the mappings' 現行テーブル


@dataclass(frozen=True)
class Job:
    """One extract to run: its compiled mapping, the file, and the schemas behind them."""

    compiled: Compiled
    extract: Path
    standard_schema: Schema
    legacy_schema: Schema | None = None

    @property
    def name(self) -> str:
        return str(getattr(self.compiled.mapping, "id", self.compiled.standard.name))


@dataclass(frozen=True)
class TableRun:
    """What one job did."""

    job: Job
    rows_in: int
    rows_out: int
    rows_rejected: int
    checksum: str | None
    encoding: str | None
    output: Path | None
    rejects: Path | None
    seconds: float


@dataclass(frozen=True)
class RunResult:
    report: Report
    tables: tuple[TableRun, ...]
    outputs: tuple[Path, ...]
    gaiji: tuple[tuple[str, str, int], ...]  # (character, code point, count) still in the output

    @property
    def exit_code(self) -> int:
        return self.report.exit_code


HOUSEHOLD_ITEMS = ("世帯番号", "続柄コード1", "住民状態")
HOUSEHOLD_HEAD = "02"  # 続柄 code of 世帯主 in the standard
CURRENT_RESIDENT = "1"  # 住民状態 住登者


def roots(expr: pl.Expr) -> list[str]:
    """The input columns of an expression (none when polars cannot introspect it)."""
    try:
        return list(expr.meta.root_names())
    except Exception:
        return []


def legacy_key(compiled: Compiled) -> tuple[str, str] | None:
    """(legacy item, standard item) of the reconciliation key: 照合キー, else the standard key's source."""
    settings = getattr(compiled.mapping, "settings", {}) or {}
    text = (settings.get("照合キー") or "").strip()
    if text:
        legacy, _, standard = text.partition("=")
        return legacy.strip(), (standard.strip() or legacy.strip())
    if len(compiled.standard.key) != 1:
        return None
    std = compiled.standard.key[0]
    expr = compiled.columns.get(std)
    found = roots(expr) if expr is not None else []
    return (found[0], std) if len(found) == 1 else None


def recon_items(compiled: Compiled) -> list[str]:
    return [item for _, item, _ in recon_totals(compiled)[0]]


def recon_totals(compiled: Compiled) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The 照合集計 setting resolved to standard items: [(measure, standard item, the part as written)],
    unreadable parts.

    An item may be written by its standard name or by the legacy item it is converted from (the first
    standard item, in schema order, whose expression reads only that legacy item).
    """
    totals, bad = _totals((getattr(compiled.mapping, "settings", {}) or {}).get("照合集計"))
    names = list(compiled.standard.item_names)
    out = []
    for measure, item, part in totals:
        target = item
        if item not in names:
            target = next((n for n in names if n in compiled.columns
                           and list(dict.fromkeys(roots(compiled.columns[n]))) == [item]), item)
        out.append((measure, target, part))
    return out, bad


_MEASURES = {"件数": "count", "count": "count", "合計": "sum", "sum": "sum"}


def parse_totals(text: str | None) -> tuple[list[tuple[str, str]], list[str]]:
    """``件数:住民状態; 合計:税額`` → [("count", "住民状態"), ("sum", "税額")], plus unreadable parts.

    A bare item (``住民状態``) means a count per group; ``count:`` and ``sum:`` may be written for 件数 and 合計."""
    totals, bad = _totals(text)
    return [(measure, item) for measure, item, _ in totals], bad


def _totals(text: str | None) -> tuple[list[tuple[str, str, str]], list[str]]:
    """:func:`parse_totals` with each part as written (a message echoes the setting as the user wrote it)."""
    out, bad = [], []
    for part in (text or "").replace("；", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        measure, colon, item = part.replace("：", ":").partition(":")
        if not colon:  # a bare item: count per group
            measure, item = "件数", measure
        if measure.strip() in _MEASURES and item.strip():
            out.append((_MEASURES[measure.strip()], item.strip(), part))
        else:
            bad.append(part)
    return out, bad
