"""Terminal tables fit the terminal: long cells wrap in their column, Japanese counts two columns, nothing is cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.report.text import display_width, render_text, table, wrap
from tests.conftest import DATA, run_cli

CHAIN = "住民記録 要件定義 → 住民記録 移行設計 → 住民記録 データ移行リハーサル → 本番切替 " * 4


def test_wrap_breaks_at_spaces_and_inside_long_japanese_words() -> None:
    assert wrap("abc def ghi", 7) == ["abc def", "ghi"]
    assert wrap("住民基本台帳システム", 8) == ["住民基本", "台帳シス", "テム"]
    assert wrap("short", 10) == ["short"]
    assert "".join(wrap(CHAIN.replace(" ", ""), 13)) == CHAIN.replace(" ", "")  # nothing lost


@pytest.mark.parametrize("width", [60, 80, 100, 132])
def test_a_table_fits_its_width_and_keeps_every_character(width: int) -> None:
    rows = [["PLN002", "error", "計画!A1", CHAIN], ["INV010", "warning", "システム一覧!C7", "short"]]
    out = table(["code", "severity", "location", "message"], rows, width=width)
    assert max(display_width(line) for line in out.splitlines()) <= width
    assert "".join(out.split()).count("本番切替") == 4
    assert out.splitlines()[0].split() == ["code", "severity", "location", "message"]


def test_a_narrow_table_is_left_as_it_is() -> None:
    out = table(["a", "b"], [["1", "2"]], width=100)
    assert out.splitlines() == ["a  b", "-  -", "1  2"]


@pytest.mark.parametrize("command", [
    ["inventory", "check"],
    ["plan", "build", "--start", "2025-04-01"],
    ["validate", str(DATA / "mappings" / "juki_mainframe_jumin.xlsx"),
     str(DATA / "sample_data" / "extracts" / "juki_mainframe.dat"), "--out", "run"],
])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_line_of_the_main_commands_exceeds_a_100_column_terminal(workdir: Path, command: list[str],
                                                                     lang: str) -> None:
    samples = sorted(str(p) for p in (DATA / "sample_data" / "inventory").glob("*.xlsx"))
    run_cli("inventory", "import", "--partial", *samples, expect=None)
    result = run_cli("--lang", lang, *command, expect=None, env={"COLUMNS": "100"})
    assert result.exit_code in (0, 1), result.stderr
    too_long = [line for line in result.stdout.splitlines() if display_width(line) > 100]
    assert too_long == []


def test_a_capped_report_prints_errors_first_counts_the_rest_and_keeps_the_full_summary() -> None:
    from migrator.location import Location
    from migrator.report import Report, make_finding
    from migrator.report.text import render_text

    late = [make_finding("PLN002", Location(file=f"s{i}"), item=f"s{i}", task=f"t{i}", task_ja=f"t{i}", finish="2026-04-01",
                         deadline="2026-03-31", days=i, chain="-", chain_ja="-") for i in range(1, 8)]
    cycle = make_finding("PLN051", Location(), start="2025-04-01", years=10, task="", task_ja="",
                         how="--limit plan_horizon_years=N")
    report = Report.of("plan x", [*late, cycle])
    text = render_text(report, "en", limit=3)
    assert text.count("PLN002") == 2 and "PLN051" in text  # the error is never the one left out
    assert "… 5 more findings not shown (--format json lists them all)" in text
    assert text.rstrip().splitlines()[-1] == "summary: error 1, warning 7, info 0"
    ja = render_text(report, "ja", limit=3)
    assert "ほか 5 件の指摘は表示していません" in ja and "more findings" not in ja
    assert "more findings" not in render_text(report, "en", limit=8)


def test_control_characters_read_from_an_input_do_not_reach_the_terminal() -> None:
    """A value or message holding ESC, BEL or a carriage return (an extract's bytes) is printed with them as
    symbols: the terminal shows them and is not driven by them."""
    from migrator.location import Location
    from migrator.report import Report, make_finding

    f = make_finding("DAT112", Location(file="x.csv", line=2, column="続柄表記"), item="続柄表記",
                     value="世帯主\x1b[31mX\x07\r")
    text = render_text(Report.of("mapping run", [f], subject="x\x1b]0;title\x07.csv"), "en")
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "␛[31mX" in text
