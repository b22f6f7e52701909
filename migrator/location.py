"""Where a finding or an error points: a file, a line, a sheet cell, or a row and column."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from migrator.i18n import Lang

# Characters a file or sheet name may hold that would change what a terminal shows when the place is printed:
# control characters (a line break forging a line of its own, ESC starting a colour or cursor sequence) and the
# bidirectional controls (U+202E shows "evil\u202eslx.xlsx" as "evilxlsx.xls").
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures symbol: ␊, ␛, ␀
    return "\u2421" if code == 0x7F else f"<U+{code:04X}>"


def shown(name: str) -> str:
    """``name`` (a file or sheet name from the user's disk) as it may be printed: each control or bidirectional
    character shown by a visible symbol (``␊``, ``␛``, ``<U+202E>``), so that a name cannot forge lines, colour
    the terminal or reorder the text around it."""
    return _UNSHOWABLE.sub(_symbol, name)


@dataclass(frozen=True)
class Location:
    """A place precise enough to open the input at the spot.

    Use ``line`` for text files (YAML, CSV lines), ``sheet`` + ``cell`` for workbooks and ``row`` +
    ``column`` for records of an extract (``row`` is the 1-based data row, ``line`` the physical line;
    ``column`` the extract's own column, ``bytes`` its byte range in a fixed-width record). A record of an
    Excel extract has ``sheet`` + ``cell`` (the value's cell) and keeps ``line`` as its sheet row, which the
    text leaves out: the cell names it.
    """

    file: str | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    bytes: str | None = None  # a fixed-width field's byte range in its record (1-based, inclusive): "233-239"

    def is_empty(self) -> bool:
        return all(v is None for v in asdict(self).values())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["text"] = str(self)
        return data

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: Lang = "en") -> str:
        """The place as a person reads it, in ``lang``: ``file:line``, ``sheet!cell``, "row 7, column 氏名" /
        "7 行目、列 氏名"."""
        ja = lang == "ja"
        parts: list[str] = []
        head = shown(self.file or "")
        if self.line is not None and self.sheet is None:
            head = f"{head}:{self.line}" if head else (f"{self.line} 行目" if ja else f"line {self.line}")
        if head:
            parts.append(head)
        if self.sheet is not None:
            parts.append(f"{shown(self.sheet)}!{self.cell}" if self.cell else shown(self.sheet))
        elif self.cell is not None:
            parts.append(self.cell)
        rc: list[str] = []
        if self.row is not None:
            rc.append(f"{self.row} 行目" if ja else f"row {self.row}")
        if self.column is not None:
            rc.append(f"列 {self.column}" if ja else f"column {self.column}")
        if self.bytes is not None:
            rc.append(f"{self.bytes} バイト目" if ja else f"bytes {self.bytes}")
        if rc:
            parts.append(("、" if ja else ", ").join(rc))
        return " ".join(parts)
