"""Bad input through the CLI, privacy of every output file, --show-values, Parquet and Excel extracts."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.conftest import DATA, run_cli

MAPPINGS = DATA / "mappings"
EXTRACTS = DATA / "sample_data" / "extracts"
MAINFRAME_MAP = str(MAPPINGS / "juki_mainframe_jumin.xlsx")
KOJIN_MAP = str(MAPPINGS / "juki_rdb_jumin.xlsx")
SETAI_MAP = str(MAPPINGS / "juki_rdb_setai.xlsx")
CLEAN_KOJIN = EXTRACTS / "juki_rdb_clean_kojin.csv"


def _json(*args: str, expect: int) -> tuple[dict, str]:
    result = run_cli("validate", *args, "--format", "json", "--no-store", expect=expect)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    return json.loads(result.stdout), result.stderr


def _where(finding: dict) -> dict:
    return {k: v for k, v in finding["location"].items() if v is not None and k != "text"}


def _only(report: dict, code: str) -> dict:
    found = [f for f in report["findings"] if f["code"] == code]
    assert len(found) == 1, report["findings"]
    return found[0]


def test_truncated_fixed_width_file(workdir: Path) -> None:
    data = (EXTRACTS / "juki_mainframe_clean.dat").read_bytes()
    (workdir / "cut.dat").write_bytes(data[: 853 * 100 + 400])  # 100 whole records, then 400 bytes
    report, _ = _json(MAINFRAME_MAP, "cut.dat", expect=1)
    assert _where(_only(report, "DAT010")) == {"file": "cut.dat", "line": 101}
    assert _where(_only(report, "DAT013")) == {"file": "cut.dat", "line": 101}
    assert report["summary"]["rows_in"] == 101 and report["summary"]["rows_out"] == 100


def test_cp932_file_declared_as_utf8(workdir: Path) -> None:
    text = CLEAN_KOJIN.read_text(encoding="utf-8").replace("𠮷", "吉")
    (workdir / "kojin.csv").write_bytes("\r\n".join(text.splitlines()[:21]).encode("cp932") + b"\r\n")
    report, _ = _json(KOJIN_MAP, "kojin.csv", "--encoding", "utf-8", expect=1)
    bad = _only(report, "DAT001")
    assert _where(bad) == {"file": "kojin.csv", "line": 2}
    assert bad["count"] == 20
    assert "cp932" in bad["message"]  # the hint: the file decodes as cp932


def test_wrong_column_count(workdir: Path) -> None:
    lines = CLEAN_KOJIN.read_text(encoding="utf-8").splitlines()[:11]
    lines[5] += ",余分"
    (workdir / "kojin.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    report, _ = _json(KOJIN_MAP, "kojin.csv", expect=1)
    ragged = _only(report, "DAT002")
    assert _where(ragged) == {"file": "kojin.csv", "line": 6}
    assert "38 fields, 37 expected" in ragged["message"]
    assert report["summary"]["rows_in"] == 10 and report["summary"]["rows_rejected"] == 1


@pytest.mark.parametrize(("content", "code"), [(b"", "DAT004"), (None, "DAT005")])
def test_empty_and_header_only_files(workdir: Path, content: bytes | None, code: str) -> None:
    if content is None:
        content = CLEAN_KOJIN.read_bytes().split(b"\r\n")[0] + b"\r\n"
    (workdir / "kojin.csv").write_bytes(content)
    report, _ = _json(KOJIN_MAP, "kojin.csv", expect=1)
    assert [f["code"] for f in report["findings"] if f["severity"] != "info"] == [code]
    assert _only(report, code)["location"]["file"] == "kojin.csv"


def test_missing_file_and_odd_arguments_exit_2(workdir: Path) -> None:
    result = run_cli("validate", KOJIN_MAP, "nothing.csv", "--no-store", expect=2)
    assert "nothing.csv" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("validate", KOJIN_MAP, "--no-store", expect=2)
    assert "pairs" in result.stderr and "Traceback" not in result.stderr


def _sensitive_values() -> tuple[set[str], set[str]]:
    """個人番号 and full names (氏名, 世帯主氏名) of the mainframe sample, read from the extract itself."""
    numbers, names = set(), set()
    for raw in (EXTRACTS / "juki_mainframe.dat").read_bytes().split(b"\r\n"):
        if len(raw) != 851:
            continue
        numbers.add(raw[617:629].decode("ascii").strip())
        for start, length in ((38, 40), (169, 40)):
            name = raw[start:start + length].decode("cp932").strip(" \u3000")
            if "\u3000" in name:  # a full name (family and given)
                names.add(name)
    return {n for n in numbers if n}, names


def _texts(out: Path, stdout: str) -> dict[str, str]:
    texts = {"stdout": stdout}
    for path in out.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                texts[path.name] = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        elif path.name.endswith(".rejects.csv") or path.suffix in (".json", ".html"):
            texts[path.name] = path.read_text(encoding="utf-8")
    return texts


def test_no_sensitive_value_unmasked_by_default(workdir: Path) -> None:
    numbers, names = _sensitive_values()
    assert len(numbers) > 2900 and len(names) > 500
    run_cli("validate", MAINFRAME_MAP, str(EXTRACTS / "juki_mainframe.dat"), "--out", "out", "--no-store",
            "--lang", "ja", expect=1)
    text_out = run_cli("validate", MAINFRAME_MAP, str(EXTRACTS / "juki_mainframe.dat"), "--no-store",
                       "--examples", "50", expect=1).stdout
    texts = _texts(workdir / "out", text_out)
    assert {"stdout", "report.json", "report.html", "report.xlsx",
            "juki-mainframe-to-001-jumin.rejects.csv"} <= set(texts)
    for where, text in texts.items():
        leaked = [v for v in numbers | names if v in text]
        assert not leaked, (where, leaked[:3])
    assert "********" in texts["report.json"]  # the masked form is there instead


def test_show_values_unmasks_and_warns(workdir: Path) -> None:
    numbers, _ = _sensitive_values()
    report, stderr = _json(MAINFRAME_MAP, str(EXTRACTS / "juki_mainframe.dat"), "--show-values", expect=1)
    assert "unmasked" in stderr
    wrong = _only(report, "MAP407")
    shown = [e["value"] for e in wrong["examples"]]
    assert len(shown) == 3 and all(v in numbers for v in shown)  # the very values of the extract
    assert any(f["code"] == "DAT901" for f in report["findings"])


def test_parquet_output_equals_the_csv(workdir: Path) -> None:
    run_cli("validate", SETAI_MAP, str(EXTRACTS / "juki_rdb_clean_setai.csv"), "--out", "out", "--parquet",
            "--no-store", expect=0)
    csv = pl.read_csv(workdir / "out" / "juki-rdb-to-001-setai.csv", infer_schema=False)
    parquet = pl.read_parquet(workdir / "out" / "juki-rdb-to-001-setai.parquet")
    assert parquet.equals(csv) and csv.height == 1139
    assert parquet["世帯番号"][0] == "000000000005010"  # leading zeros kept: text, never numbers
    assert (workdir / "out" / "juki-rdb-to-001-setai.parquet").stat().st_mode & 0o777 == 0o600


def test_excel_extract(workdir: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "世帯"
    ws.append(["SETAI_NO", "NUSHI_ATENA_NO", "NUSHI_NAME", "NINZU", "KEISEI_DATE"])
    ws.append(["000000000005010", "000000000010014", "佐藤　誠", 1, "1998/10/21"])
    ws.append([])
    ws.append(["000000000005029", "000000000010022", "小林　太郎", "x", "1999/07/19"])
    wb.save(workdir / "setai.xlsx")
    report, _ = _json(SETAI_MAP, "setai.xlsx", "--out", "out", expect=1)
    bad = _only(report, "MAP408")
    # The value's cell on its sheet (line stays the sheet row, as before), the data row and the extract's column
    assert _where(bad) == {"file": "setai.xlsx", "line": 4, "sheet": "世帯", "cell": "D4", "row": 2,
                           "column": "NINZU"}
    assert bad["location"]["text"] == "setai.xlsx 世帯!D4 row 2, column NINZU"
    out = pl.read_csv(workdir / "out" / "juki-rdb-to-001-setai.csv", infer_schema=False)
    assert out.select("世帯番号", "世帯主宛名番号", "世帯員数").rows() == [("000000000005010", "000000000010014", "1")]


def test_the_hint_of_undecodable_bytes_is_told_in_each_language(workdir: Path) -> None:
    text = CLEAN_KOJIN.read_text(encoding="utf-8").replace("𠮷", "吉")
    (workdir / "kojin.csv").write_bytes("\r\n".join(text.splitlines()[:3]).encode("cp932") + b"\r\n")
    declared, _ = _json(KOJIN_MAP, "kojin.csv", "--encoding", "utf-8", expect=1)
    bad = _only(declared, "DAT001")
    assert bad["message_ja"].endswith("この行は処理していません。このファイルは cp932 として誤りなく読めます。cp932 の指定ではありませんか。")
    assert bad["message_en"].endswith("the line was not processed. The file decodes as cp932 without error: was cp932 meant?")


def _setai_book(path: Path, *rows: list[object]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "世帯"
    ws.append(["SETAI_NO", "NUSHI_ATENA_NO", "NUSHI_NAME", "NINZU", "KEISEI_DATE"])
    for row in rows:
        ws.append(row)
    wb.save(path)


def _setai_with_defects(workdir: Path) -> None:
    _setai_book(workdir / "setai.xlsx",
                ["000000000005010", "000000000010014", "佐藤　誠", 1, "1998/10/21"],
                [],
                ["000000000005029", "000000000010022", "小林　太郎", "x", "1999/07/19"],
                ["000000000005010", "000000000010030", "鈴木　一", 2, "2001/04/01"])


@pytest.mark.parametrize(("lang", "place"), [("en", "世帯!D4 row 2, column NINZU"), ("ja", "世帯!D4 2 行目、列 NINZU")])
def test_excel_extract_places_read_as_sheet_cells(workdir: Path, lang: str, place: str) -> None:
    _setai_with_defects(workdir)
    result = run_cli("--lang", lang, "validate", SETAI_MAP, "setai.xlsx", "--no-store", expect=1)
    assert f"setai.xlsx {place}" in result.stdout and "setai.xlsx:" not in result.stdout


def test_excel_extract_places_name_sheet_and_cell(workdir: Path) -> None:
    _setai_with_defects(workdir)
    report, _ = _json(SETAI_MAP, "setai.xlsx", "--out", "out", "--reconcile", expect=1)
    assert _only(report, "MAP408")["location"]["text"] == "setai.xlsx 世帯!D4 row 2, column NINZU"
    # Cross-table (a duplicate key) and reconciliation findings name the key's cell, never a line
    dup = _only(report, "DAT201")
    assert (dup["location"]["sheet"], dup["location"]["cell"], dup["location"]["line"]) == ("世帯", "A2", 2)
    assert [e["location"]["cell"] for e in dup["examples"]] == ["A2", "A5"]
    again = _only(report, "DAT302")
    assert (again["location"]["sheet"], again["location"]["cell"]) == ("世帯", "A2")
    assert not any(":" in f["location"]["text"] for f in report["findings"] if f["location"]["sheet"])
    # The rejects file's 物理行 is the sheet row of the record (行番号 its data row)
    rejects = pl.read_csv(workdir / "out" / "juki-rdb-to-001-setai.rejects.csv", infer_schema=False)
    assert rejects.select("行番号", "物理行").rows() == [("2", "4")]


def test_a_sheet_without_data_rows_is_named_by_its_sheet(workdir: Path) -> None:
    _setai_book(workdir / "setai.xlsx")
    report, _ = _json(SETAI_MAP, "setai.xlsx", expect=None)
    assert _where(_only(report, "DAT005")) == {"file": "setai.xlsx", "sheet": "世帯"}


def test_csv_places_are_unchanged(workdir: Path) -> None:
    lines = (EXTRACTS / "juki_rdb_clean_setai.csv").read_text(encoding="utf-8").splitlines()[:4]
    cells = lines[2].split(",")
    cells[3] = "x"
    lines[2] = ",".join(cells)
    (workdir / "setai.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, _ = _json(SETAI_MAP, "setai.csv", expect=1)
    bad = _only(report, "MAP408")
    assert bad["location"]["text"] == "setai.csv:3 row 2, column NINZU"
