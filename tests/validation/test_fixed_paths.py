"""Fixed-width extracts read the same in any block size, and as a record-by-record reading says.

The reader cuts whole blocks of lines with numpy and polars; these tests force blocks of one record up to
the whole file, so that block ends fall inside records, inside CP932 characters, between a CR and its LF
and just before the trailer, and compare every row, line number and finding with an oracle written
record by record in Python.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import yaml
from polars.testing import assert_frame_equal

from migrator.schema import SchemaRegistry
from migrator.validation.readers import ExtractReader, ReadOptions
from tests.conftest import DATA, run_cli

CLEAN = DATA / "sample_data" / "extracts" / "juki_mainframe_clean.dat"
SCHEMA = SchemaRegistry.load(DATA / "schemas").get("legacy-juki-mainframe")
TABLE = SCHEMA.table()


def _read(path: Path, batch_rows: int) -> tuple[pl.DataFrame, list[tuple[str, int | None, int]], int]:
    reader = ExtractReader(path, TABLE, ReadOptions(batch_rows=batch_rows), code_tables=SCHEMA.code_tables)
    frames = list(reader.batches())
    frame = pl.concat(frames).sort("__row")
    findings = sorted((f.code, f.location.line, f.count) for f in reader.findings)
    return frame, findings, reader.rows


def _extract(newline: bytes, final_newline: bool) -> bytes:
    lines = CLEAN.read_bytes().split(b"\r\n")[:-1]  # 3000 records and the trailer (count 3000)
    records, trailer = lines[:24], b"9" + b"%010d" % 23 + lines[-1][11:]
    bad = bytearray(records[4])
    bad[40:42] = b"\x85\x40"  # not a CP932 character, inside 氏名
    records[4] = bytes(bad)
    records[9] = records[9][:500]  # a record of the wrong length
    records[13] = b"   "  # a blank line (not a record)
    body = newline.join([*records, trailer])
    return body + newline if final_newline else body


def _oracle(data: bytes) -> tuple[list[int], list[str | None], list[str | None]]:
    """Lines, 宛名番号 and 氏名 of the good records, read record by record."""
    names = {i.name: i for i in TABLE.items}
    lines, ids, kanji = [], [], []
    for n, line in enumerate(data.splitlines(), start=1):
        if not line.strip() or line.startswith(b"9"):
            continue
        try:
            line.decode("cp932")
        except UnicodeDecodeError:
            continue
        if len(line) != 851:
            continue
        cut = [line[(i.start or 1) - 1:(i.start or 1) - 1 + (i.length or 0)].decode("cp932").rstrip(" \u3000") or None
               for i in (names["宛名番号"], names["氏名"])]
        lines.append(n)
        ids.append(cut[0])
        kanji.append(cut[1])
    return lines, ids, kanji


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_any_block_size_reads_as_record_by_record(tmp_path: Path, newline: bytes, final_newline: bool) -> None:
    data = _extract(newline, final_newline)
    path = tmp_path / "juki.dat"
    path.write_bytes(data)
    lines, ids, kanji = _oracle(data)
    whole = _read(path, 1000)
    assert whole[0]["__line"].to_list() == lines
    assert whole[0]["宛名番号"].to_list() == ids and whole[0]["氏名"].to_list() == kanji
    assert whole[0]["__row"].to_list() == [r for r in range(1, 24) if r not in (5, 10)]  # rows 5 and 10 unread
    assert whole[1] == [("DAT001", 5, 1), ("DAT010", 10, 1)] and whole[2] == 23  # the trailer's count agrees
    for batch_rows in (1, 2, 3, 4, 5, 7, 11, 13, 23, 24, 25):
        got = _read(path, batch_rows)
        assert_frame_equal(got[0], whole[0])
        assert got[1:] == whole[1:], batch_rows


def test_a_trailer_count_that_disagrees_is_found_in_any_block_size(tmp_path: Path) -> None:
    data = _extract(b"\r\n", True).replace(b"\r\n9" + b"%010d" % 23, b"\r\n9" + b"%010d" % 99)
    path = tmp_path / "juki.dat"
    path.write_bytes(data)
    for batch_rows in (1, 6, 1000):
        frame, findings, rows = _read(path, batch_rows)
        assert ("DAT009", 25, 1) in findings and rows == 23 and frame.height == 21


def _with_names(names: dict[int, bytes]) -> bytes:
    """Six clean records and their trailer; ``names``: new bytes from byte 39 (氏名, 40 bytes) on, per record."""
    lines = CLEAN.read_bytes().split(b"\r\n")[:-1]
    records = [bytearray(r) for r in lines[:6]]
    for k, name in names.items():
        records[k][38:38 + max(len(name), 40)] = name.ljust(40, b" ")
    return b"\r\n".join([*map(bytes, records), b"9" + b"%010d" % 6 + lines[-1][11:]]) + b"\r\n"


def test_a_character_across_a_field_boundary_is_a_decoding_finding(tmp_path: Path) -> None:
    kanji, across = "山田".encode("cp932"), "亜".encode("cp932")
    # 亜 at bytes 78–79: its first byte ends 氏名, its second begins 氏名カナ
    data = _with_names({1: kanji, 2: kanji.ljust(39, b" ") + across, 3: kanji})
    data.splitlines()[2].decode("cp932")  # the record as a whole decodes; its fields do not
    path = tmp_path / "juki.dat"
    path.write_bytes(data)
    for batch_rows in (1, 2, 3, 7):
        frame, findings, rows = _read(path, batch_rows)
        assert findings == [("DAT001", 3, 1)] and rows == 6, batch_rows
        assert frame["__row"].to_list() == [1, 2, 4, 5, 6]
        assert frame["氏名"].to_list()[1:3] == ["山田", "山田"]


def test_the_decoding_finding_names_the_field_its_bytes_and_the_stray_bytes_of_cp932(tmp_path: Path) -> None:
    """A character cut at a field's end, and the single bytes Python's cp932 decodes to no Shift_JIS
    character (0x80, 0xA0, 0xFD-0xFF: a control or private-use character), are DAT001 with the field, its byte
    range and the bytes; 0x80 and 0xA0 as the second byte of a kanji are text."""
    kanji, across = "山田".encode("cp932"), "亜".encode("cp932")
    data = _with_names({1: kanji.ljust(39, b" ") + across, 2: kanji + b"\xfd", 3: "園旺".encode("cp932"),
                        4: b"\x80" + kanji})
    path = tmp_path / "juki.dat"
    path.write_bytes(data)
    reader = ExtractReader(path, TABLE, ReadOptions(batch_rows=3), code_tables=SCHEMA.code_tables)
    frame = pl.concat(list(reader.batches()))
    (finding,) = [f for f in reader.findings if f.code == "DAT001"]
    assert finding.count == 3 and [e.location.line for e in finding.examples] == [2, 3, 5]
    assert "(氏名 39-78: 88)" in finding.message_en  # the first byte of 亜, the first record shown
    assert frame["__line"].to_list() == [1, 4, 6] and frame["氏名"][1] == "園旺"


def test_a_block_whose_every_record_is_unreadable_gives_no_batch_and_the_run_goes_on(tmp_path: Path) -> None:
    """Records 2-4 hold a byte no CP932 character has: with blocks of three records the second block has no
    good record; it is reported, the blocks around it are read, and the whole run reports instead of failing."""
    from tests.conftest import run_cli

    bad = "山田".encode("cp932") + b"\xff"
    path = tmp_path / "juki.dat"
    path.write_bytes(_with_names({2: bad, 3: bad, 4: bad}))
    reader = ExtractReader(path, TABLE, ReadOptions(batch_rows=3), code_tables=SCHEMA.code_tables)
    frames = list(reader.batches())
    assert all(f.height for f in frames)
    assert pl.concat(frames)["__line"].to_list() == [1, 2, 6]
    (finding,) = [f for f in reader.findings if f.code == "DAT001"]
    assert finding.count == 3
    # The command, in its smallest batches (1000): the second thousand records all unreadable.
    lines = CLEAN.read_bytes().split(b"\r\n")[:-1]
    records = [bytearray(r) for r in lines[:3000]]
    for record in records[1000:2000]:
        record[38:38 + len(bad)] = bad
    path.write_bytes(b"\r\n".join([*map(bytes, records), lines[3000]]) + b"\r\n")  # and the trailer
    mapping = DATA / "mappings" / "juki_mainframe_jumin.xlsx"
    result = run_cli("--lang", "en", "validate", str(mapping), str(path), "--batch-rows", "1000", "--no-store",
                     "--format", "json", expect=1)
    report = json.loads(result.stdout)
    assert report["counts_by_code"]["DAT001"] == 1000
    assert (report["summary"]["rows_in"], report["summary"]["rows_rejected"]) == (3000, 1000)


def test_a_unit_separator_inside_a_field_is_kept(tmp_path: Path) -> None:
    data = _with_names({1: "山田".encode("cp932") + b"\x1f", 2: "山田".encode("cp932"), 3: b"\x1f\x1f"})
    path = tmp_path / "juki.dat"
    path.write_bytes(data)
    lines, ids, kanji = _oracle(data)
    assert kanji[1:4] == ["山田\x1f", "山田", "\x1f\x1f"]
    for batch_rows in (1, 2, 3, 7):
        frame, findings, rows = _read(path, batch_rows)
        assert findings == [] and rows == 6, batch_rows
        assert frame["__line"].to_list() == lines
        assert frame["宛名番号"].to_list() == ids and frame["氏名"].to_list() == kanji


def _oracle_fields(data: bytes) -> list[dict[str, str | None]]:
    """Every item of every record, cut and decoded record by record (padding removed, blank → null)."""
    out = []
    for line in data.splitlines():
        if line.startswith(b"9") or not line.strip():
            continue
        out.append({i.name: line[(i.start or 1) - 1:(i.start or 1) - 1 + (i.length or 0)].decode("cp932")
                    .rstrip(" \u3000") or None for i in TABLE.items})
    return out


def test_fields_read_as_record_by_record_whatever_their_padding(tmp_path: Path) -> None:
    """The reader cuts a field without stripping when no value of the block ends in a space, and leaves a field
    blank on every record of the block null without cutting it: every value is still the one a record-by-record
    reading gives, in any block size, whether a field is padded, full, blank or padded with leading spaces."""
    lines = CLEAN.read_bytes().split(b"\r\n")[:-1]
    records = [bytearray(r) for r in lines[:12]]

    def put(k: int, start: int, length: int, value: bytes) -> None:
        records[k][start - 1:start - 1 + length] = value.ljust(length, b" ")

    for k in range(12):
        put(k, 817, 4, b"1234" if k % 3 else b"12")  # 地区コード: full on most records, padded on some
        put(k, 821, 3, b" 7 " if k == 5 else b"007")  # 行政区コード: a leading space kept, a trailing one not
        put(k, 119, 20, b"A B" if k >= 8 else b"")  # 旧氏: blank on records 1-8, then text with a space inside
        put(k, 832, 20, b"")  # 予備: blank everywhere
    records[10][38:78] = "山田　".encode("cp932").ljust(40, b" ")  # 氏名 padded with an ideographic space too
    data = b"".join(bytes(r) + b"\r\n" for r in records) + b"9" + b"%010d" % 12 + lines[-1][11:] + b"\r\n"
    path = tmp_path / "padded.dat"
    path.write_bytes(data)
    expected = _oracle_fields(data)
    assert expected[0]["地区コード"] == "12" and expected[5]["行政区コード"] == " 7" and expected[0]["旧氏"] is None
    assert expected[8]["旧氏"] == "A B" and expected[10]["氏名"] == "山田" and expected[3]["予備"] is None
    for batch_rows in (1, 2, 3, 4, 8, 12, 1000):
        frame, findings, rows = _read(path, batch_rows)
        assert findings == [] and rows == 12, batch_rows
        assert frame.select(TABLE.item_names).to_dicts() == expected, batch_rows
        assert frame.select(TABLE.item_names).dtypes == [pl.String] * len(TABLE.items)


def test_the_end_of_file_mark_of_dos_tools_is_no_record(tmp_path: Path) -> None:
    path = tmp_path / "juki.dat"
    path.write_bytes(_with_names({}) + b"\x1a")
    for batch_rows in (1, 4, 1000):
        frame, findings, rows = _read(path, batch_rows)
        assert findings == [] and rows == 6 and frame.height == 6, batch_rows


HEADED = """format: migrator.schema/1
id: legacy-headed
kind: legacy
title: a host extract with a header, data and trailer records
version: '1'
provenance: {source: written for the tests, verified: false}
tables:
  - name: KOJIN
    file: {format: fixed, encoding: cp932, record_length: 40}
    items:
      - {name: レコード区分, type: code, start: 1, length: 1, code_table: レコード区分}
      - {name: 宛名番号, type: string, start: 2, length: 10, required: true}
      - {name: 氏名, type: string, start: 12, length: 20}
      - {name: 生年月日, type: string, start: 32, length: 9}
