"""A mapping workbook and extracts written the way another organisation writes them, run end to end through the CLI.

Sheet names dressed up (項目対応表, コード変換表, ２．外字対応表), a title and a remark above the headers, a №
column numbered by ``=ROW()-4``, the standard schema named by its file stem, a CP932 CSV with half-width kana
(with a space between family and given name), 和暦 dates, a PUA 外字 with and without a 外字対応 row and a wrong
check digit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import run_cli

LEGACY = """format: migrator.schema/1
id: city-kojin
kind: legacy
title: A市 住記 個人CSV
version: '1'
provenance: {source: A市 ファイル仕様書, verified: false}
tables:
  - name: KOJIN
    file: {format: csv, encoding: cp932, header: true}
    key: [ATENA_NO]
    items:
      - {name: ATENA_NO, type: string, max_length: 15, required: true, sensitive: true}
      - {name: SETAI_NO, type: string, max_length: 15, required: true, sensitive: true}
      - {name: SHIMEI, type: string, max_length: 50, sensitive: true}
      - {name: KANA, type: string, max_length: 50, sensitive: true, charset: kana_half}
      - {name: BIRTH, type: string, max_length: 20, sensitive: true}
      - {name: SEX, type: code, max_length: 1, code_table: SEX}
      - {name: CITY_CD, type: string, max_length: 6}
      - {name: PREF, type: string, max_length: 4}
      - {name: CITY, type: string, max_length: 12}
code_tables:
  SEX: {values: {'1': 男, '2': 女, '9': 不明}}
