"""Character classes, detectors, 外字 substitution and encodings."""

from __future__ import annotations

import polars as pl
import pytest

from migrator.jp import (
    CharsetError,
    DecodeError,
    Encoding,
    GaijiTable,
    GaijiTableError,
    IssueKind,
    apply_gaiji,
    character_issues,
    codepoints,
    compat_ideographs,
    decode,
    detect_encoding,
    in_charset,
    in_charset_expr,
    jis_x0213_level,
    load_mj_table,
    misplaced_vs,
    offending_chars,
    offending_chars_expr,
    parse_char_notation,
    pua_chars,
    pua_chars_expr,
    read_text,
    resolve_encoding,
    undecodable_bytes,
    unmapped_gaiji,
    unmapped_gaiji_frame,
)
from tests.conftest import REFERENCE

MJ = REFERENCE / "mj" / "moji_fixture.csv"  # real rows of the MJ table (reference/README.md)


@pytest.mark.parametrize(("text", "charset", "bad"), [
    ("0123", "digits", []),
    ("０１２", "digits", ["０", "１", "２"]),
    ("١٢", "digits", ["١", "٢"]),
    ("Ab9", "alnum", []),
    ("ヤマダ　タロウ・ー", "kana_full", []),
    ("ﾔﾏﾀﾞ", "kana_full", ["ﾔ", "ﾏ", "ﾀ", "ﾞ"]),
    ("ﾔﾏﾀﾞ ﾀﾛｳ", "kana_half", []),
    ("山田　太郎～〜", "jis_x0208", []),
    ("髙橋", "jis_x0208", ["髙"]),
    ("剝がす", "jis_x0208", ["剝"]),
    ("剝がす", "jis_x0213", []),
    ("𠮷野", "jis_x0213", ["𠮷"]),
    ("\ue001", "jis_x0213", ["\ue001"]),
    ("anything 𠮷", "any", []),
])
def test_charset_cases(text: str, charset: str, bad: list[str]) -> None:
    assert offending_chars(text, charset) == bad
    assert in_charset(text, charset) is (not bad)
    assert pl.select(offending_chars_expr(pl.lit(text), charset)).item().to_list() == bad


def test_jis_levels() -> None:
    assert [jis_x0213_level(c) for c in "亜弌剝ア"] == [1, 2, 3, 0]
    assert jis_x0213_level("𠂉") == 4
    assert jis_x0213_level("髙") is None
    assert offending_chars("亜弌", "jis_x0213", level=1) == ["弌"]


def test_mj_membership_with_ivs() -> None:
    table = load_mj_table(MJ)
    assert offending_chars("𠮷野　やまだ", "mj", mj=table) == []
    assert offending_chars("葛\U000e0100", "mj", mj=MJ) == ["葛\U000e0100"]  # not an MJ glyph of 葛
    assert offending_chars("㐄\U000e0101\ue001", "mj", mj=MJ) == ["\ue001"]
    got = pl.select(offending_chars_expr(pl.lit("㐄\U000e0101\ue001"), "mj", mj=MJ)).item().to_list()
    assert got == ["\ue001"]


