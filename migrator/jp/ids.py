"""Identifiers and check digits: 個人番号, 法人番号, 全国地方公共団体コード, 宛名番号/世帯番号 (modulus 11,
weights 2–7), 在留カード等番号, 郵便番号.

Digits are ASCII ``[0-9]`` only (never ``\\d``, which matches full-width digits). Each rule has a scalar form
(``*_check_digit`` computes, ``is_valid_*`` validates) and a polars form (``*_expr``) with identical results:
validators give ``False`` for null or malformed values, check-digit functions ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

import polars as pl

_MYNUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_LG_WEIGHTS = (6, 5, 4, 3, 2)


def _digits(value: object, n: int | None = None) -> str | None:
    if not isinstance(value, str):
        return None
    if n is None:
        return value if re.fullmatch(r"[0-9]+", value) else None
    return value if re.fullmatch(rf"[0-9]{{{n}}}", value) else None


def _let(value: pl.Expr, body: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``body(v)`` with ``v`` computed once: polars' common-subexpression elimination does not reach inside
    a nested expression, so a value used a dozen times would otherwise be recomputed a dozen times."""
    return pl.struct(value.alias("v")).struct.with_fields(body(pl.field("v")).alias("r")).struct.field("r")


def _digit_exprs(number: pl.Expr, n: int) -> list[pl.Expr]:
    # The digits of an integer by division, most significant first: no string slicing, no per-row Python.
    return [(number // (10 ** (n - 1 - i))) % 10 for i in range(n)]


def _weighted(digits: list[pl.Expr], weights: tuple[int, ...] | list[int]) -> pl.Expr:
    total: pl.Expr = pl.lit(0, pl.UInt64)
    for digit, weight in zip(digits, weights, strict=True):
        total = total + digit * weight
    return total


def _fixed_number(expr: pl.Expr, n: int) -> pl.Expr:
    """A string of exactly ``n`` ASCII digits as an unsigned integer (n ≤ 19), else null."""
    s = expr.cast(pl.String)
    return pl.when(s.str.contains(rf"^[0-9]{{{n}}}$")).then(s.cast(pl.UInt64, strict=False))


# ---------------------------------------------------------------- 個人番号

def mynumber_check_digit(base: str) -> int | None:
    """The 12th digit of a 個人番号 from its first 11 digits (None if ``base`` is not 11 ASCII digits)."""
    if _digits(base, 11) is None:
        return None
    r = sum(int(c) * w for c, w in zip(base, _MYNUMBER_WEIGHTS, strict=True)) % 11
    return 0 if r <= 1 else 11 - r


def is_valid_mynumber(value: object) -> bool:
    """True for 12 ASCII digits whose last digit is the check digit (``123456789018`` is valid)."""
    s = _digits(value, 12)
    return s is not None and mynumber_check_digit(s[:11]) == int(s[11])


def mynumber_check_digit_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`mynumber_check_digit` (Int64, null when malformed)."""
    def body(number: pl.Expr) -> pl.Expr:
        return _let(_weighted(_digit_exprs(number, 11), _MYNUMBER_WEIGHTS) % 11,
                    lambda r: pl.when(r <= 1).then(0).otherwise(11 - r))

    return _let(_fixed_number(expr, 11), body).cast(pl.Int64)


def is_valid_mynumber_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`is_valid_mynumber`."""
    def body(number: pl.Expr) -> pl.Expr:
        check = _let(_weighted(_digit_exprs(number // 10, 11), _MYNUMBER_WEIGHTS) % 11,
                     lambda r: pl.when(r <= 1).then(0).otherwise(11 - r))
        return check == number % 10

    return _let(_fixed_number(expr, 12), body).fill_null(False)


# ---------------------------------------------------------------- 法人番号

def corporate_number_check_digit(base: str) -> int | None:
    """The leading check digit of a 法人番号 from its 12-digit base."""
    if _digits(base, 12) is None:
        return None
    total = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(reversed(base)))
    return 9 - total % 9


def is_valid_corporate_number(value: object) -> bool:
    """True for 13 ASCII digits whose first digit is the check digit (``7000012050002`` is valid)."""
    s = _digits(value, 13)
    return s is not None and corporate_number_check_digit(s[1:]) == int(s[0])


def corporate_number_check_digit_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`corporate_number_check_digit`."""
    weights = [1 if (11 - i) % 2 == 0 else 2 for i in range(12)]
    total = _let(_fixed_number(expr, 12), lambda number: _weighted(_digit_exprs(number, 12), weights))
    return (9 - total.cast(pl.Int64) % 9).cast(pl.Int64)


def is_valid_corporate_number_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`is_valid_corporate_number`."""
    weights = [1 if (11 - i) % 2 == 0 else 2 for i in range(12)]

    def body(number: pl.Expr) -> pl.Expr:
        check = 9 - _weighted(_digit_exprs(number % 10**12, 12), weights).cast(pl.Int64) % 9
        return check == (number // 10**12).cast(pl.Int64)

    return _let(_fixed_number(expr, 13), body).fill_null(False)


# ---------------------------------------------------------------- 全国地方公共団体コード

def lg_code_check_digit(base: str) -> int | None:
    """The 6th digit of a 全国地方公共団体コード from its first 5 digits (13101 → 6)."""
    if _digits(base, 5) is None:
        return None
    r = sum(int(c) * w for c, w in zip(base, _LG_WEIGHTS, strict=True)) % 11
    return (11 - r) % 10


def is_valid_lg_code(value: object) -> bool:
    """True for a 6-digit 団体コード with prefecture 01–47 and a correct check digit (131016 千代田区)."""
    s = _digits(value, 6)
    return s is not None and 1 <= int(s[:2]) <= 47 and lg_code_check_digit(s[:5]) == int(s[5])


def lg_code_check_digit_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`lg_code_check_digit`."""
    r = _let(_fixed_number(expr, 5), lambda number: _weighted(_digit_exprs(number, 5), _LG_WEIGHTS) % 11)
    return ((11 - r.cast(pl.Int64)) % 10).cast(pl.Int64)


def is_valid_lg_code_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`is_valid_lg_code`."""
    def body(number: pl.Expr) -> pl.Expr:
        pref = number // 10**4
        check = (11 - _weighted(_digit_exprs(number // 10, 5), _LG_WEIGHTS).cast(pl.Int64) % 11) % 10
        return (pref >= 1) & (pref <= 47) & (check == (number % 10).cast(pl.Int64))

    return _let(_fixed_number(expr, 6), body).fill_null(False)


def with_lg_check_digit(base: str) -> str | None:
    """The 6-digit code for a 5-digit JIS X 0402 code (``13101`` → ``131016``)."""
    check = lg_code_check_digit(base)
    return None if check is None else base + str(check)


# ---------------------------------------------------------------- 宛名番号 / 世帯番号 (modulus 11, weights 2–7)

class RemainderOnePolicy(StrEnum):
    """What to do when Σ mod 11 = 1 (11 − 1 = 10 is not a digit); the published text does not settle it.

    ``zero``: the check digit is 0 (the common vendor practice; default). ``reject``: such serials have no
    valid check digit, so every number built on them is invalid.
    """

    ZERO = "zero"
    REJECT = "reject"


MAX_M11_LENGTH = 19


def _m11_weights(n: int) -> list[int]:
    """Weights 2,3,4,5,6,7,2,3,… from the rightmost serial digit, returned left to right."""
    return [2 + (i % 6) for i in range(n)][::-1]


def m11w27_check_digit(serial: str, *, remainder_one: RemainderOnePolicy | str = RemainderOnePolicy.ZERO
                       ) -> int | None:
    """Check digit of a 宛名番号/世帯番号 serial: 11 − (Σ mod 11), remainder 0 → 0, remainder 1 per policy."""
    policy = RemainderOnePolicy(remainder_one)
    if _digits(serial) is None or len(serial) > MAX_M11_LENGTH - 1:
        return None
    r = sum(int(c) * w for c, w in zip(serial, _m11_weights(len(serial)), strict=True)) % 11
    if r == 0:
        return 0
    if r == 1:
        return 0 if policy is RemainderOnePolicy.ZERO else None
    return 11 - r


def is_valid_m11w27(value: object, *, length: int | None = None,
                    remainder_one: RemainderOnePolicy | str = RemainderOnePolicy.ZERO) -> bool:
    """True for ASCII digits (of ``length`` if given) ending in their modulus-11 weights-2–7 check digit."""
    s = _digits(value)
    if s is None or len(s) < 2 or len(s) > MAX_M11_LENGTH or (length is not None and len(s) != length):
        return False
    check = m11w27_check_digit(s[:-1], remainder_one=remainder_one)
    return check is not None and check == int(s[-1])


def _m11_expr(serial: pl.Expr, policy: RemainderOnePolicy) -> pl.Expr:
    # ``serial`` is the serial as an unsigned integer (at most 18 digits): its digits by division, weighted
    # 2,3,…,7,2,… from the right; missing leading positions are 0 and weigh nothing.
    def check(total: pl.Expr) -> pl.Expr:
        r = total % 11
        zero_or_null = pl.lit(0, pl.Int64) if policy is RemainderOnePolicy.ZERO else pl.lit(None, pl.Int64)
        return pl.when(r == 0).then(0).when(r == 1).then(zero_or_null).otherwise(11 - r).cast(pl.Int64)

    digits = _digit_exprs(serial, MAX_M11_LENGTH - 1)[::-1]
    return _let(_weighted(digits, [2 + i % 6 for i in range(MAX_M11_LENGTH - 1)]).cast(pl.Int64), check)


def m11w27_check_digit_expr(expr: pl.Expr, *,
                            remainder_one: RemainderOnePolicy | str = RemainderOnePolicy.ZERO) -> pl.Expr:
    """Polars form of :func:`m11w27_check_digit`."""
    s = expr.cast(pl.String)
    number = pl.when(s.str.contains(rf"^[0-9]{{1,{MAX_M11_LENGTH - 1}}}$")).then(s.cast(pl.UInt64, strict=False))
    policy = RemainderOnePolicy(remainder_one)
    return _let(number, lambda serial: _m11_expr(serial, policy))


def is_valid_m11w27_expr(expr: pl.Expr, *, length: int | None = None,
                         remainder_one: RemainderOnePolicy | str = RemainderOnePolicy.ZERO) -> pl.Expr:
    """Polars form of :func:`is_valid_m11w27`."""
    s = expr.cast(pl.String)
    if length is not None and not 2 <= length <= MAX_M11_LENGTH:
        return expr.is_null() & pl.lit(False)  # no serial plus check digit fits, as in the scalar form
    pattern = rf"^[0-9]{{{length}}}$" if length is not None else rf"^[0-9]{{2,{MAX_M11_LENGTH}}}$"
    # At most 19 digits: below 2**64, so the whole value fits an unsigned integer.
    number = pl.when(s.str.contains(pattern)).then(s.cast(pl.UInt64, strict=False))
    policy = RemainderOnePolicy(remainder_one)

    def body(n: pl.Expr) -> pl.Expr:
        return _m11_expr(n // 10, policy) == (n % 10).cast(pl.Int64)

    return _let(number, body).fill_null(False)


# ---------------------------------------------------------------- 在留カード等番号, 郵便番号

RESIDENCE_CARD_PATTERN = r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$"


def is_valid_residence_card_number(value: object) -> bool:
    """True for the 在留カード等番号 format ``AB12345678CD`` (ASCII capitals and digits; no check digit)."""
    return isinstance(value, str) and re.fullmatch(RESIDENCE_CARD_PATTERN[1:-1], value) is not None


def is_valid_residence_card_number_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`is_valid_residence_card_number`."""
    return expr.cast(pl.String).str.contains(RESIDENCE_CARD_PATTERN).fill_null(False)


# Hyphens of every width, and the long vowel marks often typed in their place.
_POSTAL_STRIP = ("〒", "-", "‐", "‑", "‒", "–", "—", "―", "−", "－", "ｰ", "ー", " ", "　")
_POSTAL_MAP = {**{s: "" for s in _POSTAL_STRIP}, **{chr(0xFF10 + i): str(i) for i in range(10)}}


def normalize_postal_code(value: object) -> str | None:
    """Normalise a 郵便番号 to 7 ASCII digits, or None if it cannot be one.

    Strips 〒, spaces and hyphens of every width and converts full-width digits; it never adds a digit. A
    value that is not 7 digits once cleaned (``916-123``, or ``600000`` whose leading zero a spreadsheet
    dropped) is None: guessing the missing digit would invent a postal code. Where a mapping knows the zeros
    were lost, it says so explicitly (``digits | pad(7)``).
    """
    if value is None:
        return None
    s = "".join(_POSTAL_MAP.get(c, c) for c in str(value))
    if not re.fullmatch(r"[0-9]{7}", s):
        return None
    return s


def normalize_postal_code_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`normalize_postal_code`."""
    s = expr.cast(pl.String).str.replace_many(list(_POSTAL_MAP), list(_POSTAL_MAP.values()))
    return pl.when(s.str.contains(r"^[0-9]{7}$")).then(s).otherwise(pl.lit(None, pl.String))


def is_valid_postal_code(value: object) -> bool:
    """True for exactly 7 ASCII digits (the stored form)."""
    return isinstance(value, str) and re.fullmatch(r"[0-9]{7}", value) is not None


def is_valid_postal_code_expr(expr: pl.Expr) -> pl.Expr:
    """Polars form of :func:`is_valid_postal_code`."""
    return expr.cast(pl.String).str.contains(r"^[0-9]{7}$").fill_null(False)