"""

ROWS = [
    ["ATENA_NO", "SETAI_NO", "SHIMEI", "KANA", "BIRTH", "SEX", "CITY_CD", "PREF", "CITY"],
    ["10000000006", "20000000003", "山田　太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "H01.01.08", "1", "131016", "東京都", "千代田区 "],
    ["10000000014", "20000000003", "\ue000橋　花子", "ﾀｶﾊｼ ﾊﾅｺ", "昭和50年3月15日", "2", "131016", "東京都", "千代田区"],
    ["10000000022", "20000000003", "佐藤　\ue001子", "ｻﾄｳ ｺｳｺ", "4100100", "2", "131016", "東京都", "千代田区"],
    ["10000000015", "20000000003", "鈴木　一郎", "ｽｽﾞｷ ｲﾁﾛｳ", "S45.12.01", "9", "131016", "東京都", "千代田区"],
]

ITEMS = [
    ("宛名番号", "ATENA_NO", "trim | checkdigit(m11w27)"),
    ("世帯番号", "SETAI_NO", "trim"),
    ("氏名", "SHIMEI", "trim | gaiji"),
    ("氏名_フリガナ", "KANA", "trim | zenkaku_kana"),
    ("生年月日", "BIRTH", "trim | wareki"),
    ("生年月日_不詳フラグ", "BIRTH", "trim | fusho_flag"),
    ("性別", "SEX", "trim | code(性別)"),
    ("住所_市区町村コード", "CITY_CD", "trim | checkdigit(lg_code)"),
    ("住所_都道府県", "PREF", "trim"),
    ("住所_市区郡町村名", "CITY", "trim"),
]


def _mapping(path: Path, sheet_names: tuple[str, str, str, str]) -> None:
    overview, items, codes, gaiji = sheet_names
    wb = Workbook()
    s = wb.active
    s.title = overview
    s.merge_cells("A1:C1")
    s["A1"] = "項目対応表　住民記録（A市）"
    for r, (key, value) in enumerate([("マッピングID ", "a-city-jumin"), ("標準スキーマ", "001_juki "),
                                      ("標準テーブル", "住民"), ("現行スキーマ", "city-kojin"),
                                      ("現行テーブル", "KOJIN"), ("文字コード", "CP932"),
                                      ("作成日", "令和6年4月1日")], start=3):
        s.cell(row=r, column=1, value=key)
        s.cell(row=r, column=2, value=value)
    it = wb.create_sheet(items)
    it.merge_cells("A1:F1")
    it["A1"] = "項目対応（個人）"
    it["A2"] = "※黄色は要確認"
    for c, label in enumerate(["項番", "標準項目名 ", "現行項目名", "変換内容", "既定値", "備考"], start=1):
        it.cell(row=4, column=c, value=label)
    for r, (standard, legacy, transform) in enumerate(ITEMS, start=5):
        it.cell(row=r, column=1, value="=ROW()-4")  # saved by a script: no computed value
        it.cell(row=r, column=2, value=standard)
        it.cell(row=r, column=3, value=legacy)
        it.cell(row=r, column=4, value=transform)
    it.cell(row=len(ITEMS) + 7, column=1, value="※ 変換内容の書き方は別紙参照")
    cd = wb.create_sheet(codes)
    cd.append(["コード表", "現行値", "標準値", "備考"])
    for legacy, standard in (("1", "1"), ("2", "2"), ("9", "0")):
        cd.append(["性別", legacy, standard, None])
    gj = wb.create_sheet(gaiji)
    gj.append(["外字対応一覧"])
    gj.append([])
    gj.append(["現行文字", "標準文字", "MJ文字図形名", "備考"])
    gj.append(["\ue000", "髙", "MJ028902", "はしご高"])
    wb.save(path)


@pytest.fixture
def house(workdir: Path) -> dict[str, str]:
    schemas = workdir / "schemas"
    schemas.mkdir()
    (schemas / "city_kojin.yaml").write_text(LEGACY, encoding="utf-8")
    with (workdir / "kojin.csv").open("wb") as f:
        for row in ROWS:
            f.write((",".join(row) + "\r\n").encode("cp932"))
    return {"MIGRATOR_SCHEMAS": str(schemas)}


@pytest.mark.parametrize("sheet_names", [
    ("概要", "項目対応表", "コード変換表", "外字対応表"),
    ("1.概要", "２．項目対応表（個人）", "コード変換一覧", "外字対応 一覧"),
    ("Settings", "Item Mapping", "Code conversion", "Gaiji table"),
])
def test_dressed_up_sheet_names_are_the_mapping_sheets(workdir: Path, house: dict[str, str],
                                                       sheet_names: tuple[str, str, str, str]) -> None:
    _mapping(workdir / "map.xlsx", sheet_names)
    result = run_cli("--lang", "en", "mapping", "check", "map.xlsx", "--format", "json", env=house)
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert not codes & {"MAP001", "MAP002", "MAP004"}, codes


def test_a_house_style_mapping_runs_on_a_cp932_extract(workdir: Path, house: dict[str, str]) -> None:
    _mapping(workdir / "map.xlsx", ("概要", "項目対応表", "コード変換表", "外字対応表"))
    result = run_cli("--lang", "en", "validate", "map.xlsx", "kojin.csv", "--out", "out", "--format", "json",
                     expect=1, env=house)
    report = json.loads(result.stdout)
    found = {(f["code"], f["location"]["row"], f["location"]["column"]) for f in report["findings"]}
    # the 外字 without a 外字対応 row and the wrong check digit, each at its row and column
    assert ("MAP406", 3, "SHIMEI") in found and ("MAP407", 4, "ATENA_NO") in found, found
    # half-width kana with a space are full-width kana with a space: what kana_full allows (docs/jp.md)
    assert not [f for f in report["findings"] if f["code"] == "DAT106"], report["findings"]
    assert all(f["source"].startswith("項目対応表!") for f in report["findings"] if f["code"].startswith("MAP4"))
    # the 外字 mapped by its row is written; names stay masked in the report
    written = (workdir / "out" / "a-city-jumin.csv").read_text(encoding="utf-8")
    assert "髙橋　花子" in written
    assert "佐藤　\ue001子" not in result.stdout and "鈴木　一郎" not in result.stdout
    assert sorted(p.name for p in workdir.iterdir() if not p.name.startswith(".")) == [
        "kojin.csv", "map.xlsx", "out", "schemas"]


def test_schemas_option_of_mapping_check_and_validate(workdir: Path, house: dict[str, str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # README and the "no schema" message point to --schemas for mapping check and validate as well
    monkeypatch.delenv("MIGRATOR_SCHEMAS", raising=False)
    _mapping(workdir / "map.xlsx", ("概要", "項目対応", "コード変換", "外字対応"))
    run_cli("--lang", "en", "mapping", "check", "map.xlsx", "--schemas", "schemas")
    run_cli("--lang", "en", "validate", "map.xlsx", "kojin.csv", "--schemas", "schemas", "--no-store", expect=1)
    # the folder counts for that command only
    missing = run_cli("--lang", "en", "mapping", "check", "map.xlsx", "--format", "json", expect=1)
    assert "city-kojin" in missing.stdout
    assert "MIGRATOR_SCHEMAS" not in os.environ


def test_settings_keys_in_another_hand(workdir: Path, house: dict[str, str]) -> None:
    from openpyxl import load_workbook

    _mapping(workdir / "map.xlsx", ("概要", "項目対応", "コード変換", "外字対応"))
    wb = load_workbook(workdir / "map.xlsx")
    s = wb["概要"]
    s["A3"], s["A4"], s["A5"] = "マッピングＩＤ：", "【標準スキーマ】", "標準テーブル名"
    s["A6"], s["A7"], s["A8"] = "現行スキーマID", "現行テーブル名", "文字コード（エンコーディング）"
    wb.save(workdir / "map.xlsx")
    result = run_cli("--lang", "en", "mapping", "export", "map.xlsx", "-o", "map.yaml", env=house)
    assert "MAP003" not in result.stdout
    text = (workdir / "map.yaml").read_text(encoding="utf-8")
    for key, value in (("マッピングID", "a-city-jumin"), ("現行スキーマ", "city-kojin"), ("現行テーブル", "KOJIN"),
                       ("文字コード", "CP932")):
        assert f"{key}: {value}" in text, text
    # the legacy layout is used: an unknown legacy item is found (it would pass unseen without 現行スキーマ)
    wb["項目対応"]["C5"] = "ATENA_NUM"
    wb.save(workdir / "map.xlsx")
    check = run_cli("--lang", "en", "mapping", "check", "map.xlsx", expect=1, env=house)
    assert "MAP204" in check.stdout and "項目対応!C5" in check.stdout


def _record_layout(path: Path) -> None:
    """A host system's ファイルレイアウト: merged title, レコード長 in full-width digits, a two-row header."""
    wb = Workbook()
    s = wb.active
    s.title = "ファイルレイアウト"
    s.merge_cells("A1:F1")
    s["A1"] = "住民異動ファイル　レコードレイアウト"
    s["A2"], s["B2"], s["D2"], s["E2"] = "ファイル名：", "JIDOU", "レコード長", "６０"
    for col, label in zip("ABEF", ["項番", "項目名称", "属性", "編集形式"], strict=True):
        s.merge_cells(f"{col}3:{col}4")
        s[f"{col}3"] = label
    s.merge_cells("C3:D3")
    s["C3"], s["C4"], s["D4"] = "桁", "開始位置", "バイト数"
    for r, row in enumerate([("1", "宛名番号", "1", "12", "X", None), ("2", "世帯番号", "13", "7", "X", None),
                             ("3", "生年月日", "20", "7", "9", "GYYMMDD"), ("4", "氏名カナ", "27", "24", "X", None),
                             ("5", "氏名", "51", "10", "N", None)], start=5):
        for c, v in enumerate(row, start=1):
            s.cell(row=r, column=c, value=v)
    wb.save(path)


