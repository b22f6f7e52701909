"""Reading workbooks into plain values with cell addresses."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from migrator.errors import InputError
from migrator.location import Location


@dataclass(frozen=True)
class Formula:
    """A formula cell with no cached value (for example a workbook written by a script)."""

    text: str

    def __str__(self) -> str:
        return self.text


def cell_ref(row: int, col: int) -> str:
    """Return the A1 address of a 1-based ``row`` and ``col``."""
    return f"{get_column_letter(col)}{row}"


@dataclass
class SheetData:
    """One sheet as a grid of values; ``rows[r][c]`` is the cell at 1-based (r+1, c+1).

    ``merged_origin`` maps every cell covered by a merged range (other than its top-left) to the
    top-left cell whose value it was given, so a finding can name the cell the user actually typed in.
    """

    name: str
    rows: list[list[Any]]
    merged_origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    file: str | None = None
    state: str = "visible"
    """``visible``, ``hidden`` or ``veryHidden`` (hidden so that only a macro can show it)."""

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_col(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        """Return the value at 1-based ``row``, ``col`` (``None`` outside the used range)."""
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        line = self.rows[row - 1]
        return line[col - 1] if col <= len(line) else None

    def location(self, row: int, col: int) -> Location:
        """The location of a cell, pointing at the origin of a merged range."""
        r, c = self.merged_origin.get((row, col), (row, col))
        return Location(file=self.file, sheet=self.name, cell=cell_ref(r, c))

    def is_blank_row(self, row: int) -> bool:
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in self.rows[row - 1])


@dataclass
class WorkbookData:
    """All sheets of a workbook, in workbook order."""

    path: Path
    sheets: dict[str, SheetData]

    def sheet(self, *names: str) -> SheetData | None:
        """Return the first sheet whose name (stripped, case-folded) equals one of ``names``."""
        wanted = {n.strip().casefold() for n in names}
        for name, sheet in self.sheets.items():
            if name.strip().casefold() in wanted:
                return sheet
        return None


def _clean(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def read_workbook(path: Path, *, fill_merged: bool = True, sheets: list[str] | None = None) -> WorkbookData:
    """Read every (or the named) sheet of ``path``.

    Raises:
        InputError: the file is missing, not an .xlsx/.xlsm workbook (an .xls or a CSV renamed to .xlsx)
            or corrupt.
    """
    path = Path(path)
    loc = Location(file=str(path))
    if not path.is_file():
        raise InputError("File not found.", "ファイルが見つかりません。", location=loc)
    if not zipfile.is_zipfile(path):
        head = path.read_bytes()[:8]
        kind = "an old .xls file" if head.startswith(b"\xd0\xcf\x11\xe0") else "not an Excel .xlsx workbook"
        kind_ja = "旧形式(.xls)のファイル" if head.startswith(b"\xd0\xcf\x11\xe0") else "Excel(.xlsx)形式ではありません"
        raise InputError(
            f"Cannot open as a workbook: {kind}. Save it as .xlsx and try again.",
            f"ブックとして開けません: {kind_ja}。.xlsx 形式で保存し直してください。",
            location=loc,
        )
    try:
        values_wb = openpyxl.load_workbook(path, data_only=True)
        formula_wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many unrelated types for a corrupt file
        raise InputError(
            f"Cannot open as a workbook: the file is corrupt ({type(exc).__name__}: {exc}).",
            f"ブックとして開けません: ファイルが壊れています ({type(exc).__name__}: {exc})。",
            location=loc,
        ) from exc
    result: dict[str, SheetData] = {}
    for ws in values_wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        fws = formula_wb[ws.title]
        grid: list[list[Any]] = []
        for vrow, frow in zip(ws.iter_rows(), fws.iter_rows(), strict=False):
            line: list[Any] = []
            for vcell, fcell in zip(vrow, frow, strict=False):
                value = vcell.value
                if value is None and isinstance(fcell.value, str) and fcell.value.startswith("="):
                    value = Formula(fcell.value)
                line.append(_clean(value))
            grid.append(line)
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            top, left = rng.min_row, rng.min_col
            top_value = grid[top - 1][left - 1] if top <= len(grid) and left <= len(grid[top - 1]) else None
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) == (top, left):
                        continue
                    origin[(r, c)] = (top, left)
                    if fill_merged and r <= len(grid):
                        while len(grid[r - 1]) < c:
                            grid[r - 1].append(None)
                        grid[r - 1][c - 1] = top_value
        result[ws.title] = SheetData(name=ws.title, rows=grid, merged_origin=origin, file=str(path),
                                    state=ws.sheet_state or "visible")
    values_wb.close()
    formula_wb.close()
    return WorkbookData(path=path, sheets=result)
