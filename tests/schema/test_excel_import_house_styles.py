"""Table-definition workbooks in three house styles nobody tuned the importer on, read through the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook, load_workbook

from migrator.schema import Table, load_schema
from tests.conftest import run_cli


def _findings(stdout: str) -> set[tuple[str, str]]:
    return {(f["code"], f["location"]["text"].split(" ", 1)[-1]) for f in json.loads(stdout)["findings"]}


def test_municipal_style_title_block_formulas_wide_digits_and_hidden_sheet(workdir: Path) -> None:
    wb = Workbook()
    cover = wb.active
    cover.title = "表紙"
    cover["B2"] = "住民記録システム　テーブル定義書"
    cover["B4"], cover["C4"] = "作成日", dt.date(2024, 4, 1)
    s = wb.create_sheet("個人基本")
    s.merge_cells("A1:J1")
    s["A1"] = "テーブル定義書"
    s["A2"], s["C2"] = "システム名", "住民記録"
    s["A3"], s["C3"] = "テーブル名", "個人基本  "
    s["A4"] = "※網掛けは廃止予定項目"
    for c, label in enumerate(["No.", "項目名 ", "物理名", "型", "桁", "小数", "必須", "PK", "コード", "備考"], 1):
        s.cell(row=6, column=c, value=label)
    rows = [("宛名番号", "ATENA_NO", "文字", "１５", None, "○", "1", "-", None),
            ("性別", "SEIBETSU", "区分", "1", None, "○", None, "性別", None),
            ("所得額", "SHOTOKU", "NUMBER", "12", "２", None, None, None, None),
            ("生年月日", "BIRTH", "日付", "8", None, "○", None, None, "和暦 GYYMMDD")]
    for r, row in enumerate(rows, start=7):
        s.cell(row=r, column=1, value="=ROW()-6")
        for c, v in enumerate(row, start=2):
            s.cell(row=r, column=c, value=v)
    s.cell(row=13, column=1, value="※1 宛名番号は11桁+チェックデジット")
    old = wb.create_sheet("旧版")
    old.sheet_state = "hidden"
    old.append(["項目名", "型"])
    wb.save(workdir / "teigi.xlsx")
    result = run_cli("--lang", "en", "schema", "import", "teigi.xlsx", "-o", "teigi.yaml", "--format", "json")
    found = _findings(result.stdout)
    assert {("SCH108", "個人基本!E7"), ("SCH108", "個人基本!F9"), ("SCH061", "旧版!A1"),
            ("SCH062", "表紙!A1"), ("SCH108", "個人基本!E10")} <= found, found
    schema, errors = load_schema(workdir / "teigi.yaml")
    assert schema is not None and not [f for f in errors if f.severity == "error"]
    table = schema.table("個人基本")
    assert table.key == ("宛名番号",) and table.file is None
    by_name = {i.name: i for i in table.items}
    assert by_name["宛名番号"].code_tables == () and by_name["宛名番号"].max_length == 15  # "-": no code table
    assert by_name["性別"].type == "code" and by_name["性別"].code_tables == ("性別",)
    assert (by_name["所得額"].type, by_name["所得額"].scale) == ("decimal", 2)
    assert by_name["生年月日"].max_length is None  # a date has no length outside a record layout


def test_english_style_a_code_table_on_a_char_column_is_kept(workdir: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "TBL_SETAI"
    s["A1"] = "Table: HOUSEHOLD"
    s.append([])
    s.append(["Column Name", "Data Type", "Nullable", "Primary Key", "Default", "Description", "Code Table"])
    s.append(["SETAI_NO", "VARCHAR2(15)", "N", "Y", None, "household number", None])
    s.append(["MOVE_IN", "DATE", "Y", None, None, None, None])
    s.append(["STATUS", "CHAR(1)", "N", None, None, None, "SETAI_STATUS"])
    s.append(["UPDATED", "DATE", "Y", None, None, None, "CAL"])
    wb.save(workdir / "household.xlsx")
    result = run_cli("--lang", "en", "schema", "import", "household.xlsx", "-o", "h.yaml", "--format", "json")
    found = _findings(result.stdout)
    assert ("SCH108", "TBL_SETAI!B6") in found and ("SCH108", "TBL_SETAI!G7") in found, found
    schema, _ = load_schema(workdir / "h.yaml")
    assert schema is not None
    status = schema.table("HOUSEHOLD").item("STATUS")
    assert (status.type, status.code_tables, status.required) == ("code", ("SETAI_STATUS",), True)
    assert "SETAI_STATUS" in schema.code_tables and "CAL" not in schema.code_tables
    ja = run_cli("--lang", "ja", "schema", "import", "household.xlsx", "-o", "h.yaml")
    assert "コード表 SETAI_STATUS" in ja.stdout and "was read as" not in ja.stdout


def test_mainframe_record_layout_imports_as_a_fixed_width_table(workdir: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "ファイルレイアウト"
    s.merge_cells("A1:H1")
    s["A1"] = "住民異動ファイル　レコードレイアウト"
    s["A2"], s["B2"] = "ファイル名：", "JIDOU"
    s["D2"], s["E2"] = "レコード長", "６０バイト"
    for col, label in zip("ABCFGH", ["項番", "項目名称", "属性", "必須区分", "編集形式", "備考"], strict=True):
        s.merge_cells(f"{col}4:{col}5")
        s[f"{col}4"] = label
    s.merge_cells("D4:E4")
    s["D4"], s["D5"], s["E5"] = "桁", "開始位置", "バイト数"
    rows = [("１", "宛名番号", "X", "1", "12", "必須", None, None),
            ("２", "異動日", "9", "13", "7", "必須", "GYYMMDD", "和暦"),
            ("３", "異動事由", "X", "20", "2", "必須", None, None),
            ("４", "氏名カナ", "X", "22", "30", "任意", None, "半角カナ"),
            ("５", "予備", "X", "52", "9", None, None, "FILLER")]
    for r, row in enumerate(rows, start=6):
        for c, v in enumerate(row, start=1):
            s.cell(row=r, column=c, value=v)
    wb.save(workdir / "layout.xlsx")
    result = run_cli("--lang", "en", "schema", "import", "layout.xlsx", "-o", "layout.yaml", "--format", "json")
    assert ("SCH108", "ファイルレイアウト!C7") in _findings(result.stdout)  # 9 with GYYMMDD: a date, said
    schema, findings = load_schema(workdir / "layout.yaml")
    assert schema is not None and not [f for f in findings if f.severity != "info"], findings
    table = schema.table("JIDOU")
    assert table.file is not None and (table.file.format, table.file.record_length) == ("fixed", 60)
    assert [(i.name, i.type, i.start, i.length, i.max_length) for i in table.items] == [
        ("宛名番号", "string", 1, 12, None), ("異動日", "date", 13, 7, None), ("異動事由", "string", 20, 2, None),
        ("氏名カナ", "string", 22, 30, None), ("予備", "string", 52, 9, None)]
    assert table.item("異動日").format == "GYYMMDD"


def test_bilingual_headers_name_their_field_in_either_language(workdir: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "T01_世帯"
    s["A1"] = "テーブル名称：世帯"
    s.append([])
    s.append(["No.", "項目名\n(Item Name)", "カラム名\n(Column)", "データ型 / Data type", "桁数（バイト）", "NOT NULL",
              "備考\n(Remarks)"])
    s.append([1, "世帯番号", "SETAI_NO", "VARCHAR", 15, "○", None])
    s.append([2, "世帯主氏名", "NUSHI_NAME", "NVARCHAR", 60, None, "※外字含む"])
    wb.save(workdir / "bilingual.xlsx")
    run_cli("--lang", "en", "schema", "import", "bilingual.xlsx", "-o", "b.yaml")
    schema, _ = load_schema(workdir / "b.yaml")
    assert schema is not None
    assert [(i.name, i.column, i.type, i.max_length, i.required, i.description)
            for i in schema.table("世帯").items] == [
        ("世帯番号", "SETAI_NO", "string", 15, True, None),
        ("世帯主氏名", "NUSHI_NAME", "string", 60, False, "※外字含む")]


def test_type_names_as_database_tools_and_copybooks_write_them(workdir: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "KOJIN"
    s.append(["項目名", "データ型", "備考"])
    types = [("氏名", "VARCHAR2(100 BYTE)"), ("カナ", "NVARCHAR2(50 CHAR)"), ("メモ", "NVARCHAR(MAX)"),
             ("連番", "INT(11) UNSIGNED"), ("更新日時", "DATETIME2"), ("作成日時", "timestamp without time zone"),
             ("住所", "character varying(200)"), ("区分", "文字列(全角)"), ("生年月日", "DATE型"),
             ("金額", "PIC S9(7)V99"), ("番号", "PIC 9(5)"), ("名称", "PIC X(20)")]
    for name, type_name in types:
        s.append([name, type_name, None])
    wb.save(workdir / "types.xlsx")
    result = run_cli("--lang", "en", "schema", "import", "types.xlsx", "-o", "t.yaml", "--format", "json")
    assert not [f for f in json.loads(result.stdout)["findings"] if f["code"] == "SCH102"], result.stdout
    schema, _ = load_schema(workdir / "t.yaml")
    assert schema is not None
    assert [(i.type, i.max_length, i.scale) for i in schema.table("KOJIN").items] == [
        ("string", 100, None), ("string", 50, None), ("string", None, None), ("integer", 11, None),
        ("datetime", None, None), ("datetime", None, None), ("string", 200, None), ("string", None, None),
        ("date", None, None), ("decimal", 9, 2), ("integer", 5, None), ("string", 20, None)]


def test_a_label_as_written_beats_one_with_a_remark_and_two_remarks_name_nothing(workdir: Path) -> None:
    # 項目名(旧) left of 項目名: the item is named by 項目名. 桁数(整数部) and 桁数(小数部) both read as 桁数
    # without their remark: neither is the length (the integer digits are no NUMBER's precision).
    wb = Workbook()
    s = wb.active
    s.title = "住民"
    s.append(["テーブル名", "住民"])
    s.append([])
    s.append(["No", "項目名(旧)", "項目名", "データ型", "桁数(整数部)", "桁数(小数部)", "備考"])
    s.append([1, "KOJIN", "個人番号", "CHAR(12)", None, None, None])
    s.append([2, "KINGAKU", "金額", "NUMBER", 7, 2, None])
    wb.save("t.xlsx")
    run_cli("schema", "import", "t.xlsx", "-o", "t.yaml")
    schema, _ = load_schema(workdir / "t.yaml")
    assert schema is not None
    items = {i.name: i for i in schema.tables[0].items}
    assert set(items) == {"個人番号", "金額"}
    assert items["個人番号"].max_length == 12
    assert items["金額"].max_length is None


def test_a_record_length_written_with_a_thousands_separator(workdir: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "JUMIN"
    s.append(["ファイルID", "JUMIN"])
    s.append(["レコード長", "1,024バイト"])
    s.append([])
    s.append(["No", "項目名", "属性", "桁数", "開始位置", "備考"])
    s.append([1, "個人番号", "X", 12, 1, None])
    s.append([2, "予備", "X", 1012, 13, None])
    wb.save("fw.xlsx")
    run_cli("schema", "import", "fw.xlsx", "-o", "fw.yaml")
    schema, _ = load_schema(workdir / "fw.yaml")
    assert schema is not None
    layout = schema.tables[0].file
    assert layout is not None and layout.record_length == 1024


def test_oracle_number_of_any_precision_keeps_its_scale(workdir: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "T"
    s.append(["テーブル名", "T"])
    s.append(["No", "項目名", "データ型", "桁数", "備考"])
    s.append([1, "金額", "NUMBER(*,2)", None, None])
    s.append([2, "件数", "NUMBER(*,0)", None, None])
    wb.save("t.xlsx")
    run_cli("schema", "import", "t.xlsx", "-o", "t.yaml")
    schema, _ = load_schema(workdir / "t.yaml")
    assert schema is not None
    items = {i.name: i for i in schema.tables[0].items}
    assert (items["金額"].type, items["金額"].scale, items["金額"].max_length) == ("decimal", 2, None)
    assert items["件数"].type == "integer"


def test_a_bilingual_header_line_written_as_a_label_beats_a_remark_stripped_one(workdir: Path) -> None:
    # 項目名(物理)\n(Column) is the column (its first line is a label of it), not a second 項目名; and
    # 項目名\n(Item Name) left of 項目名(カナ) is the name.
    wb = Workbook()
    s = wb.active
    s.title = "T"
    s.append(["テーブル名", "T"])
    s.append(["No", "項目名\n(Item Name)", "項目名(物理)\n(Column)", "項目名(カナ)", "データ型\n(Type)", "桁数\n(Length)"])
    s.append([1, "氏名", "SHIMEI", "シメイ", "VARCHAR2", 20])
    wb.save("t.xlsx")
    run_cli("schema", "import", "t.xlsx", "-o", "t.yaml")
    schema, _ = load_schema(workdir / "t.yaml")
    assert schema is not None
    [item] = schema.tables[0].items
    assert (item.name, item.column, item.max_length) == ("氏名", "SHIMEI", 20)


def _positioned(path: Path, positions: list[int], lengths: list[int], *, with_date: bool = False) -> None:
    """A sheet whose 位置 column holds ``positions`` beside 桁数 ``lengths``, written the way a DB table
    definition numbers its columns (or a file layout gives its byte positions)."""
    wb = Workbook()
    s = wb.active
    s.title = "世帯"
    s["A1"], s["B1"] = "テーブル名", "世帯"
    s.append([])
    s.append(["位置", "項目名", "カラム名", "データ型", "桁数", "NOT NULL", "備考"])
    names = [("世帯番号", "SETAI_NO"), ("世帯主氏名", "NUSHI_NAME"), ("住所", "JUSHO"), ("郵便番号", "YUBIN")]
    for n, (position, length) in enumerate(zip(positions, lengths, strict=True)):
        name, column = names[n]
        s.append([position, name, column, "CHAR", length, "○", None])
    if with_date:
        s.append([len(positions) + 1, "異動日", "IDO_YMD", "DATE", 8, None, None])
    wb.save(path)


def test_a_position_column_numbering_the_columns_reads_as_an_ordinary_table(workdir: Path) -> None:
    # 位置 1, 2, 3, 4 beside lengths 15, 60, 100, 7: the columns' order in a table definition, not byte positions.
    _positioned(workdir / "teigi.xlsx", [1, 2, 3, 4], [15, 60, 100, 7], with_date=True)
    result = run_cli("--lang", "en", "schema", "import", "teigi.xlsx", "-o", "t.yaml", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    said = [f for f in findings if f["code"] == "SCH110"]
    assert [(f["severity"], f["location"]["text"].split(" ", 1)[-1]) for f in said] == [("warning", "世帯!A5")]
    assert "item 世帯主氏名 starts at 2, inside item 世帯番号 (bytes 1-15)" in said[0]["message"], said
    assert "ordinary table" in said[0]["message"]
    # read as any other table: the date's length is said where it is written, as it is without a 位置 column
    assert ("SCH108", "世帯!E8") in _findings(result.stdout)
    schema, errors = load_schema(workdir / "t.yaml")
    assert schema is not None and not [f for f in errors if f.severity == "error"], errors
    table = schema.table("世帯")
    assert table.file is None
    assert [(i.name, i.start, i.length, i.max_length) for i in table.items] == [
        ("世帯番号", None, None, 15), ("世帯主氏名", None, None, 60), ("住所", None, None, 100),
        ("郵便番号", None, None, 7), ("異動日", None, None, None)]
    ja = run_cli("--lang", "ja", "schema", "import", "teigi.xlsx", "-o", "t.yaml")
    assert "位置 列は桁数と合うバイト位置ではありません" in ja.stdout and "ordinary" not in ja.stdout, ja.stdout


def _imported_layout(workdir: Path, positions: list[int], lengths: list[int]) -> tuple[set[tuple[str, str]], Table]:
    """``schema import`` of a 位置 sheet (see :func:`_positioned`): its findings as (code, place) and its 世帯 table."""
    _positioned(workdir / "layout.xlsx", positions, lengths)
    result = run_cli("--lang", "en", "schema", "import", "layout.xlsx", "-o", "l.yaml", "--format", "json")
    schema, errors = load_schema(workdir / "l.yaml")
    assert schema is not None and not [f for f in errors if f.severity == "error"], errors
    return _findings(result.stdout), schema.table("世帯")


def test_a_position_column_of_byte_positions_reads_as_a_fixed_width_record(workdir: Path) -> None:
    said, table = _imported_layout(workdir, [1, 11, 21], [10, 10, 10])
    assert not [code for code, _ in said if code in ("SCH110", "SCH108")]
    assert table.file is not None and (table.file.format, table.file.record_length) == ("fixed", 30)
    assert [(i.start, i.length) for i in table.items] == [(1, 10), (11, 10), (21, 10)]


def test_byte_positions_counted_from_zero_are_read_one_more_and_said(workdir: Path) -> None:
    # Offsets 0, 10, 22 with a gap of two bytes (filler) before the last: a layout, counted from 0.
    said, table = _imported_layout(workdir, [0, 10, 22], [10, 10, 8])
    assert ("SCH108", "世帯!A4") in said
    assert table.file is not None and table.file.record_length == 30
    assert [(i.start, i.length) for i in table.items] == [(1, 10), (11, 10), (23, 8)]


def test_a_layout_that_starts_after_a_leading_filler_is_a_record(workdir: Path) -> None:
    # The first four bytes (a record type the definition leaves out) are filler, as a gap between items is.
    said, table = _imported_layout(workdir, [5, 15, 25], [10, 10, 10])
    assert "SCH110" not in {code for code, _ in said}
    assert table.file is not None and table.file.record_length == 34
    assert [(i.start, i.length) for i in table.items] == [(5, 10), (15, 10), (25, 10)]


def test_a_layout_whose_items_overlap_is_no_record(workdir: Path) -> None:
    for positions, lengths, said in (([1, 11, 15], [10, 10, 10], "item 住所 starts at 15, inside item 世帯主氏名"),
                                     ([1, 5, 9], [10, 10, 10], "item 世帯主氏名 starts at 5, inside item 世帯番号")):
        _positioned(workdir / "x.xlsx", positions, lengths)
        result = run_cli("--lang", "en", "schema", "import", "x.xlsx", "-o", "x.yaml", "--format", "json")
        [finding] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "SCH110"]
        assert said in finding["message"], finding
        schema, _ = load_schema(workdir / "x.yaml")
        assert schema is not None and schema.table("世帯").file is None


def test_a_second_record_layout_of_the_same_table_name_keeps_its_file_layout(workdir: Path) -> None:
    # Two sheets (this year's layout and a copy) both naming the table 世帯: the second is imported under its
    # sheet's name, still a fixed-width record.
    _positioned(workdir / "layout.xlsx", [1, 11, 21], [10, 10, 10])
    wb = load_workbook(workdir / "layout.xlsx")
    wb.copy_worksheet(wb["世帯"]).title = "世帯2"
    wb.save(workdir / "layout.xlsx")
    run_cli("--lang", "en", "schema", "import", "layout.xlsx", "-o", "l.yaml", "--format", "json")
    schema, _ = load_schema(workdir / "l.yaml")
    assert schema is not None
    tables = {t.name: t for t in schema.tables}
    assert sorted(tables) == ["世帯", "世帯_世帯2"]
    assert all(t.file is not None and t.file.record_length == 30 for t in tables.values())
