"""Schema diff: one test per kind of change, and the CLI's text and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.schema import Schema, diff_report, diff_schemas, parse_schema
from tests.conftest import DATA, run_cli

OLD = """format: migrator.schema/1
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
      - {name: 宛名番号, type: string, max_length: 15, required: true}
      - {name: 氏名, type: string, max_length: 100, required: true}
      - {name: 性別, type: code, length: 1, required: true, code_table: 性別}
      - {name: 旧氏, type: string, max_length: 50}
      - {name: 備考, type: string, max_length: 200}
  - name: 世帯
    items:
      - {name: 世帯番号, type: string, max_length: 15}
code_tables:
  性別: {values: {'0': 不明, '1': 男, '2': 女}}
"""


def _load(text: str) -> Schema:
    schema, findings = parse_schema(text, "x.yaml")
    assert schema is not None, findings
    return schema


def _changes(new_text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(c.code, c.item, c.old, c.new) for c in diff_schemas(_load(OLD), _load(new_text))]


def test_no_change() -> None:
    assert _changes(OLD) == []
    report = diff_report(_load(OLD), _load(OLD), old_name="a", new_name="b")
    assert [f.code for f in report.findings] == ["SCH215"]


def test_item_added_and_removed() -> None:
    new = OLD.replace("      - {name: 備考, type: string, max_length: 200}\n", "").replace(
        "  - name: 世帯\n    items:\n", "  - name: 世帯\n    items:\n      - {name: 世帯主, type: string}\n")
    assert _changes(new) == [("SCH202", "備考", None, None), ("SCH201", "世帯主", None, None)]


def test_item_renamed_at_same_position_with_same_type() -> None:
    assert _changes(OLD.replace("name: 旧氏,", "name: 旧氏等,")) == [("SCH203", "旧氏等", "旧氏", "旧氏等")]


def test_rename_requires_same_type() -> None:
    new = OLD.replace("{name: 旧氏, type: string, max_length: 50}", "{name: 旧姓年月日, type: date}")
    assert _changes(new) == [("SCH202", "旧氏", None, None), ("SCH201", "旧姓年月日", None, None)]


def test_type_length_required_and_code_table_changes() -> None:
    new = (OLD.replace("{name: 氏名, type: string, max_length: 100, required: true}",
                       "{name: 氏名, type: string, max_length: 120}")
              .replace("{name: 性別, type: code, length: 1, required: true, code_table: 性別}",
                       "{name: 性別, type: string, length: 1, required: true}"))
    assert _changes(new) == [
        ("SCH205", "氏名", "≤100", "≤120"),
        ("SCH206", "氏名", "true", "false"),
        ("SCH204", "性別", "code", "string"),
        ("SCH207", "性別", "性別", "-"),
    ]


def test_code_values_added_removed_relabelled() -> None:
    new = OLD.replace("{'0': 不明, '1': 男, '2': 女}", "{'1': 男性, '2': 女, '9': 適用不能}")
    got = [(c.code, c.table, c.code_value, c.label, c.old, c.new)
           for c in diff_schemas(_load(OLD), _load(new))]
    assert got == [
        ("SCH209", "性別", "0", "不明", None, None),
        ("SCH213", "性別", "1", None, "男", "男性"),
        ("SCH208", "性別", "9", "適用不能", None, None),
    ]


def test_tables_and_key_changes() -> None:
    new = OLD.replace("  - name: 世帯\n", "  - name: 世帯台帳\n").replace("key: [宛名番号]", "key: [宛名番号, 氏名]")
    codes = [(c.code, c.table, c.old, c.new) for c in diff_schemas(_load(OLD), _load(new))]
    assert codes == [("SCH211", "世帯", None, None), ("SCH212", "住民", "宛名番号", "宛名番号|氏名"),
                     ("SCH210", "世帯台帳", None, None)]


def test_other_attribute_change() -> None:
    new = OLD.replace("{name: 宛名番号, type: string, max_length: 15, required: true}",
                      "{name: 宛名番号, type: string, max_length: 15, required: true, charset: digits}")
    assert [(c.code, c.attribute, c.old, c.new) for c in diff_schemas(_load(OLD), _load(new))] == [
        ("SCH214", "charset", "-", "digits")]
    (found,) = diff_report(_load(OLD), _load(new)).findings
    assert found.message_ja == "項目 宛名番号 の 文字種 (charset) が - から digits に変わりました"
    assert found.message_en == "charset of item 宛名番号 changed from - to digits"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_diff_of_two_versions(tmp_path: Path, fmt: str) -> None:
    old, new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(OLD.replace("name: 旧氏,", "name: 旧氏等,").replace("'2': 女}", "'2': 女, '9': 適用不能}"),
                   encoding="utf-8")
    result = run_cli("--lang", "en", "schema", "diff", str(old), str(new), "--format", fmt)
    if fmt == "json":
        data = json.loads(result.stdout)
        assert [(f["code"], f["location"]["line"]) for f in data["findings"]] == [("SCH203", 15), ("SCH208", 21)]
        assert data["summary"]["changes"] == 2
    else:
        assert "Item 旧氏 of table 住民 was renamed to 旧氏等 (same position and type)" in result.stdout
        assert "Code 9 (適用不能) was added to code table 性別" in result.stdout


def test_cli_diff_by_schema_id() -> None:
    result = run_cli("schema", "diff", "std-001-juki", "std-001-juki", "--schemas", str(DATA / "schemas"),
                     "--format", "json")
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["SCH215"]
