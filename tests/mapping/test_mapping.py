"""Round trips, the shipped samples, suggestions, the transform registry and the compiled expressions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from migrator.location import Location
from migrator.mapping import (
    REGISTRY,
    CodeEntry,
    GaijiEntry,
    ItemRow,
    Mapping,
    check_mapping,
    compile_mapping,
    dump_mapping,
    load_mapping,
    parse_pipe,
    write_mapping,
)
from migrator.mapping.compiler import gaiji_table, source_of
from migrator.mapping.language import TransformSyntaxError
from migrator.mapping.template import suggest
from migrator.mapping.transforms import reference_markdown
from migrator.schema import SchemaRegistry
from tests.conftest import DATA, REPO, run_cli

REGISTRY_S = SchemaRegistry.load(DATA / "schemas")
SAMPLES = ["juki_mainframe_jumin", "juki_rdb_jumin", "juki_rdb_setai"]


@pytest.mark.parametrize("name", SAMPLES)
def test_shipped_mapping_passes_check(name: str) -> None:
    for ext in ("xlsx", "yaml"):
        mapping, findings = load_mapping(DATA / "mappings" / f"{name}.{ext}")
        assert mapping is not None and findings == []
        report = check_mapping(mapping, registry=REGISTRY_S)
        assert report.counts_by_severity["error"] == 0, [f.message_en for f in report.findings]


@pytest.mark.parametrize("name", SAMPLES)
def test_workbook_and_yaml_agree_and_round_trip(name: str, tmp_path: Path) -> None:
    book, _ = load_mapping(DATA / "mappings" / f"{name}.xlsx")
    text = (DATA / "mappings" / f"{name}.yaml").read_text(encoding="utf-8")
    assert book is not None and dump_mapping(book) == text
    yaml_path = write_mapping(book, tmp_path / "a.yaml")
    again, _ = load_mapping(yaml_path)
    assert again == book
    xlsx = write_mapping(again, tmp_path / "b.xlsx")  # type: ignore[arg-type]
    third, _ = load_mapping(xlsx)
    assert third == book
    assert dump_mapping(third) == text  # type: ignore[arg-type]


def test_cli_export_import_export_is_byte_stable(workdir: Path) -> None:
    src = DATA / "mappings" / "juki_mainframe_jumin.xlsx"
    run_cli("mapping", "export", str(src), "-o", "a.yaml")
    run_cli("mapping", "import", "a.yaml", "-o", "b.xlsx")
    run_cli("mapping", "export", "b.xlsx", "-o", "c.yaml")
    assert Path("a.yaml").read_bytes() == Path("c.yaml").read_bytes()


def test_cli_check_json_equals_library(workdir: Path) -> None:
    import json

    from migrator.mapping import check_workbook

    path = DATA / "mappings" / "juki_rdb_jumin.xlsx"
    out = run_cli("mapping", "check", str(path), "--format", "json")
    data = json.loads(out.stdout)
    assert data["counts_by_code"] == check_workbook(path).to_dict()["counts_by_code"]


@pytest.mark.parametrize(("name", "table", "legacy", "legacy_table"), [
    ("juki_mainframe_jumin", "住民", "legacy-juki-mainframe", "住民記録"),
    ("juki_rdb_jumin", "住民", "legacy-juki-rdb", "個人"),
    ("juki_rdb_setai", "世帯", "legacy-juki-rdb", "世帯"),
])
def test_suggestions_rank_the_sample_mapping_first(name: str, table: str, legacy: str, legacy_table: str) -> None:
    mapping, _ = load_mapping(DATA / "mappings" / f"{name}.yaml")
    assert mapping is not None
    ranked = suggest(REGISTRY_S.get("std-001-juki").table(table), REGISTRY_S.get(legacy).table(legacy_table))
    rows = [r for r in mapping.items if r.legacy]
    hits = sum(1 for r in rows if ranked[r.standard] and ranked[r.standard][0].legacy == r.legacy[0])
    assert hits / len(rows) >= 0.8, (hits, len(rows))


def test_template_workbook(workdir: Path) -> None:
    run_cli("mapping", "template", "--standard", "001_juki", "--table", "住民", "--legacy", "juki_rdb",
            "--legacy-table", "個人", "-o", "t.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook("t.xlsx")
    ws = wb["項目対応"]
    std = REGISTRY_S.get("std-001-juki").table("住民")
    assert [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)] == list(std.item_names)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "住所_郵便番号")
    assert ws.cell(row, 3).value == "郵便番号"
    assert ws.cell(row, 6).value.startswith("候補(要確認): 郵便番号 ")
    assert not ws.cell(row, 2).fill.fgColor.rgb.endswith("FCE4D6")  # may be blank (1.1.6)
    birth = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "生年月日")
    assert ws.cell(birth, 2).fill.fgColor.rgb.endswith("FCE4D6")  # required (1.1.6)
    sqrefs = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert any(s.startswith("C2") for s in sqrefs) and any(s.startswith("D2") for s in sqrefs)


def test_parser_positions_and_arguments() -> None:
    pipe = parse_pipe('trim | concat(住所1, 住所2, sep="") | wareki(policy=lenient)')
    assert [s.name for s in pipe.steps] == ["trim", "concat", "wareki"]
    assert [(a.name, a.value, a.quoted) for a in pipe.steps[1].args] == [
        (None, "住所1", False), (None, "住所2", False), ("sep", "", True)]
    with pytest.raises(TransformSyntaxError) as err:
        parse_pipe("trim | pad(7, '0'")
    assert err.value.position == 11
    with pytest.raises(TransformSyntaxError) as err:
        parse_pipe("trim wareki")
    assert err.value.position == 6


def test_docs_transforms_is_generated_from_the_registry() -> None:
    assert (REPO / "docs" / "transforms.md").read_text(encoding="utf-8") == reference_markdown()


# One pipe per transform of the registry, over a small legacy frame, with the exact result.
CASES = {
    "trim": ("a", "trim", [" x　", None], ["x", None]),
    "rtrim": ("a", "rtrim", [" x ", ""], [" x", None]),
    "controls": ("a", "controls", ["a\tb\r\n", "x"], ["a b  ", "x"]),
    "upper": ("a", "upper", ["ab", "C"], ["AB", "C"]),
    "lower": ("a", "lower", ["AB", "c"], ["ab", "c"]),
    "hankaku_to_zenkaku": ("a", "hankaku_to_zenkaku", ["ｶﾞｯｺｳ1", "ﾊﾟ"], ["ガッコウ１", "パ"]),
    "zenkaku_kana": ("a", "zenkaku_kana", ["ｶﾞ1", "ｱ"], ["ガ1", "ア"]),
    "katakana": ("a", "katakana", ["やまだ", "ア"], ["ヤマダ", "ア"]),
    "zenkaku_to_hankaku": ("a", "zenkaku_to_hankaku", ["１２Ａ", "ア"], ["12A", "ア"]),
    "digits": ("a", "digits", ["12-3４", "x"], ["1234", None]),
    "postal": ("a", "postal", ["〒123-4567", "abc"], ["1234567", None]),
    "gaiji": ("a", "gaiji", ["\ue000橋", "\ue009"], ["髙橋", "\ue009"]),
    "wareki": ("a", "wareki(policy=lenient)", ["4010108", "4320101"], ["1989-01-08", "2020-01-01"]),
    "fusho_flag": ("a", "fusho_flag", ["3450000", "4010108"], ["1", "0"]),
    "fusho_text": ("a", "fusho_text", ["3450000", "4010108"], ["昭和45年月日不詳", None]),
    "date": ("a", 'date("%Y/%m/%d")', ["2024/02/29", "2023/02/29"], ["2024-02-29", None]),
    "integer": ("a", "integer", [" 012", "x"], ["12", None]),
    "code": ("a", "code(t)", ["M", "Z"], ["1", None]),
    "checkdigit": ("a", "checkdigit(mynumber)", ["123456789018", "123456789012"], ["123456789018", "123456789012"]),
    "pad": ("a", 'pad(5, "0")', ["12", None], ["00012", None]),
    "substr": ("a", "substr(1, 2)", ["abcd", "a"], ["bc", None]),
    "replace": ("a", 'replace("-", "")', ["1-2", "3"], ["12", "3"]),
    "extract": ("a", 'extract("^(.{2,3}県)")', ["埼玉県所沢市", "東京都"], ["埼玉県", None]),
    "split": ("a", 'split(b, " ", 1)', ["x", "y"], ["太郎", None]),
    "concat": ("a", 'concat(a, b, sep="/")', ["x", None], ["x/山田 太郎", None]),
    "const": ("a", 'const("1")', ["x", None], ["1", "1"]),
    "default": ("a", 'default("0")', ["", "5"], ["0", "5"]),
    "if_empty": ("a", "if_empty(b)", [None, "5"], ["山田 太郎", "5"]),
    "null_if": ("a", 'null_if("0000000")', ["0000000", "1"], [None, "1"]),
    "when": ("a", 'when(b, "山田 太郎", otherwise="-")', ["x", "y"], ["x", "-"]),
}
# Transforms reading another legacy table of the run: their rows and plans are tested with two tables in
# tests/mapping/test_derived.py.
DERIVED = {"lookup", "count"}
ISSUES = {"postal": ("MAP405", [False, True]), "gaiji": ("MAP406", [False, True]),
          "wareki": ("MAP402", [False, True]), "date": ("MAP403", [False, True]),
          "integer": ("MAP408", [False, True]), "code": ("MAP404", [False, True]),
          "checkdigit": ("MAP407", [False, True]), "extract": ("MAP409", [False, True])}


def _compile(legacy: str, transform: str) -> tuple[Mapping, object]:
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民",
                      items=(ItemRow("氏名", (legacy,), transform),),
                      codes=(CodeEntry("t", "M", "1"),), gaiji=(GaijiEntry("U+E000", "髙"),))
    return mapping, compile_mapping(mapping, registry=REGISTRY_S)


def test_every_transform_has_a_case() -> None:
    assert set(CASES) | DERIVED == set(REGISTRY)


@pytest.mark.parametrize("name", sorted(CASES))
def test_transform_compiles_to_one_polars_expression(name: str) -> None:
    legacy, transform, values, expected = CASES[name]
    _, compiled = _compile(legacy, transform)
    expr = compiled.columns["氏名"]  # type: ignore[attr-defined]
    assert isinstance(expr, pl.Expr)
    tree = str(expr) + expr.meta.tree_format(return_as_string=True, schema={"a": pl.String, "b": pl.String})
    assert "python" not in tree.lower() and "map_elements" not in tree and "udf" not in tree.lower()
    frame = pl.LazyFrame({"a": values, "b": ["山田 太郎", None]}, schema={"a": pl.String, "b": pl.String})
    out = compiled.apply(frame).collect()  # type: ignore[attr-defined]
    assert out.columns[0] == "宛名番号" and out["氏名"].to_list() == expected
    if name in ISSUES:
        code, flags = ISSUES[name]
        issue = next(i for i in compiled.issues if i.code == code)  # type: ignore[attr-defined]
        assert frame.select(issue.expr).collect().to_series().to_list() == flags
        assert issue.source == ""


def test_compiled_sample_converts_rows() -> None:
    mapping, _ = load_mapping(DATA / "mappings" / "juki_rdb_jumin.xlsx")
    compiled = compile_mapping(mapping, registry=REGISTRY_S)  # type: ignore[arg-type]
    legacy = compiled.legacy
    assert legacy is not None
    row = {name: None for name in legacy.item_names}
    row.update({"宛名番号": "000000000000018", "状態区分": "20", "氏": "山田", "名": "太郎", "性別": "9",
                "生年月日": "1950/04/01", "続柄1": "100", "郵便番号": "123-4567", "異動事由コード": "32"})
    frame = pl.LazyFrame([row], schema={n: pl.String for n in legacy.item_names})
    out = compiled.apply(frame).collect().row(0, named=True)
    assert out["氏名"] == "山田　太郎" and out["住民状態"] == "3" and out["性別"] == "0" and out["性別表記"] == "不明"
    assert out["生年月日"] == dt.date(1950, 4, 1).isoformat() and out["続柄コード1"] == "02"
    assert out["住所_郵便番号"] == "1234567" and out["異動事由"] == "23" and out["生年月日_不詳フラグ"] == "0"
    assert compiled.sources["住民状態"] == "項目対応!D5"


def test_a_row_giving_only_a_default_is_the_source_of_its_item_at_the_default_cell() -> None:
    """Findings of a run about an item are placed at the cell its value comes from: the 既定値 of a row that has
    no 現行項目名 and no 変換 (they named the row's No cell); the 変換, or the No cell, of the others."""
    workbook, _ = load_mapping(DATA / "mappings" / "juki_rdb_jumin.xlsx")
    compiled = compile_mapping(workbook, registry=REGISTRY_S)  # type: ignore[arg-type]
    assert compiled.sources["異動年月日_不詳フラグ"] == "項目対応!E7"  # row 6: 既定値 '0' only
    assert compiled.sources["生年月日_不詳フラグ"] == "項目対応!E23"
    assert compiled.sources["異動年月日"] == "項目対応!D6" and compiled.sources["住民状態"] == "項目対応!D5"
    path = DATA / "mappings" / "juki_rdb_jumin.yaml"
    yaml_form, _ = load_mapping(path)
    compiled = compile_mapping(yaml_form, registry=REGISTRY_S)  # type: ignore[arg-type]
    lines = path.read_text(encoding="utf-8").splitlines()
    flag = lines.index("  standard: 異動年月日_不詳フラグ")
    assert compiled.sources["異動年月日_不詳フラグ"] == f"{path}:{flag + 2}" and lines[flag + 1] == "  default: '0'"


def test_demo_step(tmp_path: Path) -> None:
    from migrator.demo import DemoContext
    from migrator.demo.mapping import demo_step

    step = demo_step(DemoContext(root=DATA, out_dir=tmp_path, store=None, lang="en"))  # type: ignore[arg-type]
    assert step.report is not None and step.report.counts_by_severity["error"] == 0
    assert {p.name for p in step.outputs} == {"juki_mainframe_jumin.yaml", "juki_rdb_jumin.yaml",
                                              "juki_rdb_setai.yaml", "mapping_template_rdb.xlsx"}
    assert (tmp_path / "juki_rdb_jumin.yaml").read_bytes() == (DATA / "mappings" / "juki_rdb_jumin.yaml").read_bytes()


def _row_findings(transform: str, *, item: str = "氏名") -> list[tuple[str, str, str, str]]:
    cell = Location(sheet="項目対応", cell="D5")
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民",
                      items=(ItemRow(item, ("a",), transform, cells={"transform": cell}),))
    report = check_mapping(mapping, registry=REGISTRY_S)
    return [(f.code, source_of(f.location), f.message_en, f.message_ja) for f in report.findings
            if f.code in ("MAP101", "MAP102", "MAP103", "MAP104", "MAP301")]


