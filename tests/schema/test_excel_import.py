"""Importing table-definition workbooks in the shapes vendors write them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from migrator.errors import InputError
from migrator.schema import Item, import_workbook, load_header_synonyms, load_schema
from tests.conftest import run_cli

HAND_WRITTEN = """format: migrator.schema/1
id: vendor-x
kind: legacy
title: vendor x
version: '1'
provenance: {source: hand-written, verified: false}
tables:
  - name: 住民
    key: [宛名番号]
    items:
      - {name: 宛名番号, column: ATENA_NO, type: string, max_length: 15, required: true, description: 主キー}
      - {name: 氏名, column: SHIMEI, type: string, max_length: 40, required: true}
      - {name: 生年月日, column: BIRTH, type: date}
      - {name: 世帯人数, column: NINZU, type: integer, max_length: 3}
      - {name: 所得金額, column: SHOTOKU, type: decimal, max_length: 12, scale: 2}
"""

EXPECTED = [
    Item(name="宛名番号", column="ATENA_NO", type="string", max_length=15, required=True, description="主キー"),
    Item(name="氏名", column="SHIMEI", type="string", max_length=40, required=True),
    Item(name="生年月日", column="BIRTH", type="date"),
    Item(name="世帯人数", column="NINZU", type="integer", max_length=3),
    Item(name="所得金額", column="SHOTOKU", type="decimal", max_length=12, scale=2),
]


def _definition_sheet(ws, *, header_row: int = 10) -> None:  # type: ignore[no-untyped-def]
    """A classic テーブル定義書: merged title, table name label, header on row 10, № as formulas."""
    ws["A1"] = "テーブル定義書"
    ws.merge_cells("A1:H2")
    ws["A4"] = "テーブル名"
    ws["C4"] = "住民"
    ws.merge_cells("C4:E4")
    ws["A5"] = "作成者"
    ws["C5"] = "ベンダーX"
    header = ["№", "項目名称", "カラム名", "型", "桁数", "NULL許可", "キー", "備考"]
    for c, label in enumerate(header, start=1):
        ws.cell(header_row, c, label)
    rows = [
        ["宛名番号", "ATENA_NO", "VARCHAR", "15", None, "○", "主キー"],
        ["氏名", "SHIMEI", "NVARCHAR", 40, None, None, None],
        ["生年月日", "BIRTH", "DATE", 8, "○", None, None],
        ["世帯人数", "NINZU", "NUMBER", "３", "○", None, None],
        ["所得金額", "SHOTOKU", "NUMBER", "12,2", "○", None, None],
    ]
    for i, row in enumerate(rows):
        r = header_row + 1 + i
        ws.cell(r, 1, f"=ROW()-{header_row}")
        for c, value in enumerate(row, start=2):
            ws.cell(r, c, value)


def _save(wb, path: Path) -> Path:  # type: ignore[no-untyped-def]
    wb.save(path)
    return path


@pytest.fixture
def definition_book(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表紙"
    ws["B3"] = "住民記録システム テーブル定義書"
    ws.merge_cells("B3:F3")
    _definition_sheet(wb.create_sheet("住民"))
    return _save(wb, tmp_path / "テーブル定義書.xlsx")


def test_header_on_row_10_with_formulas_merged_title_and_marks(definition_book: Path) -> None:
    result = import_workbook(definition_book)
    assert result.schema is not None
    table = result.schema.table("住民")
    assert list(table.items) == EXPECTED
    assert table.key == ("宛名番号",)
    assert [(f.code, str(f.location.sheet), f.location.cell) for f in result.findings] == [
        ("SCH062", "表紙", "A1"), ("SCH108", "住民", "E13"), ("SCH108", "住民", "E14"),
        ("SCH109", "住民", "F11"), ("SCH106", "住民", "A10")]  # DATE 8, ３ and blank NULL許可: each said (NUMBER 12,2
    # is how definitions write a decimal: read so without a word)


def test_import_then_diff_against_hand_written_yaml_reports_no_change(definition_book: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "imported.yaml"
    run_cli("schema", "import", str(definition_book), "--sheet", "住民", "--id", "vendor-x", "-o", str(out))
    imported, findings = load_schema(out)
    assert imported is not None and findings == []
    hand = tmp_path / "hand.yaml"
    hand.write_text(HAND_WRITTEN, encoding="utf-8")
    result = run_cli("schema", "diff", str(hand), str(out), "--format", "json")
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["SCH215"]


def test_two_row_header_with_group_label(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T_SETAI"
    ws["A1"] = "テーブル名：世帯"
    for c, label in enumerate(["No", "論理名", "物理名", "PostgreSQL", None, "必須", "PK"], start=1):
        ws.cell(5, c, label)
    ws.merge_cells("D5:E5")
    for c, label in ((4, "TYPE"), (5, "SIZE")):
        ws.cell(6, c, label)
    ws.append([1, "世帯番号", "SETAI_NO", "varchar", 15, "○", "1"])
    ws.append([2, "世帯主氏名", "NUSHI", "varchar", 50, "○", None])
    ws.append([3, "世帯形成日", "KEISEI", "timestamp", None, None, None])
    ws.append([4, "所得", "SHOTOKU", "numeric(10,2)", None, None, None])
    result = import_workbook(_save(wb, tmp_path / "def.xlsx"))
    assert result.schema is not None
    table = result.schema.table("世帯")
    assert list(table.items) == [
        Item(name="世帯番号", column="SETAI_NO", type="string", max_length=15, required=True),
        Item(name="世帯主氏名", column="NUSHI", type="string", max_length=50, required=True),
        Item(name="世帯形成日", column="KEISEI", type="datetime"),
        Item(name="所得", column="SHOTOKU", type="decimal", max_length=10, scale=2),
    ]
    assert table.key == ("世帯番号",)


def test_english_headers_and_one_sheet_of_many(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "persons"
    ws.append(["Item name", "Column", "Data type", "Length", "Required", "PK", "Remarks"])
    ws.append(["宛名番号", "ATENA_NO", "CHAR", 15, "Y", "Y", None])
    ws.append(["性別", "SEX", "CHAR", 1, "Y", None, "1:男 2:女"])
    other = wb.create_sheet("households")
    other.append(["Item name", "Data type", "Length"])
    other.append(["世帯番号", "VARCHAR", 15])
    path = _save(wb, tmp_path / "en.xlsx")
    both = import_workbook(path)
    assert both.schema is not None and both.schema.table_names == ("persons", "households")
    one = import_workbook(path, sheet="households")
    assert one.schema is not None
    assert list(one.schema.table("households").items) == [Item(name="世帯番号", type="string", max_length=15)]
    persons = both.schema.table("persons")
    assert persons.item("性別") == Item(name="性別", column="SEX", type="string", max_length=1, required=True,
                                         description="1:男 2:女")
    with pytest.raises(InputError):
        import_workbook(path, sheet="nope")


def test_kihon_data_list_profile(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本データリスト"
    ws.append(["No", "データ項目ID", "項目名", "データ型", "桁数", "必須", "コード"])
    ws.append([1, "0010001", "宛名番号", "文字列", 15, "○", None])
    ws.append([2, "0010019", "性別", "コード", 1, "○", "性別"])
    ws.append([3, "0010021", "生年月日", "日付", None, "○", None])
    result = import_workbook(_save(wb, tmp_path / "kihon.xlsx"), kind="standard")
    assert result.schema is not None
    items = result.schema.table("基本データリスト").items
    assert items == (
        Item(name="宛名番号", id="0010001", type="string", max_length=15, required=True),
        Item(name="性別", id="0010019", type="code", max_length=1, required=True, code_tables=("性別",)),
        Item(name="生年月日", id="0010021", type="date", required=True),
    )
    assert result.schema.code_tables["性別"].values == ()


def test_unreadable_cells_become_findings_with_their_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    ws.append(["項目名", "型", "桁数"])
    ws.append(["宛名番号", "VARCHAR", "十五"])
    ws.append(["氏名", "謎の型", 40])
    ws.append([None, "CHAR", 3])
    ws.append(["宛名番号", "CHAR", 15])
    ws.append(["世帯番号", "CHAR", "=B1*2"])
    result = import_workbook(_save(wb, tmp_path / "bad.xlsx"))
    got = [(f.code, f"{f.location.sheet}!{f.location.cell}") for f in result.findings]
    assert got == [("SCH103", "住民!C2"), ("SCH102", "住民!B3"), ("SCH104", "住民!A4"), ("SCH105", "住民!A5"),
                   ("SCH103", "住民!C6"), ("SCH106", "住民!A1")]
    assert result.schema is not None
    assert result.schema.table("住民").item_names == ("宛名番号", "氏名", "世帯番号")
    assert result.schema.table("住民").item("氏名").type == "string"


def test_no_header_anywhere_is_a_finding_and_writes_nothing(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "メモ"
    path = _save(wb, tmp_path / "memo.xlsx")
    out = tmp_path / "out.yaml"
    result = run_cli("--lang", "en", "schema", "import", str(path), "-o", str(out), expect=1)
    assert "SCH101" in result.stdout and "Sheet!A1" in result.stdout
    assert not out.exists()


def test_user_synonyms_extend_the_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["フィールド和名", "型", "桁数"])
    ws.append(["宛名番号", "CHAR", 15])
    path = _save(wb, tmp_path / "custom.xlsx")
    assert import_workbook(path).schema is None
    extra = tmp_path / "syn.yaml"
    extra.write_text("format: migrator.header-synonyms/1\nprofiles:\n  table_definition:\n    name: [フィールド和名]\n",
                     encoding="utf-8")
    result = import_workbook(path, synonyms=load_header_synonyms(extra))
    assert result.schema is not None and result.schema.tables[0].item_names == ("宛名番号",)


def test_every_cell_read_otherwise_than_written_is_a_warning_at_its_cell(workdir: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    for row in [["項目名", "型", "桁数", "必須"], ["宛名番号", "VARCHAR", "15", "○"], ["氏名", "VARCHAR", "10,2", "○"],
                ["カナ", "VARCHAR", "１０", "○"], ["謎", "FOOBAR", "5", "○"], ["備考", "VARCHAR", "5", None],
                ["金額", "NUMBER", "12,2", "任意"], ["件数", "INTEGER", "3,1", "0"], ["生年月日", "DATE", "8", "○"],
                ["住所", "VARCHAR(10)", "20", "×"], ["方書", "VARCHAR", "5", "たぶん"], ["番地", "CHAR(１０)", None, None]]:
        ws.append(row)
    _save(wb, workdir / "def.xlsx")
    res = run_cli("schema", "import", "def.xlsx", "-o", "def.yaml", "--format", "json")
    got = [(f["code"], f["location"]["cell"]) for f in json.loads(res.stdout)["findings"] if f["code"] != "SCH106"]
    assert got == [("SCH108", "C3"), ("SCH108", "C4"), ("SCH102", "B5"), ("SCH108", "B8"), ("SCH108", "C9"),
                   ("SCH108", "C10"), ("SCH108", "D11"), ("SCH108", "B12"), ("SCH109", "D6")]  # the note last
    table = load_schema(workdir / "def.yaml")[0].table("住民")  # type: ignore[union-attr]
    assert [table.item(n).required for n in ("件数", "住所", "方書", "備考")] == [False, False, False, False]
    assert table.item("氏名").max_length == 10 and table.item("氏名").scale is None
    assert (table.item("金額").type, table.item("金額").scale, table.item("件数").type) == ("decimal", 2, "decimal")
    assert (table.item("番地").max_length, table.item("カナ").max_length) == (10, 10)
    ja = run_cli("--lang", "ja", "schema", "import", "def.xlsx", "-o", "def.yaml").stdout
    assert "'10,2' を max_length: 10(型 string に小数桁はありません) として読みました" in ja
    assert "必須 列が空の 2 項目を 必須でない (required: false) として読みました(D6、D12)" in ja
    assert "項目 方書 の 必須 (required) 'たぶん' を required: false(印なし) として読みました" in ja
    en = run_cli("--lang", "en", "schema", "import", "def.xlsx", "-o", "def.yaml").stdout
    assert "2 items of sheet 住民 with a blank 必須 cell were read as required: false (D6, D12)" in en


def test_a_value_left_out_is_told_in_each_language(workdir: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    for row in [["項目名", "型", "桁数", "小数桁", "コード表"], ["金額", "NUMBER", "12", "二", None],
                ["性別", "CODE", "1", None, None]]:
        ws.append(row)
    _save(wb, workdir / "def.xlsx")
    messages = {}
    for lang in ("ja", "en"):
        res = run_cli("--lang", lang, "schema", "import", "def.xlsx", "-o", "def.yaml", "--format", "json")
        messages[lang] = [f["message"] for f in json.loads(res.stdout)["findings"] if f["code"] == "SCH107"]
    assert messages == {
        "ja": ["項目 金額 の 小数桁 (scale) '二' を解釈できないため省略しました",
               "項目 性別 の コード表 (code_table) '(空欄)' を解釈できないため省略しました"],
        "en": ["scale '二' of item 金額 is not understood; left out",
               "code_table '(blank)' of item 性別 is not understood; left out"],
    }


def test_a_huge_cell_is_echoed_shortened(workdir: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    ws.append(["項目名", "型", "桁数", "必須"])
    ws.append(["宛名番号", "T" * 40000, "1" * 30000 + "x", "y" * 30000])
    _save(wb, workdir / "long.xlsx")
    findings = json.loads(run_cli("schema", "import", "long.xlsx", "-o", "long.yaml", "--format", "json").stdout)
    shown = {f["code"]: f["message"] for f in findings["findings"]}
    assert "'" + "T" * 40 + "…'" in shown["SCH102"] and "'" + "1" * 40 + "…'" in shown["SCH103"]
    assert all(len(message) < 300 for message in shown.values())


@pytest.mark.parametrize(("body", "ja", "en"), [
    ("profiles: [a, b]", "profiles はマッピング (名前: …) にしてください (リスト ['a', 'b'] が書かれています)",
     "profiles must be a mapping (name: ...), not a list ['a', 'b']"),
    ("profiles: 3", "profiles はマッピング (名前: …) にしてください (数値 3 が書かれています)",
     "profiles must be a mapping (name: ...), not a number 3"),
    ("profiles: {table_definition: [a]}", "profiles.table_definition はマッピング",
     "profiles.table_definition must be a mapping"),
    ("profiles: {table_definition: {name: [[x]]}}", "profiles.table_definition.name は見出しの一覧 (リスト) にしてください",
     "profiles.table_definition.name must be a list of labels"),
    ("profiles: {table_definition: {nmae: [x]}}", "profiles.table_definition に未知の名前 'nmae' があります",
     "profiles.table_definition has an unknown name 'nmae'"),
    ("types: {strin: [TEXT2]}", "types に未知の名前 'strin' があります", "types has an unknown name 'strin'"),
    ("marks: [[a]]", "marks は見出しの一覧", "marks must be a list of labels"),
    ("profile: {}", "未知のキー 'profile' があります", "unknown key 'profile'"),
    ("no_marks: [NO, 否]", "no_marks: YES、NO、TRUE、FALSE、On、Off は引用符で囲んでください", "no_marks: quote YES, NO"),
])
def test_a_malformed_synonyms_file_is_refused_in_each_language(workdir: Path, body: str, ja: str, en: str) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["項目名", "型"])
    _save(wb, workdir / "def.xlsx")
    (workdir / "syn.yaml").write_text(f"format: migrator.header-synonyms/1\n{body}\n", encoding="utf-8")
    told = {lang: run_cli("--lang", lang, "schema", "import", "def.xlsx", "-o", "def.yaml", "--synonyms", "syn.yaml",
                           expect=2).stderr
            for lang in ("ja", "en")}
    assert re.match(r"エラー: syn\.yaml:2: 見出し同義語ファイルが不正です \(\d+ 桁目\): ", told["ja"]) and ja in told["ja"]
    assert re.match(r"Error: syn\.yaml:2: Invalid header-synonyms file \(column \d+\): ", told["en"]) and en in told["en"]
    assert "Internal error" not in told["en"] and not re.search(r"[\u3040-\u30ff]", told["en"])
    assert "must be" not in told["ja"] and "unknown" not in told["ja"]
    assert all(re.search(r" \[SCH1(1[2-9]|20)\]$", said.strip()) for said in told.values()), told


# Header-synonyms files as another vendor writes them: comments, its own key order, flow style, Japanese labels.
# Each names the wrong entry's line (and column) of the file, in both languages.
@pytest.mark.parametrize(("body", "line", "column", "said"), [
    ("# 自社テンプレート用\nmarks: [有, '○']\nformat: migrator.header-synonyms/1\nprofiles:\n  table_definition:\n"
     "    no: [行番号]\n    name: [フィールド和名]   # 論理名\n    nmae: [誤記]\n", 8, 5,
     "profiles.table_definition has an unknown name 'nmae'"),
    ("format: migrator.header-synonyms/1\ntypes: {string: [文字型], integer: [数値型], decimal: [小数型]}\n"
     "no_marks: [否, 'NO',\n  OFF]\n", 4, 3, "no_marks: quote YES, NO"),
    ("format: migrator.header-synonyms/1\nprofiles:\n  table_definition:\n    name: [和名]\n"
     "title_labels: [作成部署]\nprofiles:\n  table_definition:\n    type: [型名]\n", 6, 1,
     "profiles is written twice (first at line 2)"),
    ("format: migrator.header-synonyms/1\ntypes:\n  文字列: [全角文字]\n", 3, 3, "types has an unknown name '文字列'"),
    ("format: migrator.header-synonyms/1\nprofiles:\n  ベンダーA:\n    - 項目名\n    - 型\n", 4, 5,
     "profiles.ベンダーA must be a mapping"),
    ("format: migrator.header-synonyms/1\nmarks: YES\n", 2, 8, "marks: quote YES"),
    ("format: migrator.header-synonyms/1\nprofiles:\n  table_definition:\n    note: [補足, 型]\n", 4, 16,
     "profiles.table_definition.note: the label '型' is already one of profiles.table_definition.type"),
    ("format: migrator.header-synonyms/1\ntypes:\n  string: [文字型]\n  integer:\n    - 整数型\n    - 文字型\n", 6, 7,
     "types.integer: the type name '文字型' is already given as types.string"),
    ("format: migrator.header-synonyms/1\nno_marks: [否, ○]\n", 2, 15, "no_marks: '○' is a mark of yes"),
    ("format: migrator.header-synonyms/1\nprofiles:\n  table_definition:\n    nullable: [NULL可2, NULL]\n", 4, 24,
     "profiles.table_definition.nullable: quote NULL"),
])
def test_a_wrong_synonyms_entry_is_named_at_its_line(workdir: Path, body: str, line: int, column: int,
                                                    said: str) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["項目名", "型"])
    _save(wb, workdir / "def.xlsx")
    (workdir / "見出し.yaml").write_text(body, encoding="utf-8")
    args = ("schema", "import", "def.xlsx", "-o", "def.yaml", "--synonyms", "見出し.yaml")
    en = run_cli("--lang", "en", *args, expect=2).stderr
    ja = run_cli("--lang", "ja", *args, expect=2).stderr
    assert en.startswith(f"Error: 見出し.yaml:{line}: Invalid header-synonyms file (column {column}): ") and said in en, en
    assert ja.startswith(f"エラー: 見出し.yaml:{line}: 見出し同義語ファイルが不正です ({column} 桁目): "), ja
    assert re.search(r" \[SCH1(1[2-9]|20)\]$", en.strip()) and re.search(r" \[SCH1(1[2-9]|20)\]$", ja.strip())
    assert not re.search(r"[ぁ-ん]", en.split(".yaml", 1)[1]) and not re.search(r"\b(unknown|must|quote)\b", ja)


def test_a_synonyms_file_may_name_the_number_field_unquoted(tmp_path: Path) -> None:
    """YAML reads an unquoted ``no:`` as false; as a field of a profile it is the field ``no``."""
    extra = tmp_path / "syn.yaml"
    extra.write_text("format: migrator.header-synonyms/1\nprofiles:\n  table_definition:\n    no: [行番号]\n",
                     encoding="utf-8")
    assert "行番号" in load_header_synonyms(extra).profiles["table_definition"]["no"]
    assert "False" not in load_header_synonyms().profiles["table_definition"]


def test_the_shipped_yes_and_no_marks_are_read_as_written(workdir: Path) -> None:
    """YES / NO / TRUE / FALSE in a required column mean yes and no (YAML would have made the shipped marks
    true and false, so YES was read as no with a warning)."""
    wb = openpyxl.Workbook()
    wb.active.title = "住民"
    for row in [["No", "項目名", "型", "桁数", "必須"], [1, "宛名番号", "CHAR", 15, "YES"], [2, "氏名", "VARCHAR", 40, "NO"],
                [3, "カナ", "VARCHAR", 40, "TRUE"], [4, "旧氏", "VARCHAR", 40, "FALSE"]]:
        wb.active.append(row)
    _save(wb, workdir / "def.xlsx")
    res = run_cli("schema", "import", "def.xlsx", "-o", "def.yaml", "--format", "json")
    assert not [f for f in json.loads(res.stdout)["findings"] if f["code"] == "SCH108"]
    table = load_schema(workdir / "def.yaml")[0].table("住民")  # type: ignore[union-attr]
    assert [table.item(n).required for n in ("宛名番号", "氏名", "カナ", "旧氏")] == [True, False, True, False]
    labels = load_header_synonyms().profiles["table_definition"]["no"]
    assert "No" in labels and "NO" in labels and "False" not in labels


def test_a_no_mark_in_the_key_column_is_no_key_and_an_unknown_one_is_said(workdir: Path) -> None:
    """``0`` (a no-mark) in the 主キー column is no key and does not make the item required; a number is a key
    (its order); text that is neither a mark nor a no-mark is read as no, with SCH108 at its cell."""
    wb = openpyxl.Workbook()
    wb.active.title = "住民"
    for row in [["項目名", "型", "桁数", "必須", "主キー"], ["宛名番号", "CHAR", 15, "○", 1], ["氏名", "VARCHAR", 40, "0", 0],
                ["カナ", "VARCHAR", 40, None, "たぶん"]]:
        wb.active.append(row)
    _save(wb, workdir / "def.xlsx")
    res = run_cli("--lang", "ja", "schema", "import", "def.xlsx", "-o", "def.yaml", "--format", "json")
    assert [(f["code"], f["location"]["cell"]) for f in json.loads(res.stdout)["findings"] if f["code"] == "SCH108"] \
        == [("SCH108", "E4")]
    table = load_schema(workdir / "def.yaml")[0].table("住民")  # type: ignore[union-attr]
    assert table.key == ("宛名番号",)
    assert (table.item("氏名").required, table.item("カナ").required) == (False, False)


def test_a_synonyms_file_not_in_utf8_is_refused_at_its_line(workdir: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["項目名", "型"])
    _save(wb, workdir / "def.xlsx")
    (workdir / "syn.yaml").write_bytes("format: migrator.header-synonyms/1\nmarks: [有]\n".encode("cp932"))
    res = run_cli("--lang", "en", "schema", "import", "def.xlsx", "-o", "def.yaml", "--synonyms", "syn.yaml", expect=2)
    assert "syn.yaml:2:" in res.stderr and "CORE114" in res.stderr and "Internal error" not in res.stderr


def test_a_row_holding_only_its_number_is_no_item(tmp_path: Path) -> None:
    """Templates number their rows ahead: a row with a № and nothing else is no item and no finding."""
    wb = openpyxl.Workbook()
    for row in [["No", "項目名", "型"], [1, "宛名番号", "CHAR"], [2, None, None]]:
        wb.active.append(row)
    result = import_workbook(_save(wb, tmp_path / "def.xlsx"))
    assert result.schema is not None and result.schema.tables[0].item_names == ("宛名番号",)
    assert [f.code for f in result.findings] == ["SCH106"]


@pytest.mark.parametrize("length", [0, "0", "０"])
def test_a_length_of_zero_is_said_at_its_cell_and_left_out(length: object, tmp_path: Path) -> None:
    """桁数 0 (a placeholder for a spare item) is no length: it was written to the schema and refused there as
    SCH004 at a line of the output file, which the user never edits; it is SCH103 at the workbook's cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    ws.append(["項目名", "型", "桁数"])
    ws.append(["宛名番号", "CHAR", 15])
    ws.append(["予備", "CHAR", length])
    result = import_workbook(_save(wb, tmp_path / "zero.xlsx"))
    got = [(f.code, f.severity, f"{f.location.sheet}!{f.location.cell}") for f in result.findings
           if f.severity != "info"]
    assert got == [("SCH103", "warning", "住民!C3")]
    assert result.schema is not None
    assert result.schema.table("住民").item("予備").max_length is None


