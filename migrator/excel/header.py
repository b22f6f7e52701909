"""Finding the header row of a sheet and matching header variants through a synonym table."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from migrator.excel.reader import SheetData

_SPACES = re.compile(r"[\s　]+")


def normalize_header(text: object) -> str:
    """Fold a header cell for matching: width (ＴＹＰＥ → type), case, spaces, line breaks, brackets.

    Only headers are folded this way; data values are never NFKC-normalized.
    """
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    folded = _SPACES.sub("", folded)
    return folded.strip("()[]【】（）:：*＊※")


@dataclass(frozen=True)
class HeaderMatch:
    """The header found in a sheet: its row (1-based; the lower row of a two-row header) and columns."""

    row: int
    columns: dict[str, int]
    labels: dict[str, str] = field(default_factory=dict)
    unmatched: dict[int, str] = field(default_factory=dict)
    rows_used: int = 1
    hidden_unread: dict[int, str] = field(default_factory=dict)
    """Hidden columns (see ``SheetData.hidden_cols``) whose label names a field a visible column was read for: the
    column → the field. Not read, and not in ``unmatched``."""

    @property
    def first_data_row(self) -> int:
        return self.row + 1


_REMARK = re.compile(r"[(（\[［【][^)）\]］】]*[)）\]］】]")
_PARTS = re.compile(r"[\r\n/／]+")


def _match(label: str, lookup: Mapping[str, str]) -> str | None:
    return lookup.get(normalize_header(label))


def _loose(label: str, lookup: Mapping[str, str]) -> tuple[str, int] | None:
    """The field ``label`` names and how: 0 the whole label, 1 one of its lines or ``/``-separated parts, 2 the
    label without its bracketed remarks (``桁数(バイト)``) only, the first that is a label: bilingual headers
    (``項目名\n(Item Name)``, ``データ型 / Data type``) name their field in either language. A part
    written as a label (``項目名(物理)`` of ``項目名(物理)\n(Column)``) says more than what is left without a remark."""
    hit = _match(label, lookup)
    if hit is not None:
        return hit, 0
    pieces = [p for p in _PARTS.split(label) if p.strip()]
    if len(pieces) > 1:
        for part in pieces:
            hit = _match(part, lookup)
            if hit is not None:
                return hit, 1
    bare = _REMARK.sub(" ", label)
    if bare.strip() and bare != label:
        hit = _match(bare, lookup)
        if hit is not None:
            return hit, 2
    return None


def _named(label: str, lookup: Mapping[str, str], parts: bool) -> str | None:
    """The field ``label`` names, by the whole label or (``parts``) loosely."""
    if not parts:
        return _match(label, lookup)
    found = _loose(label, lookup)
    return None if found is None else found[0]


def _assign(cells: Mapping[int, list[str]], lookup: Mapping[str, str], parts: bool, columns: dict[str, int],
            labels: dict[str, str]) -> None:
    """Give the fields still open in ``columns`` the columns of ``cells`` (column → its label texts) that name them.

    A label as written first, then by a part, then without its remark: 項目名 beats 項目名(旧) wherever they stand,
    and two columns that name one field only as loosely as each other (桁数(整数部), 桁数(小数部)) name neither."""
    for c, texts in cells.items():
        for text in texts:
            hit = _match(text, lookup)
            if hit and hit not in columns:
                columns[hit], labels[hit] = c, text.strip()
                break
    loose: dict[str, list[tuple[int, int, str]]] = {}
    for c, texts in cells.items() if parts else ():
        if c in columns.values():
            continue
        for text in texts:
            matched = _loose(text, lookup)
            if matched is not None and matched[0] not in columns:
                loose.setdefault(matched[0], []).append((matched[1], c, text.strip()))
                break
    for hit, found in sorted(loose.items(), key=lambda h: h[1][0][1]):
        strongest = [f for f in found if f[0] == min(f[0] for f in found)]
        if len(strongest) == 1:
            columns[hit], labels[hit] = strongest[0][1:]


def find_header(
    sheet: SheetData,
    synonyms: Mapping[str, Sequence[str]],
    *,
    required: Sequence[str] = (),
    max_rows: int = 30,
    two_row: bool = True,
    parts: bool = True,
) -> HeaderMatch | None:
    """Find the row that best matches ``synonyms`` (field → accepted labels) in the first ``max_rows`` rows.

    A two-row header (a group label such as ``PostgreSQL`` above ``TYPE`` / ``SIZE``) is recognised by
    trying each row's labels, then the labels of the row below for columns the first row left open. The
    row with the most matched fields wins; a row missing any of ``required`` is not a header. ``parts``: a
    label may also match by a line, a ``/`` part or without its bracketed remark (not for a data extract's
    column names, where ``住所(番地)`` is not ``住所``).
    """
    lookup: dict[str, str] = {}
    for fieldname, accepted in synonyms.items():
        for label in (fieldname, *accepted):
            lookup.setdefault(normalize_header(label), fieldname)
    best: HeaderMatch | None = None
    limit = min(max_rows, sheet.max_row)
    for r in range(1, limit + 1):
        candidates = [(r, 1)]
        if two_row and r < sheet.max_row:
            candidates.append((r + 1, 2))
        for last, used in candidates:
            columns: dict[str, int] = {}
            labels: dict[str, str] = {}
            unmatched: dict[int, str] = {}
            cells: dict[int, list[str]] = {}
            for c in range(1, sheet.max_col + 1):
                texts = [sheet.value(r, c)]
                if used == 2:
                    texts = [sheet.value(r + 1, c), sheet.value(r, c)]
                cells[c] = [str(t) for t in texts if t is not None and str(t).strip()]
            # The columns a reader sees name the fields first; a hidden column (an old 桁数 kept beside the new
            # one) only names a field no visible column does, and is otherwise listed in ``hidden_unread``.
            visible = {c: t for c, t in cells.items() if c not in sheet.hidden_cols}
            hidden = {c: t for c, t in cells.items() if c in sheet.hidden_cols}
            _assign(visible, lookup, parts, columns, labels)
            seen = set(columns)
            _assign(hidden, lookup, parts, columns, labels)
            hidden_unread: dict[int, str] = {}
            for c, texts in hidden.items():
                if c in columns.values():
                    continue
                named = [_named(text, lookup, parts) for text in texts]
                taken = next((n for n in named if n is not None), None)
                if taken in seen:
                    hidden_unread[c] = str(taken)
            for c, texts in cells.items():
                if texts and c not in columns.values() and c not in hidden_unread:
                    unmatched[c] = texts[0].strip()
            if any(req not in columns for req in required) or not columns:
                continue
            match = HeaderMatch(row=last, columns=columns, labels=labels, unmatched=unmatched, rows_used=used,
                                hidden_unread=hidden_unread)
            # A row above the header that adds no field (a title row: テーブル名 | 世帯) is no part of it: the
            # lower row alone, read next, wins a tie with the two rows read together.
            if best is None or len(columns) > len(best.columns) or (
                    len(columns) == len(best.columns) and last == best.row and used < best.rows_used):
                best = match
    return best
