"""The fast forms of the compiled mapping give exactly the results of the plain forms.

Per-distinct-value evaluation (``dedupe``) and the combined ``CompiledMapping.evaluate`` are optimisations:
on varied legacy values (nulls, blanks, every 和暦 form, 不詳, invalid dates, codes missing from the table)
every converted column, every issue flag and every issue value must equal the plain expression's.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from migrator import jp
from migrator.mapping import CodeEntry, ItemRow, Mapping, compile_mapping
from migrator.schema import SchemaRegistry
from tests.conftest import DATA

REGISTRY_S = SchemaRegistry.load(DATA / "schemas")
ROWS = 4_000

ITEMS = [  # standard item, legacy items, transform, default
    ("宛名番号", ("A",), "trim | checkdigit(m11w27)", None),
    ("住民種別", ("C",), "trim | code(t)", None),
    ("異動年月日", ("D",), "trim | wareki", None),
    ("異動年月日_不詳フラグ", ("D",), "trim | fusho_flag", None),
    ("異動年月日_不詳表記", ("D",), "fusho_text(policy=lenient)", None),
    ("生年月日", ("E",), "wareki(policy=lenient)", "1900-01-01"),
    ("生年月日_不詳フラグ", ("E",), "fusho_flag(policy=lenient)", None),
    ("異動届出年月日", ("F",), 'trim | date("%Y/%m/%d")', None),
    ("住民となった年月日", ("D",), "trim | if_empty(F) | wareki(policy=lenient)", None),  # reads another item: never deduplicated
    ("氏名_フリガナ", ("K",), 'trim | hankaku_to_zenkaku | replace(" ", "　")', None),
    ("住所_郵便番号", ("Z",), "postal", None),
    ("個人番号", ("M",), "trim | checkdigit(mynumber)", None),
]
POOL = [None, "", " ", "　", "0000000", "4010100", "3450000", "9999999", "不詳", "平成元年不詳", "abc", "4320101",
        "3640108", "1989/1/8", "H01.01.08", "平成元年１月８日", "昭和64年1月8日", " 4010108 ", "M", "F", "X",
        "2024/02/29", "2023/02/29", "〒123-4567", "ﾔﾏﾀﾞ ﾀﾛｳ", "123456789018", "123456789012", "000000000000018"]


def _value(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(POOL)
    if roll < 0.8:
        day = dt.date(1868, 1, 25) + dt.timedelta(days=rng.randrange(57_000))
        return jp.format_wareki(day, rng.choice(list(jp.WarekiForm)))
    return "".join(rng.choice("0123456789 /ｱｶﾞ-") for _ in range(rng.randrange(10)))


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    rng = random.Random(20260331)
    names = sorted({n for _, legacy, _, _ in ITEMS for n in legacy})
    return pl.DataFrame({n: [_value(rng) for _ in range(ROWS)] for n in names}, schema={n: pl.String for n in names})


def _compile(dedupe: bool):  # type: ignore[no-untyped-def]
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民",
                      items=tuple(ItemRow(s, legacy, tr, default=d) for s, legacy, tr, d in ITEMS),
                      codes=(CodeEntry("t", "M", "1"), CodeEntry("t", "F", "2")))
    return compile_mapping(mapping, registry=REGISTRY_S, dedupe=dedupe)


def _issues(compiled, frame: pl.DataFrame) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    return frame.select([i.expr.alias(f"flag{k}") for k, i in enumerate(compiled.issues)]
                        + [i.value.cast(pl.String).alias(f"value{k}") for k, i in enumerate(compiled.issues)])


def test_dedupe_gives_the_same_columns_and_issues(frame: pl.DataFrame) -> None:
    fast, plain = _compile(True), _compile(False)
    assert [(i.item, i.code) for i in fast.issues] == [(i.item, i.code) for i in plain.issues]
    fast_out = fast.apply(frame.lazy()).collect()
    assert fast_out.equals(plain.apply(frame.lazy()).collect())
    assert _issues(fast, frame).equals(_issues(plain, frame))
    # The sample is varied enough to exercise what it claims to.
    assert fast_out["異動年月日_不詳フラグ"].to_list().count("1") > 0
    assert fast_out["生年月日"].to_list().count("1900-01-01") > 0
    assert {i.code for i, hits in zip(fast.issues, _issues(fast, frame).sum().row(0)[:len(fast.issues)],
                                      strict=True) if hits} >= {"MAP401", "MAP402", "MAP403", "MAP404", "MAP405",
                                                                "MAP407"}


def test_dedupe_applies_only_to_costly_pipes_that_read_their_own_value() -> None:
    fast = _compile(True)

    def deduplicated(item: str) -> bool:
        return "unique" in str(fast.columns[item])

    assert deduplicated("異動年月日") and deduplicated("異動年月日_不詳表記") and deduplicated("異動届出年月日")
    assert not deduplicated("住民となった年月日")  # if_empty(F) reads F too
    assert not deduplicated("宛名番号")  # checkdigit: cheap, and the numbers are all distinct
    assert deduplicated("氏名_フリガナ")  # hankaku_to_zenkaku: character tables over repeating kana names


def test_null_and_blank_legacy_values_are_looked_up_like_any_other(frame: pl.DataFrame) -> None:
    fast = _compile(True)
    small = pl.LazyFrame({n: [None, "", "　"] for n in frame.columns}, schema={n: pl.String for n in frame.columns})
    out = fast.apply(small).collect()
    assert out["異動年月日"].to_list() == [None, None, None]
    assert out["異動年月日_不詳フラグ"].to_list() == ["0", "0", "0"]
    assert out["生年月日"].to_list() == ["1900-01-01"] * 3
    flags = small.select([i.expr.alias(f"{k}") for k, i in enumerate(fast.issues)]).collect()
    assert flags.sum().sum_horizontal().item() == 0


def test_evaluate_gives_items_then_issue_flags_and_values(frame: pl.DataFrame) -> None:
    fast = _compile(True)
    numbered = frame.with_row_index("row")
    out = fast.evaluate(numbered.lazy(), keep=["row"]).collect()
    names = list(fast.standard.item_names)
    flags = [fast.issue_flag(i) for i in range(len(fast.issues))]
    values = [fast.issue_value(i) for i in range(len(fast.issues))]
    assert out.columns == ["row", *names, *[c for pair in zip(flags, values, strict=True) for c in pair]]
    assert out["row"].to_list() == list(range(ROWS))
    assert out.select(names).equals(fast.apply(frame.lazy()).collect())
    alone = _issues(fast, frame)
    assert out.select(flags).rename(dict(zip(flags, [f"flag{k}" for k in range(len(flags))], strict=True))).equals(
        alone.select(pl.col("^flag.*$")))
    assert out.select(values).rename(dict(zip(values, [f"value{k}" for k in range(len(values))],
                                              strict=True))).equals(alone.select(pl.col("^value.*$")))
    assert out.schema[flags[0]] == pl.Boolean and out.schema[values[0]] == pl.String
