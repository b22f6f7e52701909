"""Reading workbooks into plain values with cell addresses."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from migrator import limits
from migrator.errors import InputError
from migrator.i18n import plural
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
    hidden_rows: frozenset[int] = frozenset()
    """The 1-based rows hidden in the sheet (a reader of the book does not see them)."""

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


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_BIG_PART = 10 * 1024 * 1024  # below this, a high ratio is just a very regular sheet
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ADDRESS = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Za-z]+)([0-9]+)\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MAX_COL, _MAX_ROW = 16_384, 1_048_576  # XFD1048576


def _not_a_zip(path: Path, loc: Location) -> InputError:
    """Name what a file that is no zip really is: an .xls, an encrypted workbook, a truncated one, or else."""
    with path.open("rb") as fh:
        head = fh.read(8)
        if head == _OLE_MAGIC:
            # An encrypted .xlsx is an OLE compound file holding an EncryptedPackage stream; an .xls is not.
            body = head + fh.read(8 * 1024 * 1024)
            return InputError.of("CORE111" if _ENCRYPTED_STREAM in body else "CORE112", loc)
    if head.startswith(b"PK\x03\x04"):
        return InputError.of("CORE110", loc)
    if not head:
        return InputError.of("CORE113", loc, reason="the file is empty", reason_ja="ファイルが空です")
    return InputError.of("CORE113", loc, reason="not an Excel .xlsx workbook; save it as .xlsx and try again",
                         reason_ja="Excel(.xlsx)形式ではありません。.xlsx 形式で保存し直してください")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _scan(path: Path, loc: Location) -> bool:
    """Check the workbook's parts against the limits before openpyxl unpacks them; True if it has formulas.

    The sizes are those the zip declares, which is also what Python's zip reader will deliver at most.
    Cells and rows are counted in the sheets' XML, so a dimension tag claiming a million rows costs nothing.
    """
    lim = limits.current()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError.of("CORE110", loc) from exc
    formulas = False
    cells = 0
    with archive:
        infos = archive.infolist()
        total = 0
        for info in infos:
            ratio = info.file_size // max(info.compress_size, 1)
            over_ratio = info.file_size > _BIG_PART and ratio > lim.xlsx_ratio
            if info.file_size > lim.xlsx_part_bytes or over_ratio:
                name = "xlsx_ratio" if over_ratio and info.file_size <= lim.xlsx_part_bytes else "xlsx_part_bytes"
                raise InputError.of("CORE106", loc, part=info.filename, size=info.file_size, ratio=ratio, name=name,
                                    limit=getattr(lim, name), how=limits.how_to_raise(name))
            total += info.file_size
            if total > lim.xlsx_total_bytes:
                raise limits.exceeded("xlsx_total_bytes", loc, actual=f"{total} bytes unpacked",
                                      actual_ja=f"展開すると {total} バイト")
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            rows = max_row = max_col = 0
            far = ""  # the cell of the last row: a stray one (typed after Ctrl+↓) stretches the sheet alone
            tail = b""
            try:
                with archive.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        # Keep the end of the previous chunk, so that a tag cut in two is still seen once.
                        block = tail + chunk
                        cut = block.rfind(b"<")
                        cut = len(block) if cut < 0 else cut
                        done, tail = block[:cut], block[cut:]
                        cells += len(_CELL.findall(done))
                        rows += len(_ROW.findall(done))
                        formulas = formulas or _FORMULA.search(done) is not None
                        for col, row in _ADDRESS.findall(done):
                            c, r = _column_number(col), int(row)
                            if c > _MAX_COL or r > _MAX_ROW:
                                raise InputError.of("CORE107", loc, cell=(col + row).decode("ascii"))
                            if r > max_row:
                                far = (col + row).decode("ascii")
                            max_row, max_col = max(max_row, r), max(max_col, c)
                        if cells > lim.xlsx_cells:
                            raise limits.exceeded("xlsx_cells", loc, actual=f"more than {lim.xlsx_cells} cells",
                                                  actual_ja=f"{lim.xlsx_cells} セルを超えます")
                        if rows > lim.xlsx_rows:
                            raise limits.exceeded("xlsx_rows", loc, actual=f"more than {lim.xlsx_rows} rows",
                                                  actual_ja=f"{lim.xlsx_rows} 行を超えます")
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise InputError.of("CORE110", loc) from exc
            # The sheet is read into a dense grid: a few cells spread over a huge range would fill it.
            if max_row * max_col > 4 * lim.xlsx_cells:
                raise limits.exceeded(
                    "xlsx_cells", loc,
                    actual=f"{info.filename} spans {max_row} {plural(max_row, 'row', 'rows')} x {max_col} "
                           f"{plural(max_col, 'column', 'columns')}, down to its cell {far}; "
                           f"if that cell is stray, delete it",
                    actual_ja=f"{info.filename} が {max_row} 行 x {max_col} 列に広がっています (最後はセル {far})。"
                              f"このセルが不要なら削除してください")
    return formulas


def read_workbook(path: Path, *, fill_merged: bool = True, sheets: list[str] | None = None) -> WorkbookData:
    """Read every (or the named) sheet of ``path``.

    Raises:
        InputError: the file is missing or not a regular file, not an .xlsx/.xlsm workbook (an .xls, an
            encrypted workbook, a CSV renamed to .xlsx), truncated or corrupt, or over a limit of
            ``migrator.limits`` (unpacked size, cells, rows).
    """
    path = limits.check_input_file(Path(path), "workbook")
    loc = Location(file=str(path))
    if not zipfile.is_zipfile(path):
        raise _not_a_zip(path, loc)
    has_formulas = _scan(path, loc)
    try:
        values_wb = openpyxl.load_workbook(path, data_only=True)
        # A formula without a cached value (a book written by a script) is read from the formulas; a book
        # without any formula is read once.
        formula_wb = openpyxl.load_workbook(path, data_only=False) if has_formulas else values_wb
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise InputError.of("CORE110", loc) from exc
    except Exception as exc:  # openpyxl raises many unrelated types for a corrupt file
        raise InputError.of("CORE113", loc, reason=f"the file is corrupt ({type(exc).__name__}: {exc})",
                            reason_ja=f"ファイルが壊れています ({type(exc).__name__}: {exc})") from exc
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
        hidden = frozenset(r for r, dim in ws.row_dimensions.items() if dim.hidden and r <= len(grid))
        result[ws.title] = SheetData(name=ws.title, rows=grid, merged_origin=origin, file=str(path),
                                     state=str(ws.sheet_state or "visible"), hidden_rows=hidden)
    values_wb.close()
    formula_wb.close()
    return WorkbookData(path=path, sheets=result)
