"""The standard's own rules (住民記録システム標準仕様書), through the CLI on small extracts.

Each test writes a legacy extract of a few residents as another vendor would (和暦 text, their own 続柄
words), maps it to the shipped 001 住民 table, and runs ``migrator validate``: the standard by default,
``--profile municipality-strict`` where a municipality asks for more. See docs/standard-rules.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import yaml

from tests.conftest import run_cli

LEGACY = """\
format: migrator.schema/1
id: legacy-small
kind: legacy
business_area: '001'
title: small 住民記録 extract
version: '1'
provenance: {source: written for the tests, verified: false}
tables:
  - name: 個人
    file: {format: csv, encoding: utf-8, header: true, delimiter: ','}
    key: [宛名番号]
    items:
      - {name: 宛名番号, type: string, max_length: 15}
      - {name: 世帯番号, type: string, max_length: 15}
      - {name: 区分, type: string, max_length: 1}
      - {name: 状態, type: string, max_length: 1}
      - {name: 氏名, type: string, max_length: 50}
      - {name: 生年月日, type: string, max_length: 40}
      - {name: 続柄, type: string, max_length: 20}
      - {name: 異動事由, type: string, max_length: 2}
      - {name: 異動日, type: string, max_length: 40}
      - {name: 住定日, type: string, max_length: 40}
