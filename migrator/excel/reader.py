"""Reading workbooks into plain values with cell addresses."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import MERGE_TAG, ROW_TAG, WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergeCells
from openpyxl.xml.functions import iterparse

from migrator import limits
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


def column_letter(col: int) -> str:
    """Return the letters of a 1-based column (``3`` → ``C``)."""
    return get_column_letter(col)


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
    hidden_cols: frozenset[int] = frozenset()
    """The 1-based columns hidden in the sheet (``<col hidden="1">``), within its used range."""
    far_cells: tuple[str, ...] = ()
    """The cells holding a value far from the sheet's table, left out of ``rows`` (``far="ignore"``): at most
    :data:`FAR_CELLS_NAMED` of them, in sheet order; ``far_count`` says how many there were."""
    far_count: int = 0

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
_ADDRESS = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]+)\$?([0-9]+)[\"']")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")  # an entry of the shared strings
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell[\s>/]")  # a merged range of a sheet
# An entry of the workbook's own tables: styles, defined names, document properties, a sheet's column settings.
_ENTRY = re.compile(rb"<(?:\w+:)?(?:xf|font|fill|border|numFmt|dxf|definedName|property|col)[\s>/]")
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


_DIRECTORY_ENTRY_BYTES = 256  # a part's entry in the zip directory: 46 bytes and its name, generously long


def _directory(path: Path) -> tuple[int, int] | None:
    """The number of entries and the size in bytes of the zip directory, from its end record (zip64 included)."""
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 22 - 65_535))  # the end record and its comment of at most 64 KiB
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    count, size = int.from_bytes(tail[at + 10:at + 12], "little"), int.from_bytes(tail[at + 12:at + 16], "little")
    record = at - 20 - 56  # a zip64 end record, when there is one, lies before its 20-byte locator
    if record >= 0 and tail[at - 20:at - 16] == b"PK\x06\x07" and tail[record:record + 4] == b"PK\x06\x06":
        count = int.from_bytes(tail[record + 32:record + 40], "little")
        size = int.from_bytes(tail[record + 40:record + 48], "little")
    return count, size


def _check_directory(path: Path, loc: Location, parts: int) -> None:
    """Refuse a zip directory of more than ``parts`` entries before Python's zip reader builds an object of each.

    The directory's own count can lie (the reader goes by its size in bytes), so its size is bounded too."""
    found = _directory(path)
    if found is None:
        return
    count, size = found
    if count > parts or size > parts * _DIRECTORY_ENTRY_BYTES:
        actual = max(count, size // _DIRECTORY_ENTRY_BYTES)
        raise limits.exceeded("xlsx_parts", loc, actual=f"about {actual} parts (a zip directory of {size} bytes)",
                              actual_ja=f"部品が約 {actual} 個あります (zip のディレクトリが {size} バイト)")


def _scan(path: Path, loc: Location) -> bool:
    """Check the workbook's parts against the limits before openpyxl unpacks them; True if it has formulas.

    The sizes are those the zip declares, which is also what Python's zip reader will deliver at most.
    Cells and rows are counted in the sheets' XML, so a dimension tag claiming a million rows costs nothing.
    """
    lim = limits.current()
    _check_directory(path, loc, lim.xlsx_parts)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError.of("CORE110", loc) from exc
    formulas = False
    cells = strings = entries = merges = 0
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
        # Every part is counted, not only those under xl/worksheets/: a sheet is wherever the workbook's
        # relationships say it is (xl/data/s.bin is as good a name to Excel), and the other parts hold no cells.
        for info in infos:
            if info.is_dir():
                continue
            rows = 0
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
                        # Each shared string is the text of at least one cell: more of them than the cells a workbook
                        # may hold is no genuine table (openpyxl would hold every one in memory before any cell).
                        strings += len(_STRING.findall(done))
                        merges += len(_MERGE.findall(done))  # each an object, and its cells filled one by one
                        entries += len(_ENTRY.findall(done))  # openpyxl builds an object of each when it opens the book
                        rows += len(_ROW.findall(done))
                        formulas = formulas or _FORMULA.search(done) is not None
                        for col, row in _ADDRESS.findall(done):
                            if _column_number(col) > _MAX_COL or int(row) > _MAX_ROW:
                                raise InputError.of("CORE107", loc, cell=(col + row).decode("ascii"))
                        if cells > lim.xlsx_cells:
                            raise limits.exceeded("xlsx_cells", loc, actual=f"more than {lim.xlsx_cells} cells",
                                                  actual_ja=f"{lim.xlsx_cells} セルを超えます")
                        if strings > lim.xlsx_cells:
                            raise limits.exceeded("xlsx_cells", loc,
                                                  actual=f"more than {lim.xlsx_cells} shared strings in {info.filename}",
                                                  actual_ja=f"{info.filename} の共有文字列が {lim.xlsx_cells} 個を超えます")
                        if merges > lim.xlsx_cells:
                            raise limits.exceeded("xlsx_cells", loc,
                                                  actual=f"more than {lim.xlsx_cells} merged ranges in {info.filename}",
                                                  actual_ja=f"{info.filename} の結合セルの範囲が {lim.xlsx_cells} 個を超えます")
                        if entries > lim.xlsx_entries:
                            raise limits.exceeded(
                                "xlsx_entries", loc,
                                actual=f"more than {lim.xlsx_entries} formats, defined names, properties or column settings, the last "
                                       f"in {info.filename}",
                                actual_ja=f"書式・名前の定義・プロパティ・列の設定が {lim.xlsx_entries} 個を超えます ({info.filename} まで)")
                        if rows > lim.xlsx_rows:
                            raise limits.exceeded("xlsx_rows", loc, actual=f"more than {lim.xlsx_rows} rows",
                                                  actual_ja=f"{lim.xlsx_rows} 行を超えます")
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise InputError.of("CORE110", loc) from exc
            except NotImplementedError as exc:  # a compression method or an encryption Python's zip cannot read
                raise InputError.of(
                    "CORE113", loc,
                    reason=f"its part {info.filename} is stored in a way Excel does not write "
                           f"(zip compression method {info.compress_type}); save it again from Excel",
                    reason_ja=f"部品 {info.filename} が Excel の使わない形式 (zip の圧縮方式 {info.compress_type}) で"
                              f"格納されています。Excel で保存し直してください") from exc
    return formulas


FarCells = Literal["refuse", "ignore"]
ROW_GAP, COL_GAP = 1_000, 100
"""A cell holding a value more than this many empty rows below, or empty columns right of, the table around it
is far from it (``far="ignore"``): typed after Ctrl+↓ or Ctrl+→ rather than part of the table."""
FAR_CELLS_NAMED = 5
_INLINE = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}is"
_TEXT = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t"
_RUN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}r"
_FORMULA_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}f"
_SHEET_DATA = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheetData"
_COLS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}cols"
_COL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}col"


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser, reading each cell once for both its value and, where the book kept no computed
    value, its formula (``Formula``); inline strings are read without building rich-text objects."""

    def __init__(self, src: Any, ws: Any, *, formulas: bool) -> None:
        book = ws.parent
        super().__init__(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                         date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        self.formulas = formulas

    def parse_cell(self, element: Any) -> dict[str, Any]:
        if element.get("t") == "inlineStr" and element.find(_FORMULA_TAG) is None:
            row, column = self._place(element.get("r"))
            inline = element.find(_INLINE)
            value = None
            if inline is not None:
                plain = inline.find(_TEXT)
                parts = [plain.text or ""] if plain is not None else []
                parts += [t.text or "" for run in inline.findall(_RUN) if (t := run.find(_TEXT)) is not None]
                value = "".join(parts)
            return {"row": row, "column": column, "value": value}
        cell: dict[str, Any] = super().parse_cell(element)
        if self.formulas and element.find(_FORMULA_TAG) is not None:
            # Every formula is parsed, in order: a shared formula is written once and translated for the others.
            text = self.parse_formula(element)
            if cell["value"] is None and isinstance(text, str) and text.startswith("="):
                cell["value"] = Formula(text)
        return cell

    def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """The rows (their cells and dimensions) and the merged ranges, nothing else.

        openpyxl's own parse builds an object of every data validation, conditional format, hyperlink … of the
        sheet, none of which a sheet is read for: 300,000 data validations (150 KB stored) took 500 MB. Here
        each element outside the rows and the merged ranges is emptied as soon as it is read."""
        depth = 0
        keep = False  # inside <sheetData>, <mergeCells> or <cols>
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 2:
                    keep = element.tag in (_SHEET_DATA, MERGE_TAG, _COLS)
                continue
            level, depth = depth, depth - 1
            if level == 3 and keep and element.tag == ROW_TAG:
                row = self.parse_row(element)
                element.clear()
                yield row
            elif level == 3 and keep and element.tag == _COL:
                # The columns' widths and hidden marks, as attributes (SheetData.hidden_cols); kept by their
                # position in the XML, so a malformed number hides nothing rather than stopping the read.
                self.column_dimensions[str(len(self.column_dimensions))] = dict(element.attrib)
                element.clear()
            elif level == 2 and element.tag == MERGE_TAG:
                self.merged_cells = MergeCells.from_tree(element)
                element.clear()
            elif level == 2 or (level > 2 and not keep):
                element.clear()

    def _place(self, coordinate: str | None) -> tuple[int, int]:
        if coordinate:
            match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?([0-9]+)", coordinate)
            if match is not None:
                self.col_counter = _column_number(match.group(1).encode("ascii"))
                return int(match.group(2)), self.col_counter
        self.col_counter += 1
        return self.row_counter, self.col_counter


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _extent(numbers: list[int], gap: int) -> int:
    """The last of the sorted ``numbers`` reached from the first without a step of more than ``gap``."""
    last = numbers[0] if numbers else 0
    for n in numbers[1:]:
        if n - last > gap:
            break
        last = n
    return last


def _hidden_columns(dimensions: list[dict[str, Any]], last_col: int) -> frozenset[int]:
    """The columns of ``<col min= max= hidden="1">`` entries, up to ``last_col`` (a book hiding every column right
    of its table writes one entry up to XFD)."""
    hidden: set[int] = set()
    for attrs in dimensions:
        if str(attrs.get("hidden", "")).lower() not in ("1", "true"):
            continue
        try:
            low = int(attrs["min"])
            high = int(attrs.get("max", low))
        except (KeyError, ValueError):
            continue  # a malformed entry hides nothing a reader could name
        hidden.update(range(max(low, 1), min(high, last_col) + 1))
    return frozenset(hidden)


def _read_sheet(ws: Any, path: Path, *, formulas: bool, fill_merged: bool, far: FarCells) -> SheetData:
    """One sheet, read sparsely (only the cells its XML holds) into a grid bounded by the limits."""
    values: list[tuple[int, int, Any]] = []
    present_row = present_col = 0
    with ws._get_source() as src:
        parser = _SheetParser(src, ws, formulas=formulas)
        for _, row in parser.parse():
            for cell in row:
                r, c, value = cell["row"], cell["column"], _clean(cell["value"])
                present_row, present_col = max(present_row, r), max(present_col, c)
                if value is not None:
                    values.append((r, c, value))
        ranges = [CellRange(m.ref) for m in (parser.merged_cells.mergeCell if parser.merged_cells else ())]
        dimensions = parser.row_dimensions
        col_dimensions = list(parser.column_dimensions.values())
    far_cells: list[tuple[int, int]] = []
    if far == "ignore":
        # The table is what is reached from its first filled row (and column) without a long empty stretch;
        # a value beyond one is left out and named, so one stray cell neither stretches the grid nor is lost
        # without a word. Empty cells (formatting only) never count.
        rows = sorted({r for r, _, v in values if _filled(v)})
        last_row = _extent(rows, ROW_GAP)
        last_col = _extent(sorted({c for r, c, v in values if r <= last_row and _filled(v)}), COL_GAP)
        far_cells = [(r, c) for r, c, v in values if (r > last_row or c > last_col) and _filled(v)]
        values = [(r, c, v) for r, c, v in values if r <= last_row and c <= last_col]
    else:
        # Every cell the XML holds, merged ranges included, as openpyxl's own grid has them.
        last_row = max([present_row, *(m.max_row for m in ranges)])
        last_col = max([present_col, *(m.max_col for m in ranges)])
    lim = limits.current()
    if last_row * last_col > 4 * lim.xlsx_cells:  # the grid is dense: a few cells spread wide would fill it
        corner = next((cell_ref(r, c) for r, c, _ in values if r == last_row), cell_ref(last_row, last_col))
        raise limits.exceeded(
            "xlsx_cells", Location(file=str(path), sheet=ws.title, cell=corner),
            actual=f"the sheet {ws.title} spans {last_row} rows x {last_col} columns, down to its cell {corner}; "
                   f"if that cell is stray, delete it",
            actual_ja=f"シート {ws.title} が {last_row} 行 x {last_col} 列に広がっています (最後はセル {corner})。"
                      f"このセルが不要なら削除してください")
    grid: list[list[Any]] = [[None] * last_col for _ in range(last_row)]
    for r, c, value in values:
        grid[r - 1][c - 1] = value
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    covered = 0
    for rng in ranges:
        top, left = rng.min_row, rng.min_col
        # Merged ranges never overlap in a book Excel wrote, so together they cover at most the grid: more is
        # the same range written over and over, each costing a pass over its cells.
        covered += max(0, min(rng.max_row, last_row) - top + 1) * max(0, min(rng.max_col, last_col) - left + 1)
        if covered > last_row * last_col:
            raise InputError.of("CORE113", Location(file=str(path), sheet=ws.title, cell=rng.coord),
                                reason=f"the merged ranges of sheet {ws.title} overlap (at {rng.coord}) and cover "
                                       f"more cells than the sheet holds; save it again from Excel",
                                reason_ja=f"シート {ws.title} の結合セルの範囲が重なり ({rng.coord})、シートのセル数を超えて"
                                          f"います。Excel で保存し直してください")
        top_value = grid[top - 1][left - 1] if top <= last_row and left <= last_col else None
        for r in range(top, min(rng.max_row, last_row) + 1):
            for c in range(left, min(rng.max_col, last_col) + 1):
                if (r, c) != (top, left):
                    origin[(r, c)] = (top, left)
                    grid[r - 1][c - 1] = top_value if fill_merged else None
    hidden = frozenset(int(r) for r, attrs in dimensions.items()
                       if str(attrs.get("hidden", "")).lower() in ("1", "true") and int(r) <= last_row)
    far_cells.sort()
    return SheetData(name=ws.title, rows=grid, merged_origin=origin, file=str(path),
                     state=str(ws.sheet_state or "visible"), hidden_rows=hidden,
                     hidden_cols=_hidden_columns(col_dimensions, last_col),
                     far_cells=tuple(cell_ref(r, c) for r, c in far_cells[:FAR_CELLS_NAMED]),
                     far_count=len(far_cells))


def read_workbook(path: Path, *, fill_merged: bool = True, sheets: list[str] | None = None,
                  far: FarCells = "refuse") -> WorkbookData:
    """Read every (or the named) sheet of ``path``.

    Only the cells a sheet's XML holds are read (never the whole range its dimension tag or a stray cell
    claims). ``far="ignore"`` leaves out the values far from a sheet's table (see :data:`ROW_GAP`) and lists
    them in ``SheetData.far_cells`` for the caller to report; with ``"refuse"`` every value is kept.

    Raises:
        InputError: the file is missing or not a regular file, not an .xlsx/.xlsm workbook (an .xls, an
            encrypted workbook, a CSV renamed to .xlsx), truncated or corrupt, or over a limit of
            ``migrator.limits`` (unpacked size, cells, rows, or a sheet whose grid would span more than four
            times ``xlsx_cells``).
    """
    path = limits.check_input_file(Path(path), "workbook")
    loc = Location(file=str(path))
    if not zipfile.is_zipfile(path):
        raise _not_a_zip(path, loc)
    has_formulas = _scan(path, loc)
    result: dict[str, SheetData] = {}
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in book.worksheets:
                if sheets is None or ws.title in sheets:
                    result[ws.title] = _read_sheet(ws, path, formulas=has_formulas, fill_merged=fill_merged, far=far)
        finally:
            book.close()
    except InputError:
        raise
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise InputError.of("CORE110", loc) from exc
    except Exception as exc:  # openpyxl raises many unrelated types for a corrupt file
        raise InputError.of("CORE113", loc, reason=f"the file is corrupt ({type(exc).__name__}: {exc})",
                            reason_ja=f"ファイルが壊れています ({type(exc).__name__}: {exc})") from exc
    return WorkbookData(path=path, sheets=result)
