"""外字 substitution: apply a per-legacy-system 外字対応表 to text, and count what stays unmapped.

A table maps a legacy character (usually a PUA code point, written as the character or ``U+E001``) to the
standard character, possibly with an IVS (``U+845B U+E0100`` or the characters themselves). Replacement is a
literal table (no normalisation): :func:`apply_gaiji` for one value, :func:`apply_gaiji_expr` for a column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from .charset import codepoints, has_pua_expr, pua_chars, pua_chars_expr
from .errors import AmbiguousCodeError, GaijiTableError

_SEP = r"(?:[\s_]+|$)"
# The notations a 外字対応表 writes a character by its code point in, each a whole cell of one or more:
# U+E001 (Unicode's own), E001 (a vendor tool's bare hexadecimal), 0xE001, &#xE001; and &#57345; (XML/HTML).
_NOTATIONS = (
    (re.compile(rf"^\s*(?:[Uu]\+[0-9A-Fa-f]{{4,6}}{_SEP})+$"), re.compile(r"[Uu]\+([0-9A-Fa-f]{4,6})"), 16),
    (re.compile(rf"^\s*(?:(?:[0-9A-Fa-f]{{4}}|(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{{5,6}}){_SEP})+$"),
     re.compile(r"([0-9A-Fa-f]{4,6})"), 16),
    (re.compile(rf"^\s*(?:0[xX][0-9A-Fa-f]{{4,6}}{_SEP})+$"), re.compile(r"0[xX]([0-9A-Fa-f]{4,6})"), 16),
    (re.compile(r"^\s*(?:&#[xX][0-9A-Fa-f]{1,6};\s*)+$"), re.compile(r"&#[xX]([0-9A-Fa-f]{1,6});"), 16),
    (re.compile(r"^\s*(?:&#[0-9]{1,7};\s*)+$"), re.compile(r"&#([0-9]{1,7});"), 10),
)
_BARE_HEX = 1  # the index in _NOTATIONS of the bare hexadecimal notation (E001)
_CP_LIKE = re.compile(r"^\s*(?:[Uu]\+|0[xX][0-9A-Fa-f]|&#|[0-9]{5,7}\s*$)")  # 57345: decimal or hexadecimal?


def _sjis_user_defined(token: str) -> str | None:
    """The character CP932 reads from ``token`` when it is the Shift_JIS code of a user-defined 外字 (lead byte
    F0-F9, trail byte 40-7E or 80-FC: U+E000-U+E757), else None."""
    if len(token) != 4:
        return None
    lead, trail = int(token[:2], 16), int(token[2:], 16)
    if 0xF0 <= lead <= 0xF9 and (0x40 <= trail <= 0x7E or 0x80 <= trail <= 0xFC):
        return bytes((lead, trail)).decode("cp932")
    return None


def parse_char_notation(text: str, *, legacy: bool = False) -> str:
    """``U+E001`` (or ``U+845B U+E0100``, ``U+845B_U+E0100``, ``u+e001``), ``E001``, ``0xE001``, ``&#xE001;``
    or ``&#57345;`` → the characters; anything else is literal.

    A cell of 4 to 6 hexadecimal digits (``E001``, ``9AD9``, ``5409``) names a code point: no 外字対応表 maps
    such text. Five to seven decimal digits (``57345``) could be either base and are refused. With
    ``legacy=True`` (the 現行文字 of a 外字対応表) four bare digits that are also a Shift_JIS user-defined code
    (``F040``: U+F040, or the code CP932 reads as U+E000) are refused too: ``U+F040``, ``0xF040`` or the
    character itself says which.

    Raises:
        AmbiguousCodeError: (a GaijiTableError) such a Shift_JIS-like bare code on the legacy side.
        GaijiTableError: a notation of no character (beyond U+10FFFF, or a surrogate), text that starts like
            a notation but is not (``U+ZZZZ``, ``&#xE001`` without its ``;``), or a lone surrogate in literal
            text (no character either).
    """
    for n, (whole, each, base) in enumerate(_NOTATIONS):
        if whole.match(text):
            tokens = each.findall(text)
            if legacy and n == _BARE_HEX:
                for token in tokens:
                    if (sjis := _sjis_user_defined(token)) is not None:
                        raise AmbiguousCodeError(token.upper(), chr(int(token, 16)), sjis)
            points = [int(p, base) for p in tokens]
            for point in points:
                if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
                    shown = f"U+{point:04X}" if point <= 0xFFFFFF else f"code point {point}"
                    raise GaijiTableError(f"{shown} is no character (code points end at U+10FFFF; "
                                          "U+D800-U+DFFF are surrogates)")
            return "".join(map(chr, points))
    if _CP_LIKE.match(text):
        shown = text.strip()  # shortened as migrator.i18n.shorten does (jp imports nothing of ours)
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        raise GaijiTableError(f"{shown!r} is not a code point notation (U+E001, E001, 0xE001, &#xE001; or "
                              "&#57345;: 4 to 6 hexadecimal digits per character)")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise GaijiTableError("a lone surrogate (U+D800-U+DFFF) is no character")
    return text


@dataclass(frozen=True)
class GaijiTable:
    """A 外字対応表: legacy character(s) → standard character(s)."""

    mapping: Mapping[str, str]

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> GaijiTable:
        """Build from (現行文字, 標準文字) pairs, each the characters or ``U+XXXX`` notation.

        Raises:
            GaijiTableError: an empty key, or the same key mapped to two different characters.
        """
        mapping: dict[str, str] = {}
        for n, (source, target) in enumerate(pairs, start=1):
            key = parse_char_notation(str(source).strip(), legacy=True)
            value = parse_char_notation(str(target).strip())
            if not key:
                raise GaijiTableError(f"entry {n}: empty 現行文字")
            if key in mapping and mapping[key] != value:
                raise GaijiTableError(
                    f"entry {n}: {codepoints(key)} is mapped twice ({codepoints(mapping[key])} and {codepoints(value)})"
                )
            mapping[key] = value
        return cls(mapping)

    def _ordered(self) -> list[str]:
        return sorted(self.mapping, key=len, reverse=True)


def apply_gaiji(text: str | None, table: GaijiTable) -> str | None:
    """Replace every legacy character of ``text`` found in ``table`` (longest key first at each position)."""
    if text is None or not table.mapping:
        return text
    keys = table._ordered()
    pattern = "|".join(re.escape(k) for k in keys)
    return re.sub(pattern, lambda m: table.mapping[m.group()], text)


def apply_gaiji_expr(expr: pl.Expr, table: GaijiTable) -> pl.Expr:
    """Polars form of :func:`apply_gaiji`."""
    if not table.mapping:
        return expr.cast(pl.String)
    keys = table._ordered()
    return expr.cast(pl.String).str.replace_many(keys, [table.mapping[k] for k in keys], leftmost=True)


@dataclass(frozen=True)
class UnmappedGaiji:
    """A PUA character left after substitution: how often, and in which rows (0-based, first few)."""

    char: str
    codepoint: str
    count: int
    rows: tuple[int, ...]


def unmapped_gaiji(values: Iterable[str | None], table: GaijiTable, *, max_rows: int = 5) -> list[UnmappedGaiji]:
    """Scalar form: the PUA characters that ``table`` does not resolve, most frequent first."""
    counts: Counter[str] = Counter()
    rows: dict[str, list[int]] = {}
    for i, value in enumerate(values):
        for ch in pua_chars(apply_gaiji(value, table)):
            counts[ch] += 1
            seen = rows.setdefault(ch, [])
            if len(seen) < max_rows and (not seen or seen[-1] != i):
                seen.append(i)
    return [UnmappedGaiji(ch, codepoints(ch), n, tuple(rows[ch]))
            for ch, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def unmapped_gaiji_frame(frame: pl.DataFrame | pl.LazyFrame, column: str, table: GaijiTable, *,
                         max_rows: int = 5) -> list[UnmappedGaiji]:
    """Polars form of :func:`unmapped_gaiji` over one column of a frame (same result, same order)."""
    lazy = frame.lazy().with_row_index("__row")
    found = (
        lazy.filter(has_pua_expr(apply_gaiji_expr(pl.col(column), table)))  # most rows hold none: skip them first
        .select(pl.col("__row"), pua_chars_expr(apply_gaiji_expr(pl.col(column), table)).alias("__ch"))
        .explode("__ch")
        .drop_nulls("__ch")
        .group_by("__ch")
        .agg(pl.len().alias("n"), pl.col("__row").unique(maintain_order=True).head(max_rows).alias("rows"))
        .sort(["n", "__ch"], descending=[True, False])
        .collect()
    )
    return [UnmappedGaiji(r["__ch"], codepoints(r["__ch"]), r["n"], tuple(r["rows"])) for r in found.to_dicts()]