def _ido_mapping(path: Path) -> None:
    wb = Workbook()
    s = wb.active
    s.title = "Settings"
    for row in (["Setting", "Value"], ["mapping id", "a-city-ido"], ["standard schema", "001_juki"],
                ["standard table", "住民"], ["legacy schema", "jidou"], ["legacy table", "JIDOU"]):
        s.append(row)
    it = wb.create_sheet("Items")
    it.append(["Legacy item", "Standard item", "Transform", "Default value"])
    for row in (["宛名番号", "宛名番号", "trim | checkdigit(m11w27)"], ["世帯番号", "世帯番号", "trim"],
                ["氏名", "氏名", "rtrim | gaiji"], ["氏名カナ", "氏名_フリガナ", "trim | zenkaku_kana"],
                ["生年月日", "生年月日", "wareki"], ["生年月日", "生年月日_不詳フラグ", "fusho_flag"],
                [None, "住所_市区町村コード", None, "131016"], [None, "住所_都道府県", None, "東京都"],
                [None, "住所_市区郡町村名", None, "千代田区"]):
        it.append(row)
    g = wb.create_sheet("Gaiji")
    g.append(["Legacy character", "Standard character"])
    g.append(["U+E000", "髙"])
    wb.save(path)


@pytest.mark.parametrize("separator", [b"\r\n", b"\n", b""], ids=["crlf", "lf", "back-to-back"])
def test_an_imported_record_layout_reads_a_host_extract(workdir: Path, separator: bytes) -> None:
    _record_layout(workdir / "layout.xlsx")
    (workdir / "schemas").mkdir()
    run_cli("--lang", "en", "schema", "import", "layout.xlsx", "--id", "jidou", "-o", "schemas/jidou.yaml")
    _ido_mapping(workdir / "ido.xlsx")

    def field(text: str, size: int) -> bytes:
        return text.encode("cp932").ljust(size, b" ")

    records = [("10000000006", "1234567", "4010108", "ﾔﾏﾀﾞ ﾀﾛｳ", "山田太郎"),
               ("10000000014", "1234567", "3500315", "ﾀｶﾊｼ ﾊﾅｺ", "\ue000橋花子"),
               ("10000000022", "1234567", "4100100", "ｻﾄｳ ｺｳｺ", "佐藤\ue001子"),
               ("10000000015", "1234567", "4021301", "ｽｽﾞｷ ｲﾁﾛｳ", "鈴木一郎")]
    data = separator.join(b"".join(field(v, n) for v, n in zip(r, (12, 7, 7, 24, 10), strict=True)) for r in records)
    (workdir / "jidou.dat").write_bytes(data + separator + b"\x1a")
    result = run_cli("--lang", "en", "validate", "ido.xlsx", "jidou.dat", "--schemas", "schemas", "--out", "out",
                     "--no-store", "--format", "json", expect=1)
    report = json.loads(result.stdout)
    found = {(f["code"], f["location"]["row"]) for f in report["findings"] if f["severity"] == "error"}
    assert found == {("MAP406", 3), ("MAP407", 4), ("MAP411", 4)}, report["findings"]
    written = (workdir / "out" / "a-city-ido.csv").read_text(encoding="utf-8")
    assert "髙橋花子" in written and "1975-03-15" in written


