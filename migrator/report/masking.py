"""Masking of personal data in every report, log line and message.

Values of items marked ``sensitive`` are masked unless the user explicitly asks for them
(``--show-values``). Masks keep just enough to recognise a record in a conversation with the vendor:
the last four digits of a number, the family name of a name, the year of a date.
"""

from __future__ import annotations

import re
from typing import Literal

MaskKind = Literal["auto", "number", "name", "date", "text"]
MASK = "*"
_DIGITS = re.compile(r"^[0-9０-９\-－ ]+$")
_DATE = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
# YYYYMMDD: checked before the number rule, which would keep the month and day of a birth date.
_COMPACT_DATE = re.compile(r"^((?:18|19|20)[0-9]{2})(?:0[0-9]|1[0-9])[0-9]{2}$")
_NAME_SEP = re.compile(r"[ 　]")
_JOINED = " | "  # how the values of several items are shown together


def mask(value: object, kind: MaskKind = "auto") -> str:
    """Return ``value`` masked; ``None`` and empty strings are returned as ``""``.

    Examples: ``mask("123456789018")`` → ``********9018``; ``mask("山田　太郎", "name")`` → ``山田　**``;
    ``mask("1980-04-01")`` → ``1980-**-**``; ``mask("19600231")`` → ``1960****``; ``mask("東京都千代田区")`` → ``東******``;
    values of several items joined by `` | `` are masked one by one: ``mask("2024/12/25 | 5010501")`` →
    ``2024-**-** | *******``.
    """
    if value is None:
        return ""
    text = str(value)
    if not text:
        return ""
    if _JOINED in text:  # the values of several items, joined (a cross-item rule's example): each masked
        return _JOINED.join(mask(part, kind) for part in text.split(_JOINED))
    if kind == "auto":
        if _DATE.match(text) or _COMPACT_DATE.match(text):
            kind = "date"
        elif _DIGITS.match(text):
            kind = "number"
        elif _NAME_SEP.search(text.strip()):
            kind = "name"
        else:
            kind = "text"
    if kind == "number":
        digits = [c for c in text]
        keep = 4 if len(digits) >= 8 else 0
        return MASK * (len(digits) - keep) + "".join(digits[len(digits) - keep :])
    if kind == "date":
        m = _DATE.match(text)
        if m:
            return f"{m.group(1)}-**-**"
        compact = _COMPACT_DATE.match(text)
        if compact:
            return f"{compact.group(1)}{MASK * 4}"
        return MASK * len(text)
    if kind == "name":
        stripped = text.strip()
        parts = _NAME_SEP.split(stripped, maxsplit=1)
        if len(parts) == 2:
            sep = stripped[len(parts[0])]
            return f"{parts[0]}{sep}{MASK * 2}"
        return stripped[:1] + MASK * max(len(stripped) - 1, 2)
    return text[:1] + MASK * max(len(text) - 1, 2)


def maybe_mask(value: object, *, sensitive: bool, show_values: bool = False, kind: MaskKind = "auto") -> str | None:
    """Return ``value`` as text, masked when ``sensitive`` and not ``show_values``; ``None`` stays ``None``."""
    if value is None:
        return None
    if sensitive and not show_values:
        return mask(value, kind)
    return str(value)
