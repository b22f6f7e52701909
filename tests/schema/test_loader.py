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


_KANA_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}\s+[a-z]{2,}\b")  # two English words in a row: a leaked sentence


def _one_language_each(findings: list, code: str) -> tuple[str, str]:
    hit = next(f for f in findings if f.code == code)
    assert not _KANA_KANJI.search(hit.message_en), hit.message_en
    assert not _ENGLISH_PHRASE.search(hit.message_ja), hit.message_ja
    return hit.message_ja, hit.message_en


T = "tables:\n  - name: t1\n    items:\n"


@pytest.mark.parametrize(("code", "body", "ja", "en"), [
    ("SCH004", T + "      - {name: a, type: string, max_length: many}\n", "整数", "expected a whole number"),
    ("SCH004", T + "      - {name: a, type: string, length: 0}\n", "1 以上", "at least 1"),
    ("SCH004", T + "      - {name: a, type: string, required: maybe}\n", "true か false", "true or false"),
    ("SCH004", T + "      - {name: a, type: string, length: 2, max_length: 3}\n", "どちらか一方", "not both"),
    ("SCH004", T + "      - {name: a, type: string, references: nodot}\n", "テーブル t1 の項目 a の references",
     "table t1, item a: references"),
    ("SCH004", T + "      - {name: a, type: string, dates_when: {item: a}}\n", "present: true", "present: true"),
    ("SCH004", "tables:\n  - name: t1\n    file: {format: xml}\n    items:\n      - {name: a, type: string}\n",
     "いずれか", "use one of"),
    ("SCH004", "profiles: [a, b]\n" + T + "      - {name: a, type: string}\n", "マッピング", "expected a mapping"),
    ("SCH016", T + "      - {name: a, type: string, pattern: '(ab'}\n", "「(」が閉じられていません (パターンの 1 文字目)",
     "unterminated subpattern at character 1 of the pattern"),
    ("SCH016", T + "      - {name: a, type: string, pattern: 'a{99999999999}'}\n", "大きすぎ", "too large"),
    ("SCH022", "tables:\n  - name: t1\n    file: {format: fixed}\n    items:\n      - {name: a, type: string}\n",
     "start と length", "needs start and length"),
    ("SCH022", "tables:\n  - name: t1\n    file: {format: fixed}\n    items:\n"
     "      - {name: a, type: string, start: 1, length: 4}\n      - {name: b, type: string, start: 3, length: 4}\n",
     "重なって", "overlaps"),
    ("SCH022", "tables:\n  - name: t1\n    file: {format: fixed, record_length: 3}\n    items:\n"
     "      - {name: a, type: string, start: 1, length: 4}\n", "超えて", "beyond record_length"),
    ("SCH002", T + "      - {name: a, type: string, colour: red}\n", "テーブル t1 の項目 に", "table t1 item"),
    ("SCH003", T.replace("name: t1\n    ", "name: t1\n    rules: [{kind: required_if}]\n    ")
     + "      - {name: a, type: string}\n", "テーブル t1 のルール required_if", "table t1 rule required_if"),
    ("SCH003", T + "      - {name: a, type: code}\n", "項目 a (type: code)", "item a (type: code)"),
    ("SCH021", "code_tables:\n  c1:\n    values: {'1': x, '1': y}\n" + T + "      - {name: a, type: string}\n",
     "コード表 c1 の values", "code table c1: values"),
    ("SCH051", "profiles:\n  p1: {required: [t1.zz]}\n" + T + "      - {name: a, type: string}\n",
     "プロファイル p1", "profile p1"),
])
def test_schema_finding_is_in_one_language_each(code: str, body: str, ja: str, en: str) -> None:
    _, findings = parse_schema(HEAD + body, "s.yaml")
    message_ja, message_en = _one_language_each(findings, code)
    assert ja in message_ja and en in message_en


def test_standard_file_without_business_area_is_told_in_each_language() -> None:
    _, findings = parse_schema(HEAD.replace("business_area: '001'\n", "") + T + "      - {name: a, type: string}\n",
                               "s.yaml")
    message_ja, message_en = _one_language_each(findings, "SCH003")
    assert "ファイル (kind: standard)" in message_ja and "file (kind: standard)" in message_en
