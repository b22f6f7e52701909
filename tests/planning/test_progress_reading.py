"""Progress files: impossible actual dates are findings, and CSV findings name the physical line."""

from __future__ import annotations

from pathlib import Path

from migrator.planning.progress import read_progress


def _codes_lines(findings) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    return [(f.code, f.location.line) for f in findings]


def test_finish_before_start_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("タスクID,状況,実績開始日,実績終了日\n"
                    "a/001/x/cutover,完了,2025-05-10,2025-04-25\n"
                    "a/001/x/spec,完了,2025-04-01,2025-04-25\n", encoding="utf-8")
    progress, findings = read_progress(path)
    assert list(progress) == ["a/001/x/spec"]
    assert _codes_lines(findings) == [("PLN007", 2)]
    assert "before actual start" in findings[0].message_en


def test_csv_line_numbers_count_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('タスクID,状況,備考\n'
                    'a/001/x/spec,完了予定,"二行の\n備考"\n'
                    'a/001/x/cutover,不明,\n', encoding="utf-8")
    _progress, findings = read_progress(path)
    assert _codes_lines(findings) == [("PLN007", 2), ("PLN007", 4)]


def test_actual_dates_read_as_the_inventory_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("タスクID,状況,実績開始日,実績終了日\n"
                    "a/001/x/spec,完了,R7.12.22,令和8年1月9日\n"
                    "a/001/x/code,完了,２０２６／１／１３,2026-01-20\n"
                    "a/001/x/test,完了,令和8年1月,2026-01-30\n", encoding="utf-8")
    progress, findings = read_progress(path)
    assert list(progress) == ["a/001/x/spec", "a/001/x/code"]
    assert _codes_lines(findings) == [("PLN007", 4)]  # a month without its day is no actual date
    assert "令和8年1月" in findings[0].message_en
