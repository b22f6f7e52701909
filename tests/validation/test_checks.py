"""The checks the validation run composes into a table's pandera schema (``migrator.validation.checks``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest

from migrator.schema import parse_schema
from migrator.validation import checks
from migrator.validation import pandera_schema as ps
from migrator.validation.checks import build_schema, finding_code
from tests.conftest import DATA, run_cli

HEADER = """format: migrator.schema/1
id: t
kind: standard
business_area: '001'
title: t
version: '1'
provenance: {source: test, verified: false}
tables:
"""

SCHEMA = HEADER + """  - name: 個人
    items:
      - {name: 氏名, type: string}
      - {name: 氏名_基本, type: string, charset: jis_x0208}
      - {name: 氏名_拡張, type: string, charset: jis_x0213}
      - {name: カナ, type: string, charset: kana_full}
      - {name: 個人番号, type: string, charset: digits, checks: [mynumber]}
      - {name: 団体コード, type: string, charset: digits, checks: [lg_code]}
      - {name: 法人番号, type: string, charset: digits, checks: [corporate_number]}
      - {name: 宛名番号, type: string, charset: digits, checks: [m11w27]}
      - {name: 郵便番号, type: string, charset: digits, checks: [postal_code]}
      - {name: 在留カード番号, type: string, charset: alnum, checks: [residence_card]}
      - {name: 状態, type: code, code_table: 状態}
  - name: 番号だけ
    items:
      - {name: 番号, type: string, charset: digits}
code_tables:
  状態: {values: {'1': 住登者}}
