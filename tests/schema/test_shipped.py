"""The schemas shipped in schemas/: they check clean, 001 matches the reference item list, layouts add up."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from migrator.schema import SchemaRegistry, apply_profile, load_schema
from tests.conftest import DATA, REFERENCE, REPO, run_cli

STANDARD = REFERENCE / "standard"


def _csv(name: str) -> list[dict[str, str]]:
    with (STANDARD / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_schema_check_of_shipped_schemas_exits_0() -> None:
    result = run_cli("--lang", "en", "schema", "check", str(DATA / "schemas"), "--format", "json")
    data = json.loads(result.stdout)
    assert data["findings"] == []
    assert data["summary"]["schemas"] == 5


def test_registry_finds_every_shipped_schema_by_id() -> None:
    registry = SchemaRegistry.load(DATA / "schemas")
    assert registry.ids == ("legacy-juki-mainframe", "legacy-juki-rdb", "std-001-juki", "std-010-kojin-juminzei",
                            "std-024-kokuho")
    assert registry.get("std-024-kokuho").business_area == "024"


# 住民記録システム標準仕様書 1.1.6: of the 住民 items, only these may not be blank.
NOT_BLANK = {"宛名番号", "世帯番号", "生年月日", "住所_市区町村コード", "住所_都道府県", "住所_市区郡町村名"}


def test_001_has_every_reference_item_exactly() -> None:
    schema, _ = load_schema(DATA / "schemas/standard/001_juki.yaml")
    assert schema is not None and schema.provenance.verified is False
    table = schema.table("住民")
    strict = apply_profile(schema, "municipality-strict").table("住民")
    rows = _csv("001_juki_items.csv")
    assert len(rows) == 111
    assert table.item_names == tuple(r["item_name"] for r in rows)
    for row in rows:
        item = table.item(row["item_name"])
        assert item.type == row["type"], item.name
        assert item.required == (item.name in NOT_BLANK), item.name
        assert strict.item(item.name).required == (row["required"] == "yes"), item.name
        if row["required"] == "yes" or item.required:
            assert item.basis_of("required") == "1.1.6", item.name
        assert item.code_tables == tuple(t for t in row["code_table"].split("|") if t), item.name
        if row["max_length"] and item.type not in ("date", "flag"):
            assert item.size == int(row["max_length"]), item.name
        assert item.applies_to == ((row["applies_to"],) if row["applies_to"] else ())
    assert table.key == ("宛名番号",)


def test_001_has_every_reference_code_table() -> None:
    schema, _ = load_schema(DATA / "schemas/standard/001_juki.yaml")
    assert schema is not None
    expected: dict[str, list[tuple[str, str]]] = {}
    for row in _csv("001_juki_codes.csv"):
        expected.setdefault(row["code_table"], []).append((row["code"], row["name"]))
    assert {name: list(ct.values) for name, ct in schema.code_tables.items()} == expected
    assert schema.code_table("消除の事由").label("23") == "消除_死亡"


def test_001_household_and_death_rule() -> None:
    schema, _ = load_schema(DATA / "schemas/standard/001_juki.yaml")
    assert schema is not None
    assert schema.table("世帯").key == ("世帯番号",)
    assert str(schema.table("住民").item("世帯番号").references) == "世帯.世帯番号"
    death = [r for r in schema.table("住民").rules if r.kind == "code_consistency"]
    assert [(r.when.item, r.when.values, r.then.item, r.then.values, r.both_ways) for r in death if r.when and r.then] \
        == [("住民状態", ("3",), "異動事由", ("23",), True)]


def test_show_lists_all_111_resident_items_with_types_and_code_tables() -> None:
    result = run_cli("schema", "show", "std-001-juki", "--table", "住民", "--format", "json",
                     "--schemas", str(DATA / "schemas"))
    data = json.loads(result.stdout)
    items = data["tables"][0]["items"]
    assert len(items) == 111
    by_name = {i["name"]: i for i in items}
    assert by_name["性別"]["type"] == "code" and by_name["性別"]["code_table"] == ["性別"]
    assert by_name["続柄コード4"]["code_table"] == ["続柄"]
    assert by_name["個人番号"]["checks"] == ["mynumber"] and by_name["個人番号"]["sensitive"] is True
    text = run_cli("--lang", "en", "schema", "show", "std-001-juki", "--table", "住民",
                   "--schemas", str(DATA / "schemas")).stdout
    assert "(key: 宛名番号, items: 111)" in text
    assert "住民状態" in text and "地区管理コード10" in text


def test_other_areas_reference_the_resident_number() -> None:
    for path, table in (("010_kojin_juminzei.yaml", "課税台帳"), ("024_kokuho.yaml", "被保険者")):
        schema, _ = load_schema(DATA / "schemas/standard" / path)
        assert schema is not None and schema.provenance.verified is False
        ref = schema.table(table).item("宛名番号").references
        assert ref is not None and (ref.schema, ref.table, ref.item) == ("std-001-juki", "住民", "宛名番号")


def test_mainframe_layout_is_contiguous_cp932_bytes() -> None:
    schema, _ = load_schema(DATA / "schemas/legacy/juki_mainframe.yaml")
    assert schema is not None
    table = schema.table("住民記録")
    assert table.file is not None and (table.file.format, table.file.encoding) == ("fixed", "cp932")
    assert len(table.items) >= 40
    pos = 1
    for item in table.items:
        assert item.start == pos, item.name
        pos += item.length or 0
    assert table.file.record_length == pos - 1
    assert table.item("生年月日").format == "GYYMMDD"
    assert table.item("氏名カナ").charset == "kana_half"
    assert schema.code_table("性別").codes == ("M", "F", "U")
    # a record built from the layout is exactly record_length CP932 bytes, 外字 included
    name = "山田\ue000子".ljust(20, "　")
    assert len(name.encode("cp932")) == table.item("氏名").length


def test_rdb_layout_has_households_and_old_codes() -> None:
    schema, _ = load_schema(DATA / "schemas/legacy/juki_rdb.yaml")
    assert schema is not None
    person = schema.table("個人")
    assert person.file is not None and (person.file.format, person.file.encoding) == ("csv", "utf-8")
    assert person.item("生年月日").format == "YYYY/MM/DD"
    assert person.item("宛名番号").column == "ATENA_NO"
    assert str(person.item("世帯番号").references) == "世帯.世帯番号"
    assert schema.code_table("続柄").label("100") == "世帯主"
    assert {"都道府県名", "市区町村名", "町字名", "番地", "方書"} <= set(person.item_names)


def test_check_reports_broken_file_with_exit_1(tmp_path: Path) -> None:
    result = run_cli("--lang", "en", "schema", "check", str(Path(__file__).parent / "broken" / "02_unknown_type.yaml"),
                     expect=1)
    assert "02_unknown_type.yaml:13" in result.stdout and "SCH005" in result.stdout


def test_list_and_unknown_id() -> None:
    out = run_cli("schema", "list", "--schemas", str(DATA / "schemas"), "--format", "json").stdout
    assert {row["id"] for row in json.loads(out)} >= {"std-001-juki", "legacy-juki-rdb"}
    bad = run_cli("--lang", "en", "schema", "show", "no-such-schema", "--schemas", str(DATA / "schemas"), expect=2)
    assert "No schema with id 'no-such-schema'" in bad.stderr


def test_documented_example_is_a_valid_schema() -> None:
    from migrator.schema import parse_schema

    page = (REPO / "docs" / "schema-format.md").read_text(encoding="utf-8")
    example = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    schema, findings = parse_schema(example, "docs/schema-format.md")
    assert findings == []
    assert schema is not None
    residents = schema.table("住民")
    assert "続柄コード4" in residents.item_names and "地区管理コード10" in residents.item_names
    assert residents.item("続柄コード1").required and not residents.item("続柄コード2").required


def test_messages_in_japanese_and_unknown_table_is_an_input_error() -> None:
    broken = str(Path(__file__).parent / "broken" / "03_missing_code_table.yaml")
    ja = run_cli("--lang", "ja", "schema", "check", broken, expect=1)
    assert "項目 性別 のコード表 '性別' がファイルに定義されていません" in ja.stdout
    bad = run_cli("--lang", "en", "schema", "show", "std-001-juki", "--table", "住人",
                  "--schemas", str(DATA / "schemas"), expect=2)
    assert "Schema std-001-juki has no table '住人' (tables: 住民, 世帯)." in bad.stderr
    assert "Traceback" not in bad.stderr


def test_show_accepts_a_file_path() -> None:
    out = run_cli("schema", "show", str(DATA / "schemas/legacy/juki_mainframe.yaml"), "--format", "json").stdout
    items = json.loads(out)["tables"][0]["items"]
    assert items[0] == {"name": "レコード区分", "column": "REC-KBN", "type": "code", "start": 1, "length": 1,
                        "required": True, "sensitive": False, "code_table": ["レコード区分"]}


def test_001_file_is_what_the_generator_writes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_001_juki", REPO / "tools/build_001_juki.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.main(STANDARD / "001_juki_items.csv", STANDARD / "001_juki_codes.csv")
    assert text == (DATA / "schemas/standard/001_juki.yaml").read_text(encoding="utf-8"), \
        "regenerate: python tools/build_001_juki.py reference/standard/001_juki_items.csv reference/standard/001_juki_codes.csv > migrator/data/schemas/standard/001_juki.yaml"


def test_001_names_the_section_of_each_rule_it_follows() -> None:
    schema, _ = load_schema(DATA / "schemas/standard/001_juki.yaml")
    assert schema is not None
    residents, household = schema.table("住民"), schema.table("世帯")
    for item in residents.items:
        if item.type == "date":
            assert item.basis_of("dates") == "1.1.8", item.name
    koseki = {i.name: i.dates_when for i in residents.items if i.date_rule == "koseki"}
    assert set(koseki) == {"生年月日", "住民となった年月日", "外国人住民となった年月日", "異動年月日", "消除の異動年月日"}
    assert koseki["異動年月日"] is not None and koseki["異動年月日"].values == ("03", "23")
    for table, name in (("住民", "宛名番号"), ("住民", "世帯番号"), ("世帯", "世帯番号"), ("世帯", "世帯主宛名番号")):
        item = schema.table(table).item(name)
        assert item.checks == () and item.new_number_checks == ("m11w27",), name
        assert item.basis_of("checks_new_numbers") == "1.1.13", name
    head = household.item("世帯主宛名番号")
    assert not head.required and head.basis_of("required") == "1.1.10"
    assert [r.basis for r in residents.rules if r.kind == "required_if" and r.item == "住民となった年月日"] == ["1.1.6"]
    strict = apply_profile(schema, "municipality-strict")
    assert strict.table("住民").item("宛名番号").checks == ("m11w27",)
    assert strict.table("世帯").item("世帯主宛名番号").required
