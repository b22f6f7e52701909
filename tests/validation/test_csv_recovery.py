"""A broken quote in a CSV extract loses no record and shifts no line number after it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from migrator.validation.readers import ExtractReader


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "x.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def test_unterminated_quote_mid_file_keeps_the_records_it_swallowed(tmp_path: Path) -> None:
    lines = ["番号,氏名", *[f"{i:03d},氏名{i}" for i in range(1, 6)], '006,"山田', *[f"{i:03d},氏名{i}" for i in range(7, 20)]]
    path = _write(tmp_path, lines)
    reader = ExtractReader(path)
    frame = reader.read_all()
    assert frame["番号"].to_list() == [f"{i:03d}" for i in range(1, 20) if i != 6]
    assert frame["__line"].to_list() == [i + 1 for i in range(1, 20) if i != 6]
    found = [(f.code, f.location.line) for f in reader.findings if f.code != "DAT008"]  # DAT008: encoding chosen
    assert found == [("DAT003", 7)]  # unterminated quote, reported where the record began
    assert reader.rows == 19
    assert reader.checksum.endswith(hashlib.sha256(path.read_bytes()).hexdigest())


def test_line_numbers_after_a_malformed_field_are_absolute(tmp_path: Path) -> None:
    lines = ["番号,氏名", "001,a", '002,"山田"x', "003,b", "004,c"]
    reader = ExtractReader(_write(tmp_path, lines))
    frame = reader.read_all()
    assert frame["番号"].to_list() == ["001", "003", "004"]
    assert frame["__line"].to_list() == [2, 4, 5]
    assert [(f.code, f.location.line) for f in reader.findings if f.code != "DAT008"] == [("DAT012", 3)]