@pytest.mark.parametrize(("transform", "finding"), [
    ("trim | code(性別", ("MAP101", "項目対応!D5", "Transform 'trim | code(性別', character 12: '(' is never closed",
                          "変換式 'trim | code(性別' の 12 文字目: '(' が閉じていません")),
    ('trim | const("1")', ("MAP103", "項目対応!D5",
                           "const: takes no input, so it must be the first step (character 8)",
                           "const: 入力を取らないので先頭に置いてください(8 文字目)")),
    ("integer | wareki", ("MAP104", "項目対応!D5", "wareki takes text/date_text but the previous step gives an integer",
                          "wareki は text/date_text を受け取りますが、前段の結果は 整数 です")),
    ("trim | nosuch", ("MAP102", "項目対応!D5", "There is no transform 'nosuch'", "変換 'nosuch' はありません")),
])
def test_a_broken_pipe_is_named_at_its_cell_in_both_languages(transform: str, finding: tuple[str, ...]) -> None:
    assert _row_findings(transform) == [finding]


def test_a_type_mismatch_names_what_the_pipe_gives_in_both_languages() -> None:
    ((code, _, en, ja),) = _row_findings("integer", item="生年月日")
    assert code == "MAP301"
    assert "would receive an integer" in en
    assert "に 整数 を入れようとしています" in ja