code_tables:
  レコード区分: {values: {'1': ヘッダ, '2': データ, '9': トレーラ}}
"""


def write_headed(folder: Path) -> Path:
    """The layout ``HEADED`` in ``folder/schemas`` and a mapping of it to 住民 in ``folder/headed.yaml``."""
    (folder / "schemas").mkdir()
    (folder / "schemas" / "headed.yaml").write_text(HEADED, encoding="utf-8")
    mapping = {"format": "migrator.mapping/1",
               "settings": {"マッピングID": "headed", "標準スキーマ": "std-001-juki", "標準テーブル": "住民",
                            "現行スキーマ": "legacy-headed", "現行テーブル": "KOJIN"},
               "items": [{"standard": "宛名番号", "legacy": ["宛名番号"], "transform": "trim"},
                         {"standard": "世帯番号", "legacy": ["宛名番号"], "transform": "trim"},
                         {"standard": "生年月日", "legacy": ["生年月日"], "transform": "trim | wareki"},
                         {"standard": "住所_市区町村コード", "default": "131016"},
                         {"standard": "住所_都道府県", "default": "東京都"},
                         {"standard": "住所_市区郡町村名", "default": "千代田区"}]}
    path = folder / "headed.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return path


def _headed(count: int, newline: bytes = b"\r\n") -> bytes:
    def record(*fields: tuple[str, int]) -> bytes:
        return b"".join(text.encode("cp932").ljust(size, b" ") for text, size in fields)

    header = record(("1", 1), ("ＪＵＫＩ　ＥＸＰ", 20), ("20240401", 19))
    data = [record(("2", 1), (f"{1000 + n}", 10), ("山田　太郎", 20), ("R06.04.01", 9)) for n in range(5)]
    trailer = record(("9", 1), (f"{count:010d}", 39))
    return newline.join([header, *data, trailer]) + newline + b"\x1a"


@pytest.mark.parametrize("newline", [b"\r\n", b""], ids=["lines", "back-to-back"])
def test_a_header_record_is_not_data_and_not_counted_by_the_trailer(workdir: Path, newline: bytes) -> None:
    # A host extract opens with a header record (first item's code labelled ヘッダ) as it ends with a trailer:
    # the header is no resident (it was rejected as one, DAT106/DAT101 on its "宛名番号") and the trailer's
    # 件数 counts the data records only.
    write_headed(workdir)
    env = {"MIGRATOR_SCHEMAS": str(workdir / "schemas")}
    for count, code in ((5, 0), (6, 1)):
        (workdir / "kojin.dat").write_bytes(_headed(count, newline))
        result = run_cli("validate", "headed.yaml", "kojin.dat", "--out", "out", "--no-store", "--format", "json",
                         expect=code, env=env)
        report = json.loads(result.stdout)
        errors = [(f["code"], f["location"]["line"]) for f in report["findings"] if f["severity"] == "error"]
        assert errors == ([] if count == 5 else [("DAT009", 7)]), report["findings"]
        assert report["summary"]["per_table"][0]["rows_in"] == 5


def test_a_header_record_is_skipped_in_any_block_size(tmp_path: Path) -> None:
    (tmp_path / "headed.yaml").write_text(HEADED, encoding="utf-8")
    schema = SchemaRegistry.load(tmp_path).get("legacy-headed")
    path = tmp_path / "kojin.dat"
    path.write_bytes(_headed(5))
    for batch_rows in (1, 2, 3, 7, 1000):
        reader = ExtractReader(path, schema.table(), ReadOptions(batch_rows=batch_rows), code_tables=schema.code_tables)
        frame = pl.concat(list(reader.batches()))
        assert frame["__line"].to_list() == [2, 3, 4, 5, 6] and frame["__row"].to_list() == [1, 2, 3, 4, 5]
        assert reader.rows == 5 and not reader.findings, batch_rows
    # a later split of a larger extract (validate --engine spark) starts with a record that is data, whatever its code
    later = ExtractReader(path, schema.table(), ReadOptions(file_start=False), code_tables=schema.code_tables)
    assert pl.concat(list(later.batches()))["__line"].to_list() == [1, 2, 3, 4, 5, 6]


def test_header_and_trailer_codes_of_two_characters_are_read_whole(tmp_path: Path) -> None:
    # A record kind written with two characters (10 ヘッダ, 20 データ, 90 トレーラ) is told by both of them, not
    # by the first byte: the header is no resident and the trailer's count is the number after its code.
    layout = (HEADED.replace("record_length: 40", "record_length: 41")
              .replace("start: 1, length: 1", "start: 1, length: 2")
              .replace("start: 2,", "start: 3,").replace("start: 12,", "start: 13,").replace("start: 32,", "start: 33,")
              .replace("{'1': ヘッダ, '2': データ, '9': トレーラ}", "{'10': ヘッダ, '20': データ, '90': トレーラ}"))
    (tmp_path / "headed.yaml").write_text(layout, encoding="utf-8")
    schema = SchemaRegistry.load(tmp_path).get("legacy-headed")

    def record(*fields: tuple[str, int]) -> bytes:
        return b"".join(text.encode("cp932").ljust(size, b" ") for text, size in fields)

    for count in (5, 6):
        data = [record(("20", 2), (f"{1000 + n}", 10), ("山田　太郎", 20), ("R06.04.01", 9)) for n in range(5)]
        lines = [record(("10", 2), ("ＪＵＫＩ　ＥＸＰ", 20), ("20240401", 19)), *data,
                 record(("90", 2), (f"{count:010d}", 39))]
        path = tmp_path / "kojin.dat"
        path.write_bytes(b"\r\n".join(lines) + b"\r\n")
        reader = ExtractReader(path, schema.table(), ReadOptions(), code_tables=schema.code_tables)
        frame = pl.concat(list(reader.batches()))
        assert frame["__line"].to_list() == [2, 3, 4, 5, 6] and reader.rows == 5
        assert [(f.code, f.location.line) for f in reader.findings] == (
            [] if count == 5 else [("DAT009", 7)])