@pytest.mark.parametrize(("written", "meant"), [("ｓｈｉｍｅｉ", "SHIMEI"), ("Birth", "BIRTH"), ("ＣＩＴＹ＿ＣＤ", "CITY_CD")])
def test_a_legacy_name_in_another_width_or_case_is_named_in_the_hint(workdir: Path, house: dict[str, str],
                                                                    written: str, meant: str) -> None:
    from openpyxl import load_workbook

    _mapping(workdir / "map.xlsx", ("概要", "項目対応", "コード変換", "外字対応"))
    wb = load_workbook(workdir / "map.xlsx")
    wb["項目対応"]["C7"] = written  # names are matched exactly; the hint says which one was meant
    wb.save(workdir / "map.xlsx")
    result = run_cli("--lang", "en", "mapping", "check", "map.xlsx", "--format", "json", expect=1, env=house)
    found = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "MAP204")
    assert found["location"]["cell"] == "C7" and f"did you mean {meant}?" in found["message"], found


def test_optional_items_left_out_are_said_once(workdir: Path, house: dict[str, str]) -> None:
    _mapping(workdir / "map.xlsx", ("概要", "項目対応", "コード変換", "外字対応"))
    result = run_cli("--lang", "ja", "mapping", "check", "map.xlsx", "--format", "json", env=house)
    notes = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "MAP209"]
    assert len(notes) == 1 and notes[0]["location"]["cell"] == "B4", notes
    assert notes[0]["message"].startswith("任意の標準項目 101 件が") and notes[0]["message"].endswith("…")