"""
FIELDS = ["宛名番号", "世帯番号", "区分", "状態", "氏名", "生年月日", "続柄", "異動事由", "異動日", "住定日"]
# Existing numbers as a legacy system numbered them: serials without an M11 check digit.
PERSON = {"宛名番号": "1001", "世帯番号": "5001", "区分": "1", "状態": "1", "氏名": "山田　太郎",
          "生年月日": "昭和50年4月1日", "続柄": "世帯主", "異動事由": "01", "異動日": "令和2年4月1日",
          "住定日": "令和2年4月1日"}
ZOKU = {"世帯主": "02", "妻": "12", "子": "20", "孫": "20,20", "曾孫": "20,20,20", "玄孫": "20,20,20,20",
        "来孫": "96", "縁故者": "96"}


def _mapping(codes: dict[str, str] | None = None, zoku_parts: int = 4) -> dict:
    def wareki(std: str, legacy: str) -> list[dict]:
        return [{"standard": std, "legacy": [legacy], "transform": "trim | wareki"},
                {"standard": f"{std}_不詳フラグ", "legacy": [legacy], "transform": "trim | fusho_flag"},
                {"standard": f"{std}_不詳表記", "legacy": [legacy], "transform": "trim | fusho_text"}]

    items = [
        {"standard": "宛名番号", "legacy": ["宛名番号"], "transform": "trim"},
        {"standard": "世帯番号", "legacy": ["世帯番号"], "transform": "trim"},
        {"standard": "住民種別", "legacy": ["区分"], "transform": "trim"},
        {"standard": "住民状態", "legacy": ["状態"], "transform": "trim"},
        {"standard": "氏名", "legacy": ["氏名"], "transform": "trim"},
        {"standard": "異動事由", "legacy": ["異動事由"], "transform": "trim"},
        *wareki("生年月日", "生年月日"), *wareki("異動年月日", "異動日"), *wareki("住民となった年月日", "住定日"),
        *[{"standard": f"続柄コード{n}", "legacy": ["続柄"], "transform": f"trim | code(続柄, part={n})"}
          for n in range(1, zoku_parts + 1)],
        {"standard": "住所_市区町村コード", "default": "131016"},
        {"standard": "住所_都道府県", "default": "東京都"},
        {"standard": "住所_市区郡町村名", "default": "千代田区"},
    ]
    return {"format": "migrator.mapping/1",
            "settings": {"マッピングID": "small", "標準スキーマ": "std-001-juki", "標準テーブル": "住民",
                         "現行スキーマ": "legacy-small", "現行テーブル": "個人", "文字コード": "utf-8"},
            "items": items,
            "codes": [{"table": "続柄", "legacy": k, "standard": v} for k, v in (codes or ZOKU).items()]}


def _validate(workdir: Path, rows: list[dict[str, str]], *args: str, expect: int | None = None,
              mapping: dict | None = None) -> tuple[dict, pl.DataFrame | None]:
    (workdir / "schemas").mkdir(exist_ok=True)
    (workdir / "schemas" / "small.yaml").write_text(LEGACY, encoding="utf-8")
    (workdir / "small.yaml").write_text(yaml.safe_dump(mapping or _mapping(), allow_unicode=True), encoding="utf-8")
    lines = [",".join(FIELDS)] + [",".join(r.get(f, "") for f in FIELDS) for r in rows]
    (workdir / "extract.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("validate", "small.yaml", "extract.csv", "--out", "out", "--no-store", "--format", "json",
                     *args, expect=expect, env={"MIGRATOR_SCHEMAS": str(workdir / "schemas")})
    report = json.loads(result.stdout) if result.stdout.startswith("{") else {"stderr": result.stderr}
    out = workdir / "out" / "small.csv"
    return report, (pl.read_csv(out, infer_schema=False) if out.is_file() else None)


def _found(report: dict, *, skip: tuple[str, ...] = ()) -> dict[tuple[str, str | None], int]:
    return {(f["code"], f.get("item")): f.get("count") or 1 for f in report["findings"] if f["code"] not in skip}


# What the municipality profile requires besides (the reference vendor list): defaults keep these tests small.
STRICT_DEFAULTS = {"性別": "0", "性別表記": "不明", "続柄表記": "世帯主", "住所_町字コード": "0000001",
                   "住所_郵便番号": "1000001"}


def _strict_mapping() -> dict:
    mapping = _mapping()
    mapping["items"] += [{"standard": k, "default": v} for k, v in STRICT_DEFAULTS.items()]
    return mapping


def _person(n: int, **changes: str) -> dict[str, str]:
    """Resident ``n``, the head of household ``5000 + n`` unless ``changes`` say otherwise."""
    return {**PERSON, "宛名番号": str(1000 + n), "世帯番号": str(5000 + n), **changes}


# ---------------------------------------------------------------- 1.1.8 不詳日

FUSHO_FORMS = {  # each form of the specification → the internal date, as written in the standard layout
    "令和3年頃": "2021-01-01",
    "令和3年4月頃": "2021-04-01",
    "令和3年4月5日頃": "2021-04-05",
    "推定令和3年4月5日": "2021-04-05",
    "推定令和3年4月": "2021-04-01",
    "令和3年春": "2021-03-01",
    "令和3年4月上旬": "2021-04-01",
    "令和3年4月中旬頃": "2021-04-11",
    "年月日不詳": None,
    "令和3年　月日不詳": "2021-01-01",
    "令和3年10月　日不詳": "2021-10-01",
    "令和3年10月1日から10月10日頃までの間": "2021-10-01",
    "令和3年10月推定1日から10日までの間": "2021-10-01",
    "令和3年10月1日頃から10日頃までの間": "2021-10-01",
    "平成元年月日不詳": "1989-01-08",
}


def test_every_unknown_date_form_becomes_its_triple(workdir: Path) -> None:
    rows = [_person(n, 生年月日=form, 異動日="令和5年1月1日", 住定日="令和5年1月1日")
            for n, form in enumerate(FUSHO_FORMS)]
    report, out = _validate(workdir, rows, expect=0)
    assert out is not None
    got = {r["生年月日_不詳表記"]: (r["生年月日"], r["生年月日_不詳フラグ"]) for r in out.iter_rows(named=True)}
    assert got == {form: (date, "1") for form, date in FUSHO_FORMS.items()}
    # 生年月日 may be 不詳 (1.1.8): accepted, and said so. 年月日不詳 has no internal date; 生年月日 may not be
    # blank (1.1.6), and is not: its 不詳フラグ and 不詳表記 carry it.
    assert {k: v for k, v in _found(report).items() if k[0] != "DAT404"} == {("DAT403", "生年月日"): len(FUSHO_FORMS)}


def test_unknown_date_only_where_the_rule_lists_it(workdir: Path) -> None:
    # 異動年月日 may be 不詳 for 出生 (異動事由 03), not for a 転入 (01).
    rows = [_person(1, 異動事由="03", 異動日="令和3年春"), _person(2, 異動事由="01", 異動日="令和3年春")]
    report, out = _validate(workdir, rows, expect=1)
    found = _found(report)
    assert found[("DAT403", "異動年月日")] == 1 and found[("DAT103", "異動年月日")] == 1
    assert out is not None and out["宛名番号"].to_list() == ["1001"]


# ---------------------------------------------------------------- 1.1.8 non-calendar days, era-change days

def test_non_calendar_birth_date_is_kept_as_written(workdir: Path) -> None:
    report, out = _validate(workdir, [_person(1, 生年月日="平成元年2月30日"), _person(2, 生年月日="平成5年2月29日")],
                            expect=0)
    assert out is not None and out["生年月日"].to_list() == ["1989-02-30", "1993-02-29"]
    assert _found(report, skip=("DAT404",)) == {("DAT401", "生年月日"): 2}
    message = next(f for f in report["findings"] if f["code"] == "DAT401")["message"]
    assert "1.1.8" in message


def test_non_calendar_day_rejected_where_the_rule_does_not_allow_it(workdir: Path) -> None:
    # 異動年月日 of a 転入 (01) must be a calendar date; of a 出生 (03) it follows 戸籍.
    rows = [_person(1, 異動事由="01", 異動日="平成元年2月30日"), _person(2, 異動事由="03", 異動日="平成元年2月30日")]
    report, out = _validate(workdir, rows, expect=1)
    found = _found(report)
    assert found[("DAT103", "異動年月日")] == 1 and found[("DAT401", "異動年月日")] == 1
    assert out is not None and out["異動年月日"].to_list() == ["1989-02-30"]


def test_era_change_days_accepted_for_birth_dates_only(workdir: Path) -> None:
    rows = [_person(1, 生年月日="明治45年7月30日"), _person(2, 生年月日="大正15年12月25日"),
            _person(3, 生年月日="大正元年7月30日")]
    report, out = _validate(workdir, rows, expect=0)
    assert out is not None and out["生年月日"].to_list() == ["1912-07-30", "1926-12-25", "1912-07-30"]
    assert _found(report, skip=("DAT404",)) == {("DAT402", "生年月日"): 2}
    # 住民となった年月日 of a 日本人住民 follows 戸籍 too; a calendar-only date (none in 001 but 異動届出年月日,
    # which these rows do not map) is checked by the 和暦 rule: 明治45年7月30日 is 大正元年.
    from migrator.jp import parse_wareki

    assert parse_wareki("明治45年7月30日").status == "invalid"
    assert parse_wareki("明治45年7月30日", koseki=True).reason == "era_change"


# ---------------------------------------------------------------- 1.1.13 check digits

def test_existing_numbers_without_check_digit_pass_under_the_standard(workdir: Path) -> None:
    report, out = _validate(workdir, [_person(1), _person(2, 続柄="妻", 世帯番号="5001")], expect=0)
    assert out is not None and out.height == 2
    found = _found(report)
    assert found[("DAT404", "宛名番号")] == 2 and found[("DAT404", "世帯番号")] == 2
    assert report["summary"]["profile"] == "standard"
    assert all(f["severity"] == "info" for f in report["findings"])


def test_municipality_profile_asks_for_the_check_digit(workdir: Path) -> None:
    report, _ = _validate(workdir, [_person(1), _person(2, 続柄="妻", 世帯番号="5001")], "--profile",
                          "municipality-strict", mapping=_strict_mapping(), expect=1)
    found = _found(report)
    assert found[("DAT107", "宛名番号")] == 2 and found[("DAT107", "世帯番号")] == 2
    assert ("DAT404", "宛名番号") not in found
    assert report["summary"]["profile"] == "municipality-strict"


def test_unknown_profile_is_an_input_error(workdir: Path) -> None:
    report, _ = _validate(workdir, [_person(1)], "--profile", "strictest", expect=2)
    assert "municipality-strict" in report["stderr"] and "Traceback" not in report["stderr"]


# ---------------------------------------------------------------- 1.1.10 世帯主

def test_household_without_head_passes_as_information(workdir: Path) -> None:
    rows = [_person(1, 続柄="子"), _person(2, 続柄="子", 世帯番号="5001"), _person(3)]
    report, out = _validate(workdir, rows, expect=0)
    assert out is not None and out.height == 3
    head = next(f for f in report["findings"] if f["code"] == "DAT405")
    assert head["severity"] == "info" and head["count"] == 1 and "1.1.10" in head["message"]
    assert not any(f["code"] == "DAT203" for f in report["findings"])


def test_two_heads_is_still_an_error(workdir: Path) -> None:
    report, _ = _validate(workdir, [_person(1), _person(2, 世帯番号="5001")], expect=1)
    assert _found(report)[("DAT203", "世帯番号")] == 1


# ---------------------------------------------------------------- 1.1.11 続柄

def test_grandchild_is_child_of_child_and_five_generations_are_enkosha(workdir: Path) -> None:
    rows = [_person(1), _person(2, 続柄="孫"), _person(3, 続柄="玄孫"), _person(4, 続柄="来孫")]
    _, out = _validate(workdir, rows, expect=0)
    assert out is not None
    codes = [tuple(r[f"続柄コード{n}"] for n in range(1, 5)) for r in out.iter_rows(named=True)]
    assert codes == [("02", None, None, None), ("20", "20", None, None), ("20", "20", "20", "20"),
                     ("96", None, None, None)]


def test_several_values_need_a_part_and_a_row_for_each(workdir: Path) -> None:
    mapping = _mapping(codes={**ZOKU, "来孫": "20,20,20,20,20"}, zoku_parts=2)
    mapping["items"] = [i for i in mapping["items"] if i["standard"] != "続柄コード2"]
    mapping["items"].append({"standard": "続柄コード2", "legacy": ["続柄"], "transform": "trim | code(続柄)"})
    report, _ = _validate(workdir, [_person(1)], mapping=mapping, expect=1)
    found = {f["code"]: f for f in report["findings"] if f["code"] in ("MAP030", "MAP031")}
    assert set(found) == {"MAP030", "MAP031"}
    assert "続柄コード2" in found["MAP030"]["message"]
    assert "1.1.11" in found["MAP031"]["message"] and "20,20,20,20,20" in found["MAP031"]["message"]


# ---------------------------------------------------------------- 1.1.6 blanks

def test_blank_optional_item_passes_and_blank_listed_item_fails(workdir: Path) -> None:
    rows = [_person(1, 氏名=""), _person(2, 生年月日=""), _person(3, 住定日="")]
    report, out = _validate(workdir, rows, expect=1)
    found = _found(report)
    assert found[("DAT101", "生年月日")] == 1
    assert ("DAT101", "氏名") not in found  # 氏名 is not in the list of 1.1.6
    rule = next(f for f in report["findings"] if f["code"] == "DAT109")
    assert "住民となった年月日" in rule["message"] and rule["count"] == 1  # required for 日本人住民
    assert out is not None and out["宛名番号"].to_list() == ["1001"]


def test_municipality_profile_requires_the_vendor_list_items(workdir: Path) -> None:
    # The mapping itself must give every item the profile requires (MAP201, before any row is read) …
    report, _ = _validate(workdir, [_person(1)], "--profile", "municipality-strict", expect=1)
    assert {f["item"] for f in report["findings"] if f["code"] == "MAP201"} == set(STRICT_DEFAULTS)
    # … and then a blank 氏名 is an error there, though the standard allows it.
    report, _ = _validate(workdir, [_person(1, 氏名="")], "--profile", "municipality-strict",
                          mapping=_strict_mapping(), expect=1)
    assert _found(report)[("DAT101", "氏名")] == 1


def test_required_date_without_its_unknown_flag_mapped_is_required(workdir: Path) -> None:
    # A vendor's mapping that converts 生年月日 but leaves 生年月日_不詳フラグ out: a blank birth date (or the
    # all-zero sentinel `0000000`, read as 不詳 with no date) has no flag to carry it, so it is a blank
    # required item (1.1.6), not a row written without a word.
    mapping = _mapping()
    mapping["items"] = [i for i in mapping["items"] if i["standard"] not in ("生年月日_不詳フラグ", "生年月日_不詳表記")]
    rows = [_person(1), _person(2, 生年月日="0000000"), _person(3, 生年月日="")]
    report, out = _validate(workdir, rows, expect=1, mapping=mapping)
    assert _found(report, skip=("DAT404",)) == {("DAT101", "生年月日"): 2}
    assert out is not None and out["宛名番号"].to_list() == ["1001"]
