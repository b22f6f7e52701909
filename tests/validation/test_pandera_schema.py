"""Building pandera (polars) schemas from the schema model."""

from __future__ import annotations

from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest

from migrator.schema import load_schema, parse_schema
from migrator.validation.pandera_schema import (
    Unchecked,
    build_pandera_schema,
    register_named_check,
    schema_for,
    unchecked,
)
from tests.conftest import DATA

SHIPPED = sorted((DATA / "schemas").rglob("*.yaml"))


@pytest.fixture(autouse=True)
def builtin_checks_only():
    """These tests see the builder's own checks only, whatever the run registered (migrator.validation.checks)."""
    from migrator.validation import pandera_schema as ps

    saved = dict(ps._NAMED), dict(ps._CHARSETS)
    builtin_named = {"postal_code", "residence_card"}
    for name in list(ps._NAMED):
        if name not in builtin_named:
            ps._NAMED.pop(name)
    yield
    ps._NAMED.clear()
    ps._NAMED.update(saved[0])
    ps._CHARSETS.clear()
    ps._CHARSETS.update(saved[1])

SCHEMA = """format: migrator.schema/1
id: t
kind: standard
business_area: '001'
title: t
version: '1'
provenance: {source: test, verified: false}
tables:
  - name: 住民
    key: [宛名番号]
    items:
      - {name: 宛名番号, type: string, max_length: 15, required: true, charset: digits, checks: [m11w27]}
      - {name: 住民状態, type: code, length: 1, required: true, code_table: 住民状態}
      - {name: 異動事由, type: code, length: 2, code_table: 事由}
      - {name: 生年月日, type: date}
      - {name: 消除日, type: date}
      - {name: 金額, type: decimal, max_length: 10, scale: 2}
      - {name: 人数, type: integer, max_length: 3}
      - {name: 郵便番号, type: string, length: 7, checks: [postal_code]}
      - {name: 不詳フラグ, type: flag}
      - {name: 記号, type: string, pattern: '[A-Z]{2}'}
    rules:
      - {kind: code_consistency, when: {item: 住民状態, in: ['3']}, then: {item: 異動事由, in: ['23']}, both_ways: true}
      - {kind: required_if, item: 消除日, when: {item: 住民状態, in: ['3']}}
      - {kind: date_order, earlier: 生年月日, later: 消除日}
code_tables:
  住民状態: {values: {'1': 住登者, '3': 死亡者}}
  事由: {values: {'01': 転入, '23': 死亡}}
"""

GOOD = {"宛名番号": "000000000000019", "住民状態": "1", "異動事由": "01", "生年月日": "1980-02-29", "消除日": None,
        "金額": "12.50", "人数": "3", "郵便番号": "1000001", "不詳フラグ": "0", "記号": "AB"}


def _schema():  # type: ignore[no-untyped-def]
    schema, findings = parse_schema(SCHEMA, "t.yaml")
    assert schema is not None, findings
    return schema


def _failures(rows: list[dict[str, str | None]]) -> set[tuple[str, str, int]]:
    frame = pl.DataFrame(rows, schema={k: pl.String for k in GOOD})
    with pytest.raises(pa.errors.SchemaErrors) as exc:
        schema_for(_schema(), "住民").validate(frame, lazy=True)
    cases = exc.value.failure_cases
    return {(r["column"], r["check"], r["index"]) for r in cases.iter_rows(named=True)}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_table_builds(path: Path) -> None:
    schema, _ = load_schema(path)
    assert schema is not None
    for table in schema.tables:
        for typed in (False, True):
            built = schema_for(schema, table.name, typed=typed)
            assert isinstance(built, pa.DataFrameSchema)
            assert list(built.columns) == list(table.item_names)


def test_a_clean_frame_passes() -> None:
    frame = pl.DataFrame([GOOD], schema={k: pl.String for k in GOOD})
    assert schema_for(_schema(), "住民").validate(frame).height == 1


def test_each_kind_of_violation_is_named() -> None:
    bad = dict(GOOD, 住民状態="7", 生年月日="1981-02-29", 金額="1.234", 人数="三", 郵便番号="100-0001",
               不詳フラグ="2", 記号="abc", 宛名番号="12345678901234567")
    found = _failures([GOOD, bad])
    assert found == {
        ("宛名番号", "max_length(15)", 1),
        ("住民状態", "code_table(住民状態)", 1),
        ("生年月日", "date(%Y-%m-%d)", 1),
        ("金額", "decimal", 1),
        ("人数", "integer", 1),
        ("郵便番号", "length(7)", 1),
        ("郵便番号", "check:postal_code", 1),
        ("不詳フラグ", "flag", 1),
        ("記号", "pattern([A-Z]{2})", 1),
    }


