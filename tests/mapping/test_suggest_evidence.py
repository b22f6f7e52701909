"""The kinds of evidence `mapping template` weighs besides the names, each on a small hand-written layout with
its exact expected fills, and the accuracy of the suggestions on the layouts with an answer key (a regression
on a layout that meets the goal fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.mapping import ItemRow, Mapping, load_mapping
from migrator.mapping.template import accuracy, build_template
from migrator.mapping.terms import initials_fit, label, translate
from migrator.schema import SchemaRegistry
from tests.conftest import DATA, REPO

LAYOUTS = REPO / "tests" / "data" / "layouts"

HEAD = """\
format: migrator.schema/1
id: legacy-evidence
kind: legacy
title: small layout for suggestion tests
version: '1'
provenance: {source: written for migrator's tests, verified: false}
tables:
  - name: REC
    file: {format: csv, encoding: utf-8, header: true, delimiter: ','}
    items:
"""


def _made(tmp_path: Path, items: str, codes: str = "") -> Mapping:
    (tmp_path / "layout.yaml").write_text(HEAD + items + codes, encoding="utf-8")
    registry = SchemaRegistry.load(tmp_path, DATA / "schemas")
    return build_template(registry.get("std-001-juki"), "住民", registry.get("legacy-evidence"), "REC")


def _template(tmp_path: Path, items: str, codes: str = "") -> dict[str, tuple[str, str | None]]:
    return _filled(_made(tmp_path, items, codes).items)


def _filled(rows: tuple[ItemRow, ...]) -> dict[str, tuple[str, str | None]]:
    return {r.standard: (r.legacy[0], r.transform) for r in rows if r.legacy}


def test_a_code_table_with_the_standards_labels_names_an_item_whose_name_says_nothing(tmp_path: Path) -> None:
    # 現存区分 says nothing of 住民状態; its labels (現存 = 住登, 職権消除 = 消除: terms.yaml labels) are the
    # standard's. An 異動事由 table sharing two labels (転出, 死亡) is not enough for 住民状態.
    made = _made(tmp_path, """\
      - {name: GNZ, type: code, length: 1, code_table: GENZON}
      - {name: IDO_JIYU, type: code, length: 2, code_table: JIYU}
""", """\
code_tables:
  GENZON: {values: {'1': 現存, '2': 転出, '3': 死亡, '4': 職権消除}}
  JIYU: {values: {'01': 転入, '03': 出生, '21': 転出, '23': 死亡}}
""")
    filled = _filled(made.items)
    # code 4 is no standard code: a code table, its rows proposed from the labels (職権消除 → 9 その他消除者)
    assert filled["住民状態"] == ("GNZ", "trim | code(住民状態)")
    assert {(c.legacy, c.standard) for c in made.codes if c.table == "住民状態"} == {
        ("1", "1"), ("2", "2"), ("3", "3"), ("4", "9")}
    assert filled["異動事由"] == ("IDO_JIYU", None)  # its codes are the standard's and mean the same
    assert label("現存") == "住登" and label("職権消除") == "消除" and label("転入") == "転入"


def test_initials_and_abbreviation_suffixes_tell_the_parts_of_an_address_apart(tmp_path: Path) -> None:
    # S(CD) is 市区町村 (shichoson), C(CD) 町字 (choaza); KTGK is 方書 (katagaki), not the 20-character 方書コード
    filled = _template(tmp_path, """\
      - {name: JSHO-SCD, type: string, length: 6, charset: digits}
      - {name: JSHO-CCD, type: string, length: 7, charset: digits}
      - {name: JSHO-KTGK, type: string, length: 60}
      - {name: TNYU-MAE-SCD, type: string, length: 6, charset: digits}
      - {name: TNYU-MAE-YBN, type: string, length: 7, charset: digits}
""")
    assert filled == {"住所_市区町村コード": ("JSHO-SCD", None), "住所_町字コード": ("JSHO-CCD", None),
                      "住所_方書": ("JSHO-KTGK", None), "転入前住所_市区町村コード": ("TNYU-MAE-SCD", None),
                      "転入前住所_郵便番号": ("TNYU-MAE-YBN", "postal")}
    assert translate("JSHO-SCD") == "住所Sコード" and translate("TNYU-MAE-YBN") == "転入前住所郵便番号"
    assert initials_fit("住所_市区町村コード", "住所Sコード") is True
    assert initials_fit("住所_方書コード", "住所Sコード") is False
    assert initials_fit("住所_方書", "住所方書") is None


def test_a_composite_address_code_described_in_the_comment_feeds_both_parts(tmp_path: Path) -> None:
    # the names are numbers; the description names the parts of the 11-digit code. The previous address's
    # 市町村ＣＤ scores higher on the name but is taken by 転入前住所_市区町村コード first.
    filled = _template(tmp_path, """\
      - {name: F01, type: string, max_length: 10, charset: digits, description: 宛名ＮＯ}
      - {name: F02, type: string, length: 11, charset: digits, description: 住所ＣＤ（市町村６＋町字５）}
      - {name: F03, type: string, length: 6, charset: digits, description: 前住所市町村ＣＤ}
      - {name: F04, type: date, length: 7, format: GYYMMDD, description: 消除ＹＭＤ}
      - {name: F05, type: string, max_length: 3, description: 国籍ＣＤ}
""")
    assert filled == {"宛名番号": ("F01", None),
                      "住所_市区町村コード": ("F02", "trim | substr(0, 6)"),
                      "住所_町字コード": ("F02", "trim | substr(6, 5) | pad(7)"),
                      "転入前住所_市区町村コード": ("F03", None),
                      "消除の異動年月日": ("F04", "trim | wareki"),
                      "消除の異動年月日_不詳フラグ": ("F04", "trim | fusho_flag"),
                      "消除の異動年月日_不詳表記": ("F04", "trim | fusho_text"),
                      "国籍等_国名コード": ("F05", None)}


def test_a_long_comment_counts_by_its_first_phrase(tmp_path: Path) -> None:
    filled = _template(tmp_path, """\
      - {name: C1, type: date, length: 7, format: GYYMMDD, description: 生年月日。和暦（元号コード＋年月日）で格納する}
      - {name: C2, type: string, max_length: 40, charset: kana_half, description: 氏名カナ、半角カナで姓と名の間は空白1桁}
""")
    assert filled["生年月日"] == ("C1", "trim | wareki")
    assert filled["氏名_フリガナ"] == ("C2", "trim | zenkaku")


@pytest.mark.parametrize(("legacy", "japanese"), [
    ("消除ＹＭＤ", "消除の異動年月日"), ("SHJ-YMD", "消除の異動年月日"),  # words of two scripts read as one variant
    ("国籍ＣＤ", "国籍等_国名コード"), ("SEIBETUCD", "性別コード"), ("TNYU-MAE-SCD", "転入前住所Sコード"),
    # 訓令式 and long vowels written out read as the Hepburn spellings of terms.yaml
    ("SYOUZYO_YMD", "消除の異動年月日"), ("ZYUSYO_SITYOUSON_CD", "住所市区町村コード"), ("TUUSYOU", "通称"),
    ("YUUBIN_NO", "郵便番号"), ("SEIBETU", "性別"),
])
def test_variants_made_of_two_scripts_and_suffixed_abbreviations(legacy: str, japanese: str) -> None:
    assert translate(legacy) == japanese


# The layouts whose answer key the suggestions meet the goal on (top-1 ≥ 90 %, at most 10 % of the items
# without a source filled), as bench/mapping.py measures them. A layout short of the goal is not listed:
# the test catches a regression, it does not pretend a goal is met.
MET = ["juki_mainframe_jumin", "juki_rdb_jumin", "juki_rdb_setai", "english_jumin", "numbered_jumin",
       "romaji_jumin", "romaji_setai", "camel_jumin", "cobol_jumin", "f001_jumin", "mixed_jumin", "mixed_setai", "kunrei_jumin"]
KEYS = {p.stem: p for p in [*(DATA / "mappings").glob("*.yaml"), *(LAYOUTS / "mappings").glob("*.yaml"),
                            *(LAYOUTS / "heldout" / "mappings").glob("*.yaml")]}


@pytest.mark.parametrize("name", MET)
def test_the_suggestions_meet_the_goal_on_the_layouts_that_met_it(name: str) -> None:
    registry = SchemaRegistry.load(LAYOUTS / "schemas", LAYOUTS / "heldout" / "schemas", DATA / "schemas")
    answer, _ = load_mapping(KEYS[name])
    assert answer is not None and answer.legacy_schema
    found = accuracy(answer, registry.get(answer.standard_schema), registry.get(answer.legacy_schema))
    assert found.meets(), found
    assert found.top3 >= 0.9 and found.with_source > 0