"""

GOOD = {"氏名": "山田　太郎", "氏名_基本": "山田", "氏名_拡張": "①山田", "カナ": "ヤマダ", "個人番号": "123456789018",
        "団体コード": "131016", "法人番号": "7000012050002", "宛名番号": "000000000000019", "郵便番号": "1000001",
        "在留カード番号": "AB12345678CD", "状態": "1"}


@pytest.fixture(autouse=True)
def unregistered():
    """Each test registers the jp checks itself, from a builder that knows only its own built-in checks."""
    saved = dict(ps._NAMED), dict(ps._CHARSETS)
    for name in ("mynumber", "lg_code", "corporate_number", "m11w27"):
        ps._NAMED.pop(name, None)
    for name in ("jis_x0208", "jis_x0213"):
        ps._CHARSETS.pop(name, None)
    registered = checks._REGISTERED
    checks._REGISTERED = False
    yield
    checks._REGISTERED = registered
    ps._NAMED.clear()
    ps._NAMED.update(saved[0])
    ps._CHARSETS.clear()
    ps._CHARSETS.update(saved[1])


def _table(name: str = "個人"):  # type: ignore[no-untyped-def]
    schema, findings = parse_schema(SCHEMA, "t.yaml")
    assert schema is not None, findings
    return schema.table(name), schema.code_tables


def _failures(rows: list[dict[str, str | None]]) -> set[tuple[str, str, int]]:
    table, code_tables = _table()
    frame = pl.DataFrame(rows, schema={k: pl.String for k in GOOD})
    try:
        build_schema(table, code_tables).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return {(r["column"], r["check"], r["index"]) for r in exc.failure_cases.iter_rows(named=True)}
    return set()


def test_a_clean_row_passes_every_jp_check() -> None:
    assert _failures([GOOD, dict(GOOD, 氏名=None, 氏名_基本=None)]) == set()


def test_each_registered_check_rejects_its_bad_value() -> None:
    bad = dict(GOOD, 氏名_基本="①山田", 氏名_拡張="髙橋", 個人番号="123456789012", 団体コード="131015",
               法人番号="7000012050003", 宛名番号="000000000000018", 郵便番号="100000", 在留カード番号="ab12345678cd")
    assert _failures([GOOD, bad]) == {
        ("氏名_基本", "charset:jis_x0208", 1),
        ("氏名_拡張", "charset:jis_x0213", 1),
        ("個人番号", "check:mynumber", 1),
        ("団体コード", "check:lg_code", 1),
        ("法人番号", "check:corporate_number", 1),
        ("宛名番号", "check:m11w27", 1),
        ("郵便番号", "check:postal_code", 1),
        ("在留カード番号", "check:residence_card", 1),
    }


def test_registration_leaves_no_check_unchecked_and_happens_once() -> None:
    table, _ = _table()
    assert {u.what for u in ps.unchecked(table)} == {"charset:jis_x0208", "charset:jis_x0213", "check:mynumber",
                                                       "check:lg_code", "check:corporate_number", "check:m11w27"}
    checks.register_jp_checks()
    assert ps.unchecked(table) == []
    assert checks._REGISTERED is True
    ps._NAMED.pop("mynumber")
    checks.register_jp_checks()  # already done: not again
    assert "mynumber" not in ps._NAMED


@pytest.mark.parametrize("character", ["\ue000", "\uf8ff", "\U000f0000", "\U000ffffd", "\U00100000", "\U0010fffd"])
def test_gaiji_check_finds_each_private_use_area_on_text_items_only(character: str) -> None:
    bad = dict(GOOD, 氏名=f"山{character}", カナ=f"ヤ{character}", 氏名_基本=f"山{character}")
    found = _failures([GOOD, bad])
    assert {(c, k) for c, k, _ in found if k == "gaiji"} == {("氏名", "gaiji"), ("カナ", "gaiji"), ("氏名_基本", "gaiji")}


def test_gaiji_check_spares_the_edges_of_the_private_use_areas() -> None:
    # the characters just outside each area are ordinary (or unassigned, not private) code points
    assert _failures([dict(GOOD, 氏名="\uf900\U000effff\U000ffffe\U000fffff\U0010fffe")]) == set()


@pytest.mark.parametrize("character", ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"])
def test_a_control_character_fails_a_text_item_without_a_character_class(character: str) -> None:
    bad = dict(GOOD, 氏名=f"山{character}田", 氏名_基本=f"山{character}田", カナ=f"ヤ{character}")
    found = {(c, k) for c, k, _ in _failures([GOOD, bad])}
    assert ("氏名", "control") in found  # no class: the control check says it
    assert ("氏名_基本", "charset:jis_x0208") in found and ("カナ", "charset:kana_full") in found  # its class does
    assert {c for c, k in found if k == "control"} == {"氏名"}


def test_the_characters_next_to_the_controls_pass() -> None:
    assert _failures([dict(GOOD, 氏名=" ~\xa0山田\u3000太郎")]) == set()


def test_extract_with_control_characters_reports_each_at_its_row_and_column(workdir: Path) -> None:
    lines = (DATA / "sample_data" / "extracts" / "juki_rdb_clean_kojin.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:4]]
    rows[0][header.index("TOWN")] = "九段\x7f南"
    rows[1][header.index("ZOKU_TEXT")] = "世帯\x0b主"
    Path("ctrl.csv").write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    res = run_cli("validate", str(DATA / "mappings" / "juki_rdb_jumin.xlsx"), "ctrl.csv", "--out", "out",
                  "--no-store", "--format", "json", expect=1)
    found = [(f["code"], f["item"], f["location"]["file"], f["location"]["row"], f["location"]["column"])
             for f in json.loads(res.stdout)["findings"]]
    assert found == [("DAT112", "住所_町字", "ctrl.csv", 1, "TOWN"), ("DAT112", "続柄表記", "ctrl.csv", 2, "ZOKU_TEXT")]
    ja = run_cli("--lang", "ja", "validate", str(DATA / "mappings" / "juki_rdb_jumin.xlsx"), "ctrl.csv", "--out",
                 "out", "--no-store", expect=1).stdout
    assert "制御文字" in ja and "ctrl.csv" in ja


def test_items_of_digits_or_alphanumerics_get_no_gaiji_check() -> None:
    table, code_tables = _table()
    built = build_schema(table, code_tables)
    with_gaiji = {name for name, column in built.columns.items() if any(c.name == "gaiji" for c in column.checks)}
    assert with_gaiji == {"氏名", "氏名_基本", "氏名_拡張", "カナ"}
    only_digits, _ = _table("番号だけ")
    plain = build_schema(only_digits, {})
    assert [c.name for c in plain.columns["番号"].checks] == ["charset:digits"]


@pytest.mark.parametrize(("check", "code"), [
    ("accepted:non_calendar(令和)", "DAT401"),
    ("accepted:unknown_date(生年月日)", "DAT403"),
    ("accepted:check:mynumber(section)", "DAT404"),
    ("not_nullable", "DAT101"),
    ("required", "DAT101"),
    ("length(6)", "DAT102"),
    ("max_length(15)", "DAT102"),
    ("str_length(1, 5)", "DAT102"),
    ("integer", "DAT103"),
    ("decimal", "DAT103"),
    ("date(%Y-%m-%d)", "DAT103"),
    ("datetime(%Y-%m-%dT%H:%M:%S)", "DAT103"),
    ("flag", "DAT103"),
    ("dtype('String')", "DAT103"),
    ("code_table(状態)", "DAT104"),
    ("pattern([A-Z]{2})", "DAT105"),
    ("charset:jis_x0208", "DAT106"),
    ("check:mynumber", "DAT107"),
    ("gaiji", "DAT108"),
    ("control", "DAT112"),
    ("rule:date_order(生年月日, 消除日)", "DAT109"),
    ("accepted:other", "DAT110"),
    ("a check:mynumber", "DAT110"),
    ("unique", "DAT110"),
])
def test_finding_code_of_each_check_name(check: str, code: str) -> None:
    assert finding_code(check) == code


TYPED = HEADER + """  - name: 番号
    items:
      - {name: 郵便番号, type: integer, code_table: 郵便, checks: [postal_code]}
      - {name: 在留カード番号, type: integer, code_table: 郵便, checks: [residence_card]}