def test_a_gaiji_entry_without_its_legacy_character_is_named_at_its_cell() -> None:
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民", items=(ItemRow("氏名", ("a",)),),
                      gaiji=(GaijiEntry(" ", "髙", cells={"legacy": Location(sheet="外字対応", cell="A3")}),
                             GaijiEntry("U+E000", "髙")))
    found = [f for f in check_mapping(mapping, registry=REGISTRY_S).findings if f.code == "MAP008"]
    assert [(source_of(f.location), f.message_en, f.message_ja) for f in found] == [
        ("外字対応!A3", "Invalid 外字 table entry: empty 現行文字", "外字対応表の行が不正です: 現行文字が空です")]


@pytest.mark.parametrize(("legacy", "standard", "cell", "said"), [
    ("U+110000", "髙", "A4", "U+110000 is no character"),  # beyond the last code point
    ("U+E001", "U+D800", "B4", "U+D800 is no character"),  # a surrogate
    ("U+ZZZZ", "髙", "A4", "'U+ZZZZ' is not a code point notation"),  # starts like the notation, is none
    ("\ue002", "\ud800", "B4", "a lone surrogate"),
])
def test_a_gaiji_entry_of_no_character_is_named_at_its_cell(legacy: str, standard: str, cell: str, said: str) -> None:
    cells = {"legacy": Location(sheet="外字対応", cell="A4"), "standard": Location(sheet="外字対応", cell="B4")}
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民", items=(ItemRow("氏名", ("a",)),),
                      gaiji=(GaijiEntry(legacy, standard, cells=cells), GaijiEntry("U+E000", "髙")))
    found = [f for f in check_mapping(mapping, registry=REGISTRY_S).findings if f.code == "MAP008"]
    assert [source_of(f.location) for f in found] == [f"外字対応!{cell}"]
    assert said in found[0].message_en and "は文字になりません" in found[0].message_ja


