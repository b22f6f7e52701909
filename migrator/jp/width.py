"""Kana and character width: half→full katakana with voiced marks, hiragana↔katakana, ASCII width.

No Unicode normalisation (NFC/NFKC) is ever applied: names keep their exact code points, including the
ideographic space (U+3000), the long vowel mark (ー) and the middle dot (・). Every conversion is a fixed
replacement table applied leftmost-first, so the scalar function and the polars expression (``*_expr``,
built on ``str.replace_many(..., leftmost=True)``) give identical results.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import polars as pl

_HALF_KANA = "｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ"
_FULL_KANA = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜"

_VOICED = "\u3099"  # combining voiced sound mark
_SEMI = "\u309a"  # combining semi-voiced sound mark
_SPACING_MARKS = {"\u309b": _VOICED, "\u309c": _SEMI, "ﾞ": _VOICED, "ﾟ": _SEMI}


def _compose(base: str, mark: str) -> str | None:
    # unicodedata is used only to *generate* this fixed table for kana; data values are never normalised.
    composed = unicodedata.normalize("NFC", base + mark)
    return composed if len(composed) == 1 else None


def _build_half_to_full() -> dict[str, str]:
    table: dict[str, str] = {}
    for half, full in zip(_HALF_KANA, _FULL_KANA, strict=True):
        table[half] = full
    # voiced pairs first in priority: longer keys win because we list them before single characters
    pairs: dict[str, str] = {}
    for half, full in zip(_HALF_KANA, _FULL_KANA, strict=True):
        for mark_half, mark in (("ﾞ", _VOICED), ("ﾟ", _SEMI)):
            composed = _compose(full, mark)
            if composed is not None:
                pairs[half + mark_half] = composed
    pairs["ﾜﾞ"] = "ヷ"
    pairs["ｦﾞ"] = "ヺ"
    return {**pairs, **table}


def _build_compose_marks() -> dict[str, str]:
    table: dict[str, str] = {}
    kana = [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x30A1, 0x30FB)] + ["ゝ", "ヽ"]
    for base in kana:
        for spacing, mark in (*_SPACING_MARKS.items(), (_VOICED, _VOICED), (_SEMI, _SEMI)):
            composed = _compose(base, mark)
            if composed is not None:
                table[base + spacing] = composed
    for base, composed in (("ワ", "ヷ"), ("ヰ", "ヸ"), ("ヱ", "ヹ"), ("ヲ", "ヺ")):
        for spacing in ("\u309b", "ﾞ", _VOICED):
            table[base + spacing] = composed
    return table


HALF_TO_FULL_KANA: Mapping[str, str] = _build_half_to_full()
"""Half-width katakana (and its punctuation) → full-width katakana, voiced pairs composed (ｶﾞ→ガ, ﾜﾞ→ヷ)."""

COMPOSE_MARKS: Mapping[str, str] = _build_compose_marks()
"""Kana followed by a separate voiced/semi-voiced mark (゛ ゜, combining or half-width) → composed kana."""

FULL_TO_HALF_KANA: Mapping[str, str] = {
    **{full: half for half, full in zip(_HALF_KANA, _FULL_KANA, strict=True)},
    **{v: k for k, v in _build_half_to_full().items() if len(k) == 2},
    "ヴ": "ｳﾞ",
}
"""Full-width katakana → half-width katakana (ガ→ｶﾞ); characters with no half-width form are kept."""

HIRAGANA_TO_KATAKANA: Mapping[str, str] = {
    **{chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)},
    "ゝ": "ヽ",
    "ゞ": "ヾ",
}
KATAKANA_TO_HIRAGANA: Mapping[str, str] = {v: k for k, v in HIRAGANA_TO_KATAKANA.items()}

FULL_TO_HALF_ASCII: Mapping[str, str] = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
"""Full-width ASCII (！–～) → ASCII. The ideographic space is not included: names keep it."""
HALF_TO_FULL_ASCII: Mapping[str, str] = {v: k for k, v in FULL_TO_HALF_ASCII.items()}
FULL_TO_HALF_DIGITS: Mapping[str, str] = {chr(0xFF10 + i): str(i) for i in range(10)}


def _apply(text: str, table: Mapping[str, str]) -> str:
    """Leftmost-first replacement with keys of length 1 or 2 (the same semantics as polars replace_many)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
            continue
        ch = text[i]
        out.append(table.get(ch, ch))
        i += 1
    return "".join(out)


