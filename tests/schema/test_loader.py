"""Loading schema files: the broken corpus, the model API, repeat expansion and raw code values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrator.errors import InputError
from migrator.schema import Item, Reference, dump_schema, load_schema, load_schemas, parse_schema
from tests.conftest import DATA

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(BROKEN.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (SCH[0-9]{3}) ([0-9]+)$")

HEAD = """format: migrator.schema/1
id: t
kind: standard
business_area: '001'
title: t
version: '1'
provenance: {source: test, verified: false}
"""


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_broken_file_yields_expected_finding_and_line(path: Path) -> None:
    m = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert m, f"{path.name} lacks its '# expect: CODE LINE' header"
    code, line = m[1], int(m[2])
    schema, findings = load_schema(path)
    assert (schema is None) == any(f.severity == "error" for f in findings)
    assert (code, line) in [(f.code, f.location.line) for f in findings]
    hit = next(f for f in findings if f.code == code)
    assert hit.location.file == str(path)
    assert hit.message_ja and hit.message_en


def test_unknown_key_message_names_key_and_allowed_keys() -> None:
    _, findings = load_schema(BROKEN / "01_unknown_item_key.yaml")
    assert findings[0].message_en.startswith("Unknown key 'colour' in table 住民 item (allowed: name, id,")
    assert "(使えるキー: name、id、" in findings[0].message_ja and ", " not in findings[0].message_ja
    assert str(findings[0].location).endswith("01_unknown_item_key.yaml:12")


def test_repeat_expands_items_with_required_count_and_byte_offsets() -> None:
    text = HEAD + """tables:
  - name: 住民
    file: {format: fixed, encoding: cp932, record_length: 30}
    items:
      - {name: 宛名番号, type: string, start: 1, length: 15}
      - {name: 続柄コード, column: ZOKU, type: code, code_table: 続柄, start: 16, length: 2, repeat: {count: 4, required: 1}}
code_tables:
  続柄: {values: {'02': 世帯主, '20': 子}}
"""
    schema, findings = parse_schema(text, "t.yaml")
    assert findings == []
    assert schema is not None
    table = schema.table("住民")
    assert table.item_names == ("宛名番号", "続柄コード1", "続柄コード2", "続柄コード3", "続柄コード4")
    assert [table.item(f"続柄コード{n}").start for n in range(1, 5)] == [16, 18, 20, 22]
    assert [table.item(f"続柄コード{n}").required for n in range(1, 5)] == [True, False, False, False]
    assert table.item("続柄コード3").column == "ZOKU3"


def test_codes_keep_their_raw_text() -> None:
    text = HEAD + """tables:
  - name: 住民
    items:
      - {name: 続柄, type: code, code_table: 続柄}
code_tables:
  続柄: {values: {02: 世帯主, 0x1: 変, 1e3: 指数, true: 真}}
"""
    schema, findings = parse_schema(text, "t.yaml")
    assert findings == []
    assert schema is not None
    assert schema.code_table("続柄").codes == ("02", "0x1", "1e3", "true")


def test_model_api() -> None:
    schema, _ = load_schema(DATA / "schemas/standard/001_juki.yaml")
    assert schema is not None
    residents = schema.table("住民")
    item = residents.item("世帯番号")
    assert isinstance(item, Item)
    assert item.references == Reference(table="世帯", item="世帯番号")
    assert residents.item("生年月日").unknown_flag == "生年月日_不詳フラグ"
    assert residents.item("異動事由").code_tables == ("記載の事由", "消除の事由", "修正の事由")
    with pytest.raises(KeyError):
        residents.item("存在しない項目")
    with pytest.raises(KeyError):
        schema.table()  # two tables: a name is needed


def test_dump_then_load_gives_the_same_schema() -> None:
    for path in (DATA / "schemas").rglob("*.yaml"):
        schema, _ = load_schema(path)
        assert schema is not None, path
        again, findings = parse_schema(dump_schema(schema), path)
        assert [f for f in findings if f.severity == "error"] == []
        assert again == schema, path


def test_cross_schema_reference_checked_when_both_are_loaded(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD.replace("id: t", "id: other") + """tables:
  - name: 課税
    items:
      - {name: 宛名番号, type: string, references: 'std-001-juki:住民.宛名番号X'}
""", encoding="utf-8")
    _, findings = load_schemas([bad, DATA / "schemas/standard/001_juki.yaml"])
    assert [(f.code, f.location.line) for f in findings] == [("SCH012", 11)]
    _, alone = load_schemas([bad])
    assert [f.code for f in alone] == ["SCH024"]


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_schema(tmp_path / "nope.yaml")


def test_check_reads_yml_files_and_refuses_an_empty_folder(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    folder = tmp_path / "yml"
    folder.mkdir()
    result = run_cli("schema", "check", str(folder), expect=2)
    assert "no schema file" in result.stderr
    (folder / "bad.yml").write_text("format: migrator.schema/1\nid: x\nkind: nonsense\n", encoding="utf-8")
    result = run_cli("schema", "check", str(folder), expect=1)
    assert "bad.yml" in result.stdout
