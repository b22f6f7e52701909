"""Character classes for an item's ``charset`` and detectors that say which characters offend.

Classes: ``digits`` (ASCII 0-9 only), ``alnum`` (ASCII letters and digits), ``kana_full`` (full-width katakana,
ー, ・, space and ideographic space), ``kana_half`` (half-width katakana and space), ``jis_x0208``,
``jis_x0213`` (levels 1–4, optionally capped with ``level``), ``mj`` (the 文字情報基盤 table read from a path:
every MJ character, with or without its IVS, plus the JIS X 0213 non-kanji for kana and symbols), ``any``.

JIS sets are derived from the Python codecs (``euc_jp`` for JIS X 0208, ``euc_jis_2004`` for JIS X 0213) and
widened by the mappings jntajis-python uses for the same code points (for example ～ U+FF5E and 〜 U+301C
for 1-1-33), because CP932 data decodes to the former.

Scalar: :func:`in_charset`, :func:`offending_chars`, :func:`character_issues`. Polars: :func:`in_charset_expr`,
:func:`offending_chars_expr` (a list of the offending characters, in order), :func:`pua_chars_expr`,
:func:`misplaced_vs_expr`, :func:`compat_ideographs_expr`.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import polars as pl

from .errors import CharsetError

MJ_TABLE_ENV = "MIGRATOR_MJ_TABLE"


class Charset(StrEnum):
    DIGITS = "digits"
    ALNUM = "alnum"
    KANA_FULL = "kana_full"
    KANA_HALF = "kana_half"
    JIS_X0208 = "jis_x0208"
    JIS_X0213 = "jis_x0213"
    MJ = "mj"
    ANY = "any"


# ---------------------------------------------------------------- character sets as code point ranges

def _ranges(codepoints: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in sorted(set(codepoints)):
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def _lit(cp: int) -> str:
    ch = chr(cp)
    if cp < 0x20 or cp == 0x7F:
        return f"\\x{cp:02X}"
    if ch in "\\]^-[&~|.$*+?(){}#":
        return "\\" + ch
    return ch


def _class(ranges: list[tuple[int, int]], negate: bool = False) -> str:
    """A regex character class that means the same in Python ``re`` and polars (Rust regex)."""
    body = "".join(_lit(a) if a == b else f"{_lit(a)}-{_lit(b)}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def _cps(*spans: tuple[int, int], extra: str = "") -> set[int]:
    cps = {ord(c) for c in extra}
    for a, b in spans:
        cps.update(range(a, b + 1))
    return cps


@functools.cache
def _jis_table() -> dict[str, tuple[int, int, int]]:
    """Unicode character → (plane, row, cell) for JIS X 0213:2004, with the JIS X 0208 variants added."""
    import jntajis

    table: dict[str, tuple[int, int, int]] = {}
    for row in range(1, 95):
        for cell in range(1, 95):
            for plane, raw in ((1, bytes([0xA0 + row, 0xA0 + cell])), (2, bytes([0x8F, 0xA0 + row, 0xA0 + cell]))):
                try:
                    text = raw.decode("euc_jis_2004")
                except UnicodeDecodeError:
                    continue
                for ch in text:
                    table.setdefault(ch, (plane, row, cell))
            try:
                alt = jntajis.jnta_decode("jis", bytes([0x20 + row, 0x20 + cell]))
            except Exception:
                continue
            for ch in alt:
                table.setdefault(ch, (1, row, cell))
    return table


def jis_x0213_level(ch: str) -> int | None:
    """The JIS X 0213 level of one character: 1–4 for kanji, 0 for non-kanji, None if not in JIS X 0213.

    Level 1 = plane 1 rows 16–47, level 2 = rows 48–84, level 3 = the other plane-1 kanji, level 4 = plane 2.
    """
    pos = _jis_table().get(ch)
    if pos is None:
        return None
    plane, row, _ = pos
    if plane == 2:
        return 4
    if 16 <= row <= 47:
        return 1
    if 48 <= row <= 84:
        return 2
    if row in (14, 15) or row >= 85:
        return 3
    return 0


@functools.cache
def _jis_x0208_cps() -> frozenset[int]:
    import jntajis

    cps: set[int] = set()
    for row in range(1, 95):
        for cell in range(1, 95):
            try:
                ch = bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jp")
            except UnicodeDecodeError:
                continue
            if len(ch) != 1:
                continue
            cps.add(ord(ch))
            try:  # the CP932-style mapping of the same JIS code point (～ for 〜, － for −, …)
                cps.update(ord(c) for c in jntajis.jnta_decode("jis", bytes([0x20 + row, 0x20 + cell])))
            except Exception:
                continue
    return frozenset(cps)


@functools.cache
def _jis_x0213_cps(level: int) -> frozenset[int]:
    cps = set()
    for ch in _jis_table():
        lv = jis_x0213_level(ch)
        if lv is not None and lv <= level:
            cps.add(ord(ch))
    return frozenset(cps | {0x20})


_KANA_FULL = _cps((0x30A1, 0x30FA), extra="ーヽヾ・　 ")
_KANA_HALF = _cps((0xFF66, 0xFF9F), extra=" ")
_DIGITS = _cps((0x30, 0x39))
_ALNUM = _cps((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A))

VS_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
PUA_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
COMPAT_IDEOGRAPH_RANGES = ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
# What may carry a variation selector: ideographs (incl. compatibility and PUA 外字) and 々〆〇.
IDEOGRAPH_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
                    (0xE000, 0xF8FF), (0x3005, 0x3007))

_VS = _class(list(VS_RANGES))
_PUA_RE = _class(list(PUA_RANGES))
_COMPAT_RE = _class(list(COMPAT_IDEOGRAPH_RANGES))
_NON_IDEOGRAPH_NON_VS = _class(sorted(list(IDEOGRAPH_RANGES) + list(VS_RANGES)), negate=True)
# A selector is misplaced at the start, after another selector, or after a non-ideograph. The pattern
# consumes the preceding character so that Python re and Rust regex find the same non-overlapping matches.
_MISPLACED_VS_RE = f"(?:^|{_NON_IDEOGRAPH_NON_VS}){_VS}+|{_VS}{_VS}+"
_UNIT_RE = f"(?s:.){_VS}?"


# ---------------------------------------------------------------- MJ table

@dataclass(frozen=True)
class MjTable:
    """The MJ characters: ``units`` holds each character as written (base or base + IVS), ``bases`` the bases."""

    units: frozenset[str]
    bases: frozenset[str]
    path: str

    def __contains__(self, unit: str) -> bool:
        return unit in self.units or (len(unit) == 1 and unit in self.bases)


def _ucs_field(text: str) -> str:
    # "3404_E0101", "U+3404", "U+3404_U+E0101" → the characters
    parts = [p.strip().upper().removeprefix("U+") for p in re.split(r"[_\s]+", text.strip()) if p.strip()]
    return "".join(chr(int(p, 16)) for p in parts)


@functools.cache
def load_mj_table(path: str | os.PathLike[str] | None = None) -> MjTable:
    """Read the MJ table from a CSV (``path``, else ``$MIGRATOR_MJ_TABLE``).

    Accepted columns: ``kanji`` (the character, with its IVS), or ``ucs`` / ``実装したUCS`` / ``対応するUCS``
    (hex such as ``3404_E0101`` or ``U+3404``), plus optionally ``実装したSVS/IVS``. A UTF-8 BOM is accepted.

    Raises:
        CharsetError: no path configured, file missing, or no usable column.
    """
    chosen = path if path is not None else os.environ.get(MJ_TABLE_ENV)
    if not chosen:
        raise CharsetError(f"no MJ table configured: pass a path or set {MJ_TABLE_ENV}")
    p = Path(chosen)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = reader.fieldnames or []
            units: set[str] = set()
            if "kanji" in fields:
                units = {row["kanji"] for row in reader if row.get("kanji")}
            else:
                col = next((c for c in ("ucs", "実装したUCS", "対応するUCS") if c in fields), None)
                if col is None:
                    raise CharsetError(f"{p}: no 'kanji' or 'ucs' column in the MJ table (columns: {fields})")
                ivs_col = "実装したSVS/IVS" if "実装したSVS/IVS" in fields else None
                for n, row in enumerate(reader, start=2):
                    try:
                        if row.get(col):
                            units.add(_ucs_field(row[col]))
                        if ivs_col and row.get(ivs_col):
                            units.add(_ucs_field(row[ivs_col]))
                    except ValueError as exc:
                        raise CharsetError(f"{p}:{n}: bad code point notation in {col!r}: {exc}") from exc
    except OSError as exc:
        raise CharsetError(f"cannot read MJ table {p}: {exc.strerror}") from exc
    if not units:
        raise CharsetError(f"{p}: the MJ table is empty")
    return MjTable(frozenset(units), frozenset(u[0] for u in units), str(p))


# ---------------------------------------------------------------- class membership

def _single_cps(charset: Charset, level: int) -> frozenset[int] | None:
    if charset is Charset.DIGITS:
        return frozenset(_DIGITS)
    if charset is Charset.ALNUM:
        return frozenset(_ALNUM)
    if charset is Charset.KANA_FULL:
        return frozenset(_KANA_FULL)
    if charset is Charset.KANA_HALF:
        return frozenset(_KANA_HALF)
    if charset is Charset.JIS_X0208:
        return _jis_x0208_cps() | {0x20}
    if charset is Charset.JIS_X0213:
        return _jis_x0213_cps(level)
    return None


@functools.cache
def _negated_class(charset: Charset, level: int) -> str:
    cps = _single_cps(charset, level)
    assert cps is not None
    return _class(_ranges(cps), negate=True)


def _mj_set(mj_table: MjTable) -> frozenset[str]:
    non_kanji = {chr(cp) for cp in _jis_x0213_cps(4) if (jis_x0213_level(chr(cp)) or 0) == 0}
    return frozenset(mj_table.units | mj_table.bases | non_kanji)


def _resolve(charset: Charset | str, mj: str | os.PathLike[str] | MjTable | None) -> tuple[Charset, MjTable | None]:
    try:
        cs = Charset(charset)
    except ValueError:
        raise CharsetError(f"unknown character class {charset!r}; one of {', '.join(c.value for c in Charset)}"
                           ) from None
    table = None
    if cs is Charset.MJ:
        # The table cache is keyed by the path: a plain str is hashable, a PathLike need not be.
        table = mj if isinstance(mj, MjTable) else load_mj_table(None if mj is None else os.fspath(mj))
    return cs, table


def offending_chars(text: str | None, charset: Charset | str, *, level: int = 4,
                    mj: str | os.PathLike[str] | MjTable | None = None) -> list[str]:
    """The characters of ``text`` outside ``charset``, in order (MJ: a character with its selector is one unit).

    Args:
        level: for ``jis_x0213``, the highest level allowed (1–4).
        mj: for ``mj``, the table or its path (default ``$MIGRATOR_MJ_TABLE``).
    """
    cs, table = _resolve(charset, mj)
    if text is None or cs is Charset.ANY:
        return []
    if cs is Charset.MJ:
        assert table is not None
        allowed = _mj_set_cached(table)
        return [u for u in re.findall(_UNIT_RE, text) if u not in allowed]
    return re.findall(_negated_class(cs, level), text)


@functools.cache
def _mj_set_cached(table: MjTable) -> frozenset[str]:
    return _mj_set(table)


def in_charset(text: str | None, charset: Charset | str, *, level: int = 4,
               mj: str | os.PathLike[str] | MjTable | None = None) -> bool:
    """True when every character of ``text`` belongs to ``charset`` (null and empty are in every class)."""
    return not offending_chars(text, charset, level=level, mj=mj)


def offending_chars_expr(expr: pl.Expr, charset: Charset | str, *, level: int = 4,
                         mj: str | os.PathLike[str] | MjTable | None = None) -> pl.Expr:
    """Polars form of :func:`offending_chars`: a List[String] per value (empty for null)."""
    cs, table = _resolve(charset, mj)
    s = expr.cast(pl.String)
    if cs is Charset.ANY:
        return s.str.extract_all("a^").fill_null(pl.lit([], pl.List(pl.String)))
    if cs is Charset.MJ:
        assert table is not None
        allowed = sorted(_mj_set_cached(table))
        units = s.str.extract_all(_UNIT_RE)
        # a hash lookup per unit (replace_strict), not a membership list broadcast to every row
        known = pl.element().replace_strict(allowed, [True] * len(allowed), default=False, return_dtype=pl.Boolean)
        found = units.list.eval(pl.element().filter(~known))
    else:
        found = s.str.extract_all(_negated_class(cs, level))
    return found.fill_null(pl.lit([], pl.List(pl.String)))


def in_charset_expr(expr: pl.Expr, charset: Charset | str, *, level: int = 4,
                    mj: str | os.PathLike[str] | MjTable | None = None) -> pl.Expr:
    """Polars form of :func:`in_charset` (Boolean; null values are True)."""
    cs, table = _resolve(charset, mj)
    s = expr.cast(pl.String)
    if cs is Charset.ANY:
        return s.is_null() | s.is_not_null()
    if cs is Charset.MJ:
        return offending_chars_expr(expr, cs, mj=table).list.len() == 0
    return ~s.str.contains(_negated_class(cs, level)).fill_null(False)


# ---------------------------------------------------------------- detectors

class IssueKind(StrEnum):
    PUA = "pua"  # unresolved 外字: needs a 外字対応表 entry
    MISPLACED_VS = "misplaced_vs"  # variation selector at the start, doubled, or after a non-ideograph
    COMPAT_IDEOGRAPH = "compat_ideograph"  # CJK compatibility ideograph (U+F900–FAFF, U+2F800–2FA1F)
    NOT_IN_CHARSET = "not_in_charset"


@dataclass(frozen=True)
class CharIssue:
    """One offending character: its kind, the character(s), the code point notation and the 0-based position."""

    kind: IssueKind
    char: str
    codepoints: str
    position: int


def codepoints(text: str) -> str:
    """``U+XXXX`` notation of every character, space separated (``U+845B U+E0100``)."""
    return " ".join(f"U+{ord(c):04X}" for c in text)


def pua_chars(text: str | None) -> list[str]:
    """The Private Use Area characters of ``text`` (U+E000–F8FF, planes 15–16), in order."""
    return re.findall(_PUA_RE, text) if text else []


def pua_chars_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`pua_chars`."""
    return expr.cast(pl.String).str.extract_all(_PUA_RE).fill_null(pl.lit([], pl.List(pl.String)))


