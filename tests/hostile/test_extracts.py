"""Legacy extracts: the wrong encoding or a broken header gets one located answer, not a finding per line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile import builders as b
from tests.hostile.conftest import refused

LINES = b.EXTRACT_CSV.read_text(encoding="utf-8").splitlines()[:21]  # the header and 20 records
TEXT = "\n".join(LINES) + "\n"


def _run(extract: Path, *options: str) -> list[str]:
    return [*options, "mapping", "run", str(b.MAPPING_XLSX), str(extract), "--no-store"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_extract_is_refused_once(workdir: Path, encoding: str) -> None:
    path = b.text_file(workdir, "utf16.csv", TEXT.encode(encoding))
    refused(*_run(path), code="DAT014", places=(f"{path}:1", "UTF-16"))


def test_column_named_twice_is_said_to_be(workdir: Path) -> None:
    header, *rows = LINES
    text = "\n".join([header + ",SETAI_NO", *(r + ",x" for r in rows)]) + "\n"
    path = b.text_file(workdir, "dup.csv", text)
    res = refused(*_run(path), code="DAT015", exit=1, places=(f"{path}:1", "SETAI_NO", "columns 2 and"))
    assert "not in the legacy layout" not in res.stdout


def test_extract_over_the_size_limit_is_refused(workdir: Path) -> None:
    path = b.text_file(workdir, "big.csv", TEXT)
    refused(*_run(path, "--limit", "extract_bytes=1k"), code="CORE105", places=(str(path), "extract_bytes"))


def test_huge_field_is_a_located_finding(workdir: Path) -> None:
    path = b.text_file(workdir, "field.csv", TEXT + '"' + "x" * (2 << 20) + "\n")
    refused(*_run(path), code="DAT012", exit=1, places=(f"{path}:22",))


def test_nul_bytes_in_a_cp932_extract_are_not_utf16(workdir: Path) -> None:
    path = b.text_file(workdir, "nul.csv", (TEXT.replace("佐藤", "佐\x00藤", 1)).encode("cp932"))
    res = refused(*_run(path), code="summary", exit=None)
    assert res.exit_code in (0, 1) and "DAT014" not in res.stderr


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "9,980 more columns (X20 to X9999) are not in the legacy layout either"),
    ("ja", "ほかに 9,980 列 (X20 〜 X9999) も現行レイアウトにありません"),
])
def test_ten_thousand_unknown_columns_are_a_few_findings(workdir: Path, lang: str, words: str) -> None:
    header, *rows = LINES
    extra = "".join(f",X{i}" for i in range(10_000))
    text = "\n".join([header + extra, *(r + "," * 10_000 for r in rows)]) + "\n"
    path = b.text_file(workdir, "wide.csv", text)
    res = refused("--lang", lang, *_run(path), code="DAT019", exit=None, places=(f"{path}:1", words))
    assert res.stdout.count("DAT007") == 20 and "X19" in res.stdout and "Column X20 " not in res.stdout


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "The header row (line 1) appears again"),
    ("ja", "見出し行 (1 行目)"),
])
def test_a_header_repeated_mid_file_is_said_once_not_per_column(workdir: Path, lang: str, words: str) -> None:
    header, *rows = LINES
    text = "\r\n".join([header, *rows[:5], header, *rows[5:], header, *rows[:3]]) + "\r\n"  # three files joined
    path = b.text_file(workdir, "joined.csv", text)
    res = refused("--lang", lang, *_run(path), code="DAT020", exit=None, places=(f"{path}:7", words))
    assert "DAT106" not in res.stdout and "DAT102" not in res.stdout
    assert f"{path}:" + str(len(rows) + 3) in res.stdout or "×2" in res.stdout


LAYOUT = b.DATA / "schemas" / "legacy" / "juki_mainframe.yaml"
MAINFRAME = (b.DATA / "mappings" / "juki_mainframe_jumin.xlsx", b.DATA / "sample_data" / "extracts" / "juki_mainframe.dat")


@pytest.mark.parametrize(("length", "code"), [(300_000, "summary"), (10**12, "CORE105")])
def test_a_layout_with_an_absurd_record_length_is_read_in_bounded_blocks_or_refused(workdir: Path, length: int,
                                                                                     code: str) -> None:
    # Blocks were batch_rows records each, however long: 300 KB records asked for 30 GB (a MemoryError).
    text = LAYOUT.read_text(encoding="utf-8").replace("record_length: 851", f"record_length: {length}")
    text = text.replace("start: 832, length: 20}", f"start: 832, length: {length - 831}}}")
    (workdir / "layouts").mkdir()
    (workdir / "layouts" / "juki_mainframe.yaml").write_text(text, encoding="utf-8")
    args = ["validate", "--schemas", "layouts", *map(str, MAINFRAME), "--no-store", "--quiet"]
    if code == "CORE105":
        refused(*args, code=code, places=(str(MAINFRAME[1]), f"records of {length} bytes", "csv_field_bytes"))
    else:  # read: every record is shorter than the layout says
        refused(*args, code=code, exit=1, places=("3,000 rows in",))
