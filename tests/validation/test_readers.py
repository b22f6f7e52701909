"""Extract readers: encodings, ragged rows, quotes, trailers, fixed-width byte positions, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import InputError
from migrator.schema import SchemaRegistry
from migrator.validation.readers import ExtractReader, ReadOptions
from tests.conftest import DATA

SAMPLE = DATA / "sample_data" / "extracts"


def _codes(reader: ExtractReader) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in reader.findings:
        out[f.code] = out.get(f.code, 0) + f.count
    return out


def test_cp932_csv_detected_and_text_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("番号,氏名,郵便\r\n001,山田　太郎,0100001\r\n002,\ue000橋,1000001\r\n".encode("cp932"))
    reader = ExtractReader(path)
    frame = reader.read_all()
    assert frame["番号"].to_list() == ["001", "002"]  # leading zeros survive
    assert frame["氏名"].to_list() == ["山田　太郎", "\ue000橋"]  # no normalisation; 外字 decoded to the PUA
    assert frame["__line"].to_list() == [2, 3]
    assert reader.encoding == "cp932"
    assert _codes(reader) == {"DAT008": 1}


def test_utf8_bom_header_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_bytes(b"\xef\xbb\xbfA,B\n1,2\n")
    frame = ExtractReader(path).read_all()
    assert frame.columns[:2] == ["A", "B"]


def test_ragged_rows_quotes_and_trailer(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('A,B,C\r\n1,"x, y",3\r\n2,z\r\n4,"q\r\nr",6\r\n5,,7\r\nT,9\r\n', encoding="utf-8")
    reader = ExtractReader(path)
    frame = reader.read_all()
    assert frame["A"].to_list() == ["1", "4", "5"]
    assert frame["B"].to_list() == ["x, y", "q\r\nr", None]
    assert frame["__line"].to_list() == [2, 4, 6]
    ragged = next(f for f in reader.findings if f.code == "DAT002")
    assert (ragged.location.line, ragged.count) == (3, 1)
    trailer = next(f for f in reader.findings if f.code == "DAT009")
    assert trailer.location.line == 7 and "declares 9 records, the file has 4" in trailer.message_en
    assert reader.rows == 4


def test_unterminated_quote_reports_the_line_and_reads_on(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text('A,B\n1,"open\n2,b\n3,c\n', encoding="utf-8")
    reader = ExtractReader(path)
    frame = reader.read_all()
    quote = next(f for f in reader.findings if f.code == "DAT003")
    assert quote.location.line == 2
    assert frame["A"].to_list() == ["2", "3"]


def test_cp932_declared_as_utf8_names_each_line(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes("A,B\n1,abc\n2,山田\n3,def\n".encode("cp932"))
    reader = ExtractReader(path, options=ReadOptions(encoding="utf-8"))
    frame = reader.read_all()
    bad = next(f for f in reader.findings if f.code == "DAT001")
    assert bad.location.line == 3 and bad.count == 1
    assert "decodes as cp932" in bad.message_en
    assert frame["A"].to_list() == ["1", "3"]
    assert reader.issues.bad_rows == [(2, 3, "DAT001")]


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    reader = ExtractReader(empty)
    assert reader.read_all().height == 0
    assert _codes(reader) == {"DAT004": 1}
    header = tmp_path / "header.csv"
    header.write_text("A,B\n", encoding="utf-8")
    reader = ExtractReader(header)
    reader.read_all()
    assert "DAT005" in _codes(reader)


def test_header_bound_to_layout_columns(tmp_path: Path) -> None:
    schema = SchemaRegistry.load(DATA / "schemas").get("legacy-juki-rdb")
    table = schema.table("世帯")
    path = tmp_path / "setai.csv"
    path.write_text("SETAI_NO,NUSHI_ATENA_NO,NUSHI_NAME,NINZU,EXTRA\n0001,0002,山田,2,x\n", encoding="utf-8")
    reader = ExtractReader(path, table)
    frame = reader.read_all()
    assert frame["世帯番号"].to_list() == ["0001"] and frame["世帯形成日"].to_list() == [None]
    codes = _codes(reader)
    assert codes["DAT006"] == 1 and codes["DAT007"] == 1


def test_fixed_width_sample_byte_positions() -> None:
    schema = SchemaRegistry.load(DATA / "schemas").get("legacy-juki-mainframe")
    reader = ExtractReader(SAMPLE / "juki_mainframe.dat", schema.table(), code_tables=schema.code_tables,
                           options=ReadOptions(batch_rows=1000))
    frames = list(reader.batches())
    # Bounded batches of 1000 lines; the truncated record (line 832) is left out of the first.
    assert [f.height for f in frames] == [999, 1000, 1000]
    assert reader.rows == 3000
    codes = _codes(reader)
    assert codes == {"DAT010": 1}  # the trailer's count (3000) agrees
    first = frames[0].row(0, named=True)
    assert first["宛名番号"] == "000000000010014" and first["氏名"] == "佐藤　誠" and first["氏名カナ"] == "ｻﾄｳ ﾏｺﾄ"
    names = [n for f in frames for n in f["氏名"].to_list()]
    assert any("\ue000" in n for n in names)  # vendor 外字 F040 decoded to U+E000


def _mainframe_reader(path: Path, batch_rows: int = 1000) -> ExtractReader:
    schema = SchemaRegistry.load(DATA / "schemas").get("legacy-juki-mainframe")
    return ExtractReader(path, schema.table(), code_tables=schema.code_tables,
                         options=ReadOptions(batch_rows=batch_rows))


def test_fixed_width_undecodable_bytes_reported_and_the_rest_read(tmp_path: Path) -> None:
    lines = (SAMPLE / "juki_mainframe_clean.dat").read_bytes().split(b"\r\n")
    bad = bytearray(lines[4])
    bad[40:42] = b"\x85\x40"  # not a CP932 character, inside 氏名 (bytes 39-78)
    lines[4] = bytes(bad)
    lines[9] = lines[9][:20] + b"\x81" + lines[9][21:]  # a lead byte before a digit, inside 世帯番号 (ASCII)
    path = tmp_path / "bad.dat"
    path.write_bytes(b"\r\n".join(lines))
    reader = _mainframe_reader(path, batch_rows=7)
    frame = reader.read_all()
    assert frame.height == 2998 and reader.rows == 3000
    (finding,) = [f for f in reader.findings if f.code == "DAT001"]
    assert finding.count == 2 and [e.location.line for e in finding.examples] == [5, 10]
    assert "not valid cp932 (氏名 39-78: 85)" in finding.message_en
    assert 5 not in frame["__line"].to_list() and 6 in frame["__line"].to_list()


def test_fixed_width_truncated_file_and_blank_lines(tmp_path: Path) -> None:
    data = (SAMPLE / "juki_mainframe_clean.dat").read_bytes()
    path = tmp_path / "cut.dat"
    path.write_bytes(data[:853 * 3] + b"\r\n   \r\n" + data[853 * 3:853 * 5 + 100])  # no trailer, no final newline
    reader = _mainframe_reader(path)
    frame = reader.read_all()
    assert frame["__line"].to_list() == [1, 2, 3, 6, 7] and frame["__row"].to_list() == [1, 2, 3, 4, 5]
    codes = {f.code: f for f in reader.findings}
    assert set(codes) == {"DAT010", "DAT013"}
    assert codes["DAT010"].location.line == 8 and codes["DAT013"].location.line == 8


@pytest.mark.parametrize("fmt", ["csv", "fixed"])
def test_a_declared_encoding_migrator_does_not_read_is_an_input_error(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\r\n1,2\r\n")
    table = SchemaRegistry.load(DATA / "schemas").get("legacy-juki-mainframe").table() if fmt == "fixed" else None
    reader = ExtractReader(path, table, ReadOptions(encoding="euc-jp", format=fmt))
    with pytest.raises(InputError) as caught:
        list(reader.batches())
    assert "'euc-jp' is not supported" in caught.value.en and caught.value.location is not None
    assert caught.value.location.file == str(path)


def test_an_excel_extract_reports_formulas_without_values_and_text_typed_as_numbers(tmp_path: Path) -> None:
    import openpyxl

    table = SchemaRegistry.load(DATA / "schemas").get("legacy-juki-rdb").table("世帯")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "世帯"
    ws.append(["SETAI_NO", "NUSHI_ATENA_NO", "NUSHI_NAME", "NINZU"])
    ws.append(["0001", "000000000010014", "山田", 2])
    ws.append([2, 10022, "佐藤", 3])  # codes typed as numbers: leading zeros gone; 世帯人数 is a number
    ws.append(["0003", "000000000010030", '=C2&"様"', 1])  # a formula written by a script: no value
    ws.append([4, "000000000010049", "鈴木", 1])
    path = tmp_path / "setai.xlsx"
    wb.save(path)
    reader = ExtractReader(path, table)
    frame = reader.read_all()
    assert frame["__line"].to_list() == [2, 3, 5] and reader.rows == 4
    assert reader.issues.bad_rows == [(3, 4, "DAT016")]  # unread, so it is a reject with its code
    found = {(f.code, f.item, f.count, f.location.cell) for f in reader.findings if f.code != "DAT006"}
    assert found == {("DAT016", None, 1, "C4"), ("DAT017", "世帯番号", 2, "A3"), ("DAT017", "世帯主宛名番号", 1, "B3")}
    assert all("10022" not in f.message_en for f in reader.findings)  # no value shown: it may be personal data