code_tables:
  郵便: {values: {'1000001': 千代田, '5': 仮}}
"""


def test_registered_shape_checks_read_a_typed_item_as_text() -> None:
    """The jp postal code and residence card checks replace the builder's plain ones: they read the text form
    of a typed (integer) item row by row, where the plain ones cannot run on a number at all."""
    schema, findings = parse_schema(TYPED, "t.yaml")
    assert schema is not None, findings
    for name in ("postal_code", "residence_card"):
        ps._NAMED.pop(name, None)  # only what the registration brings (the fixture restores the built-in ones)
    checks.register_jp_checks()
    built = ps.build_pandera_schema(schema.table("番号"), code_tables=schema.code_tables, typed=True)
    frame = pl.DataFrame({"郵便番号": [1000001, 5], "在留カード番号": [1000001, 5]})
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        built.validate(frame, lazy=True)
    assert caught.value.failure_cases.select("column", "check", "index").rows() == [
        ("郵便番号", "check:postal_code", 1),
        ("在留カード番号", "check:residence_card", 0),
        ("在留カード番号", "check:residence_card", 1),
    ]


def _pandera_cases(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> list[tuple[str, str, int]] | None:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases.select("column", "check", "index").rows()
    return None


def _short(data):  # type: ignore[no-untyped-def]
    return data.lazyframe.select(pl.col(data.key).str.len_chars() <= 2)


def test_one_pass_reports_required_column_and_frame_checks_as_pandera_does() -> None:
    """A required column's nulls, a column check (nulls pass) and a frame-wide check (named after the schema),
    in pandera's order; the same found once for several frames."""
    schema = pa.DataFrameSchema(
        {"a": pa.Column(pl.String, nullable=False, checks=pa.Check(_short, name="short")),
         "b": pa.Column(pl.String, nullable=True)},
        checks=[pa.Check(lambda data: data.lazyframe.select(pl.col("a") != pl.col("b")), name="differ")],
        name="表")
    frame = pl.DataFrame({"a": ["x", None, "xyz", "y"], "b": ["q", "q", None, "y"]})
    expected = [("a", "not_nullable", 1), ("a", "short", 2), ("表", "differ", 3)]
    assert _pandera_cases(schema, frame) == expected
    found = checks.failure_cases(schema, frame)
    assert found is not None
    assert found.schema == pl.Schema({"column": pl.String, "check": pl.String, "index": pl.Int32})
    assert found.rows() == expected
    one_pass = checks.OnePass(schema)
    assert one_pass.failures(frame.reverse()).rows() == [  # type: ignore[union-attr]
        ("a", "not_nullable", 2), ("a", "short", 1), ("表", "differ", 0)]
    assert one_pass.failures(frame.head(1)) is None


def test_one_pass_counts_a_null_as_a_failure_where_the_check_does_not_ignore_nulls() -> None:
    schema = pa.DataFrameSchema(
        {"a": pa.Column(pl.String, nullable=True, checks=pa.Check(_short, name="short", ignore_na=False))})
    frame = pl.DataFrame({"a": ["x", None, "xyz"]}, schema={"a": pl.String})
    assert _pandera_cases(schema, frame) == [("a", "short", 1), ("a", "short", 2)]
    found = checks.failure_cases(schema, frame)
    assert found is not None
    assert found.rows() == [("a", "short", 1), ("a", "short", 2)]


def test_one_pass_of_a_schema_without_any_check_finds_nothing() -> None:
    schema = pa.DataFrameSchema({"a": pa.Column(pl.String, nullable=True)})
    frame = pl.DataFrame({"a": ["x", None]}, schema={"a": pl.String})
    assert _pandera_cases(schema, frame) is None
    assert checks.failure_cases(schema, frame) is None
