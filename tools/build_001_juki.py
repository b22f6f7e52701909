"""Regenerate ``migrator/data/schemas/standard/001_juki.yaml`` from the reference item list and code list.

Usage (from the repository root)::

    .venv/bin/python tools/build_001_juki.py reference/standard/001_juki_items.csv \
        reference/standard/001_juki_codes.csv > migrator/data/schemas/standard/001_juki.yaml

The CSV files give the 111 items (names exactly as the standard writes them, type, max length, required,
code table, 日本人/外国人 applicability) and the code tables. This script adds what a CSV item list does
not say: character classes, named checks, sensitivity, the 不詳 companions of dates, the 世帯 table that
住民.世帯番号 references, and the cross-item rules of the 住民基本台帳 data.

It also applies the rules of the 住民記録システム標準仕様書 (each item's ``basis`` names the section) instead of the
stricter choices of the vendor item list, and keeps those choices as the ``municipality-strict`` profile:
- 1.1.6 空欄: only the listed items may not be blank; the list's other ``required`` flags go to the profile.
- 1.1.8 年月日: 生年月日, 住民となった年月日, 外国人住民となった年月日 and the 異動日 of 出生/死亡 take what 戸籍
  records (``dates: koseki``); every other date is a calendar date.
- 1.1.10 世帯主: 世帯主宛名番号 may be blank (a household without a 世帯主).
- 1.1.13 宛名番号・世帯番号: the M11 check digit applies to newly assigned numbers only (``checks_new_numbers``).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from migrator.schema.csv_import import schema_from_item_list
from migrator.schema.model import Condition, Item, Profile, Reference, Rule, Table
from migrator.schema.writer import dump_schema

SENSITIVE_PREFIXES = ("氏名", "旧氏", "通称", "生年月日", "個人番号", "住所_番地", "住所_方書", "転入前住所_番地",
                      "転入前住所_方書", "転入前住所_世帯主氏名", "転居前住所_番地", "転居前住所_方書",
                      "転出先住所（予定）_番地", "転出先住所（予定）_方書", "転出先住所（予定）_国外住所",
                      "転出先住所（確定）_番地", "転出先住所（確定）_方書", "転入前住所_国外住所")


SPEC = "住民記録システム標準仕様書"
BLANKS = "1.1.6"
DATES = "1.1.8"
HEAD = "1.1.10"
NUMBERS = "1.1.13"
# 1.1.6: the items of this table that may not be blank (宛名番号, 世帯番号, 生年月日, 住所); 住民となった年月日 may
# not be blank for the 日本人住民 it applies to (a rule below). 外国人住民となった年月日 is listed too, but the legacy
# systems keep one 住民となった年月日 for everyone, which a mapping cannot yet split by 住民種別: not checked here.
NOT_BLANK = ("宛名番号", "世帯番号", "生年月日", "住所_市区町村コード", "住所_都道府県", "住所_市区郡町村名")
# 1.1.8: dates that follow 戸籍 (non-calendar days, the two era-change days, 不詳日).
KOSEKI_DATES = ("生年月日", "住民となった年月日", "外国人住民となった年月日")
BIRTH_DEATH = ("03", "23")  # 異動事由 記載_出生, 消除_死亡 (the code list has no 失踪 of its own)
PROFILE = "municipality-strict"


def annotate(item: Item) -> Item:
    name = item.name
    changes: dict[str, object] = {}
    basis: dict[str, str] = {}
    if item.required or name in NOT_BLANK:
        changes["required"] = name in NOT_BLANK
        basis["required"] = BLANKS
    if item.type == "date":
        basis["dates"] = DATES
        if name in KOSEKI_DATES:
            changes["dates"] = "koseki"
        elif name in ("異動年月日", "消除の異動年月日"):
            changes.update(dates="koseki", dates_when=Condition("異動事由", BIRTH_DEATH))
    if name in ("宛名番号", "世帯番号"):
        # They identify a resident (and a household's members) in every system of the municipality:
        # personal data, masked like 個人番号 (docs/limits-and-safety.md).
        changes.update(charset="digits", new_number_checks=("m11w27",), sensitive=True)
        basis["checks_new_numbers"] = NUMBERS
    if name == "世帯番号":
        changes["references"] = Reference(table="世帯", item="世帯番号")
    if name == "個人番号":
        changes.update(charset="digits", checks=("mynumber",), length=12, max_length=None)
    if name.endswith("市区町村コード"):
        changes.update(charset="digits", checks=("lg_code",), length=6, max_length=None)
    if name.endswith("町字コード"):
        changes.update(charset="digits", length=7, max_length=None)
    if name.endswith("郵便番号"):
        changes.update(charset="digits", checks=("postal_code",), length=7, max_length=None)
    if name.endswith("フリガナ"):
        changes["charset"] = "kana_full"
    if name == "氏名_外国人ローマ字":
        changes["charset"] = "any"
    if name.startswith(SENSITIVE_PREFIXES) and name != "氏名優先区分":
        changes["sensitive"] = True
    if item.type == "date":
        changes.update(unknown_flag=f"{name}_不詳フラグ", unknown_text=f"{name}_不詳表記")
    changes["basis"] = tuple(basis.items())
    return replace(item, **changes)  # type: ignore[arg-type]


def main(items_csv: Path, codes_csv: Path) -> str:
    base = schema_from_item_list(
        items_csv, codes_csv, schema_id="std-001-juki", title="住民基本台帳 基本データリスト", table="住民",
        business_area="001", version="2.1",
        source=("reference item list 001_juki_items.csv and code list 001_juki_codes.csv "
                "(a public vendor repository's table specification, 2023); not the official 基本データリスト"),
    )
    residents = base.table("住民")
    vendor_required = [f"住民.{i.name}" for i in residents.items if i.required and i.name not in NOT_BLANK]
    items = []
    for item in residents.items:
        annotated = annotate(item)
        # Only dates whose companions exist in the list get them (異動届出年月日 has none).
        if annotated.unknown_flag and not residents.has_item(annotated.unknown_flag):
            annotated = replace(annotated, unknown_flag=None, unknown_text=None)
        items.append(annotated)
    foreign_only = ("第30条45規定区分", "在留資格等コード", "在留期間の満了の日", "国籍等_国名コード")
    rules = [
        Rule(kind="code_consistency", when=Condition("住民状態", ("3",)), then=Condition("異動事由", ("23",)),
             both_ways=True, description="死亡者 ⇔ 消除の事由 23 (死亡)"),
        Rule(kind="required_if", item="消除の異動年月日", when=Condition("住民状態", ("2", "3", "9")),
             description="a removed resident has the date of removal"),
        Rule(kind="required_if", item="第30条45規定区分", when=Condition("住民種別", ("2",)),
             description="外国人住民 have a 第30条45 category"),
        Rule(kind="required_if", item="住民となった年月日", when=Condition("住民種別", ("1",)),
             description="日本人住民 have the date they became residents", basis=BLANKS),
        *[Rule(kind="empty_if", item=name, when=Condition("住民種別", ("1",)),
               description="foreign-resident items are empty for 日本人住民") for name in foreign_only],
        Rule(kind="empty_if", item="旧氏", when=Condition("住民種別", ("2",)),
             description="旧氏 is recorded for 日本人住民 only"),
        Rule(kind="date_order", earlier="生年月日", later="異動年月日"),
        Rule(kind="date_order", earlier="生年月日", later="住民となった年月日"),
        Rule(kind="date_order", earlier="異動年月日", later="消除の異動年月日"),
    ]
    residents = replace(residents, items=tuple(items), rules=tuple(rules),
                        description="住民 (one row per resident record, history rows included)")
    household = Table(
        name="世帯",
        description="世帯 (household); not in the reference item list, added so that 住民.世帯番号 has a target",
        key=("世帯番号",),
        items=(
            Item(name="世帯番号", type="string", max_length=15, required=True, charset="digits",
                 new_number_checks=("m11w27",), sensitive=True,
                 basis=(("required", BLANKS), ("checks_new_numbers", NUMBERS))),
            Item(name="世帯主宛名番号", type="string", max_length=15, charset="digits",
                 new_number_checks=("m11w27",), references=Reference(table="住民", item="宛名番号"), sensitive=True,
                 basis=(("required", HEAD), ("checks_new_numbers", NUMBERS)),
                 description="blank for a household without a 世帯主"),
            Item(name="世帯主氏名", type="string", max_length=100, sensitive=True, basis=(("required", HEAD),)),
            Item(name="世帯員数", type="integer", max_length=3, basis=(("required", BLANKS),)),
            Item(name="住所_市区町村コード", type="string", length=6, required=True, charset="digits",
                 checks=("lg_code",), basis=(("required", BLANKS),)),
        ),
    )
    profile = Profile(
        name=PROFILE,
        description=("stricter than the standard, for a municipality that wants it: the items the reference "
                     "vendor item list marks required, a 世帯主 in every household record, and the M11 check "
                     "digit on existing 宛名番号/世帯番号 as well as new ones"),
        required=(*vendor_required, "世帯.世帯主宛名番号", "世帯.世帯主氏名", "世帯.世帯員数"),
        checks=(("住民.宛名番号", ("m11w27",)), ("住民.世帯番号", ("m11w27",)), ("世帯.世帯番号", ("m11w27",)),
                ("世帯.世帯主宛名番号", ("m11w27",))),
    )
    schema = replace(base, tables=(residents, household), profiles={PROFILE: profile},
                     provenance=replace(base.provenance, note=(
                         f"required, dates and check digits follow the {SPEC} (public mirror of the requirement "
                         "text: AkihiraYOSHIMOTO/jyuki-stnd, doc/j*.txt); each item's basis names the section. "
                         f"Profile {PROFILE} keeps the stricter choices of the vendor item list.")))
    header = ("住民基本台帳 (001) standard data set. Generated by tools/build_001_juki.py;\n"
              "edit the script and regenerate rather than editing by hand.")
    return dump_schema(schema, header=header)


if __name__ == "__main__":
    sys.stdout.write(main(Path(sys.argv[1]), Path(sys.argv[2])))
