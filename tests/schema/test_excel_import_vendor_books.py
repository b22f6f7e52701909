"""Table-definition books as Japanese vendors' tools and hands write them (A5:SQL Mk-2, Oracle, SQL Server,
COBOL record layouts), compared with what a person reads from the sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from migrator.schema import import_workbook


def _items(table):  # type: ignore[no-untyped-def]
    return [(i.name, i.type, i.max_length if i.length is None else i.length, i.scale, i.required)
            for i in table.items]


def test_a_title_row_right_above_the_header_names_the_table(tmp_path: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "Sheet1"
    s.append(["テーブル名", "個人"])
    s.append(["No", "項目名", "データ型", "桁数", "必須"])
    s.append([1, "宛名番号", "CHAR", 15, "○"])
    wb.save(tmp_path / "t.xlsx")
    result = import_workbook(tmp_path / "t.xlsx")
    assert result.schema is not None
    assert [t.name for t in result.schema.tables] == ["個人"]


def _a5_sheet(wb: Workbook) -> None:
    """A5:SQL Mk-2's テーブル定義書 export: テーブル情報, カラム情報, then インデックス情報 and more blocks."""
    s = wb.create_sheet("KOJIN")
    for row in [["テーブル情報"], ["システム名", "住民記録"], ["論理テーブル名", "個人"], ["物理テーブル名", "KOJIN"],
                ["作成者", "山田"], [], ["カラム情報"],
                ["No", "論理名", "物理名", "データ型", "Not Null", "デフォルト", "備考", "PK"],
                [1, "宛名番号", "ATENA_NO", "varchar2(15)", "Yes", None, None, 1],
                [2, "氏名", "SHIMEI", "nvarchar2(100)", "Yes", None, None, None],
                [3, "所得", "SHOTOKU", "number(10,2)", None, "0", None, None],
                [], ["インデックス情報"], ["No", "インデックス名", "カラムリスト", "主キー", "ユニーク", "備考"],
                [1, "PK_KOJIN", "ATENA_NO", "Yes", "Yes", None],
                [], ["外部キー情報"], ["No", "外部キー名", "カラムリスト", "参照先", "参照先カラムリスト", "備考"],
                [], ["トリガー情報"], ["No", "トリガー名", "イベント", "タイミング", "条件"],
                [], ["RDBMS固有の情報"], ["No", "プロパティ名", "プロパティ値"], [1, "TABLESPACE_NAME", "USERS"]]:
        s.append(row)


