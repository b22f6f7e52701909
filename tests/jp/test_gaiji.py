"""外字 substitution: the longest key first at each position, and the unmapped PUA characters in their order."""

from __future__ import annotations

import re

import polars as pl
import pytest

from migrator.jp import (
    GaijiTable,
    GaijiTableError,
    UnmappedGaiji,
    apply_gaiji,
    apply_gaiji_expr,
    unmapped_gaiji,
    unmapped_gaiji_frame,
)


def test_the_longest_key_wins_at_each_position() -> None:
    # the single character listed first: only the ordering by length can make the pair win
    table = GaijiTable.from_pairs([("U+E001", "A"), ("U+E001 U+E001", "B")])
    assert apply_gaiji("\ue001\ue001\ue001", table) == "BA"
    assert pl.select(apply_gaiji_expr(pl.lit("\ue001\ue001\ue001"), table)).item() == "BA"


def test_unmapped_rows_default_to_the_first_five() -> None:
    values = ["\ue003"] * 7
    expected = [UnmappedGaiji("\ue003", "U+E003", 7, (0, 1, 2, 3, 4))]
    assert unmapped_gaiji(values, GaijiTable.from_pairs([])) == expected
    assert unmapped_gaiji_frame(pl.DataFrame({"v": values}), "v", GaijiTable.from_pairs([])) == expected


def test_unmapped_characters_of_equal_count_in_code_point_order() -> None:
    values = ["\ue005", "\ue004", "\ue006\ue006"]  # U+E005 seen first, U+E004 as often
    expected = [UnmappedGaiji("\ue006", "U+E006", 2, (2,)), UnmappedGaiji("\ue004", "U+E004", 1, (1,)),
                UnmappedGaiji("\ue005", "U+E005", 1, (0,))]
    assert unmapped_gaiji(values, GaijiTable.from_pairs([])) == expected
    assert unmapped_gaiji_frame(pl.DataFrame({"v": values}), "v", GaijiTable.from_pairs([])) == expected


def test_table_errors_name_the_entry_counted_from_one() -> None:
    with pytest.raises(GaijiTableError, match=r"^entry 1: empty 現行文字$"):
        GaijiTable.from_pairs([(" ", "a")])
    with pytest.raises(GaijiTableError, match=r"^entry 3: U\+E001 is mapped twice \(U\+0061 and U\+0062\)$"):
        GaijiTable.from_pairs([("U+E001", "a"), ("U+E002", "c"), ("\ue001", "b")])


@pytest.mark.parametrize(("written", "chars"), [
    ("U+E001", "\ue001"), ("E001", "\ue001"), ("e001", "\ue001"), ("0xE001", "\ue001"), ("&#xE001;", "\ue001"),
    ("&#57345;", "\ue001"), ("5409", "吉"), ("845B E0100", "葛\U000e0100"), ("&#x845B;&#xE0100;", "葛\U000e0100"),
    ("F0000", "\U000f0000"), ("髙", "髙"), ("ABC", "ABC"),
])
def test_a_character_is_read_in_each_code_point_notation(written: str, chars: str) -> None:
    from migrator.jp import parse_char_notation

    assert parse_char_notation(written) == chars


@pytest.mark.parametrize("written", ["57345", "&#xE001", "&#x110000;", "0xDC00", "&#xZZ;"])
def test_a_notation_of_no_character_or_of_two_readings_is_refused(written: str) -> None:
    from migrator.jp import parse_char_notation

    with pytest.raises(GaijiTableError):
        parse_char_notation(written)


@pytest.mark.parametrize(("written", "sjis"), [("F040", "\ue000"), ("f040", "\ue000"), ("F9FC", "\ue757"),
                                               ("F080", "\ue03f"), ("845B F140", "\ue0bc")])
def test_a_legacy_bare_code_in_the_shift_jis_user_defined_area_has_two_readings(written: str, sjis: str) -> None:
    from migrator.jp import AmbiguousCodeError, parse_char_notation

    with pytest.raises(AmbiguousCodeError) as caught:
        parse_char_notation(written, legacy=True)
    token = written.split()[-1].upper()
    assert (caught.value.written, caught.value.as_codepoint, caught.value.as_sjis) == (token, chr(int(token, 16)), sjis)
    assert f"U+{token}" in str(caught.value) and f"U+{ord(sjis):04X}" in str(caught.value)
    with pytest.raises(AmbiguousCodeError):
        GaijiTable.from_pairs([(written, "髙")])


@pytest.mark.parametrize(("written", "legacy"), [
    ("F040", False),  # a standard character is never a Shift_JIS user-defined code
    ("U+F040", True), ("0xF040", True), ("&#xF040;", True),  # written as a code point on purpose
    ("F03F", True), ("F07F", True), ("F0FD", True),  # no Shift_JIS trail byte
    ("EFFC", True), ("FA40", True), ("E001", True), ("F0000", True),  # lead byte outside F0-F9, or no 4 digits
])
def test_a_code_point_outside_the_shift_jis_user_defined_area_has_one_reading(written: str, legacy: bool) -> None:
    from migrator.jp import parse_char_notation

    expected = "".join(chr(int(p, 16)) for p in re.findall(r"[0-9A-Fa-f]{4,6}(?=;|$)", written))
    assert parse_char_notation(written, legacy=legacy) == expected