def test_required_blank_and_rules() -> None:
    dead_without_reason = dict(GOOD, 住民状態="3", 異動事由="01", 消除日=None)
    reason_without_death = dict(GOOD, 異動事由="23")
    removed_before_birth = dict(GOOD, 住民状態="3", 異動事由="23", 消除日="1970-01-01")
    blank = dict(GOOD, 宛名番号=" ")
    found = _failures([dead_without_reason, reason_without_death, removed_before_birth, blank])
    assert {(c, k, i) for c, k, i in found if k.startswith("rule:")} == {
        ("住民", "rule:code_consistency(住民状態, 異動事由)", 0),
        ("住民", "rule:required_if(消除日, 住民状態)", 0),
        ("住民", "rule:code_consistency(住民状態, 異動事由)", 1),
        ("住民", "rule:date_order(生年月日, 消除日)", 2),
    }
    assert ("宛名番号", "required", 3) in found


def test_unregistered_checks_are_listed_then_pluggable() -> None:
    schema = _schema()
    assert unchecked(schema.table("住民")) == [Unchecked("宛名番号", "check:m11w27")]
    register_named_check("m11w27", lambda c: c.str.ends_with("9"))
    try:
        assert unchecked(schema.table("住民")) == []
        found = _failures([dict(GOOD, 宛名番号="000000000000018")])
        assert ("宛名番号", "check:m11w27", 0) in found
    finally:
        from migrator.validation import pandera_schema

        pandera_schema._NAMED.pop("m11w27")


def test_typed_mode_checks_dtypes() -> None:
    schema = _schema()
    built = build_pandera_schema(schema.table("住民"), code_tables=schema.code_tables, typed=True)
    assert str(built.columns["生年月日"].dtype) == "Date"
    assert str(built.columns["人数"].dtype) == "Int64"


KOSEKI = """format: migrator.schema/1
id: k
kind: standard
business_area: '001'
title: k
version: '1'
provenance: {source: test, verified: false}
tables:
  - name: 戸籍
    key: [番号]
    items:
      - {name: 番号, type: string}
      - {name: 生年月日, type: date, required: true, dates: koseki, unknown_flag: 生年月日不詳}
      - {name: 生年月日不詳, type: flag}
      - {name: 消除日, type: date, unknown_flag: 消除日不詳}
      - {name: 消除日不詳, type: flag}
      - {name: 届出日, type: date, required: true}
      - {name: 記録日時, type: datetime}
      - {name: 新番号, type: string, checks_new_numbers: [postal_code]}
      - {name: 種別, type: string}
      - {name: 転出日, type: date, dates: koseki, dates_when: {item: 種別, in: ['2']}}
      - {name: 金額, type: decimal}
    rules:
      - {kind: empty_if, item: 転出日, when: {item: 種別, in: ['1']}}
      - {kind: code_consistency, when: {item: 種別, in: ['3']}, then: {item: 番号, in: ['9']}}
"""

KOSEKI_ROW: dict[str, str | None] = {
    "番号": "1",
    "生年月日": "1980-01-01",
    "生年月日不詳": "0",
    "消除日": None,
    "消除日不詳": None,
    "届出日": "2000-01-01",
    "記録日時": None,
    "新番号": None,
    "種別": None,
    "転出日": None,
    "金額": None,
}


def _koseki():  # type: ignore[no-untyped-def]
    schema, findings = parse_schema(KOSEKI, "k.yaml")
    assert schema is not None, findings
    return schema


def _koseki_failures(rows: list[dict[str, str | None]]) -> set[tuple[str, str, int]]:
    frame = pl.DataFrame([dict(KOSEKI_ROW, **row) for row in rows], schema={k: pl.String for k in KOSEKI_ROW})
    try:
        schema_for(_koseki(), "戸籍").validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return {(r["column"], r["check"], r["index"]) for r in exc.failure_cases.iter_rows(named=True)}
    return set()


def test_each_check_has_its_stable_name_and_the_label_of_its_rule() -> None:
    built = schema_for(_koseki(), "戸籍")
    checks = {name: [(c.name, c.error) for c in column.checks] for name, column in built.columns.items()}
    assert checks["生年月日"] == [
        ("required", "required"),
        ("date", "date(%Y-%m-%d; non-calendar days, 1.1.8)"),
        ("accepted:non_calendar", "accepted:non_calendar(1.1.8)"),
        ("accepted:unknown_date", "accepted:unknown_date(1.1.8)"),
        ("date_unknown", "date(不詳 only on the dates it lists, 1.1.8)"),
    ]
    assert checks["消除日"] == [
        ("date", "date(%Y-%m-%d)"),
        ("date_unknown", "date(不詳 only on the dates it lists, 1.1.8)"),
    ]
    assert checks["届出日"] == [("required", "required"), ("date", "date(%Y-%m-%d)")]
    assert checks["記録日時"] == [("datetime", "datetime(%Y-%m-%dT%H:%M:%S)")]
    assert checks["新番号"] == [("accepted:check:postal_code", "accepted:check:postal_code(1.1.13)")]
    assert checks["転出日"] == [
        ("date", "date(%Y-%m-%d; non-calendar days when 種別 in ['2'], 1.1.8)"),
        ("accepted:non_calendar", "accepted:non_calendar(1.1.8)"),
    ]
    assert [(c.name, c.error) for c in built.checks] == [
        ("rule:empty_if", "rule:empty_if(転出日, 種別)"),
        ("rule:code_consistency", "rule:code_consistency(種別, 番号)"),
    ]