@pytest.mark.parametrize(("written", "error"), [("euc-jp", True), ("ＣＰ９３２", True), ("Shift_JIS", False),
                                                ("utf-8-sig", False)])
def test_an_encoding_migrator_does_not_read_is_named_at_its_setting(written: str, error: bool) -> None:
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民", items=(ItemRow("氏名", ("a",)),),
                      encoding=written, setting_cells={"文字コード": Location(sheet="概要", cell="B7")})
    found = [f for f in check_mapping(mapping, registry=REGISTRY_S).findings if f.code == "MAP014"]
    assert [source_of(f.location) for f in found] == (["概要!B7"] if error else [])
    assert not error or f"'{written}' is not supported" in found[0].message_en


@pytest.mark.parametrize(("location", "shown"), [
    (Location(sheet="項目対応", cell="D12"), "項目対応!D12"), (Location(sheet="項目対応"), "項目対応"),
    (Location(file="m.yaml", line=3), str(Location(file="m.yaml", line=3))),
])
def test_the_source_of_a_value_is_its_cell_or_its_line(location: Location, shown: str) -> None:
    assert source_of(location) == shown


def test_a_legacy_item_read_only_by_a_transform_argument_is_used() -> None:
    def unused(transform: str) -> set[str]:
        mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民",
                          legacy_schema="legacy-juki-rdb", legacy_table="個人",
                          items=(ItemRow("氏名", ("氏",), transform),))
        return {f.item for f in check_mapping(mapping, registry=REGISTRY_S).findings if f.code == "MAP206"}

    assert "名" in unused("trim") and "氏" not in unused("trim")
    assert "名" not in unused('concat(氏, 名, sep=" ")')


