"""Writing workbooks from plain rows, safely: no cell ever becomes a formula."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from migrator.limits import replace_output

_FORMULA_START = ("=", "+", "-", "@")
HEADER_FILL = "DDEBF7"


@dataclass
class SheetSpec:
    """One sheet to write: a header row, data rows and optional styling.

    ``fills`` maps (row, col) of data cells (1-based, counting the header as row 1) to an RGB fill;
    ``validations`` maps a column letter range like ``"C2:C500"`` to the allowed list values.
    """

    name: str
    header: Sequence[str] = ()
    rows: Sequence[Sequence[Any]] = ()
    widths: dict[int, float] = field(default_factory=dict)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    bold_rows: set[int] = field(default_factory=set)
    validations: dict[str, list[str]] = field(default_factory=dict)
    freeze: str | None = "A2"


# Control characters cannot be stored in a workbook (nor shown in HTML): each is replaced by its visible
# symbol from the Control Pictures block (NUL → ␀, VT → ␋), so the reader sees that something was there.
# Tab, line feed and carriage return are kept; a lone surrogate (broken UTF-16) becomes U+FFFD.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_PICTURES = {**{c: 0x2400 + c for c in range(0x20) if c not in (9, 10, 13)}, 0x7F: 0x2421,
             **{c: 0xFFFD for c in range(0xD800, 0xE000)}}


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a character :func:`visible` replaces."""
    return _INVISIBLE.search(text) is not None


def visible(text: str) -> str:
    """``text`` with control characters replaced by visible symbols (and lone surrogates by U+FFFD)."""
    return text.translate(_PICTURES) if _INVISIBLE.search(text) else text


def safe_cell(value: Any) -> Any:
    """Return ``value`` as it must be stored: strings that could be read as a formula stay text."""
    if isinstance(value, str):
        return visible(value)  # stored with data_type "s" below, so "=..." stays text
    if isinstance(value, (int, float, dt.date, dt.datetime)) or value is None:
        return value
    return visible(str(value))


_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    """A sheet title Excel accepts: no ``[]:*?/\\``, no control character, at most 31 characters."""
    return _SHEET_TITLE.sub("_", visible(name))[:31] or "_"


MAX_WIDTH = 60


def _fitting_width(values: Iterable[Any]) -> float:
    """A column width that shows the longest line of ``values`` (full-width characters count two), capped."""
    widest = 0
    for value in values:
        if value is None:
            continue
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        for line in text.splitlines() or [""]:
            widest = max(widest, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line))
            if widest >= MAX_WIDTH:
                return MAX_WIDTH
    return max(widest + 2, 8)


def _cell(ws: Any, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
          alignment: Alignment | None = None) -> Any:
    """``value`` as a streamed sheet stores it: text stays text (openpyxl would take ``=...`` for a formula),
    a date shows as a date; a plain value where nothing needs saying (most cells: no cell object)."""
    value = safe_cell(value)
    text = isinstance(value, str)
    if not (font or fill or alignment or isinstance(value, dt.date) or (text and value.startswith("="))):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if text:
        cell.data_type = "s"
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    return cell


def write_workbook(path: Path, sheets: Sequence[SheetSpec], *, private: bool = False) -> Path:
    """Write ``sheets`` to ``path`` (.xlsx). ``private`` creates the file readable by its owner only.

    The sheets are streamed (openpyxl's write-only mode: memory grows with the rows given, not with a cell
    object per value, so a plan of 100,000 tasks is written in seconds) to a file beside ``path`` that
    replaces it only when complete: an interrupted write leaves no half-written workbook.
    """
    wb = openpyxl.Workbook(write_only=True)
    lists: list[Sequence[str]] = []  # option lists too long to write inline: one column each of a hidden sheet
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    header_alignment = Alignment(vertical="top", wrap_text=True)
    for spec in sheets:
        ws = wb.create_sheet(title=sheet_title(spec.name))
        all_rows = [list(spec.header), *[list(r) for r in spec.rows]] if spec.header else [list(r) for r in spec.rows]
        width = max((len(r) for r in all_rows), default=0)
        # A streamed sheet writes its top first: column widths and the frozen header before any row.
        for c, w in spec.widths.items():
            ws.column_dimensions[get_column_letter(c)].width = w
        if spec.header:
            # A table sheet: a filter on its header, and columns wide enough for their (Japanese) text.
            for c in range(1, len(spec.header) + 1):
                if c not in spec.widths:
                    ws.column_dimensions[get_column_letter(c)].width = _fitting_width(row[c - 1] for row in all_rows
                                                                                      if c - 1 < len(row))
            if spec.freeze:
                ws.freeze_panes = spec.freeze
        fills: dict[int, dict[int, PatternFill]] = {}
        for (r, c), rgb in spec.fills.items():
            fills.setdefault(r, {})[c] = PatternFill("solid", fgColor=rgb)
        for r, row in enumerate(all_rows, start=1):
            styled = fills.get(r, {})
            heading = len(spec.header) if r == 1 else 0  # the header's cells: bold, filled, wrapped
            font = bold if r in spec.bold_rows else None  # a bold row is bold across the sheet's width
            span = max(len(row), width if font else 0, max(styled, default=0))
            ws.append([_cell(ws, v, font=bold if c <= heading else font,
                             fill=styled.get(c) or (header_fill if c <= heading else None),
                             alignment=header_alignment if c <= heading else None)
                       for c, v in enumerate([*row, *[None] * (span - len(row))], start=1)])
        for rng, options in spec.validations.items():
            formula = '"' + ",".join(options) + '"'
            if len(formula) > 255 or any("," in o or '"' in o for o in options):
                # Excel caps inline lists at 255 characters: keep long lists on a hidden sheet.
                lists.append(options)
                letter = get_column_letter(len(lists))
                formula = f"'_lists'!${letter}$1:${letter}${max(len(options), 1)}"
            dv = DataValidation(type="list", formula1=formula, allow_blank=True)
            dv.add(rng)
            ws.data_validations.append(dv)
        if spec.header:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.header))}{max(len(all_rows), 2)}"
    if lists:
        hidden = wb.create_sheet(title="_lists")
        hidden.sheet_state = "hidden"
        for r in range(max(len(o) for o in lists)):
            hidden.append([_cell(hidden, str(o[r])) if r < len(o) else None for o in lists])
    return replace_output(path, wb.save, private=private)