def test_a5sql_export_blocks_after_the_columns_are_no_items(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "目次"
    wb.active.append(["No", "論理テーブル名", "物理テーブル名"])
    wb.create_sheet("改訂履歴").append(["版", "日付", "改訂内容", "作成者"])
    _a5_sheet(wb)
    wb.save(tmp_path / "a5.xlsx")
    result = import_workbook(tmp_path / "a5.xlsx")
    assert result.schema is not None
    (table,) = result.schema.tables
    assert table.name == "個人" and table.key == ("宛名番号",)
    assert _items(table) == [("宛名番号", "string", 15, None, True), ("氏名", "string", 100, None, True),
                             ("所得", "decimal", 10, 2, False)]
    assert not [f for f in result.findings if f.code in ("SCH102", "SCH103", "SCH108")], result.findings


def test_many_tables_on_one_sheet_each_under_its_name(tmp_path: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "テーブル一覧"
    for row in [["テーブル名", "個人"], [], ["No", "項目名", "データ型", "桁数", "必須"],
                [1, "宛名番号", "CHAR", 15, "○"], [2, "氏名", "VARCHAR", 100, "○"], [], [],
                ["テーブル名：世帯"], ["No", "項目名", "データ型", "桁数", "必須"],
                [1, "世帯番号", "CHAR", 15, "○"], [2, "世帯主", "VARCHAR", 100, None], [],
                ["No", "項目名", "データ型", "桁数", "必須"], [1, "コード", "CHAR", 2, "○"]]:
        s.append(row)
    wb.save(tmp_path / "m.xlsx")
    result = import_workbook(tmp_path / "m.xlsx")
    assert result.schema is not None
    tables = {t.name: _items(t) for t in result.schema.tables}
    assert tables == {
        "個人": [("宛名番号", "string", 15, None, True), ("氏名", "string", 100, None, True)],
        "世帯": [("世帯番号", "string", 15, None, True), ("世帯主", "string", 100, None, False)],
        "テーブル一覧": [("コード", "string", 2, None, True)],
    }
    assert [f.location.cell for f in result.findings if f.code == "SCH106"] == ["A3", "A9", "A13"]


def test_digits_merged_over_integer_and_fraction_parts(tmp_path: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "個人"
    s["A1"], s["B1"] = "テーブル名", "個人"
    for c, label in zip("ABCDF", ["No", "項目名", "データ型", "桁数", "必須"], strict=True):
        s[f"{c}3"] = label
    s["D4"], s["E4"] = "整数部", "小数部"
    for c in "ABCF":
        s.merge_cells(f"{c}3:{c}4")
    s.merge_cells("D3:E3")
    rows = [(1, "宛名番号", "CHAR", 15, None, "○"), (2, "所得", "NUMBER", 8, 2, None),
            (3, "人数", "NUMBER", 3, None, None), (4, "税額", "NUMBER(10,2)", 8, 2, None)]
    for r, row in enumerate(rows, start=5):
        for c, v in enumerate(row, start=1):
            s.cell(r, c, v)
    wb.save(tmp_path / "k.xlsx")
    result = import_workbook(tmp_path / "k.xlsx")
    assert result.schema is not None
    (table,) = result.schema.tables
    assert _items(table) == [("宛名番号", "string", 15, None, True), ("所得", "decimal", 10, 2, False),
                             ("人数", "integer", 3, None, False), ("税額", "decimal", 10, 2, False)]
    assert not [f for f in result.findings if f.severity != "info"], result.findings


def test_a_null_column_says_which_items_may_be_empty(tmp_path: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "T"
    for row in [["No", "項目名", "データ型", "NULL"], [1, "宛名番号", "CHAR(15)", None], [2, "旧姓", "VARCHAR(40)", "○"]]:
        s.append(row)
    wb.save(tmp_path / "n.xlsx")
    result = import_workbook(tmp_path / "n.xlsx")
    assert result.schema is not None
    (table,) = result.schema.tables
    assert _items(table) == [("宛名番号", "string", 15, None, True), ("旧姓", "string", 40, None, False)]


def test_not_null_marks_and_bracketed_digits_as_books_write_them(tmp_path: Path) -> None:
    wb = Workbook()
    required = wb.active
    required.title = "必須"
    for row in [["No", "項目名", "データ型", "桁数", "NOT NULL"], [1, "宛名番号", "VARCHAR2", "(15)", "NN"],
                [2, "氏名", "NVARCHAR2", "（１００）", "Y"], [3, "所得", "NUMBER", "(10,2)", "必須"],
                [4, "旧姓", "VARCHAR2", "10", None]]:
        required.append(row)
    nullable = wb.create_sheet("NULL")
    for row in [["No", "項目名", "データ型", "桁数", "NULL"], [1, "世帯番号", "CHAR", "15", "NOT NULL"],
                [2, "続柄", "CHAR", "2", "NN"], [3, "備考", "VARCHAR", "200", "○"]]:
        nullable.append(row)
    wb.save(tmp_path / "nn.xlsx")
    result = import_workbook(tmp_path / "nn.xlsx")
    assert result.schema is not None
    first, second = result.schema.tables
    assert _items(first) == [("宛名番号", "string", 15, None, True), ("氏名", "string", 100, None, True),
                             ("所得", "decimal", 10, 2, True), ("旧姓", "string", 10, None, False)]
    assert _items(second) == [("世帯番号", "string", 15, None, True), ("続柄", "string", 2, None, True),
                              ("備考", "string", 200, None, False)]
    said = {(f.code, f.location.sheet, f.location.cell) for f in result.findings if f.severity != "info"}
    assert said == {("SCH108", "必須", "D3")}, said  # only the full-width digits are said


def test_cobol_record_layout_with_levels_pictures_and_fillers(tmp_path: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "レイアウト"
    s.append(["レコード名", "住民レコード", None, "レコード長", 100])
    s.append([])
    s.append(["レベル", "項目名", "PIC", "開始位置", "備考"])
    for row in [("01", "住民レコード", None, 1, None), ("05", "宛名番号", "PIC X(10)", 1, None),
                ("05", "生年月日", "PIC 9(8)", 11, None), ("05", "所得", "PIC S9(7)V99", 19, None),
                ("05", "氏名", "PIC N(20)", 28, "全角"), ("05", "住所", None, 68, None),
                ("10", "郵便番号", "PIC X(7)", 68, None), ("10", "FILLER", "PIC X(23)", 75, None),
                ("05", "状態", "PIC X", 98, None), ("88", "住登者", None, None, "VALUE '1'"),
                ("05", "FILLER", "PIC X(2)", 99, None)]:
        s.append(list(row))
    wb.save(tmp_path / "cobol.xlsx")
    result = import_workbook(tmp_path / "cobol.xlsx")
    assert result.schema is not None, result.findings
    (table,) = result.schema.tables
    assert table.name == "住民レコード" and table.file is not None and table.file.record_length == 100
    assert [(i.name, i.type, i.start, i.length, i.scale) for i in table.items] == [
        ("宛名番号", "string", 1, 10, None), ("生年月日", "integer", 11, 8, None), ("所得", "decimal", 19, 9, 2),
        ("氏名", "string", 28, 40, None), ("郵便番号", "string", 68, 7, None), ("FILLER", "string", 75, 23, None),
        ("状態", "string", 98, 1, None), ("FILLER_2", "string", 99, 2, None)]
    assert not [f for f in result.findings if f.severity != "info"], result.findings