def test_template_reads_wareki_written_out_in_a_sample(workdir: Path, house: dict[str, str]) -> None:
    births = ["H01.01.08", "昭和50年3月15日", "S45.12.1", "平成元年1月8日", "R2.2.29", "4100100", "H12.04.01",
              "昭和６４年１月７日", "T15.12.25", "S20.8.15"]
    with (workdir / "sample.csv").open("wb") as f:
        f.write(b"ATENA_NO,SETAI_NO,SHIMEI,KANA,BIRTH,SEX,CITY_CD,PREF,CITY\r\n")
        for n, birth in enumerate(births):
            f.write(f"1000000000{n},2,山田　太郎,ﾔﾏﾀﾞ ﾀﾛｳ,{birth},1,131016,東京都,千代田区\r\n".encode("cp932"))
    run_cli("--lang", "en", "mapping", "template", "--standard", "001_juki", "--table", "住民", "--legacy",
            "city-kojin", "--legacy-table", "KOJIN", "-o", "t.xlsx", "--sample", "sample.csv", env=house)
    from openpyxl import load_workbook

    rows = {r[1]: r for r in load_workbook(workdir / "t.xlsx")["項目対応"].iter_rows(values_only=True)}
    assert rows["生年月日"][2:4] == ("BIRTH", "trim | wareki"), rows["生年月日"]


@pytest.mark.parametrize("written", ["E000", "e000", "&#xE000;", "&#57344;", "0xE000", "U+E000"])
def test_a_gaiji_row_written_as_a_code_point_in_another_notation_maps_it(workdir: Path, house: dict[str, str],
                                                                         written: str) -> None:
    # 外字対応表 exported by vendors' tools write the 外字 by its code point in several notations; each names
    # U+E000, not the text "E000" (which no name holds, so every row with the 外字 would be rejected).
    _mapping(workdir / "map.xlsx", ("概要", "項目対応", "コード変換", "外字対応"))
    from openpyxl import load_workbook

    wb = load_workbook(workdir / "map.xlsx")
    wb["外字対応"]["A4"] = written
    wb.save(workdir / "map.xlsx")
    check = run_cli("--lang", "en", "mapping", "check", "map.xlsx", "--format", "json", env=house)
    assert not [f for f in json.loads(check.stdout)["findings"] if f["code"] == "MAP008"]
    result = run_cli("--lang", "en", "validate", "map.xlsx", "kojin.csv", "--out", "out", "--format", "json",
                     "--no-store", expect=1, env=house)
    found = {(f["code"], f["location"]["row"]) for f in json.loads(result.stdout)["findings"]}
    assert ("MAP406", 2) not in found and ("MAP406", 3) in found, found
    assert "髙橋　花子" in (workdir / "out" / "a-city-jumin.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("written", ["&#xZZZZ;", "&#x110000;", "0xD800", "&#xE000"])
def test_a_gaiji_row_in_a_code_point_notation_of_no_character_is_named_at_its_cell(
        workdir: Path, house: dict[str, str], written: str) -> None:
    _mapping(workdir / "map.xlsx", ("概要", "項目対応", "コード変換", "外字対応"))
    from openpyxl import load_workbook

    wb = load_workbook(workdir / "map.xlsx")
    wb["外字対応"]["A4"] = written
    wb.save(workdir / "map.xlsx")
    check = run_cli("--lang", "en", "mapping", "check", "map.xlsx", "--format", "json", expect=1, env=house)
    found = [f for f in json.loads(check.stdout)["findings"] if f["code"] == "MAP008"]
    assert [(f["location"]["sheet"], f["location"]["cell"]) for f in found] == [("外字対応", "A4")]
    assert "is no character" in found[0]["message"] or "is not a code point notation" in found[0]["message"]
