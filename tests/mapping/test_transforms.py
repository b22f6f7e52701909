"""The transforms' own rules (``migrator.mapping.transforms``): argument errors, the 戸籍 date rule, the width of
an extract() group. The compiled form of every transform is tested in tests/mapping/test_mapping.py."""

from __future__ import annotations

import polars as pl
import pytest

from migrator.location import Location
from migrator.mapping import CodeEntry, ItemRow, Mapping, check_mapping, compile_mapping
from migrator.mapping.transforms import regex_group_width
from migrator.schema import SchemaRegistry
from tests.conftest import DATA

REGISTRY_S = SchemaRegistry.load(DATA / "schemas")


def _argument_errors(transform: str) -> list[tuple[str, str, str]]:
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民",
                      items=(ItemRow("氏名", ("a",), transform, cells={"transform": Location(sheet="項目対応", cell="D5")}),),
                      codes=(CodeEntry("t", "M", "1"),))
    return [(f.code, f.message_en, f.message_ja) for f in check_mapping(mapping, registry=REGISTRY_S).findings
            if f.code.startswith("MAP1")]


@pytest.mark.parametrize(("transform", "en", "ja"), [
    ("code(t, part=0)", "code: part counts from 1 (character 1)", "code: part は 1 から数えます(1 文字目)"),
    ("trim | pad", "pad: missing argument 'width' (takes pad(width, char='0', side='left')) (character 8)",
     "pad: 引数 width がありません(pad(width, char='0', side='left'))(8 文字目)"),
    ('extract("(")',
     "extract: invalid regular expression: missing ), unterminated subpattern at character 1 of the pattern (character 1)",
     "extract: 正規表現が不正です: 「(」が閉じられていません (パターンの 1 文字目)(1 文字目)"),
    ('extract("a{99999999999}")', "extract: invalid regular expression: a repetition count is too large (character 1)",
     "extract: 正規表現が不正です: 繰り返し回数が大きすぎます(1 文字目)"),
])
def test_an_argument_error_is_named_in_both_languages(transform: str, en: str, ja: str) -> None:
    assert _argument_errors(transform) == [("MAP103", en, ja)]


def test_arguments_that_fit_raise_nothing() -> None:
    assert _argument_errors("code(t, part=1) | pad(15)") == []


def _dates(transform: str, values: list[str | None], item: str) -> tuple[list[str | None], list[bool]]:
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民", items=(ItemRow(item, ("a",), transform),))
    compiled = compile_mapping(mapping, registry=REGISTRY_S)
    frame = pl.LazyFrame({"a": values}, schema={"a": pl.String})
    (issue,) = [i for i in compiled.issues if i.code == "MAP403"]
    return compiled.apply(frame).collect()[item].to_list(), frame.select(issue.expr).collect().to_series().to_list()


def test_a_koseki_date_keeps_a_non_calendar_day_of_a_real_month_as_written() -> None:
    """生年月日 follows 戸籍 (1.1.8): 2月30日 is kept as 2020-02-30, month and day written with two digits; a
    thirteenth month or a 32nd day is no date (MAP403)."""
    values = ["2020/2/30", "1950/4/1", "2020/13/01", "2020/2/32", "2020/00/10", "x", None]
    out, issues = _dates('date("%Y/%m/%d")', values, "生年月日")
    assert out == ["2020-02-30", "1950-04-01", None, None, None, None, None]
    assert issues == [False, False, True, True, True, True, False]
    # the format's literal text is matched as written, its directives in any order
    out, _ = _dates('date("%d.%m.%Y")', ["30.2.2020", "30/2/2020"], "生年月日")
    assert out == ["2020-02-30", None]


def test_a_date_outside_koseki_rules_keeps_no_non_calendar_day() -> None:
    out, issues = _dates('date("%Y/%m/%d")', ["2020/2/30", "1950/4/1"], "異動届出年月日")
    assert out == [None, "1950-04-01"]
    assert issues == [True, False]


@pytest.mark.parametrize(("pattern", "group", "width"), [
    (r"^(.{2,3})県$", 0, 4),  # the whole match
    (r"^(.{2,3})県$", 1, 3),
    (r"a(b)(c{2})", 1, 1),
    (r"a(b)(c{2})", 2, 2),
    (r"a(b|cd)?(e)", 1, 2),
    (r"(?:x(y{3}))+", 1, 3),  # a group inside a repeat
    (r"(x{4294967294})", 1, 4294967294),  # the longest bounded repeat re knows
    # re's interpreters differ on an unbounded width: some cap it at MAXREPEAT (4294967295), others report 2**64;
    # a width of MAXREPEAT or more is therefore unknown, even the one this bounded pattern reaches exactly
    (r"(x{4294967294}y)", 1, None),
    (r"(x{4294967294})y", 0, None),
    (r"(.+)", 0, None),  # unbounded
    (r"(.+)", 1, None),
    (r"^(.{2,3})県(.*)$", 0, None),
    (r"(a)", 2, None),  # no such group
    ("(", 1, None),  # not a regular expression
])
def test_the_width_of_a_regex_group(pattern: str, group: int, width: int | None) -> None:
    assert regex_group_width(pattern, group) == width


def test_controls_makes_each_control_character_a_space_so_the_value_passes_the_standard() -> None:
    """``controls`` turns TAB, CR, LF, NUL, ESC, DEL and C1 controls into spaces (DAT112 then has nothing to
    find); other text, full-width spaces and 外字 included, is kept."""
    from migrator.validation.checks import CONTROL_RE

    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民",
                      items=(ItemRow("住所_方書", ("a",), "controls | trim"),))
    compiled = compile_mapping(mapping, registry=REGISTRY_S)
    values = ["コーポ\t201号\r\n", "\x00A\x1b[31m\x7f\x85", "全角\u3000空白\ue000", None]
    out = compiled.apply(pl.LazyFrame({"a": values}, schema={"a": pl.String})).collect()["住所_方書"].to_list()
    assert out == ["コーポ 201号", "A [31m", "全角\u3000空白\ue000", None]
    assert not any(v is not None and pl.Series([v]).str.contains(CONTROL_RE)[0] for v in out)
