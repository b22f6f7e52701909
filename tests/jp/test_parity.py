"""The scalar and polars forms agree on a 100,000-value random sample per rule."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import polars as pl
import pytest

from migrator import jp

N = 100_000
rng = random.Random(20260331)
KANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎﾜｦﾝﾞﾟｰ･ァアガカ゛は\u3099やま　ABCａｂ１２"
CHARS = KANA + "山田髙橋𠮷葛\U000e0100\ue001\ufa19～〜0123456789剝𠂉"


def _date_values() -> list[str | None]:
    forms = list(jp.WarekiForm)
    out: list[str | None] = []
    for _ in range(N):
        roll = rng.random()
        if roll < 0.7:
            day = dt.date(1868, 1, 25) + dt.timedelta(days=rng.randrange(85_000))
            out.append(jp.format_wareki(day, rng.choice(forms)))
        elif roll < 0.95:  # random digits and era letters: out-of-era, impossible days, 00 parts
            era = rng.choice(["", "0", "1", "3", "4", "5", "6", "H", "S", "平成", "令和"])
            out.append(f"{era}{rng.randrange(100):02d}{rng.randrange(14):02d}{rng.randrange(33):02d}")
        else:
            out.append(rng.choice([None, "", "不詳", "0000000", "abc", "平成元年不詳", "　", "令和3年頃", "推定令和3年4月",
                                   "平成元年2月30日頃", "昭和50年春", "令和3年4月1日頃から10日頃までの間", "平成40年頃",
                                   "明治45年7月30日", "大正15年12月25日", "平成元年2月29日", "1900-02-29"]))
    return out


def _text(alphabet: str, max_len: int = 8) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(max_len + 1)))


def _digits(n: int) -> str:
    s = "".join(rng.choice("0123456789") for _ in range(n))
    return s if rng.random() < 0.95 else s.replace(s[0], "１", 1)


def _check(values: list, scalar: Callable, expr: Callable) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    got = frame.select(expr(pl.col("v")).alias("r"))["r"].to_list()
    want = [scalar(v) for v in values]
    mismatches = [(v, w, g) for v, w, g in zip(values, want, got, strict=True) if w != g]
    assert mismatches[:5] == []


@pytest.mark.parametrize(("policy", "koseki"), [("strict", False), ("lenient", False), ("strict", True)])
def test_wareki_parity(policy: str, koseki: bool) -> None:
    _check(_date_values(), lambda v: jp.parse_wareki(v, policy=policy, koseki=koseki).as_dict(),
           lambda e: jp.parse_wareki_expr(e, policy=policy, koseki=koseki))


@pytest.mark.parametrize("func", ["to_fullwidth_kana", "to_halfwidth_kana", "hiragana_to_katakana",
                                  "katakana_to_hiragana", "to_halfwidth_ascii", "to_fullwidth_ascii"])
def test_width_parity(func: str) -> None:
    values = [_text(KANA) for _ in range(N)]
    _check(values, getattr(jp, func), getattr(jp, func + "_expr"))


@pytest.mark.parametrize("charset", ["digits", "alnum", "kana_full", "kana_half", "jis_x0208", "jis_x0213", "mj"])
def test_charset_parity(charset: str) -> None:
    from tests.conftest import REFERENCE

    mj = jp.load_mj_table(REFERENCE / "mj" / "moji_fixture.csv")
    values = [_text(CHARS) for _ in range(N)]
    _check(values, lambda v: jp.in_charset(v, charset, mj=mj), lambda e: jp.in_charset_expr(e, charset, mj=mj))
    _check(values[:20_000], lambda v: jp.offending_chars(v, charset, mj=mj),
           lambda e: jp.offending_chars_expr(e, charset, mj=mj))


def test_detector_parity() -> None:
    values = [_text(CHARS) for _ in range(N)]
    _check(values, jp.pua_chars, jp.pua_chars_expr)
    _check([*values, None], lambda v: bool(jp.pua_chars(v)), jp.has_pua_expr)
    _check(values, jp.misplaced_vs, jp.misplaced_vs_expr)
    _check(values, jp.compat_ideographs, jp.compat_ideographs_expr)


def test_gaiji_parity() -> None:
    table = jp.GaijiTable.from_pairs([("U+E001", "U+845B U+E0100"), ("\ue001\ue001", "X"), ("髙", "高")])
    values = [_text(CHARS) for _ in range(N)]
    _check(values, lambda v: jp.apply_gaiji(v, table), lambda e: jp.apply_gaiji_expr(e, table))


@pytest.mark.parametrize(("scalar", "expr", "length"), [
    ("is_valid_mynumber", "is_valid_mynumber_expr", 12),
    ("mynumber_check_digit", "mynumber_check_digit_expr", 11),
    ("is_valid_corporate_number", "is_valid_corporate_number_expr", 13),
    ("corporate_number_check_digit", "corporate_number_check_digit_expr", 12),
    ("is_valid_lg_code", "is_valid_lg_code_expr", 6),
    ("lg_code_check_digit", "lg_code_check_digit_expr", 5),
    ("is_valid_m11w27", "is_valid_m11w27_expr", 15),
    ("m11w27_check_digit", "m11w27_check_digit_expr", 14),
    ("is_valid_residence_card_number", "is_valid_residence_card_number_expr", 12),
    ("normalize_postal_code", "normalize_postal_code_expr", 7),
])
def test_identifier_parity(scalar: str, expr: str, length: int) -> None:
    values: list[str | None] = []
    for _ in range(N):
        roll = rng.random()
        if roll < 0.85:
            values.append(_digits(length))
        elif roll < 0.9:
            values.append(_digits(rng.randrange(1, 20)))
        elif roll < 0.95:
            values.append("〒" + _digits(3) + rng.choice("-－‐ー") + _digits(4))
        else:
            values.append(rng.choice([None, "", "AB12345678CD", "12345678901a"]))
    if "mynumber" in scalar and "check" not in scalar:  # make about half of them valid
        values = [v[:11] + str(jp.mynumber_check_digit(v[:11])) if v and jp.mynumber_check_digit(v[:11]) is not None
                  and rng.random() < 0.5 else v for v in values]
    _check(values, getattr(jp, scalar), getattr(jp, expr))