def _apply_expr(expr: pl.Expr, table: Mapping[str, str]) -> pl.Expr:
    # Longer keys first so that, at equal start, the two-character key wins (leftmost-first semantics).
    keys = sorted(table, key=len, reverse=True)
    return expr.str.replace_many(keys, [table[k] for k in keys], leftmost=True)


def to_fullwidth_kana(text: str) -> str:
    """Convert half-width katakana to full-width, composing voiced marks (ｶﾞ→ガ, ﾊﾟ→パ, ｳﾞ→ヴ, ﾜﾞ→ヷ).

    A kana followed by a separate mark (カ゛, カ + U+3099) is composed too. Everything else is kept as is.
    """
    return _apply(_apply(text, HALF_TO_FULL_KANA), COMPOSE_MARKS)


def to_fullwidth_kana_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`to_fullwidth_kana`."""
    return _apply_expr(_apply_expr(expr, HALF_TO_FULL_KANA), COMPOSE_MARKS)


def compose_kana_marks(text: str) -> str:
    """Compose a kana followed by a separate voiced/semi-voiced mark (カ゛→ガ, は + U+309A→ぱ)."""
    return _apply(text, COMPOSE_MARKS)


def compose_kana_marks_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`compose_kana_marks`."""
    return _apply_expr(expr, COMPOSE_MARKS)


def to_halfwidth_kana(text: str) -> str:
    """Convert full-width katakana to half-width (ガ→ｶﾞ). Hiragana and kanji are kept."""
    return _apply(text, FULL_TO_HALF_KANA)


def to_halfwidth_kana_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`to_halfwidth_kana`."""
    return _apply_expr(expr, FULL_TO_HALF_KANA)


def hiragana_to_katakana(text: str) -> str:
    """Convert hiragana to katakana (ぁ–ゖ, ゝゞ). ー and ・ are kept."""
    return _apply(text, HIRAGANA_TO_KATAKANA)


def hiragana_to_katakana_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`hiragana_to_katakana`."""
    return _apply_expr(expr, HIRAGANA_TO_KATAKANA)


def katakana_to_hiragana(text: str) -> str:
    """Convert katakana to hiragana; ヷヸヹヺ and ヵヶ-less forms without a hiragana letter are kept."""
    return _apply(text, KATAKANA_TO_HIRAGANA)


def katakana_to_hiragana_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`katakana_to_hiragana`."""
    return _apply_expr(expr, KATAKANA_TO_HIRAGANA)


def to_halfwidth_ascii(text: str) -> str:
    """Convert full-width ASCII digits, letters and symbols to ASCII. The ideographic space is kept."""
    return _apply(text, FULL_TO_HALF_ASCII)


def to_halfwidth_ascii_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`to_halfwidth_ascii`."""
    return _apply_expr(expr, FULL_TO_HALF_ASCII)


def to_fullwidth_ascii(text: str) -> str:
    """Convert ASCII digits, letters and symbols to full-width. The ASCII space is kept."""
    return _apply(text, HALF_TO_FULL_ASCII)


def to_fullwidth_ascii_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`to_fullwidth_ascii`."""
    return _apply_expr(expr, HALF_TO_FULL_ASCII)


def to_zenkaku(text: str) -> str:
    """The usual 全角化 for kana items: half-width kana and ASCII to full-width, voiced marks composed."""
    return to_fullwidth_ascii(to_fullwidth_kana(text))


def to_zenkaku_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`to_zenkaku`."""
    return to_fullwidth_ascii_expr(to_fullwidth_kana_expr(expr))
