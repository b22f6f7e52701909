"""CSV extracts read the same whether polars parses the plain blocks or Python's csv reads every line.

The block path hands the exact path every block with bad bytes, ragged rows, blank lines or quotes that
span lines; these tests read extracts as other systems write them (CP932 and UTF-8, CR LF, quoted fields,
a trailer) with tiny blocks, so that plain and broken blocks alternate, and compare row by row.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from migrator.validation.readers import ExtractReader, ReadOptions


def _read(path: Path, *, blocks: bool, block_bytes: int = 64, batch_rows: int = 7,
          encoding: str | None = None) -> tuple[pl.DataFrame, list[tuple[str, int | None, int]], int, str | None]:
    reader = ExtractReader(path, options=ReadOptions(encoding=encoding, csv_blocks=blocks, block_bytes=block_bytes,
                                                     batch_rows=batch_rows))
    frames = list(reader.batches())
    assert all(f.height <= batch_rows for f in frames)
    frame = pl.concat(frames) if frames else pl.DataFrame()
    findings = sorted((f.code, f.location.line, f.count) for f in reader.findings)
    return frame, findings, reader.rows, reader.checksum


def _same(path: Path, **kwargs: object) -> pl.DataFrame:
    fast = _read(path, blocks=True, **kwargs)  # type: ignore[arg-type]
    exact = _read(path, blocks=False, **kwargs)  # type: ignore[arg-type]
    assert_frame_equal(fast[0], exact[0])
    assert fast[1:] == exact[1:]
    return fast[0]


def _resident(i: int) -> str:
    return f'{i:06d},"山田 {i}",ﾔﾏﾀﾞ,1990/01/{i % 28 + 1:02d},"東京都千代田区1-{i}",{"" if i % 3 else "方書"}'


def test_defects_among_plain_lines_read_alike(tmp_path: Path) -> None:
    header = "ATENA_NO,NAME,KANA,BIRTH,ADDRESS,KATAGAKI"
    lines = [header, *[_resident(i) for i in range(1, 40)]]
    lines[8] = _resident(8) + ",extra"  # a ragged row
    lines[15] = ""  # a blank line
    lines[20] = '000020,"複数行の\r\n住所",ｶﾅ,1990/01/01,"a",b'  # a quoted field across two lines
    lines[27] = '000027,"山田"x,ｶﾅ,1990/01/01,a,b'  # a quote the csv module rejects
    lines.append("T,39")  # a trailer with the wrong count
    body = "\r\n".join(lines).encode("cp932") + b"\r\n"
    bad = body.replace("ﾔﾏﾀﾞ,1990/01/12".encode("cp932"), b"\x81\x20,1990/01/12")  # undecodable bytes
    path = tmp_path / "kojin.csv"
    path.write_bytes(bad)
    frame = _same(path, encoding="cp932")
    assert frame["__line"].to_list()[:8] == [2, 3, 4, 5, 6, 7, 8, 10]  # line 9 is ragged
    assert "000031" in frame["ATENA_NO"].to_list()
    codes = {code for code, _, _ in _read(path, blocks=True, encoding="cp932")[1]}
    assert {"DAT001", "DAT002", "DAT009", "DAT012"} <= codes


def test_line_numbers_stay_absolute_after_a_broken_quote(tmp_path: Path) -> None:
    lines = ["番号,氏名", *[f"{i:03d},氏名{i}" for i in range(1, 60)]]
    lines[30] = '030,"山田'  # never closed: swallows the rest of the file, read again after it
    path = tmp_path / "x.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    frame = _same(path, block_bytes=40)
    assert frame.filter(pl.col("番号") == "031")["__line"].to_list() == [32]
    assert frame.height == 58


def test_a_plain_file_reads_alike_in_any_block_size(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_bytes(("\r\n".join(["a,b,c", *[f'{i},"x""{i}",' for i in range(500)]]) + "\r\n").encode("cp932"))
    for block_bytes in (1, 100, 1 << 20):
        frame = _same(path, block_bytes=block_bytes, batch_rows=64)
    assert frame["b"][3] == 'x"3' and frame["c"].null_count() == 500


_FIELD = st.text(alphabet=st.sampled_from([*'ab 0,"\r\n山ｱ髙\u3000\t', "\udc81"]), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_FIELD, min_size=1, max_size=4), min_size=1, max_size=12),
       quote=st.booleans(), crlf=st.booleans(), block_bytes=st.integers(1, 80))
def test_any_text_reads_alike(tmp_path: Path, rows: list[list[str]], quote: bool, crlf: bool,
                              block_bytes: int) -> None:
    end = b"\r\n" if crlf else b"\n"
    out = []
    for row in rows:
        cells = [f'"{c}"' if quote and '"' not in c else c for c in row]
        # "\udc81" stands for a byte CP932 cannot decode
        out.append(",".join(cells).encode("cp932", "surrogateescape"))
    path = tmp_path / "any.csv"
    path.write_bytes(end.join([b"h1,h2,h3", *out]) + end)
    _same(path, block_bytes=block_bytes, batch_rows=3, encoding="cp932")


def test_large_blocks_with_defects_read_alike_and_plain_blocks_skip_python(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of realistic size: the plain ones go to polars, the ones holding bad bytes, a ragged row, quotes
    spanning lines or an unterminated quote go the exact way, and every row, line number and finding is the
    same as reading the whole file the exact way."""
    lines = ["ATENA_NO,NAME,KANA,BIRTH,ADDRESS,KATAGAKI", *[_resident(i) for i in range(1, 3001)]]
    lines[500] = _resident(500).replace("ﾔﾏﾀﾞ", "@BAD@")  # undecodable bytes, below
    lines[900] = _resident(900) + ",extra"  # ragged
    lines[1200] = '001200,"複数行の\r\n住所, 二行目",ｶﾅ,1990/01/01,"a ""b""",c'  # a quoted field over two lines
    lines[1700] = ""  # a blank line
    lines[2500] = '002500,"三行に\r\nまたがる\r\n住所",ｶﾅ,1990/01/01,a,b'
    lines[2800] = '002800,"閉じない引用,ｶﾅ,1990/01/01,a,b'  # a broken quote: the lines after it are read again
    lines.append("T,1")  # a trailer whose count is wrong
    path = tmp_path / "kojin.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932").replace(b"@BAD@", b"\x81\x20"))
    calls = {"polars": 0, "python": 0}
    block, exact = ExtractReader._csv_block, ExtractReader._csv_lines

    def counted_block(self: ExtractReader, *args: object) -> object:
        frame, good = block(self, *args)  # type: ignore[arg-type]
        calls["polars"] += frame is not None
        return frame, good

    def counted_lines(self: ExtractReader, *args: object) -> object:
        calls["python"] += 1
        return exact(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ExtractReader, "_csv_block", counted_block)
    monkeypatch.setattr(ExtractReader, "_csv_lines", counted_lines)
    frame = _same(path, encoding="cp932", block_bytes=16 << 10, batch_rows=1000)
    assert calls["polars"] >= 5 and calls["python"] >= 5  # both paths ran on this file
    assert frame.filter(pl.col("ATENA_NO") == "001201")["__line"].to_list() == [1203]  # after a two-line record
    assert frame.filter(pl.col("ATENA_NO") == "002501")["__line"].to_list() == [2505]
    assert frame.filter(pl.col("ATENA_NO") == "002801")["__line"].to_list() == [2805]
    codes = {code for code, _, _ in _read(path, blocks=True, encoding="cp932")[1]}
    assert {"DAT001", "DAT002", "DAT009", "DAT012"} <= codes