def has_pua_expr(expr: pl.Expr) -> pl.Expr:
    """True where the value holds a Private Use Area character (null: False): the vectorised test to run before
    any per-character 外字 work (:func:`pua_chars_expr` builds a list for every row)."""
    return expr.cast(pl.String).str.contains(_PUA_RE).fill_null(False)


def misplaced_vs(text: str | None) -> list[str]:
    """Misplaced variation selectors: each match is the selector run (with no preceding character)."""
    if not text:
        return []
    return ["".join(re.findall(_VS, m)) for m in re.findall(_MISPLACED_VS_RE, text)]


def misplaced_vs_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`misplaced_vs`."""
    found = expr.cast(pl.String).str.extract_all(_MISPLACED_VS_RE)
    keep_vs = f"{_class(sorted(VS_RANGES), negate=True)}"
    return found.list.eval(pl.element().str.replace_all(keep_vs, "")).fill_null(pl.lit([], pl.List(pl.String)))


def compat_ideographs(text: str | None) -> list[str]:
    """CJK compatibility ideographs in ``text`` (NFC would silently change them: 神 U+FA19 → U+795E)."""
    return re.findall(_COMPAT_RE, text) if text else []


def compat_ideographs_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`compat_ideographs`."""
    return expr.cast(pl.String).str.extract_all(_COMPAT_RE).fill_null(pl.lit([], pl.List(pl.String)))


