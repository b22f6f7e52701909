"""Where memory is at stake, the refusal (or the read) is measured in a subprocess: peak RSS under 1 GB.

These are the inputs that took gigabytes or never ended: a zip bomb, a workbook of empty styled rows,
a cell address beyond XFD1048576, /dev/zero and a FIFO, 100,000 nested brackets, a billion laughs, a
progress CSV with one huge field. Each is generated small at test time.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile import builders as b
from tests.hostile.conftest import MEMORY_BOUND_MB, measured


def _laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\nformat: *a9\n"


# case → (builder(folder) → argument list, expected exit code, code in the output)
CASES: dict[str, tuple[Callable[[Path], list[str]], int, str]] = {
    "zip bomb mapping": (lambda d: ["mapping", "check", str(b.zip_bomb(b.MAPPING_XLSX, d, megabytes=40))],
                         2, "CORE106"),
    "zip bomb inventory": (lambda d: ["inventory", "check", str(b.zip_bomb(b.INVENTORIES[0], d, megabytes=40))],
                           2, "CORE106"),
    "250,000 empty styled rows": (lambda d: ["mapping", "check", str(b.many_rows(b.MAPPING_XLSX, d, 250_000))],
                                  2, "CORE105"),
    "dimension claims a million rows": (lambda d: ["mapping", "check", str(b.claims_million_rows(b.MAPPING_XLSX, d))],
                                        0, "summary"),
    "cell beyond XFD1048576": (lambda d: ["inventory", "check", str(b.edit_sheet(
        b.INVENTORIES[0], d, "beyond.xlsx", rb'<c r="A1"', b'<c r="ZZZZ99999999"'))], 2, "CORE107"),
    "/dev/zero as a schema": (lambda _d: ["schema", "check", "/dev/zero"], 2, "CORE101"),
    "FIFO as a schema": (lambda d: ["schema", "check", str(b.fifo(d))], 2, "CORE101"),
    "100,000 nested [": (lambda d: ["schema", "check", str(b.text_file(d, "deep.yaml", "[" * 100_000))],
                         2, "CORE108"),
    "billion laughs": (lambda d: ["schema", "check", str(b.text_file(d, "laughs.yaml", _laughs()))], 2, "CORE108"),
    "progress field of 50 MB": (lambda d: ["plan", "progress", str(b.text_file(
        d, "progress.csv", "タスクID,状況\n\"" + "x" * (50 << 20) + "\n"))], 2, "CORE109"),
}


@pytest.mark.parametrize("case", CASES)
def test_peak_memory_stays_bounded(tmp_path: Path, case: str) -> None:
    build, exit_code, code = CASES[case]
    args = build(tmp_path)
    result = measured(*args, cwd=tmp_path)
    assert result.exit_code == exit_code, result.stderr
    assert code in result.stdout + result.stderr
    assert "Internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.peak_mb < MEMORY_BOUND_MB, f"{case}: peak {result.peak_mb:.0f} MB"
    if exit_code == 2:
        assert any(str(a) in result.stderr for a in args if os.sep in a), result.stderr
