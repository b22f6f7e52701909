"""An unknown municipality is a usage error; check findings point at the full path and the exact cell."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_cli


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名", "契約満了日", "移行予定日"])
    ws.append(["132012", "八王子市", "住記", "住民記録システム", "R8.1.31", "R8.3.2"])
    wb.save(path)
    return path


def test_unknown_municipality_is_a_usage_error(workdir: Path) -> None:
    run_cli("inventory", "import", str(_book(workdir / "a.xlsx")))
    for args in (("check", "-m", "131016"), ("list", "-m", "131016"), ("export", "-o", "x.xlsx", "-m", "131016")):
        result = run_cli("inventory", *args, expect=2)
        assert "131016" in result.stderr and "132012" in result.stderr and "Traceback" not in result.stderr
    assert not (workdir / "x.xlsx").exists()
    assert json.loads(run_cli("inventory", "list", "-m", "132012", "--format", "json").stdout)["systems"]


def test_check_findings_point_at_the_full_path_and_the_cell(workdir: Path) -> None:
    path = _book(workdir / "a.xlsx")
    checked = json.loads(run_cli("inventory", "check", str(path), "--format", "json", expect=1).stdout)
    contract = [f["location"]["text"] for f in checked["findings"] if f["code"] == "INV103"]
    assert contract == [f"{path} システム一覧!E2"]
    run_cli("inventory", "import", str(path))
    stored = json.loads(run_cli("inventory", "check", "--format", "json", expect=1).stdout)
    assert [f["location"]["text"] for f in stored["findings"] if f["code"] == "INV103"] == [f"{path} システム一覧!E2"]


def test_a_municipality_option_is_read_as_the_inventory_reads_a_code(workdir: Path) -> None:
    run_cli("inventory", "import", str(_book(workdir / "a.xlsx")))
    for given in ("１３２０１２", "13201", " 132012 ", "１３２０１"):  # full width, without its check digit, spaced
        listed = json.loads(run_cli("inventory", "list", "-m", given, "--format", "json").stdout)
        assert [m["code"] for m in listed["municipalities"]] == ["132012"] and listed["systems"], given


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "--municipality '132013' is not a 団体コード: the check digit of 13201 is 2, not 3 (is 132012 meant?)."),
    ("ja", "--municipality '132013' は団体コードではありません。13201 の検査数字は 3 ではなく 2 です（132012 ではありませんか）。"),
])
def test_a_municipality_code_with_a_wrong_check_digit_is_a_usage_error(workdir: Path, lang: str,
                                                                        message: str) -> None:
    run_cli("inventory", "import", str(_book(workdir / "a.xlsx")))
    for args in (("list", "-m", "132013"), ("check", "-m", "132013"), ("export", "-o", "x.xlsx", "-m", "132013")):
        result = run_cli("--lang", lang, "inventory", *args, expect=2)
        assert message in result.stderr and "Traceback" not in result.stderr
    bad = run_cli("--lang", lang, "inventory", "list", "-m", "13-20", expect=2)
    assert "--municipality '13-20'" in bad.stderr
    assert ("6 桁" if lang == "ja" else "six digits") in bad.stderr