def character_issues(text: str | None, charset: Charset | str = Charset.ANY, *, level: int = 4,
                     mj: str | os.PathLike[str] | MjTable | None = None) -> list[CharIssue]:
    """Every offending character of one value with its kind and position, for findings."""
    if not text:
        return []
    issues: list[CharIssue] = []
    for m in re.finditer(_PUA_RE, text):
        issues.append(CharIssue(IssueKind.PUA, m.group(), codepoints(m.group()), m.start()))
    for m in re.finditer(_MISPLACED_VS_RE, text):
        start = m.start() + (0 if re.match(_VS, m.group()) else 1)
        sel = text[start:m.end()]
        issues.append(CharIssue(IssueKind.MISPLACED_VS, sel, codepoints(sel), start))
    for m in re.finditer(_COMPAT_RE, text):
        issues.append(CharIssue(IssueKind.COMPAT_IDEOGRAPH, m.group(), codepoints(m.group()), m.start()))
    cs, table = _resolve(charset, mj)
    if cs is not Charset.ANY:
        flagged = {i.position for i in issues}
        pos = 0
        bad = set(offending_chars(text, cs, level=level, mj=table))
        units = re.findall(_UNIT_RE, text) if cs is Charset.MJ else list(text)
        for unit in units:
            if unit in bad and pos not in flagged:
                issues.append(CharIssue(IssueKind.NOT_IN_CHARSET, unit, codepoints(unit), pos))
            pos += len(unit)
    return sorted(issues, key=lambda i: (i.position, i.kind))