def test_the_gaiji_entries_after_a_broken_one_are_still_read() -> None:
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民", items=(ItemRow("氏名", ("a",)),),
                      gaiji=(GaijiEntry("U+E000", "髙"), GaijiEntry(" ", "髙"), GaijiEntry("U+E000", "﨑"),
                             GaijiEntry("U+E001", "﨑"), GaijiEntry("U+E001", "髙")))
    table, findings = gaiji_table(mapping)
    assert dict(table.mapping) == {"\ue000": "髙", "\ue001": "﨑"}
    assert [f.message_en for f in findings] == ["Invalid 外字 table entry: empty 現行文字",
                                                "Invalid 外字 table entry: U+E000 is mapped twice (first at -)",
                                                "Invalid 外字 table entry: U+E001 is mapped twice (first at -)"]


def test_joined_legacy_items_without_a_legacy_schema_have_no_known_length() -> None:
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民",
                      items=(ItemRow("氏名", ("氏", "名")),))
    codes = [f.code for f in check_mapping(mapping, registry=REGISTRY_S).findings]
    assert "MAP208" in codes and "MAP302" not in codes


def test_a_huge_cell_is_echoed_shortened_in_every_message(workdir: Path) -> None:
    import json

    import openpyxl

    book = openpyxl.load_workbook(DATA / "mappings" / "juki_rdb_jumin.xlsx")
    items, codes = book["項目対応"], book["コード変換"]
    items["B2"], items["C3"], items["D4"], items["E5"] = "あ" * 40000, "い" * 40000, "x" * 40000, "う" * 40000
    items["D6"] = "trim | code(" + "y" * 40000
    codes["A2"], codes["C4"] = "表" * 40000, "標" * 40000
    book["外字対応"].append(["U+" + "Z" * 40000, "髙"])
    book.save("long.xlsx")
    for lang in ("en", "ja"):
        res = run_cli("--lang", lang, "mapping", "check", "long.xlsx", "--format", "json", expect=1)
        findings = json.loads(res.stdout)["findings"]
        by_cell = {f["location"]["cell"]: f for f in findings}
        for cell in ("B2", "C3", "D4", "E5", "D6", "A2", "C4"):
            assert cell in by_cell, (cell, sorted(by_cell))
        for f in findings:
            assert len(f["message"]) < 400 and len(f["value"] or "") <= 41, (f["code"], f["message"][:80])
        assert "あ" * 120 + "…" in by_cell["B2"]["message"] and by_cell["B2"]["code"] == "MAP203"  # a name: 120
        text = run_cli("--lang", lang, "mapping", "check", "long.xlsx", expect=1).stdout
        assert max(len(line) for line in text.splitlines()) < 600


# A long pipe as a vendor writes one (cleaning steps chained before the code table), broken near its end: the
# message shows a window of it around the spot, marked, in both languages; a short one is shown whole.
_LONG = 'nfkc | controls | trim | replace("　", " ") | replace("ｰ", "ー") | upper | pad(2, "0") | code(性別'


@pytest.mark.parametrize(("transform", "position", "shown"), [
    (_LONG, 92, '… "ー") | upper | pad(2, "0") | code▶(性別'),
    (_LONG.replace("code(性別", "code(性別))"), 96, '…ー") | upper | pad(2, "0") | code(性別)▶)'),
    (_LONG.replace('pad(2, "0")', 'pad(2 "0")'), 80, '…", "ー") | upper | pad(2 ▶"0") | code(性…'),
    ("trim | code(性別", 12, "trim | code(性別"),
])
def test_a_syntax_error_in_a_long_pipe_is_shown_where_it_is(workdir: Path, transform: str, position: int,
                                                            shown: str) -> None:
    import json

    import openpyxl

    book = openpyxl.load_workbook(DATA / "mappings" / "juki_rdb_jumin.xlsx")
    book["項目対応"]["D6"] = transform
    book.save("long.xlsx")
    said = {}
    for lang in ("en", "ja"):
        res = run_cli("--lang", lang, "mapping", "check", "long.xlsx", "--format", "json", expect=1)
        said[lang] = next(f["message"] for f in json.loads(res.stdout)["findings"]
                          if f["code"] == "MAP101" and f["location"]["cell"] == "D6")
    assert said["en"].startswith(f"Transform '{shown}', character {position}: "), said["en"]
    assert said["ja"].startswith(f"変換式 '{shown}' の {position} 文字目: "), said["ja"]
    assert len(shown) <= 40
    if "▶" in shown:  # the mark stands where the position points in the whole text
        before = shown.split("▶")[0].lstrip("…")
        assert transform[:position - 1].endswith(before) and transform[position - 1:].startswith(
            shown.split("▶")[1].rstrip("…"))


