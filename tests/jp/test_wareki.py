"""和暦: table of cases (scalar and polars), exhaustive round trips 1873–2100 in every form, hypothesis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from migrator.jp import (
    WarekiForm,
    WarekiFormatError,
    era_of,
    format_wareki,
    format_wareki_expr,
    parse_wareki,
    parse_wareki_expr,
    shared_wareki_parses,
    wareki_to_date_expr,
)

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "wareki.yaml").read_text(encoding="utf-8"))
FIRST, LAST = dt.date(1873, 1, 1), dt.date(2100, 12, 31)
ALL_DAYS = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def _expected(case: dict, policy: str, koseki: bool = False) -> dict:
    """The case's expectation; ``lenient:`` and ``koseki:`` (the 戸籍 rule of 1.1.8) override it."""
    chosen = case
    if koseki and "koseki" in case:
        chosen = case["koseki"]
    elif policy == "lenient" and "lenient" in case:
        chosen = case["lenient"]
    date = chosen.get("date")
    return {"date": date, "status": chosen["status"], "reason": chosen.get("reason"),
            "fusho_text": chosen.get("fusho_text"), "iso": chosen.get("iso", date.isoformat() if date else None)}


MODES = [("strict", False), ("lenient", False), ("strict", True)]


@pytest.mark.parametrize(("policy", "koseki"), MODES)
def test_cases_scalar(policy: str, koseki: bool) -> None:
    for case in CASES:
        got = parse_wareki(case["value"], policy=policy, koseki=koseki).as_dict()
        assert got == _expected(case, policy, koseki), case["value"]


@pytest.mark.parametrize(("policy", "koseki"), MODES)
def test_cases_polars(policy: str, koseki: bool) -> None:
    frame = pl.DataFrame({"v": [c["value"] for c in CASES]}, schema={"v": pl.String})
    got = frame.select(parse_wareki_expr(pl.col("v"), policy=policy, koseki=koseki).alias("r")).unnest("r").to_dicts()
    for case, row in zip(CASES, got, strict=True):
        assert row == _expected(case, policy, koseki), case["value"]


def test_fusho_flag_and_integers() -> None:
    assert parse_wareki("4010000").fusho_flag is True
    assert parse_wareki("4010108").fusho_flag is False
    assert parse_wareki(4010108).date == dt.date(1989, 1, 8)


@pytest.mark.parametrize(("date", "form", "text"), [
    (dt.date(1989, 1, 8), "code", "4010108"),
    (dt.date(1989, 1, 8), "code2", "04010108"),
    (dt.date(1989, 1, 8), "alpha", "H01.01.08"),
    (dt.date(1989, 1, 7), "alpha_short", "S64.1.7"),
    (dt.date(2019, 5, 1), "alpha_short", "R1.5.1"),
    (dt.date(1989, 1, 8), "kanji", "平成元年1月8日"),
    (dt.date(2019, 4, 30), "kanji", "平成31年4月30日"),
    (dt.date(1989, 1, 8), "kanji_fullwidth", "平成元年１月８日"),
    (dt.date(2021, 12, 31), "kanji_numeral", "令和三年十二月三十一日"),
    (dt.date(1912, 7, 30), "kanji", "大正元年7月30日"),  # shared change day: the new era
    (dt.date(1926, 12, 25), "kanji", "昭和元年12月25日"),
    (dt.date(2100, 12, 31), "code", "5821231"),
    (dt.date(2117, 1, 1), "code", "5990101"),  # 令和99年: the last year a 2-digit year holds
    (dt.date(2117, 12, 31), "alpha", "R99.12.31"),
    (dt.date(2026, 3, 31), "western", "2026-03-31"),
])
def test_format(date: dt.date, form: str, text: str) -> None:
    assert format_wareki(date, form) == text
    assert pl.select(format_wareki_expr(pl.lit(date), form)).item() == text


def test_format_before_meiji_is_an_error() -> None:
    with pytest.raises(WarekiFormatError, match="before 明治"):
        era_of(dt.date(1868, 1, 24))


def test_a_3_digit_year_does_not_fit_the_numeric_forms() -> None:
    with pytest.raises(WarekiFormatError, match="令和100年 does not fit a 2-digit year"):
        format_wareki(dt.date(2118, 1, 1), "code")
    assert format_wareki(dt.date(2118, 1, 1), "alpha_short") == "R100.1.1"


def test_wareki_to_date_expr_follows_the_policy() -> None:
    frame = pl.DataFrame({"v": ["平成31年5月1日", "H01.01.08", "不詳"]})
    strict = frame.select(wareki_to_date_expr(pl.col("v")).alias("d"))["d"].to_list()
    lenient = frame.select(wareki_to_date_expr(pl.col("v"), policy="lenient").alias("d"))["d"].to_list()
    assert strict == [None, dt.date(1989, 1, 8), None]
    assert lenient == [dt.date(2019, 5, 1), dt.date(1989, 1, 8), None]


@pytest.mark.parametrize("form", list(WarekiForm))
def test_round_trip_every_day_scalar(form: WarekiForm) -> None:
    """ISO → 和暦 → ISO for every day from 1873-01-01 to 2100-12-31."""
    bad = [d for d in ALL_DAYS if parse_wareki(format_wareki(d, form)).date != d]
    assert bad == []


@pytest.mark.parametrize("form", list(WarekiForm))
def test_round_trip_every_day_polars(form: WarekiForm) -> None:
    frame = pl.DataFrame({"d": ALL_DAYS})
    out = frame.select(
        pl.col("d"),
        parse_wareki_expr(format_wareki_expr(pl.col("d"), form)).alias("r"),
    ).unnest("r")
    assert out.filter(pl.col("date") != pl.col("d")).height == 0
    assert out["status"].unique().to_list() == ["ok"]


@given(st.dates(min_value=FIRST, max_value=LAST), st.sampled_from(list(WarekiForm)))
def test_round_trip_property(date: dt.date, form: WarekiForm) -> None:
    result = parse_wareki(format_wareki(date, form))
    assert (result.date, result.status) == (date, "ok")


@given(st.dates(min_value=dt.date(1868, 1, 25), max_value=dt.date(1872, 12, 31)))
def test_pre_solar_flagged(date: dt.date) -> None:
    assert parse_wareki(format_wareki(date, "kanji")).status == "pre_solar"


def test_shared_parses_keep_each_policy_and_koseki_apart() -> None:
    """Within shared_wareki_parses, one named column per (input, policy, koseki): the same parse shares it,
    a parse under another policy or the 戸籍 rule gets its own, with its own results."""
    values = ["明治45年7月30日", "平成31年5月1日", "平成元年2月30日", "4010108"]
    frame = pl.DataFrame({"v": values})
    with shared_wareki_parses() as parses:
        refs = {mode: parse_wareki_expr(pl.col("v"), policy=mode[0], koseki=mode[1]) for mode in MODES}
        again = parse_wareki_expr(pl.col("v"))
    assert len(parses) == len(MODES)
    assert again.meta.eq(refs[("strict", False)])
    parsed = frame.with_columns(*[e.alias(name) for name, e in parses.items()])
    for (policy, koseki), ref in refs.items():
        got = parsed.select(ref.alias("r")).unnest("r").to_dicts()
        assert got == [parse_wareki(v, policy=policy, koseki=koseki).as_dict() for v in values], (policy, koseki)
    koseki_row = parsed.select(refs[("strict", True)].alias("r")).unnest("r").row(0, named=True)
    assert (koseki_row["date"], koseki_row["reason"]) == (dt.date(1912, 7, 30), "era_change")
