"""The JIS X 0213 classes derived from Python's codecs agree with the published JIS X 0213:2004 mapping table."""

from __future__ import annotations

import re

from migrator.jp import in_charset, jis_x0213_level
from tests.conftest import REFERENCE

TABLE = REFERENCE / "mj" / "jisx0213-2004-8bit-std.txt"
LINE = re.compile(r"^0x([0-9A-F]{4})\tU\+([0-9A-F]{4,5})\t#[^\t]*(?:\t\[\d+\])?(?:\t(?:Fullwidth|Windows): U\+([0-9A-F]{4}))?")


def _entries() -> list[tuple[int, str, str | None]]:
    """(JIS code, character, the full-width or Windows form the table notes) for every one-code-point entry."""
    out = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        m = LINE.match(line)
        if m:
            alt = chr(int(m.group(3), 16)) if m.group(3) else None
            out.append((int(m.group(1), 16), chr(int(m.group(2), 16)), alt))
    return out


def _single_code_point_entries() -> list[tuple[int, str]]:
    return [(code, ch) for code, ch, _alt in _entries()]


def test_every_character_of_the_table_is_in_jis_x0213() -> None:
    entries = _entries()
    assert len(entries) > 11_000
    # Where the table notes a full-width or Windows form (，for ',' and ￥ for '¥'), migrator's class holds that
    # form: extracts come from CP932 systems, which write it.
    missing = [ch for _code, ch, alt in entries
               if not in_charset(ch, "jis_x0213") and not (alt and in_charset(alt, "jis_x0213"))]
    assert missing == []


def test_kanji_levels_follow_the_rows_of_the_table() -> None:
    # Plane 1 rows 16-47 are the first level (0x3021-0x4F53), rows 48-84 the second (0x5021-0x7426).
    level1 = [ch for code, ch in _single_code_point_entries() if 0x3021 <= code <= 0x4F53]
    level2 = [ch for code, ch in _single_code_point_entries() if 0x5021 <= code <= 0x7426]
    assert len(level1) == 2965 and len(level2) == 3390
    assert {jis_x0213_level(ch) for ch in level1} == {1}
    assert {jis_x0213_level(ch) for ch in level2} == {2}
