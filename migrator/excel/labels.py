"""Reading label/value title blocks: ``テーブル名称 | 住民``, ``団体コード：132012``, or the value below its label.

Title blocks above a table put a value beside its label or under it, and often put several labels side
by side with their values on the row below. A cell that is itself a label is never taken as a value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from migrator.excel.header import normalize_header
from migrator.excel.reader import Formula, SheetData
from migrator.location import Location

_SEPARATORS = (":", "：", "=")
_BELOW = 3
"""How many rows under a label its value may sit (a label merged over two rows, then the value)."""


@dataclass(frozen=True)
class LabelValue:
    """A value found for a label, with the cell of the label and of the value."""

    value: Any
    label: Location
    location: Location


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, Formula):
        return None
    text = str(value).strip().strip("　")
    return text or None


def find_label_value(
    sheet: SheetData,
    labels: Collection[str],
    *,
    not_values: Collection[str] = (),
    rows: int = 30,
    fold: Callable[[object], str] = normalize_header,
) -> LabelValue | None:
    """The value of the first cell (row by row) in the top ``rows`` rows whose folded text is one of ``labels``.

    The value is the text after ``:``/``：`` in the label's own cell, else the first filled cell to its right
    (outside the label's merged range), else the first filled cell below it. A cell whose folded text is
    one of ``labels`` or ``not_values`` is a label, never a value: a label to the right stops the search
    to the right, and a label below stops the search below. ``labels`` and ``not_values`` are folded
    with ``fold``.
    """
    wanted = {fold(label) for label in labels}
    known = wanted | {fold(label) for label in not_values}

    def is_label(text: str) -> bool:
        if fold(text) in known:
            return True
        head, sep, _ = next(((text.partition(s)) for s in _SEPARATORS if s in text), ("", "", ""))
        return bool(sep) and fold(head) in known

    for r in range(1, min(rows, sheet.max_row) + 1):
        for c in range(1, sheet.max_col + 1):
            text = _text(sheet.value(r, c))
            if text is None or sheet.merged_origin.get((r, c)) is not None:
                continue
            for sep in _SEPARATORS:
                head, found, tail = text.partition(sep)
                if found and fold(head) in wanted and tail.strip():
                    return LabelValue(tail.strip(), sheet.location(r, c), sheet.location(r, c))
            if fold(text) not in wanted:
                continue
            beside = ((r, c2) for c2 in range(c + 1, sheet.max_col + 1))
            below = ((r2, c) for r2 in range(r + 1, min(r + _BELOW, sheet.max_row) + 1))
            for cells in (beside, below):
                hit = _first_value(sheet, cells, (r, c), is_label)
                if hit is not None:
                    (vr, vc), value = hit
                    return LabelValue(value, sheet.location(r, c), sheet.location(vr, vc))
    return None


def _first_value(sheet: SheetData, cells: Iterable[tuple[int, int]], origin: tuple[int, int],
                 is_label: Callable[[str], bool]) -> tuple[tuple[int, int], Any] | None:
    """The first non-empty cell of ``cells`` outside the label's own merged block, unless a label comes first."""
    for cell in cells:
        if sheet.merged_origin.get(cell) == origin:
            continue
        value = sheet.value(*cell)
        shown = _text(value)
        if shown is None:
            continue
        return None if is_label(shown) else (cell, value)
    return None
