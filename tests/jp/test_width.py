"""Kana and width conversions: table of cases, scalar and polars identical, no normalisation of names."""

from __future__ import annotations

import polars as pl
import pytest

from migrator.jp import width

CASES = [
    ("to_fullwidth_kana", "ｶﾞｷﾞﾊﾟﾋﾟﾜﾞｳﾞｦﾞ", "ガギパピヷヴヺ"),
    ("to_fullwidth_kana", "ﾔﾏﾀﾞ　ﾀﾛｳ", "ヤマダ　タロウ"),
    ("to_fullwidth_kana", "ｺｰﾋｰ･ﾃﾞｨｰ", "コーヒー・ディー"),
    ("to_fullwidth_kana", "ｶ゛", "ガ"),
    ("to_fullwidth_kana", "カ゛ハ゜", "ガパ"),
    ("to_fullwidth_kana", "カ\u3099は\u309a", "ガぱ"),
    ("to_fullwidth_kana", "ｱﾞ", "ア゛"),
    ("to_fullwidth_kana", "神\ufa19㈱", "神\ufa19㈱"),
    # marks only: a separate mark after a full-width kana is composed, half-width kana are kept
    ("compose_kana_marks", "カ゛は\u309aカﾞｶﾞヰ゛", "ガぱガｶﾞヸ"),
    ("to_halfwidth_kana", "ガパヴヤマダ　ー・", "ｶﾞﾊﾟｳﾞﾔﾏﾀﾞ　ｰ･"),
    ("hiragana_to_katakana", "やまだ　たろう・ゞー", "ヤマダ　タロウ・ヾー"),
    ("katakana_to_hiragana", "ヤマダ　タロウヴ", "やまだ　たろうゔ"),
    ("to_halfwidth_ascii", "ＡＢＣ１２３　山田", "ABC123　山田"),
    ("to_fullwidth_ascii", "ABC 123", "ＡＢＣ １２３"),
    ("to_zenkaku", "ｶﾞ1", "ガ１"),
]


@pytest.mark.parametrize(("func", "value", "expected"), CASES)
def test_width_cases(func: str, value: str, expected: str) -> None:
    assert getattr(width, func)(value) == expected
    expr = getattr(width, func + "_expr")
    assert pl.select(expr(pl.lit(value))).item() == expected
