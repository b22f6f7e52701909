"""Recognising inventory sheets and their header rows as municipalities and vendors write them.

Labels are compared after :func:`fold_label`, which forgives what differs between organisations without
changing what a label means: width and case (ＩＤ/id), spaces and line breaks (``現行\\nベンダー``), long-vowel
marks and middle dots (ベンダー/ベンダ), notes in brackets or after ※ (``移行予定日（予定）``), and a trailing
業務/システム/名/名称/該当 (``連携元システム名`` meets ``連携元``, ``特定移行支援システム該当`` ``特定移行支援``). An exact folded match always wins over a match
that needed a suffix removed.

The columns a reader of the sheet sees name the fields first: a hidden column (an old ``移行予定日`` kept hidden
beside the current one) names only a field no visible column names, and is otherwise listed in
``Header.hidden_unread`` and not read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from migrator.excel import SheetData

_BRACKETS = re.compile(r"[(（\[［【〔<＜《][^)）\]］】〕>＞》]*[)）\]］】〕>＞》]")
_NOTE = re.compile(r"[※＊*].*$", re.DOTALL)
_DROP = re.compile(r"[\s　ー－―‐\-・･_:：.．、,，'\"“”「」『』?？]+")
_SUFFIX = re.compile(r"(?:の)?(?:業務|システム|名称|名|欄|等|一覧|該当(?:の)?(?:有無)?)$")


def fold_label(text: object) -> str:
    """Fold a header or sheet label for matching (never applied to data values)."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    folded = _NOTE.sub("", folded)
    stripped = _BRACKETS.sub("", folded)
    folded = stripped if _DROP.sub("", stripped) else folded  # a label that is all brackets keeps them
    return _DROP.sub("", folded).strip("()[]【】")


def stem_label(folded: str) -> str:
    """``folded`` without trailing 業務/システム/名/名称 (as long as something is left)."""
    while True:
        shorter = _SUFFIX.sub("", folded)
        if shorter == folded or not shorter:
            return folded
        folded = shorter


@dataclass(frozen=True)
class Header:
    """A header row found in a sheet: its (lower) row, the column of each field, labels not understood."""

    row: int
    columns: dict[str, int]
    unmatched: dict[int, str] = field(default_factory=dict)
    rows_used: int = 1
    hint_rows: int = 0
    """Rows of units or entry hints under the labels (``(YYYY/MM/DD)``), part of the header."""
    hidden_unread: dict[int, str] = field(default_factory=dict)
    """Hidden columns (``SheetData.hidden_cols``) whose label names a field a visible column was read for: the
    column → that field. Not read, and not in ``unmatched``."""

    @property
    def first_data_row(self) -> int:
        return self.row + 1 + self.hint_rows

    @property
    def top_row(self) -> int:
        return self.row - self.rows_used + 1


class Lookup:
    """Label → field for one kind of sheet: exact folded labels first, then their stems."""

    def __init__(self, columns: Mapping[str, Sequence[str]]) -> None:
        self.exact: dict[str, str] = {}
        self.stems: dict[str, str] = {}
        for fieldname, labels in columns.items():
            for label in labels:
                folded = fold_label(label)
                self.exact.setdefault(folded, fieldname)
        for folded, fieldname in list(self.exact.items()):
            self.stems.setdefault(stem_label(folded), fieldname)

    def match(self, label: object) -> str | None:
        folded = fold_label(label)
        if not folded:
            return None
        hit = self.exact.get(folded)
        if hit is None:
            hit = self.stems.get(stem_label(folded))
        return hit

    def all_labels(self) -> set[str]:
        return set(self.exact)


@dataclass(frozen=True)
class _RowMatch:
    columns: dict[str, int]
    unmatched: dict[int, str]
    hidden_unread: dict[int, str]


def _candidates(sheet: SheetData, rows: Sequence[int], c: int) -> tuple[str, list[object]]:
    """The heading of column ``c`` as written (empty if none) and the labels it may be read by: the lowest row's
    first, the group label above it with it first of all."""
    # A cell continuing a range merged across columns (a group label, a title) is not this column's label.
    texts = [sheet.value(r, c) for r in reversed(rows) if sheet.merged_origin.get((r, c), (r, c))[1] == c]
    written = [t for t in texts if t is not None and str(t).strip()]
    candidates: list[object] = list(written)
    if written and len(rows) == 2 and sheet.value(rows[1], c) is not None:
        # Under a group label merged across columns (事業者 over 現行 | 移行後), the label may only make sense
        # with the group: 移行後 + 事業者 = 移行後事業者. Tried before the label alone, which the group
        # qualifies (事業者 under 移行後 is the target vendor, not the current one), and the group alone.
        group_at = sheet.merged_origin.get((rows[0], c), (rows[0], c))
        group, sub = sheet.value(*group_at), sheet.value(rows[1], c)
        if group is not None and str(group).strip() and str(group).strip() != str(sub).strip():
            candidates = [f"{sub}{group}", f"{group}{sub}", *candidates]
    return " ".join(dict.fromkeys(str(t).strip() for t in reversed(written))), candidates