def test_gaiji_rows_that_repeat_widen_or_change_nothing_are_named_at_their_cells() -> None:
    def cells(r: int) -> dict[str, Location]:
        return {"legacy": Location(sheet="外字対応", cell=f"A{r}"), "standard": Location(sheet="外字対応", cell=f"B{r}")}

    rows = [("U+E001", "髙"), ("\ue001", "髙"), ("U+E002", "髙橋"), ("U+E003", "U+E003"), ("U+E004", "U+845B U+E0100"),
            ("U+E005", "ﾊﾟ"), ("U+E006", "パ"), ("U+E000", "髙"), ("U+E000", "﨑")]
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民", items=(ItemRow("氏名", ("a",)),),
                      gaiji=tuple(GaijiEntry(a, b, cells=cells(r)) for r, (a, b) in enumerate(rows, start=2)))
    table, findings = gaiji_table(mapping)
    assert [(f.code, f.severity, source_of(f.location)) for f in findings] == [
        ("MAP015", "warning", "外字対応!A3"), ("MAP016", "warning", "外字対応!B4"), ("MAP017", "warning", "外字対応!B5"),
        ("MAP016", "warning", "外字対応!B7"), ("MAP008", "error", "外字対応!A10")]
    assert "first at 外字対応!A2" in findings[0].message_en and "最初は 外字対応!A2" in findings[0].message_ja
    assert "2 characters (U+9AD9 U+6A4B)" in findings[1].message_en and "2 文字" in findings[1].message_ja
    assert "U+E003 is mapped to itself" in findings[2].message_en and "自分自身" in findings[2].message_ja
    assert "first at 外字対応!A9" in findings[4].message_en
    assert table.mapping["\ue001"] == "髙" and table.mapping["\ue004"] == "\u845b\U000e0100"


@pytest.mark.parametrize(("kind", "value", "code"), [
    ("mynumber", "123456789018", None), ("mynumber", "123456789012", "MAP407"),
    ("mynumber", "１２３４５６７８９０１８", "MAP413"), ("mynumber", "1234-5678-9018", "MAP413"),
    ("mynumber", "12345678901", "MAP414"), ("mynumber", "1234567890180", "MAP414"),
    ("lg_code", "131016", None), ("lg_code", "131015", "MAP407"), ("lg_code", "481015", "MAP415"),
    ("lg_code", "001015", "MAP415"), ("lg_code", "13101", "MAP414"),
    ("corporate_number", "7000012050002", None), ("corporate_number", "7000012050003", "MAP407"),
    ("corporate_number", "700001205000", "MAP414"), ("m11w27", "000000000000019", None),
    ("m11w27", "000000000000018", "MAP407"), ("m11w27", "1", "MAP414"), ("m11w27", "A00000000000019", "MAP413"),
    ("m11w27", "", None),
])
def test_each_check_digit_problem_has_its_own_code(kind: str, value: str, code: str | None) -> None:
    _, compiled = _compile("a", f"checkdigit({kind})")
    frame = pl.LazyFrame({"a": [value], "b": [None]}, schema={"a": pl.String, "b": pl.String})
    hits = {i.code for i in compiled.issues  # type: ignore[attr-defined]
            if frame.select(i.expr).collect().to_series()[0]}
    assert hits == ({code} if code else set())


def test_the_check_digit_problems_say_different_things_in_both_languages() -> None:
    from migrator.catalogue import spec

    codes = ("MAP407", "MAP413", "MAP414", "MAP415")
    assert len({spec(c).message_en for c in codes}) == len({spec(c).message_ja for c in codes}) == 4


@pytest.mark.parametrize(("side", "ja", "en"), [
    ({"standard_schema": "std-none"}, "標準スキーマ 'std-none'", "standard schema 'std-none'"),
    ({"standard_table": "なし"}, "標準テーブル 'なし'", "standard table 'なし'"),
    ({"legacy_schema": "legacy-none", "legacy_table": "個人"}, "現行スキーマ 'legacy-none'", "legacy schema 'legacy-none'"),
    ({"legacy_schema": "legacy-juki-rdb", "legacy_table": "なし"}, "現行テーブル 'なし'", "legacy table 'なし'"),
])
def test_a_missing_schema_or_table_is_named_in_the_language_of_the_message(side: dict[str, str], ja: str,
                                                                            en: str) -> None:
    mapping = Mapping(id="t", **{"standard_schema": "std-001-juki", "standard_table": "住民", **side},
                      items=(ItemRow("氏名", ("a",)),))
    (found,) = [f for f in check_mapping(mapping, registry=REGISTRY_S).findings if f.code == "MAP207"]
    assert found.message_ja.startswith(ja) and found.message_en.startswith(en)
    assert not re.search(r"[A-Za-z]+ (schema|table)", found.message_ja)


def test_the_template_says_when_it_replaced_an_existing_workbook(workdir: Path) -> None:
    args = ("mapping", "template", "--standard", "001_juki", "--table", "住民", "--legacy", "juki_rdb",
            "--legacy-table", "個人", "-o", "t.xlsx")
    first = run_cli("--lang", "en", *args).stdout
    assert "Wrote t.xlsx" in first and "replaced" not in first
    again = run_cli("--lang", "en", *args).stdout
    assert "Wrote t.xlsx (replaced the existing file)" in again
    assert "出力しました (既存のファイルを置き換え): t.xlsx" in run_cli("--lang", "ja", *args).stdout