def test_koseki_dates_unknown_dates_and_what_is_accepted() -> None:
    found = _koseki_failures(
        [
            {},  # 0: clean, 生年月日不詳 0 with a date and 消除日不詳 null pass
            {"生年月日": "1981-02-29"},  # 1: a non-calendar day where the item follows 戸籍: accepted
            {"生年月日": None, "生年月日不詳": "1"},  # 2: 不詳 fills a required 戸籍 date: accepted
            {"生年月日": " ", "生年月日不詳": "0"},  # 3: blank and not 不詳: required and not a date
            {"消除日": None, "消除日不詳": "1"},  # 4: 不詳 on a date that does not follow 戸籍
            {"消除日": "2000-01-01", "消除日不詳": None},  # 5: a null flag says nothing
            {"届出日": " "},  # 6: required date, blank
            {"記録日時": "2020-01-01 10:00:00"},  # 7: not the datetime format
            {"新番号": "100-0001"},  # 8: a number that fails a check for new numbers only
            {"種別": "1", "転出日": "2020-01-01"},  # 9: empty_if
            {"種別": "2", "転出日": "1981-02-29"},  # 10: non-calendar accepted when the condition holds
            {"種別": "3", "転出日": "1981-02-29"},  # 11: ... not otherwise; one-way rule broken
            {"番号": "9"},  # 12: the converse of a one-way rule is no rule
        ]
    )
    assert found == {
        ("生年月日", "accepted:non_calendar(1.1.8)", 1),
        ("生年月日", "accepted:unknown_date(1.1.8)", 2),
        ("生年月日", "required", 3),
        ("生年月日", "date(%Y-%m-%d; non-calendar days, 1.1.8)", 3),
        ("消除日", "date(不詳 only on the dates it lists, 1.1.8)", 4),
        ("届出日", "required", 6),
        ("届出日", "date(%Y-%m-%d)", 6),
        ("記録日時", "datetime(%Y-%m-%dT%H:%M:%S)", 7),
        ("新番号", "accepted:check:postal_code(1.1.13)", 8),
        ("戸籍", "rule:empty_if(転出日, 種別)", 9),
        ("転出日", "accepted:non_calendar(1.1.8)", 10),
        ("転出日", "date(%Y-%m-%d; non-calendar days when 種別 in ['2'], 1.1.8)", 11),
        ("戸籍", "rule:code_consistency(種別, 番号)", 11),
    }


def test_a_missing_item_is_an_error() -> None:
    frame = pl.DataFrame([KOSEKI_ROW], schema={k: pl.String for k in KOSEKI_ROW}).drop("金額")
    with pytest.raises(pa.errors.SchemaErrors) as exc:
        schema_for(_koseki(), "戸籍").validate(frame, lazy=True)
    cases = list(exc.value.failure_cases.iter_rows(named=True))
    assert [(r["check"], r["failure_case"]) for r in cases] == [("column_in_dataframe", "金額")]


def test_typed_decimal_without_scale_is_whole() -> None:
    built = schema_for(_koseki(), "戸籍", typed=True)
    assert built.columns["金額"].dtype.type.scale == 0


def test_the_engine_imports_pandera_without_pandas_which_stays_importable() -> None:
    """The engine's start does not pay for pandas, pyspark or hypothesis (pandera's polars API needs none of
    them); a program that wants pandas afterwards still gets it, and the schema still validates."""
    import subprocess
    import sys

    code = """
import sys
import migrator.validation.engine
from migrator.validation.pandera_polars import pa
import polars as pl
print(sorted(m for m in ("pandas", "pyspark", "hypothesis") if m in sys.modules))
schema = pa.DataFrameSchema({"a": pa.Column(pl.String, [pa.Check.str_length(max_value=2)], nullable=False)})
try:
    schema.validate(pl.DataFrame({"a": ["abc", None]}), lazy=True)
except pa.errors.SchemaErrors as exc:
    print(sorted(exc.failure_cases["check"].to_list()))
import pandas
print(pandas.DataFrame({"x": [1]}).shape)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.splitlines() == ["[]", "['not_nullable', 'str_length(None, 2)']", "(1, 1)"]