def _row_match(sheet: SheetData, lookup: Lookup, rows: Sequence[int]) -> _RowMatch:
    """Match each column's label, taking the lowest of ``rows`` that matches (two-row headers).

    Visible columns are matched first, left to right; then hidden columns, for the fields still open."""
    columns: dict[str, int] = {}
    unmatched: dict[int, str] = {}
    hidden_unread: dict[int, str] = {}
    labelled = {c: _candidates(sheet, rows, c) for c in range(1, sheet.max_col + 1)}
    labelled = {c: found for c, found in labelled.items() if found[0]}
    taken_by_visible: set[str] = set()
    for hidden in (False, True):
        for c, (shown, candidates) in labelled.items():
            if (c in sheet.hidden_cols) != hidden:
                continue
            hits = [hit for hit in (lookup.match(label) for label in candidates) if hit is not None]
            free = next((hit for hit in hits if hit not in columns), None)
            shadowed = next((hit for hit in hits if hit in taken_by_visible), None)
            if free is not None:
                columns[free] = c
            elif hidden and shadowed is not None:
                hidden_unread[c] = shadowed
            else:
                unmatched[c] = shown
        if not hidden:
            taken_by_visible = set(columns)
    return _RowMatch(columns=columns, unmatched=dict(sorted(unmatched.items())), hidden_unread=hidden_unread)


def heading(sheet: SheetData, header: Header, col: int) -> tuple[str, int]:
    """The heading of column ``col`` as written (a group label before its sub-label) and the row of its cell."""
    rows = range(header.top_row, header.row + 1)
    written = [(r, str(sheet.value(r, col)).strip()) for r in rows
               if sheet.merged_origin.get((r, col), (r, col))[1] == col
               and sheet.value(r, col) is not None and str(sheet.value(r, col)).strip()]
    if not written:
        return "", header.row
    return " ".join(dict.fromkeys(t for _, t in written)), written[-1][0]


_UNIT_BRACKETED = re.compile(r"^[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]$")
_UNIT_WORDS = re.compile(
    r"^(?:単位[:：].*|件|件数|人|名|円|千円|日|月|年|年月日|yyyy/?mm/?dd|yyyy-mm-dd|yyyymmdd|西暦|和暦|必須|任意|"
    r"数値|数字|文字|文字列|日付|半角|全角|半角数字|半角英数|○/?×|〇/?×|○[、,]?×|選択|プルダウン|自由記述)$",
    re.IGNORECASE)


def _is_units_row(sheet: SheetData, row: int) -> bool:
    """Is ``row`` the line of units or entry hints under the labels (``(YYYY/MM/DD)``, ``(○/×)``, ``件``,
    ``単位：円``)? Every filled cell is such a hint, each written as text."""
    filled = [v for v in sheet.rows[row - 1] if v is not None and str(v).strip()] if row <= sheet.max_row else []
    if not filled or not all(isinstance(v, str) for v in filled):
        return False
    hints = [re.sub(r"[\s　]+", "", unicodedata.normalize("NFKC", v)) for v in filled]
    return all(_UNIT_BRACKETED.match(t) or _UNIT_WORDS.match(t) for t in hints)


def find_header(sheet: SheetData, lookup: Lookup, *, required: Sequence[str], max_rows: int) -> Header | None:
    """The row (or pair of rows) in the top ``max_rows`` whose labels match the most fields of ``lookup``.

    A row missing one of ``required`` is not a header. Ties go to the upper row.
    """
    best: Header | None = None
    for r in range(1, min(max_rows, sheet.max_row) + 1):
        for used in (1, 2):
            if used == 2 and r + 1 > sheet.max_row:
                continue
            rows = list(range(r, r + used))
            found = _row_match(sheet, lookup, rows)
            columns = found.columns
            if not columns or any(req not in columns for req in required):
                continue
            if best is None or len(columns) > len(best.columns):
                best = Header(row=rows[-1], columns=columns, unmatched=found.unmatched, rows_used=used,
                              hidden_unread=found.hidden_unread)
    while best is not None and _is_units_row(sheet, best.first_data_row):
        # A row of units or entry hints under the labels belongs to the header, not to the data.
        best = replace(best, hint_rows=best.hint_rows + 1)
    return best


def best_guess(sheet: SheetData, lookups: Mapping[str, Lookup], *, max_rows: int) -> tuple[int, list[str]] | None:
    """For a sheet that matched no kind: the row with the most filled cells in the top rows and its labels."""
    best: tuple[int, int] | None = None
    for r in range(1, min(max_rows, sheet.max_row) + 1):
        filled = sum(1 for v in sheet.rows[r - 1] if v is not None and str(v).strip())
        if filled and (best is None or filled > best[1]):
            best = (r, filled)
    if best is None:
        return None
    labels = [str(v).strip() for v in sheet.rows[best[0] - 1] if v is not None and str(v).strip()]
    return best[0], list(dict.fromkeys(labels))
