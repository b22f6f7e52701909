"""Workbooks (mappings, inventories, table definitions, progress): bombs, truncations, wrong formats, limits.

Each is refused before openpyxl unpacks it, with the limit and how to raise it, or named for what it is
(a truncated copy is not "not a workbook", an encrypted one is not "an old .xls").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hostile import builders as b
from tests.hostile.conftest import refused

# command → (arguments with {f} for the workbook, the sound workbook the hostile one is made from)
COMMANDS: dict[str, tuple[list[str], Path]] = {
    "mapping check": (["mapping", "check", "{f}"], b.MAPPING_XLSX),
    "mapping run": (["mapping", "run", "{f}", str(b.EXTRACT_CSV), "--no-store"], b.MAPPING_XLSX),
    "inventory check": (["inventory", "check", "{f}"], b.INVENTORIES[0]),
    "inventory import": (["inventory", "import", "{f}", "--dry-run"], b.INVENTORIES[0]),
    "schema import": (["schema", "import", "{f}", "-o", "out.yaml"], b.MAPPING_XLSX),
    "plan progress": (["plan", "progress", "{f}"], b.MAPPING_XLSX),
}

# kind → (builder(source, folder), code, words in the message, extra root options)
KINDS: dict[str, tuple[Callable[[Path, Path], Path], str, str, list[str]]] = {
    "zip bomb": (lambda src, d: b.zip_bomb(src, d), "CORE106", "times its stored size", []),
    "part over limit": (lambda src, d: b.copy(src, d), "CORE106", "xlsx_part_bytes",
                        ["--limit", "xlsx_part_bytes=2k"]),
    "truncated": (b.truncated, "CORE110", "truncated", []),
    "encrypted": (lambda _src, d: b.encrypted(d), "CORE111", "encrypted", []),
    "old xls": (lambda _src, d: b.old_xls(d), "CORE112", ".xls", []),
    "empty": (lambda _src, d: b.text_file(d, "empty.xlsx", b""), "CORE113", "empty", []),
    "csv renamed": (lambda _src, d: b.text_file(d, "renamed.xlsx", "a,b\n1,2\n"), "CORE113", "save it as .xlsx", []),
    "cell beyond XFD": (lambda src, d: b.edit_sheet(src, d, "beyond.xlsx", rb'<c r="A1"', b'<c r="XFE1"'),
                        "CORE107", "XFE1", []),
    "cell beyond XFD in single quotes": (lambda src, d: b.edit_sheet(src, d, "quoted.xlsx", rb'<c r="A1"',
                                                                     b"<c r='XFE1'"), "CORE107", "XFE1", []),
    "row beyond 1048576": (lambda src, d: b.edit_sheet(src, d, "below.xlsx", rb'<c r="A1"', b'<c r="A1048577"'),
                           "CORE107", "A1048577", []),
    "unsupported compression": (lambda src, d: b.compression_method(src, d), "CORE113", "compression method 99", []),
    "parts over limit": (lambda src, d: b.copy(src, d), "CORE105", "xlsx_parts", ["--limit", "xlsx_parts=5"]),
    # Python's zip reader goes by the directory's size, not by its count: the size is bounded too.
    "zip directory whose count lies": (lambda src, d: b.many_parts(src, d, 300, lie=True), "CORE105",
                                       "a zip directory of", ["--limit", "xlsx_parts=50"]),
    "cells over limit": (lambda src, d: b.copy(src, d), "CORE105", "xlsx_cells", ["--limit", "xlsx_cells=5"]),
    # A sheet is wherever the workbook's relationships put it: one outside xl/worksheets/ is counted all the same.
    "cells over limit, sheet stored elsewhere": (lambda src, d: b.sheet_moved(src, d), "CORE105", "more than 5 cells",
                                                 ["--limit", "xlsx_cells=5"]),
    "rows over limit, sheet stored elsewhere": (lambda src, d: b.sheet_moved(b.many_rows(src, d, 300), d),
                                                "CORE105", "xlsx_rows", ["--limit", "xlsx_rows=100"]),
    "rows over limit": (lambda src, d: b.many_rows(src, d, 300), "CORE105", "xlsx_rows", ["--limit", "xlsx_rows=100"]),
    "file over limit": (lambda src, d: b.copy(src, d), "CORE105", "workbook_bytes",
                        ["--limit", "workbook_bytes=1k"]),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_workbook_is_refused_located(workdir: Path, command: str, kind: str) -> None:
    args, source = COMMANDS[command]
    build, code, words, options = KINDS[kind]
    path = build(source, workdir)
    res = refused(*options, *[str(path) if a == "{f}" else a for a in args], code=code, places=(str(path), words))
    if code in ("CORE105", "CORE106"):  # a limit says how to raise it
        assert "--limit" in res.stderr and "MIGRATOR_LIMIT_" in res.stderr


def test_a_shared_strings_table_larger_than_the_cells_allowed_is_refused_before_it_is_loaded(workdir: Path) -> None:
    # openpyxl holds every shared string in memory before it reads a cell: millions of short ones took gigabytes.
    path = b.shared_strings(b.INVENTORIES[0], workdir, 3000)  # the sheets themselves hold 334 cells
    res = refused("--limit", "xlsx_cells=1000", "inventory", "check", str(path), code="CORE105",
                  places=(str(path), "more than 1000 shared strings in xl/sharedStrings.xml"))
    assert "--limit" in res.stderr and "MIGRATOR_LIMIT_XLSX_CELLS" in res.stderr
    run_cli("--limit", "xlsx_cells=5000", "inventory", "check", str(path), expect=1)  # read, with its findings


def test_a_style_table_or_defined_names_over_their_limit_are_refused_before_loading(workdir: Path) -> None:
    # openpyxl builds an object of every style entry when it opens a book: a million took a gigabyte.
    path = b.many_styles(b.INVENTORIES[0], workdir, 2000)
    res = refused("--limit", "xlsx_entries=1000", "inventory", "check", str(path), code="CORE105",
                  places=(str(path), "xlsx_entries", "more than 1000 formats", "in xl/styles.xml"))
    assert "--limit xlsx_entries=N" in res.stderr and "MIGRATOR_LIMIT_XLSX_ENTRIES" in res.stderr
    run_cli("inventory", "check", str(path), expect=1)  # under the default: read, with its findings
    names = b.many_defined_names(b.INVENTORIES[0], workdir, 2000)  # defined names are built as objects too
    refused("--limit", "xlsx_entries=1000", "inventory", "check", str(names), code="CORE105",
            places=("more than 1000 formats, defined names, properties or column settings", "in xl/workbook.xml"))


def test_merged_ranges_written_over_and_over_are_refused_not_filled_each_time(workdir: Path) -> None:
    # Each range's cells were filled one by one: 200,000 copies of one range (25 KB stored) took 20 s.
    path = b.merged_over_and_over(b.INVENTORIES[0], workdir, 300)
    refused("inventory", "check", str(path), code="CORE113", places=(str(path), "overlap", "A1:C"))
    refused("--limit", "xlsx_cells=1000", "inventory", "check", str(b.merged_over_and_over(b.INVENTORIES[0], workdir, 2000)),
            code="CORE105", places=("more than 1000 merged ranges",))


def test_what_a_sheet_is_not_read_for_is_not_built(workdir: Path) -> None:
    # Data validations, hyperlinks, conditional formats are no data: they were each built as an object (300,000
    # data validations, 150 KB stored, took 500 MB), and one openpyxl could not build made the book unreadable.
    extras = (b'<dataValidations count="1"><dataValidation type="bogus" sqref="A1"/></dataValidations>'
              b'<hyperlinks><hyperlink ref="A1" location="x"/></hyperlinks>')
    path = b.with_sheet_extras(b.INVENTORIES[0], workdir, extras)
    res = run_cli("inventory", "check", str(path), "--format", "json", expect=1)
    sound = run_cli("inventory", "check", str(b.INVENTORIES[0]), "--format", "json", expect=1)
    assert json.loads(res.stdout)["summary"] == json.loads(sound.stdout)["summary"]


def test_limit_raised_by_environment_lets_the_workbook_through(workdir: Path) -> None:
    refused("mapping", "check", str(b.MAPPING_XLSX), code="CORE105", env={"MIGRATOR_LIMIT_XLSX_CELLS": "5"})
    res = run_cli("mapping", "check", str(b.MAPPING_XLSX), "--format", "json", env={"MIGRATOR_LIMIT_XLSX_CELLS": "1m"})
    assert '"valid": true' in res.stdout


@pytest.mark.parametrize("value", ["0", "-3", "lots", "1.5"])
def test_bad_limit_value_is_refused(workdir: Path, value: str) -> None:
    refused("--limit", f"xlsx_cells={value}", "mapping", "check", str(b.MAPPING_XLSX), code="CORE119",
            places=("xlsx_cells", value))


def test_unknown_limit_lists_the_known_ones(workdir: Path) -> None:
    refused("--limit", "cells=9", "mapping", "check", str(b.MAPPING_XLSX), code="CORE118",
            places=("cells", "xlsx_cells", "plan_horizon_years"))


def test_dimension_claiming_a_million_rows_is_read_by_its_cells(workdir: Path) -> None:
    path = b.claims_million_rows(b.MAPPING_XLSX, workdir)
    res = run_cli("mapping", "check", str(path), "--format", "json")
    assert '"valid": true' in res.stdout


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_item_sheet_of_a_mapping_is_said(workdir: Path, state: str) -> None:
    path = b.hide_sheet(b.MAPPING_XLSX, workdir, "項目対応", state)
    res = refused("mapping", "check", str(path), code="MAP013", exit=0, places=(str(path), "項目対応", state))
    assert "warning" in res.stdout
    told = {"hidden": "シートの再表示で表示できます", "veryHidden": "Excel の画面からは再表示できません"}[state]
    ja = refused("--lang", "ja", "mapping", "check", str(path), "--format", "json", code="MAP013", exit=0)
    (message,) = [f["message"] for f in json.loads(ja.stdout)["findings"] if f["code"] == "MAP013"]
    assert message.startswith(f"シート 項目対応 は非表示 ({told}) です") and "hidden" not in message.lower()


def test_a_stray_far_cell_of_an_inventory_is_still_refused_naming_its_sheet(workdir: Path) -> None:
    # Only a mapping workbook leaves a far value out (MAP023): an inventory keeps every value, so it is refused.
    import openpyxl

    wb = openpyxl.load_workbook(b.INVENTORIES[0])
    ws = wb.worksheets[0]
    ws["F1048576"] = "x"
    wb.save(workdir / "inv.xlsx")
    refused("inventory", "check", "inv.xlsx", code="CORE105",
            places=("inv.xlsx", f"the sheet {ws.title} spans 1048576 rows", "down to its cell F1048576"))


def test_column_settings_count_against_the_entries_limit_and_hidden_ones_are_still_seen(workdir: Path) -> None:
    # A sheet's <col> entries are kept (their hidden marks tell which columns a reader does not see), so each
    # is counted like a style entry: a sheet of millions of them would otherwise be held in memory.
    import openpyxl
    from openpyxl.utils import get_column_letter

    from migrator.excel.reader import read_workbook

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", "b", "c"])
    for col in range(1, 1500):
        ws.column_dimensions[get_column_letter(col)].width = 5 + col % 7 + col / 10_000  # no two alike
    ws.column_dimensions["B"].hidden = True
    path = workdir / "cols.xlsx"
    wb.save(path)
    refused("--limit", "xlsx_entries=1000", "mapping", "check", str(path), code="CORE105",
            places=(str(path), "column settings"))
    assert next(iter(read_workbook(path).sheets.values())).hidden_cols == frozenset({2})
