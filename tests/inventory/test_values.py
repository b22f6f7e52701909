"""Reading dates, flags, counts, 団体コード and business areas as real inventories write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator.inventory.areas import resolve_area
from migrator.inventory.values import lg_check_digit, parse_count, parse_date, parse_flag, parse_lg_code
from migrator.inventory.vendors import vendor_key


@pytest.mark.parametrize(("raw", "expected", "problem"), [
    (dt.date(2026, 3, 31), dt.date(2026, 3, 31), None),
    (dt.datetime(2026, 3, 31, 0, 0), dt.date(2026, 3, 31), None),
    ("R7.3.31", dt.date(2025, 3, 31), None),
    ("r8.1.5", dt.date(2026, 1, 5), None),
    ("令和7年3月31日", dt.date(2025, 3, 31), None),
    ("令和元年5月1日", dt.date(2019, 5, 1), None),
    ("H31.4.30", dt.date(2019, 4, 30), None),
    ("2026/3/31", dt.date(2026, 3, 31), None),
    ("２０２６／３／３１", dt.date(2026, 3, 31), None),
    ("2026-03-31", dt.date(2026, 3, 31), None),
    ("20260331", dt.date(2026, 3, 31), None),
    ("2026年3月", dt.date(2026, 3, 31), "month_only"),
    ("2026年2月", dt.date(2026, 2, 28), "month_only"),
    ("未定", None, "undecided"),
    ("R8.2.30", None, "bad_date"),
    ("平成38年3月31日", None, "era_range"),
    ("いつか", None, "bad_date"),
    (None, None, None),
])
def test_parse_date(raw, expected, problem) -> None:
    parsed = parse_date(raw)
    assert (parsed.value, parsed.problem) == (expected, problem)


@pytest.mark.parametrize(("raw", "expected"), [
    ("○", True), ("〇", True), ("有", True), ("あり", True), ("×", False), ("－", False), ("無", False),
    (None, False), ("", False), (1, True), ("要確認", None),
])
def test_parse_flag(raw, expected) -> None:
    assert parse_flag(raw).value == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("1,234件", 1234), ("１２３４", 1234), ("約1,200人", 1200), (5000, 5000), (5000.0, 5000), ("12,34", None),
    ("不明", None), (None, None),
])
def test_parse_count(raw, expected) -> None:
    assert parse_count(raw).value == expected


@pytest.mark.parametrize(("raw", "expected", "problem"), [
    ("131016", "131016", None), ("011002", "011002", None), (11002, "011002", None), ("012050", "012050", None),
    ("１３１０１６", "131016", None), ("13101", "131016", "completed"), ("131017", None, "check_digit"),
    ("13-1016", "131016", None), ("abc", None, "bad_code"),
])
def test_parse_lg_code(raw, expected, problem) -> None:
    parsed = parse_lg_code(raw)
    assert (parsed.value, parsed.problem) == (expected, problem)


@given(st.from_regex(r"[0-9]{5}", fullmatch=True))
def test_lg_check_digit_round_trip(first5: str) -> None:
    code = first5 + lg_check_digit(first5)
    assert parse_lg_code(code).value == code
    wrong = first5 + str((int(code[5]) + 1) % 10)
    assert parse_lg_code(wrong).problem == "check_digit"


@pytest.mark.parametrize(("raw", "expected"), [
    ("住記", "001"), ("住民記録システム", "001"), ("国保", "024"), ("介護", "023"), ("後期", "025"),
    ("001", "001"), (1, "001"), ("２４", "024"), ("024 国民健康保険", "024"), ("子ども子育て", "028"),
    ("子ども・子育て支援", "028"), ("文書管理", None), ("038", None), ("", None),
])
def test_resolve_area(raw, expected) -> None:
    assert resolve_area(raw) == expected


def test_vendor_key_folds_company_form_and_width() -> None:
    assert vendor_key("株式会社エーシステム") == vendor_key("(株)エーシステム") == vendor_key("ｴｰｼｽﾃﾑ㈱")
    assert vendor_key("ビー情報サービス 株式会社") != vendor_key("株式会社エーシステム")


def test_vendor_key_folds_case() -> None:
    assert vendor_key("ABC Systems Inc.") == vendor_key("abc systems inc") == vendor_key("ＡＢＣ　ＳＹＳＴＥＭＳ")


def test_vendor_key_drops_spaces_and_the_punctuation_around_the_company_form() -> None:
    assert vendor_key("エー システム 株式会社") == vendor_key("エーシステム") == vendor_key("エー・システム")
    assert vendor_key("ABC Systems, Inc.") == vendor_key("ABC Systems") == vendor_key("ABC Systems Co., Ltd.")
