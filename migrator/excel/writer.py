"""Writing workbooks from plain rows, safely: no cell ever becomes a formula."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

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


def _list_range(wb: Any, options: Sequence[str]) -> str:
    lists = wb["_lists"] if "_lists" in wb.sheetnames else wb.create_sheet("_lists")
    lists.sheet_state = "hidden"
    col = lists.max_column + 1 if lists.max_row > 1 or lists.cell(1, 1).value is not None else 1
    for r, option in enumerate(options, start=1):
        cell = lists.cell(row=r, column=col)
        cell.value = option
        cell.data_type = "s"
    letter = get_column_letter(col)
    return f"'_lists'!${letter}$1:${letter}${max(len(options), 1)}"


def write_workbook(path: Path, sheets: Sequence[SheetSpec], *, private: bool = False) -> Path:
    """Write ``sheets`` to ``path`` (.xlsx). ``private`` creates the file readable by its owner only."""
    wb = openpyxl.Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    for spec in sheets:
        ws = wb.create_sheet(title=sheet_title(spec.name))
        all_rows = [list(spec.header), *[list(r) for r in spec.rows]] if spec.header else [list(r) for r in spec.rows]
        for r, row in enumerate(all_rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                cell.value = safe_cell(value)
                if isinstance(cell.value, str):
                    # Force text: openpyxl would otherwise mark "=..." as a formula.
                    cell.data_type = "s"
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        if spec.header:
            for c in range(1, len(spec.header) + 1):
                cell = ws.cell(row=1, column=c)
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        for r in spec.bold_rows:
            for c in range(1, ws.max_column + 1):
                ws.cell(row=r, column=c).font = Font(bold=True)
        for (r, c), rgb in spec.fills.items():
            ws.cell(row=r, column=c).fill = PatternFill("solid", fgColor=rgb)
        for c, width in spec.widths.items():
            ws.column_dimensions[get_column_letter(c)].width = width
        for rng, options in spec.validations.items():
            formula = '"' + ",".join(options) + '"'
            if len(formula) > 255 or any("," in o or '"' in o for o in options):
                # Excel caps inline lists at 255 characters: keep long lists on a hidden sheet.
                formula = _list_range(wb, options)
            dv = DataValidation(type="list", formula1=formula, allow_blank=True)
            ws.add_data_validation(dv)
            dv.add(rng)
        if spec.freeze and spec.header:
            ws.freeze_panes = spec.freeze
        if spec.header:
            # A table sheet: a filter on its header, and columns wide enough for their (Japanese) text.
            ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.header))}{max(len(all_rows), 2)}"
            for c in range(1, len(spec.header) + 1):
                if c not in spec.widths:
                    ws.column_dimensions[get_column_letter(c)].width = _fitting_width(row[c - 1] for row in all_rows
                                                                                      if c - 1 < len(row))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if private:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
    wb.save(path)
    return path