def test_mj_table_errors(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MIGRATOR_MJ_TABLE", raising=False)
    with pytest.raises(CharsetError, match="MIGRATOR_MJ_TABLE"):
        offending_chars("山", "mj")
    with pytest.raises(CharsetError, match="cannot read"):
        load_mj_table(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CharsetError, match="no 'kanji' or 'ucs' column"):
        load_mj_table(bad)
    with pytest.raises(CharsetError, match="unknown character class"):
        in_charset("x", "latin1")
    monkeypatch.setenv("MIGRATOR_MJ_TABLE", str(MJ))
    assert in_charset("山田", "mj")


def test_detectors() -> None:
    text = "\U000e0100a葛\U000e0100\ue001神\ufa19髙x\ufe00"
    assert pua_chars(text) == ["\ue001"]
    assert compat_ideographs(text) == ["\ufa19"]
    assert misplaced_vs(text) == ["\U000e0100", "\ufe00"]
    issues = character_issues(text, "jis_x0208")
    assert [(i.kind, i.codepoints, i.position) for i in issues] == [
        (IssueKind.MISPLACED_VS, "U+E0100", 0),
        (IssueKind.NOT_IN_CHARSET, "U+0061", 1),
        (IssueKind.NOT_IN_CHARSET, "U+E0100", 3),
        (IssueKind.PUA, "U+E001", 4),
        (IssueKind.COMPAT_IDEOGRAPH, "U+FA19", 6),
        (IssueKind.NOT_IN_CHARSET, "U+9AD9", 7),
        (IssueKind.NOT_IN_CHARSET, "U+0078", 8),
        (IssueKind.MISPLACED_VS, "U+FE00", 9),
    ]


def test_gaiji_substitution_and_unmapped_counts() -> None:
    table = GaijiTable.from_pairs([("U+E001", "U+845B U+E0102"), ("\ue002", "髙")])
    values = ["山\ue001", "\ue002\ue003\ue003", None, "\ue004", "\ue003"]
    assert apply_gaiji(values[0], table) == "山葛\U000e0102"
    expected = unmapped_gaiji(values, table)
    assert [(u.codepoint, u.count, u.rows) for u in expected] == [("U+E003", 3, (1, 4)), ("U+E004", 1, (3,))]
    assert unmapped_gaiji_frame(pl.DataFrame({"v": values}), "v", table) == expected
    with pytest.raises(GaijiTableError, match="mapped twice"):
        GaijiTable.from_pairs([("U+E001", "a"), ("\ue001", "b")])


def test_encoding_detection() -> None:
    cp932 = "髙橋\r\n①\ue000".encode("cp932")
    detected = detect_encoding(cp932)
    assert detected.encoding == "cp932" and "not valid UTF-8" in detected.reason
    assert read_text(cp932).text == "髙橋\r\n①\ue000"
    assert cp932.decode("shift_jis_2004", errors="replace") != "髙橋\r\n①\ue000"
    assert detect_encoding("山田".encode()).encoding == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf\xe5\xb1\xb1").encoding == "utf-8-sig"
    assert read_text(b"\xef\xbb\xbfa", "utf-8").text == "a"
    assert detect_encoding(b"abc").reason == "ASCII only (read as UTF-8)"


def test_undecodable_bytes_are_reported_with_offset_and_line() -> None:
    data = b"ok\nline two \x82\nthree \x85\x7f"
    with pytest.raises(DecodeError) as info:
        detect_encoding(data)
    assert (info.value.offset, info.value.line, info.value.bad_bytes) == (12, 2, b"\x82")
    with pytest.raises(DecodeError, match="byte offset 12, line 2"):
        decode(data, "cp932")
    assert [(b.offset, b.line) for b in undecodable_bytes(data, "cp932")] == [(12, 2), (20, 3)]


def test_decode_error_message_names_the_bytes_in_capitals_and_what_else_was_tried() -> None:
    with pytest.raises(DecodeError) as info:
        detect_encoding(b"ok\nline two \x82\nthree")
    assert str(info.value) == ("cannot decode as cp932: bytes 82 at byte offset 12, line 2 "
                               "(not UTF-8 either: byte offset 12, line 2)")
    assert (info.value.encoding, info.value.tried) == ("cp932", "not UTF-8 either: byte offset 12, line 2")
    with pytest.raises(DecodeError) as strict:
        decode(b"ab\x82", "shift_jis")
    assert (strict.value.encoding, strict.value.offset, strict.value.line, strict.value.tried) == ("cp932", 2, 1, "")
    assert str(DecodeError("cp932", 0, 1, b"\xfc\xab")) == ("cannot decode as cp932: bytes FC AB at byte offset 0, "
                                                           "line 1")


def test_byte_order_mark_reason_in_both_languages() -> None:
    detected = detect_encoding(b"\xef\xbb\xbf\xe5\xb1\xb1")
    assert (detected.reason, detected.reason_ja) == ("starts with a UTF-8 byte order mark", "UTF-8のBOMで始まる")


def test_pua_characters_of_a_null_are_an_empty_list() -> None:
    frame = pl.DataFrame({"v": ["a\ue001b", None, "x"]}, schema={"v": pl.String})
    assert frame.select(pua_chars_expr(pl.col("v"))).to_series().to_list() == [["\ue001"], [], []]


def test_code_point_notation_in_lower_case() -> None:
    assert parse_char_notation("U+e001") == parse_char_notation("U+E001") == "\ue001"
    assert parse_char_notation("U+845b_U+e0100") == "葛\U000e0100"


def test_mj_table_from_code_point_columns(tmp_path) -> None:
    # The MJ 文字情報一覧表 writes code points (実装したUCS, 実装したSVS/IVS) in several notations.
    path = tmp_path / "mj_ucs.csv"
    path.write_text("\ufeffMJ文字図形名,実装したUCS,実装したSVS/IVS\n"
                    "MJ000001,U+3404,u+3404_U+e0101\n"
                    "MJ000002, 9ad9 ,\n"
                    "MJ000003,20BB7,20bb7 E0100\n", encoding="utf-8")
    table = load_mj_table(path)
    assert table.units == {"\u3404", "\u3404\U000e0101", "髙", "𠮷", "𠮷\U000e0100"}
    assert table.bases == {"\u3404", "髙", "𠮷"}
    other = tmp_path / "mj_other.csv"
    other.write_text("対応するUCS\nU+5C71\n", encoding="utf-8")
    assert load_mj_table(other).units == {"山"}
    bad = tmp_path / "mj_bad.csv"
    bad.write_text("ucs\n5C71\nU+XYZ\n", encoding="utf-8")
    with pytest.raises(CharsetError, match=r"mj_bad\.csv:3: bad code point notation in 'ucs'"):
        load_mj_table(bad)
    empty = tmp_path / "mj_empty.csv"
    empty.write_text("ucs\n\n", encoding="utf-8")
    with pytest.raises(CharsetError, match="the MJ table is empty"):
        load_mj_table(empty)


def test_code_point_notation_and_mj_issues_with_a_loaded_table() -> None:
    assert codepoints("葛\U000e0100") == "U+845B U+E0100"
    assert codepoints("") == ""
    table = load_mj_table(MJ)
    # checked against the table given (no MIGRATOR_MJ_TABLE needed): 𠮷 and 野 are in it, the 外字 is the issue
    issues = character_issues("𠮷野\ue001", "mj", mj=table)
    assert [(i.kind, i.codepoints, i.position) for i in issues] == [(IssueKind.PUA, "U+E001", 2)]


def test_line_of_a_bad_byte_counts_a_newline_at_the_very_start() -> None:
    with pytest.raises(DecodeError) as info:
        decode(b"\nab\x82", "cp932")
    assert (info.value.offset, info.value.line) == (3, 2)


def test_encoding_reasons_in_both_languages() -> None:
    cp932 = detect_encoding("髙橋".encode("cp932"))
    assert (cp932.reason, cp932.reason_ja) == ("not valid UTF-8 (byte offset 0); decodes as CP932 without error",
                                               "UTF-8として不正（0バイト目）、CP932として誤りなく読める")
    ascii_only = detect_encoding(b"abc")
    assert (ascii_only.reason, ascii_only.reason_ja) == ("ASCII only (read as UTF-8)", "ASCIIのみ（UTF-8として読む）")
    utf8 = detect_encoding("山田".encode())
    assert (utf8.reason, utf8.reason_ja) == ("valid UTF-8 with non-ASCII characters", "UTF-8として正しい")


def test_unmapped_gaiji_lists_at_most_max_rows_rows() -> None:
    table = GaijiTable.from_pairs([("U+E001", "葛")])
    values = ["\ue003", "\ue003\ue003", "x\ue003", "\ue003"]
    (found,) = unmapped_gaiji(values, table, max_rows=2)
    assert (found.count, found.rows) == (5, (0, 1))
    (found,) = unmapped_gaiji(values, table, max_rows=4)
    assert found.rows == (0, 1, 2, 3)
    assert unmapped_gaiji_frame(pl.DataFrame({"v": values}), "v", table, max_rows=2) == [found.__class__(
        found.char, found.codepoint, 5, (0, 1))]


def test_the_class_any_holds_every_value_and_null() -> None:
    frame = pl.DataFrame({"v": ["𠮷\ue001", "", None]}, schema={"v": pl.String})
    assert frame.select(in_charset_expr(pl.col("v"), "any")).to_series().to_list() == [True, True, True]
    assert frame.select(offending_chars_expr(pl.col("v"), "any")).to_series().to_list() == [[], [], []]


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("Shift_JIS", Encoding.CP932),
        ("shift-jis", Encoding.CP932),
        (" SJIS ", Encoding.CP932),
        ("Windows-31J", Encoding.CP932),
        ("MS932", Encoding.CP932),
        ("cp932", Encoding.CP932),
        ("UTF8", Encoding.UTF8),
        ("utf_8", Encoding.UTF8),
        ("UTF-8-SIG", Encoding.UTF8_BOM),
        ("utf8-bom", Encoding.UTF8_BOM),
    ],
)
def test_encoding_names_as_users_write_them(name: str, encoding: Encoding) -> None:
    assert resolve_encoding(name) is encoding


def test_an_unknown_encoding_name_is_refused_with_the_supported_ones() -> None:
    with pytest.raises(ValueError, match=r"^unsupported encoding 'euc-jp'; use utf-8, utf-8-sig or cp932$"):
        resolve_encoding("euc-jp")
