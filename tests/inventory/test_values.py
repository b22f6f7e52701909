"""Reading dates, flags, counts, 団体コード and business areas as real inventories write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator.inventory.areas import resolve_area
from migrator.inventory.values import (
    UNDECIDED,
    Parsed,
    digits,
    lg_check_digit,
    parse_count,
    parse_date,
    parse_flag,
    parse_lg_code,
    text,
)
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


@pytest.mark.parametrize(("raw", "expected", "problem"), [
    # the era by its first kanji, as survey forms abbreviate it
    ("令8.3.31", dt.date(2026, 3, 31), None),
    ("平30.4.1", dt.date(2018, 4, 1), None),
    ("平30年4月1日", dt.date(2018, 4, 1), None),
    ("昭64.1.8", None, "era_range"),
    ("令7年度末", dt.date(2026, 3, 31), "fiscal_year"),
    # a weekday after the date, checked against it
    ("令和８年３月３１日（火）", dt.date(2026, 3, 31), None),
    ("2026/3/31(火)", dt.date(2026, 3, 31), None),
    ("R8.3.31（火曜日）", dt.date(2026, 3, 31), None),
    ("2026/3/31(月)", None, "bad_date"),  # 31 March 2026 is a Tuesday: the date or the weekday is mistyped
    ("2026/2/30(月)", None, "bad_date"),
    # the month's last day written out
    ("2026年3月末日", dt.date(2026, 3, 31), None),
    ("令和8年2月末日", dt.date(2026, 2, 28), None),
    # the month's last day with its weekday, and a weekday with a time after it
    ("2026年3月末日（火）", dt.date(2026, 3, 31), None),
    ("令和8年3月末(火)", dt.date(2026, 3, 31), None),
    ("2026年3月末日(月)", None, "bad_date"),
    ("2026/3/31(火) 10:00", dt.date(2026, 3, 31), None),
])
def test_parse_date_as_forms_and_letters_write_it(raw, expected, problem) -> None:
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


TRUE_WORDS = ["○", "〇", "◯", "●", "◎", "有", "あり", "有り", "該当", "対象", "yes", "y", "true", "1", "はい"]
FALSE_WORDS = [
    "×",
    "✕",
    "✗",
    "－",
    "-",
    "―",
    "—",
    "‐",
    "ー",
    "無",
    "なし",
    "無し",
    "非該当",
    "対象外",
    "no",
    "n",
    "false",
    "0",
    "いいえ",
]


@pytest.mark.parametrize("word", TRUE_WORDS)
def test_every_yes_word_is_true(word: str) -> None:
    assert parse_flag(word) == Parsed(True)
    assert parse_flag(f"\u3000{word.upper()} ") == Parsed(True)


@pytest.mark.parametrize("word", FALSE_WORDS)
def test_every_no_word_is_false(word: str) -> None:
    assert parse_flag(word) == Parsed(False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, Parsed(True)),
        (False, Parsed(False)),
        ("１", Parsed(True)),
        ("０", Parsed(False)),
        ("　", Parsed(False)),
        ("要確認", Parsed(None, "bad_flag")),
        (2, Parsed(None, "bad_flag")),
    ],
)
def test_flags_of_other_kinds(raw: object, expected: Parsed[bool]) -> None:
    assert parse_flag(raw) == expected


@pytest.mark.parametrize("word", sorted(UNDECIDED))
def test_every_undecided_word_has_no_date_and_no_count(word: str) -> None:
    assert parse_date(word) == Parsed(None, "undecided")
    assert parse_count(word) == Parsed(None, "undecided")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (20260331, Parsed(dt.date(2026, 3, 31))),
        (20260331.0, Parsed(dt.date(2026, 3, 31))),
        (19000101, Parsed(dt.date(1900, 1, 1))),
        (21001231, Parsed(dt.date(2100, 12, 31))),
        (19000100, Parsed(None, "bad_date")),
        (21001232, Parsed(None, "bad_date")),
        (20260230, Parsed(None, "bad_date")),
        (45000, Parsed(dt.date(2023, 3, 15))),  # an Excel day count (a date in a General cell)
        (36526, Parsed(dt.date(2000, 1, 1))),
        (73050, Parsed(dt.date(2099, 12, 31))),
        (36525, Parsed(None, "bad_date")),  # outside the years a plan speaks of: no date
        (73051, Parsed(None, "bad_date")),
        (46112.5, Parsed(None, "bad_date")),  # a day count has no fraction here
        ("Ｒ８．３．３１", Parsed(dt.date(2026, 3, 31))),  # full-width era letter
        ("ｈ３１．４．３０", Parsed(dt.date(2019, 4, 30))),
        ("令和８年３月末", Parsed(dt.date(2026, 3, 31))),  # the month's end, as written: no day left out
        ("2024年2月末", Parsed(dt.date(2024, 2, 29))),
        ("R8.3末", Parsed(None, "bad_date")),
        (True, Parsed(None, "bad_date")),
        ("", Parsed(None)),
        ("　", Parsed(None)),
        ("2026 / 3 / 31", Parsed(dt.date(2026, 3, 31))),
        ("2026.3.31", Parsed(dt.date(2026, 3, 31))),
        ("2026年3月31日", Parsed(dt.date(2026, 3, 31))),
        ("２０２６年３月３１日", Parsed(dt.date(2026, 3, 31))),
        ("2026/3", Parsed(dt.date(2026, 3, 31), "month_only")),
        ("2024年2月", Parsed(dt.date(2024, 2, 29), "month_only")),
        ("2026年13月", Parsed(None, "bad_date")),
        ("20261301", Parsed(None, "bad_date")),
        ("R元.5.1", Parsed(dt.date(2019, 5, 1))),
        ("令和元年5月", Parsed(dt.date(2019, 5, 31), "month_only")),
        ("H31.4", Parsed(dt.date(2019, 4, 30), "month_only")),
        ("s64.1.7", Parsed(dt.date(1989, 1, 7))),
        ("M1.1.25", Parsed(dt.date(1868, 1, 25))),
        ("明治45年7月29日", Parsed(dt.date(1912, 7, 29))),
        ("大正15年12月24日", Parsed(dt.date(1926, 12, 24))),
        ("T1.7.30", Parsed(dt.date(1912, 7, 30))),
        ("平成元年1月8日", Parsed(dt.date(1989, 1, 8))),
        ("令和7年2月29日", Parsed(None, "bad_date")),
        ("平成31年5月1日", Parsed(None, "era_range", {"era": "平成"})),
        ("平成31年5月", Parsed(None, "era_range", {"era": "平成"})),
        ("令和元年4月30日", Parsed(None, "era_range", {"era": "令和"})),
        ("令和元年4月", Parsed(None, "era_range", {"era": "令和"})),
        ("S64.1.8", Parsed(None, "era_range", {"era": "昭和"})),
        ("M1.1.24", Parsed(None, "era_range", {"era": "明治"})),
        ("大正15年12月25日", Parsed(None, "era_range", {"era": "大正"})),
    ],
)
def test_dates_at_their_edges(raw: object, expected: Parsed[dt.date]) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, Parsed(None)),
        (0, Parsed(0)),
        (-1, Parsed(None, "bad_count")),
        (0.0, Parsed(0)),
        (-1.0, Parsed(None, "bad_count")),
        (1.5, Parsed(None, "bad_count")),
        ("", Parsed(None)),
        ("約 1,200 人", Parsed(1200)),
        ("12世帯", Parsed(12)),
        ("30レコード", Parsed(30)),
        ("5 records", Parsed(5)),
        ("1record", Parsed(1)),
        ("１，２３４件", Parsed(1234)),
        ("1,2345", Parsed(None, "bad_count")),
        ("1234,567", Parsed(None, "bad_count")),
        ("999,999", Parsed(999999)),
        ("-5", Parsed(None, "bad_count")),
    ],
)
def test_counts_at_their_edges(raw: object, expected: Parsed[int]) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, Parsed(None)),
        (131016.0, Parsed("131016")),
        (11002.0, Parsed("011002")),
        (131016.5, Parsed(None, "bad_code")),
        (1310, Parsed(None, "bad_code")),
        ("", Parsed(None)),
        ("1310160", Parsed(None, "bad_code")),
        ("1234", Parsed(None, "bad_code")),
        (" 13101 ", Parsed("131016", "completed")),
        ("１３－１０１６", Parsed("131016")),
        ("13 1016", Parsed("131016")),
        ("131017", Parsed(None, "check_digit", {"expected": "6"})),
    ],
)
def test_lg_codes_at_their_edges(raw: object, expected: Parsed[str]) -> None:
    assert parse_lg_code(raw) == expected


def test_a_check_digit_needs_five_digits() -> None:
    assert lg_check_digit("13101") == "6"
    with pytest.raises(ValueError, match=r"^not five digits: '1310'$"):
        lg_check_digit("1310")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        (3.0, "3"),
        (3.5, "3.5"),
        (7, "7"),
        ("\u3000山田 \u3000", "山田"),
        (" \u3000 ", None),
    ],
)
def test_a_cell_as_text(raw: object, expected: str | None) -> None:
    assert text(raw) == expected


def test_digits_fold_full_width_numbers_and_separators_only() -> None:
    assert digits("２０２６／０３．３１－１，０：０　ア") == "2026/03.31-1,0:0 ア"


@pytest.mark.parametrize(
    "name",
    [
        "有限会社シー",
        "シー合同会社",
        "(有)シー",
        "(同)シー",
        "シー kabushikikaisha",
        "シー Co.,Ltd.",
        "シー co ltd",
        "シー Inc",
        "㈲シー",
        "シー（株）",
    ],
)
def test_vendor_key_drops_every_company_form(name: str) -> None:
    assert vendor_key(name) == "シー"


@pytest.mark.parametrize(("raw", "expected"), [
    ("約12万件", 120_000), ("１２万", 120_000), ("1.5万人", 15_000), ("約3千件", 3_000), ("12万3,456件", 123_456),
    ("2万5千", 25_000), ("1.23456万", None), ("万件", None), ("12万万", None), ("1万12345", None), ("3千1500", None),
])
def test_a_count_in_man_and_sen_is_read_as_people_write_it(raw, expected) -> None:
    parsed = parse_count(raw)
    assert (parsed.value, parsed.problem) == (expected, None if expected is not None else "bad_count")


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026年1月中旬", dt.date(2026, 1, 20)), ("令和8年2月上旬", dt.date(2026, 2, 10)), ("R8.2初旬", dt.date(2026, 2, 10)),
    ("２０２６年２月下旬", dt.date(2026, 2, 28)), ("2028/2下旬", dt.date(2028, 2, 29)),
])
def test_a_part_of_a_month_is_read_as_its_last_day_and_said(raw, expected) -> None:
    parsed = parse_date(raw)
    assert (parsed.value, parsed.problem, parsed.params) == (expected, "month_part", {"date": expected.isoformat()})


def test_a_part_of_a_month_is_said_at_its_cell_on_import(tmp_path) -> None:
    import openpyxl

    from migrator.inventory.importer import read_inventory

    wb = openpyxl.Workbook()
    wb.active.append(["団体コード", "業務", "システム名", "移行予定日"])
    wb.active.append(["132012", "住記", "住民記録システム", "2026年1月中旬"])
    wb.save(tmp_path / "m.xlsx")
    result = read_inventory([tmp_path / "m.xlsx"])
    (finding,) = [f for f in result.findings if f.code == "INV038"]
    assert (finding.severity, finding.location.cell) == ("info", "D2")
    assert finding.message_en == "planned date '2026年1月中旬' gives only a part of a month; read as its last day 2026-01-20."
    assert result.inventory.systems[0].planned_date == dt.date(2026, 1, 20)


@pytest.mark.parametrize("raw", ["2026/1/13予定", "2026/1/13（予定）", "R8.1.13(予定)", "2026年1月13日頃", "令和8年1月13日ごろ",
                                 "2026/1/13 (見込み)", "2026/1/13目途"])
def test_a_date_with_a_word_saying_it_is_planned_is_that_date(raw) -> None:
    assert parse_date(raw) == Parsed(dt.date(2026, 1, 13))


@pytest.mark.parametrize("raw", ["2026/1/13予定日", "予定", "（予定）", "2026/1/13未定"])
def test_a_qualifier_alone_or_a_longer_word_is_no_date(raw) -> None:
    assert parse_date(raw).value is None


def test_a_month_said_to_be_planned_is_a_month() -> None:
    assert parse_date("令和8年1月予定") == Parsed(dt.date(2026, 1, 31), "month_only")
    assert parse_date("2026年1月中旬予定").value == dt.date(2026, 1, 20)


@pytest.mark.parametrize(("raw", "expected"), [
    ("✓", True), ("✔", True), ("☑", True), ("レ", True), ("該当なし", False), ("対象なし", False), ("非対象", False),
    ("☐", False), ("□", False),
])
def test_check_marks_and_their_empty_boxes_are_flags(raw, expected) -> None:
    assert parse_flag(raw) == Parsed(expected)