def _edge_file(encoding: str, newline: bytes, final_newline: bool) -> bytes:
    """A small extract with every defect the block path must hand to Python, in ``encoding``."""
    rows = [
        "番号,氏名,住所",
        '001,山田 太郎,"東京都千代田区, 丸の内"',  # a delimiter inside quotes, multi-byte characters
        '002,"髙橋 ""はしご""",ｱｲｳ',  # doubled quotes, half-width kana (one byte each in CP932)
        '003,"複数行の@NL@住所",大阪',  # a quoted field over two lines
        "004,佐藤,札幌,余分",  # ragged
        "005,@BAD@,名古屋",  # undecodable bytes
        "006,鈴木,福岡",
        "007,\"閉じない,仙台",  # an unterminated quote: the lines after it are read again
        "008,伊藤,那覇",
        "T,9",  # a trailer whose count is wrong
    ]
    body = (newline.decode().join(rows) + (newline.decode() if final_newline else "")).encode(encoding)
    bad = b"\x81\x20" if encoding == "cp932" else b"\xff\xfe"
    return body.replace(b"@NL@", newline).replace(b"@BAD@", bad)


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("newline", [b"\r\n", b"\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_every_block_boundary_reads_alike(tmp_path: Path, encoding: str, newline: bytes,
                                          final_newline: bool) -> None:
    """Block sizes from one byte up, so that a block ends inside every multi-byte character, every quoted
    field and every line break; a BOM, LF or CR LF, with or without a final line break."""
    data = _edge_file(encoding, newline, final_newline)
    path = tmp_path / "edge.csv"
    path.write_bytes(data)
    whole = _read(path, blocks=False, block_bytes=1 << 20, batch_rows=4, encoding=encoding)
    assert whole[0]["番号"].to_list() == ["001", "002", "003", "006", "008"]
    assert whole[0]["住所"].to_list()[:3] == ["東京都千代田区, 丸の内", "ｱｲｳ", "大阪"]
    assert whole[0]["氏名"][2] == f"複数行の{newline.decode()}住所"
    codes = {code for code, _, _ in whole[1]}
    assert {"DAT001", "DAT002", "DAT003", "DAT009"} <= codes
    for block_bytes in [*range(1, len(data) + 2), 1 << 20]:
        fast = _read(path, blocks=True, block_bytes=block_bytes, batch_rows=4, encoding=encoding)
        assert_frame_equal(fast[0], whole[0])
        assert fast[1:] == whole[1:], block_bytes


def test_plain_lines_around_each_boundary_read_alike(tmp_path: Path) -> None:
    """A plain CP932 file (no defect, so every block goes to polars): any block size gives the same rows."""
    lines = ["番号,氏名,ｶﾅ", *[f'{i:04d},"髙橋{i}, 様",ﾀｶﾊｼ' for i in range(40)]]
    data = ("\n".join(lines)).encode("cp932")  # LF, no final newline
    path = tmp_path / "plain.csv"
    path.write_bytes(data)
    whole = _read(path, blocks=False, block_bytes=1 << 20, batch_rows=9, encoding="cp932")
    assert whole[0].height == 40 and whole[0]["氏名"][39] == "髙橋39, 様"
    for block_bytes in range(1, 90):
        fast = _read(path, blocks=True, block_bytes=block_bytes, batch_rows=9, encoding="cp932")
        assert_frame_equal(fast[0], whole[0])
        assert fast[1:] == whole[1:]


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_a_line_with_a_field_more_beside_one_with_a_field_less_is_found(tmp_path: Path, newline: str) -> None:
    """Unquoted lines whose delimiters add up to the right total (one line a field short, another a field
    over, or blank): still each reported ragged on its own line, whatever the block size."""
    lines = ["番号,氏名,ｶﾅ", *[f"{i:04d},山田{i},ﾔﾏﾀﾞ" for i in range(60)]]
    lines[10] = "0009,山田9"  # a field short (line 11)
    lines[40] = "0039,山田39,ﾔﾏﾀﾞ,余分"  # a field over (line 41)
    lines[50] = ",,,,"  # two fields over (line 51) ...
    lines[55] = ""  # ... and a blank line (line 56): two fewer
    path = tmp_path / "ragged.csv"
    path.write_bytes((newline.join(lines) + newline).encode("cp932"))
    for block_bytes in (1 << 20, 200, 37):
        frame = _same(path, block_bytes=block_bytes, batch_rows=9, encoding="cp932")
        assert not {11, 41, 51, 56} & set(frame["__line"].to_list())
        assert frame.height == 56
        ragged = [line for code, line, _ in _read(path, blocks=True, block_bytes=block_bytes, batch_rows=9,
                                                  encoding="cp932")[1] if code == "DAT002"]
        assert ragged == [11, 41, 51], block_bytes


def test_encoding_detected_on_a_sample_and_later_bad_bytes_reported(tmp_path: Path) -> None:
    """Detection decodes a bounded sample from the first non-ASCII byte, not the whole file: a UTF-8 file
    with CP932 bytes far beyond the sample is read as UTF-8, and those lines are DAT001 with their numbers."""
    rows = ["番号,氏名", *[f"{i:06d},山田{i}" for i in range(120_000)]]
    data = ("\n".join(rows) + "\n").encode("utf-8") + "999999,髙橋\n".encode("cp932")
    assert len(data) > 2 << 20  # longer than the sample
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    reader = ExtractReader(path)
    frame = reader.read_all()
    assert reader.encoding == "utf-8" and frame.height == 120_000
    found = {f.code: f for f in reader.findings}
    assert found["DAT001"].location.line == 120_002
    assert "from the first non-ASCII byte" in found["DAT008"].message_en
    small = tmp_path / "small.csv"
    small.write_bytes("番号,氏名\n1,髙橋\n".encode("cp932"))
    reader = ExtractReader(small)
    reader.read_all()
    assert reader.encoding == "cp932" and reader.proven_decodes  # the sample reached the end of the file
    assert [f.code for f in reader.findings] == ["DAT008"]
    assert reader.findings[0].message_en == "Encoding cp932: not valid UTF-8; decodes as CP932 without error throughout"
    assert reader.findings[0].message_ja == "文字コード cp932: UTF-8として不正、CP932として誤りなく読める（全体）"


@pytest.mark.parametrize("stray", [b"\x80", b"\xa0", b"\xfd", b"\xfe", b"\xff"])
def test_bytes_cp932_decodes_to_no_shift_jis_character_are_undecodable(tmp_path: Path, stray: bytes) -> None:
    """Python's cp932 turns 0x80, 0xA0 and 0xFD-0xFF into a control character or a private-use one (a 外字
    to look up in vain); they are no text of a legacy system, so both paths report them as DAT001. The same
    bytes as the second byte of a kanji (0x80, 0xA0) are text."""
    lines = ["番号,氏名", *[f"{i:04d},山田{i}" for i in range(30)]]
    body = ("\r\n".join(lines) + "\r\n").encode("cp932")
    kanji = "園旺".encode("cp932")  # 0x8980, 0x89A0: 0x80 and 0xA0 as second bytes
    assert b"\x80" in kanji and b"\xa0" in kanji
    path = tmp_path / "stray.csv"
    path.write_bytes(body.replace("山田7".encode("cp932"), b"\x8eR" + stray + b"7")  # 山 + the stray byte
                     .replace("山田20".encode("cp932"), kanji + b"20"))
    for block_bytes in (1 << 20, 64):
        frame = _same(path, block_bytes=block_bytes, encoding="cp932")
        assert 9 not in frame["__line"].to_list() and frame.height == 29
        assert "園旺20" in frame["氏名"].to_list()
    findings = _read(path, blocks=True, encoding="cp932")[1]
    assert findings[0][:2] == ("DAT001", 9)


def test_a_csv_syntax_error_is_said_in_the_language_asked_and_the_field_limit_is_the_users(tmp_path: Path) -> None:
    import dataclasses

    from migrator import limits

    path = tmp_path / "cr.csv"
    path.write_bytes(b"a,b\r\n1,x\ry\r\n2,z\r\n")  # a lone CR inside an unquoted field
    reader = ExtractReader(path, options=ReadOptions(encoding="utf-8", csv_blocks=False))
    list(reader.batches())
    (finding,) = [f for f in reader.findings if f.code == "DAT012"]
    assert "do the lines end in CR only?" in finding.message_en
    assert "行末が CR だけのファイル" in finding.message_ja and "new-line" not in finding.message_ja
    long = tmp_path / "long.csv"
    long.write_text("a,b\n1," + "x" * 200_000 + "\n2,y\n", encoding="utf-8")
    for blocks in (True, False):
        with limits.using(dataclasses.replace(limits.current(), csv_field_bytes=100_000)):
            small = ExtractReader(long, options=ReadOptions(encoding="utf-8", csv_blocks=blocks))
            assert sum(r.height for r in small.batches()) == 1
            assert [f.code for f in small.findings if f.code == "DAT012"] == ["DAT012"]
        with limits.using(dataclasses.replace(limits.current(), csv_field_bytes=300_000)):
            large = ExtractReader(long, options=ReadOptions(encoding="utf-8", csv_blocks=blocks))
            assert sum(r.height for r in large.batches()) == 2 and not large.findings


@pytest.mark.parametrize("tail", [b"\x1a", b"\x1a\r\n"])
def test_the_end_of_file_mark_of_dos_tools_is_no_record(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "eof.csv"
    path.write_bytes(("\r\n".join(["番号,氏名", *[f"{i:04d},山田{i}" for i in range(20)]]) + "\r\n").encode("cp932") + tail)
    for block_bytes in (1 << 20, 50):
        frame = _same(path, block_bytes=block_bytes, encoding="cp932")
        assert frame.height == 20
        assert not _read(path, blocks=True, block_bytes=block_bytes, encoding="cp932")[1]


@pytest.mark.parametrize("last", ["0019,山田19", '0019,"山田19"'])
def test_the_end_of_file_mark_right_after_the_last_field_is_not_part_of_it(tmp_path: Path, last: str) -> None:
    # DOS tools (copy /b) append Ctrl-Z to a file that ends without a line break: the mark is not the last
    # value's last character (a code `2␚` that no コード変換 row holds, a name with a control character).
    path = tmp_path / "eof.csv"
    lines = ["番号,氏名", *[f"{i:04d},山田{i}" for i in range(19)], last]
    path.write_bytes("\r\n".join(lines).encode("cp932") + b"\x1a")
    for block_bytes in (1 << 20, 50, 7):
        frame = _same(path, block_bytes=block_bytes, encoding="cp932")
        assert frame.height == 20 and frame["氏名"].to_list()[-1] == "山田19", block_bytes
        assert not _read(path, blocks=True, block_bytes=block_bytes, encoding="cp932")[1]