# ---------------------------------------------------------------- 概要: a table named twice, keys that are no setting
def _overview(folder: Path, rows: list[tuple[str, str]], *, replace: dict[str, tuple[str, str]] | None = None) -> Path:
    """The sample workbook with the 概要 rows whose key is in ``replace`` rewritten and ``rows`` added below."""
    import openpyxl

    wb = openpyxl.load_workbook(DATA / "mappings" / "juki_rdb_jumin.xlsx")
    ws = wb["概要"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in (replace or {}):
            row[0].value, row[1].value = (replace or {})[row[0].value]
    for key, value in rows:
        ws.append([key, value])
    wb.save(folder / "m.xlsx")
    return folder / "m.xlsx"


@pytest.mark.parametrize(("name", "table_id"), [("住民記録の個人", "個人"), ("個人", "JUMIN_KOJIN")])
def test_a_table_named_by_name_and_id_is_the_one_that_exists(tmp_path: Path, name: str, table_id: str) -> None:
    path = _overview(tmp_path, [("現行テーブルID", table_id)], replace={"現行テーブル": ("現行テーブル名", name)})
    mapping, findings = load_mapping(path)
    assert mapping is not None and findings == []
    report = check_mapping(mapping, registry=REGISTRY_S)
    assert report.counts_by_severity["error"] == 0, [f.message_en for f in report.findings]
    unused = [f for f in report.findings if f.code == "MAP206"]  # said where the table was found
    assert unused and {str(f.location) for f in unused} == {f"{path} 概要!B{6 if name == '個人' else 12}"}


def test_a_schema_named_by_name_and_id_is_the_one_that_exists(tmp_path: Path) -> None:
    path = _overview(tmp_path, [("標準スキーマID", "std-001-juki")], replace={"標準スキーマ": ("標準スキーマ名", "住民基本台帳")})
    mapping, _ = load_mapping(path)
    assert mapping is not None
    report = check_mapping(mapping, registry=REGISTRY_S)
    assert report.counts_by_severity["error"] == 0, [f.message_en for f in report.findings]


def test_name_and_id_naming_two_tables_is_an_error_naming_both_cells(tmp_path: Path) -> None:
    path = _overview(tmp_path, [("現行テーブルID", "世帯")], replace={"現行テーブル": ("現行テーブル名", "個人")})
    mapping, _ = load_mapping(path)
    assert mapping is not None
    (found,) = [f for f in check_mapping(mapping, registry=REGISTRY_S).findings if f.code == "MAP210"]
    assert found.severity == "error" and found.location.cell == "B12"
    assert found.message_en.startswith("現行テーブル名 (概要!B6: 個人) and 現行テーブルID (概要!B12: 世帯) name two "
                                       "different legacy tables")
    assert "別の現行テーブルを指しています" in found.message_ja


def test_name_and_id_naming_no_table_are_both_said(tmp_path: Path) -> None:
    path = _overview(tmp_path, [("現行テーブルID", "JINKO")], replace={"現行テーブル": ("現行テーブル名", "人口")})
    mapping, _ = load_mapping(path)
    assert mapping is not None
    (found,) = [f for f in check_mapping(mapping, registry=REGISTRY_S).findings if f.code == "MAP207"]
    assert found.message_en.startswith("legacy table '人口' / 'JINKO' not found (known: 個人, 世帯)")


def test_name_and_id_survive_the_yaml_form_and_a_run(tmp_path: Path, workdir: Path) -> None:
    path = _overview(tmp_path, [("現行テーブルID", "個人")], replace={"現行テーブル": ("現行テーブル名", "住民記録の個人")})
    mapping, _ = load_mapping(path)
    assert mapping is not None
    text = dump_mapping(mapping)
    assert "現行テーブル名: 住民記録の個人\n  現行テーブルID: 個人\n" in text
    again, findings = load_mapping(write_mapping(mapping, tmp_path / "m.yaml"))
    assert again == mapping and findings == []
    book, _ = load_mapping(write_mapping(mapping, tmp_path / "back.xlsx"))
    assert book == mapping
    extract = DATA / "sample_data" / "extracts" / "juki_rdb_clean_kojin.csv"
    res = run_cli("validate", str(path), str(extract), "--out", "out", expect=None)
    assert res.exit_code == 0, res.stdout + res.stderr


@pytest.mark.parametrize(("key", "hint_en", "hint_ja"), [
    ("現行テーブルメイ", " (did you mean 現行テーブル?)", "(現行テーブル の誤りでは?)"),
    ("エンコーディンク", " (did you mean エンコーディング?)", "(エンコーディング の誤りでは?)"),
    ("担当課", "", ""),
])
def test_a_key_that_is_no_setting_is_a_warning_at_its_cell(tmp_path: Path, key: str, hint_en: str,
                                                           hint_ja: str) -> None:
    path = _overview(tmp_path, [(key, "x")])
    mapping, findings = load_mapping(path)
    assert mapping is not None
    (found,) = findings
    assert found.code == "MAP022" and found.severity == "warning" and found.location.cell == "A12"
    assert found.message_en == f"The key '{key}' of 概要 is not a known setting: its value is not used{hint_en}"
    assert found.message_ja.endswith(f"値は使われません{hint_ja}")


@pytest.mark.parametrize("key", ["文字コード　", "文字 コード", "ｴﾝｺｰﾃﾞｨﾝｸﾞ", "【文字コード】：", "備考", "メモ"])
def test_settings_written_loosely_and_remarks_are_no_unknown_key(tmp_path: Path, key: str) -> None:
    path = _overview(tmp_path, [], replace={"文字コード": (key, "cp932")})
    mapping, findings = load_mapping(path)
    assert mapping is not None and findings == []
    assert mapping.encoding == (None if key in ("備考", "メモ") else "cp932")


@pytest.mark.parametrize(("key", "value", "first_key"), [
    ("encoding", "cp932", "文字コード"), ("文字コード", "cp932", "文字コード"), ("【文字コード】", "utf-8", "文字コード"),
    ("版", "2.0", "版"), ("現行テーブル", "世帯", "現行テーブル"),
])
def test_a_setting_given_twice_names_both_cells_and_the_value_used(tmp_path: Path, key: str, value: str,
                                                                  first_key: str) -> None:
    """The first value of a setting is read: one given again (the same key, or 文字コード and encoding with another
    value) was left unused without a word. It is MAP024 at the unused cell, naming both and the value used."""
    path = _overview(tmp_path, [(key, value)])
    mapping, findings = load_mapping(path)
    assert mapping is not None
    first_cell, first_value = {"文字コード": ("B7", "utf-8"), "版": ("B8", "1.0"), "現行テーブル": ("B6", "個人")}[first_key]
    (found,) = findings
    assert found.code == "MAP024" and found.severity == "warning" and found.location.cell == "B12"
    assert found.message_en == (f"{first_key} is given twice on 概要: {first_key} (概要!{first_cell}: {first_value}) "
                                f"and {key} (概要!B12: {value}); the first value, {first_value}, is used, not 概要!B12")
    assert found.message_ja == (f"概要の {first_key} が 2 回指定されています: {first_key} (概要!{first_cell}: "
                                f"{first_value}) と {key} (概要!B12: {value})。最初の値 {first_value} を使い、概要!B12 は"
                                "使いません")
    assert (mapping.encoding, mapping.settings["版"], mapping.legacy_table) == ("utf-8", "1.0", "個人")


def test_an_alias_with_the_same_value_and_remarks_written_twice_are_not_said(tmp_path: Path) -> None:
    path = _overview(tmp_path, [("encoding", "utf-8"), ("備考", "a"), ("備考", "b")])
    mapping, findings = load_mapping(path)
    assert mapping is not None and findings == []


def _sample_yaml_with(tmp_path: Path, encoding_line: str) -> Path:
    """The bundled YAML mapping with its ``文字コード: utf-8`` line replaced by ``encoding_line``."""
    text = (DATA / "mappings" / "juki_rdb_jumin.yaml").read_text(encoding="utf-8")
    path = tmp_path / "m.yaml"
    path.write_text(text.replace("  文字コード: utf-8\n", encoding_line), encoding="utf-8")
    return path


def test_a_setting_given_twice_is_said_at_its_line_in_the_yaml_form(tmp_path: Path) -> None:
    path = _sample_yaml_with(tmp_path, "  文字コード: utf-8\n  encoding: cp932\n")
    mapping, findings = load_mapping(path)
    (found,) = findings
    assert found.code == "MAP024" and found.location.line == 9 and mapping is not None and mapping.encoding == "utf-8"
    assert f"文字コード ({path}:8: utf-8) and encoding ({path}:9: cp932)" in found.message_en


def test_a_key_that_is_no_setting_is_said_in_the_yaml_form_too(tmp_path: Path) -> None:
    _, findings = load_mapping(_sample_yaml_with(tmp_path, "  文字コド: utf-8\n"))
    (found,) = findings
    assert found.code == "MAP022" and found.location.line is not None and "did you mean 文字コード" in found.message_en


def test_a_legacy_character_written_as_a_bare_shift_jis_user_defined_code_is_named_with_both_readings() -> None:
    cells = {"legacy": Location(sheet="外字対応", cell="A5"), "standard": Location(sheet="外字対応", cell="B5")}
    mapping = Mapping(id="t", standard_schema="std-001-juki", standard_table="住民", items=(ItemRow("氏名", ("a",)),),
                      gaiji=(GaijiEntry("F040", "髙", cells=cells), GaijiEntry("U+F041", "5409"),
                             GaijiEntry("E001", "﨑")))
    table, findings = gaiji_table(mapping)
    assert dict(table.mapping) == {"\uf041": "吉", "\ue001": "﨑"}
    found = [f for f in findings if f.code == "MAP008"]
    assert [source_of(f.location) for f in found] == ["外字対応!A5"]
    assert "U+F040" in found[0].message_en and "Shift_JIS" in found[0].message_en
    assert "U+E000" in found[0].message_en and "U+…" in found[0].message_en
    assert "U+F040" in found[0].message_ja and "Shift_JIS" in found[0].message_ja and "外字コード" in found[0].message_ja and "U+E000" in found[0].message_ja
    assert not re.search("[ぁ-んァ-ヶ]", found[0].message_en.replace("外字対応表", "").replace("現行文字", ""))