def test_a_type_of_size_zero_is_said_at_its_cell_and_its_size_left_out(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    ws.append(["項目名", "型", "桁数"])
    ws.append(["予備", "VARCHAR(0)", None])
    result = import_workbook(_save(wb, tmp_path / "zero.xlsx"))
    got = [(f.code, f"{f.location.sheet}!{f.location.cell}") for f in result.findings if f.severity != "info"]
    assert got == [("SCH108", "住民!B2")]
    assert result.schema is not None
    assert result.schema.table("住民").item("予備").max_length is None


@pytest.mark.parametrize("body", ["format: migrator.schema/1\nprofiles: {}\n", "- a\n- b\n"])
def test_a_file_that_is_no_header_synonyms_file_is_said_so_with_its_code(workdir: Path, body: str) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["項目名", "型"])
    _save(wb, workdir / "def.xlsx")
    (workdir / "syn.yaml").write_text(body, encoding="utf-8")
    args = ("schema", "import", "def.xlsx", "-o", "def.yaml", "--synonyms", "syn.yaml")
    where = "syn.yaml:1"
    en = run_cli("--lang", "en", *args, expect=2).stderr
    ja = run_cli("--lang", "ja", *args, expect=2).stderr
    assert en.startswith(f"Error: {where}: Not a header-synonyms file (expected format: migrator.header-synonyms/1)")
    assert ja.startswith(f"エラー: {where}: 見出し同義語ファイルではありません(format: migrator.header-synonyms/1 が必要です)")
    assert "[SCH111]" in en and "[SCH111]" in ja
    missing = run_cli("--lang", "en", "schema", "import", "def.xlsx", "-o", "def.yaml", "--synonyms", "none.yaml",
                      expect=2).stderr
    assert "none.yaml" in missing and "[CORE103]" in missing
