"""Planning configuration (calendars, templates, edges, progress) and plan dates: every value checked, located.

Impossible days (02-30, 04-31) are refused, capacities and durations are bounded, and a calendar that
leaves no allowed day ends the search with PLN051 instead of looping forever.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.hostile import builders as b
from tests.hostile.conftest import refused

CALENDAR = """year_end: {{from: "12-29", to: "01-03"}}
fiscal_year_start: "04-01"
freeze_windows:
  - {{name: 転入転出期, areas: ["001"], from: "03-20", to: "04-15"}}
default_vendor_capacity: 3
"""

# case → (edit of the calendar as replacements, the key the message must name)
CALENDAR_CASES: dict[str, tuple[tuple[str, str], str]] = {
    "freeze from 02-30": (('from: "03-20"', 'from: "02-30"'), "freeze_windows[0].from"),
    "freeze to 04-31": (('to: "04-15"', 'to: "04-31"'), "freeze_windows[0].to"),
    "freeze to 13-01": (('to: "04-15"', 'to: "13-01"'), "freeze_windows[0].to"),
    "freeze from text": (('from: "03-20"', 'from: "spring"'), "freeze_windows[0].from"),
    "fiscal year 04-31": (('fiscal_year_start: "04-01"', 'fiscal_year_start: "04-31"'), "fiscal_year_start"),
    "fiscal year 00-01": (('fiscal_year_start: "04-01"', 'fiscal_year_start: "00-01"'), "fiscal_year_start"),
    "year end to 12-32": (('to: "01-03"', 'to: "12-32"'), "year_end.to"),
    "capacity 0": (("default_vendor_capacity: 3", "default_vendor_capacity: 0"), "default_vendor_capacity"),
    "capacity negative": (("default_vendor_capacity: 3", "default_vendor_capacity: -2"), "default_vendor_capacity"),
    "capacity text": (("default_vendor_capacity: 3", "default_vendor_capacity: many"), "default_vendor_capacity"),
    "capacity too large": (("default_vendor_capacity: 3", "default_vendor_capacity: 100000000000000000000"),
                           "default_vendor_capacity"),
    "capacity boolean": (("default_vendor_capacity: 3", "default_vendor_capacity: true"), "default_vendor_capacity"),
    "year end without to": (('year_end: {from: "12-29", to: "01-03"}', 'year_end: {from: "12-29"}'), "year_end"),
}


@pytest.mark.parametrize("case", CALENDAR_CASES)
def test_calendar_value_is_checked_with_file_and_key(workdir: Path, case: str) -> None:
    (old, new), key = CALENDAR_CASES[case]
    text = CALENDAR.format()
    assert old in text
    path = b.text_file(workdir, "calendar.yaml", text.replace(old, new))
    refused("plan", "build", "--calendar", str(path), code="PLN050", places=(str(path), key))


def test_calendar_that_is_a_list_is_refused(workdir: Path) -> None:
    path = b.text_file(workdir, "calendar.yaml", "- 12-29\n- 01-03\n")
    refused("plan", "build", "--calendar", str(path), code="PLN050", places=(str(path), "calendar"))


TEMPLATE = """name: t
phases:
  - {id: design, name: 設計, days: 10}
  - {id: cutover, name: 本番移行, days: 1, kind: cutover, window: weekend}
"""

TEMPLATE_CASES: dict[str, tuple[tuple[str, str], str]] = {
    "days 100,000,000": (("days: 10", "days: 100000000"), "phases[0].days"),
    "days negative": (("days: 10", "days: -1"), "phases[0].days"),
    "days as text": (("days: 10", "days: ten"), "phases[0].days"),
    "days fractional": (("days: 10", "days: 2.5"), "phases[0].days"),
    "size class factor text": (("name: t\n", "name: t\nsize_classes: [{name: S, factor: big}]\n"),
                               "size_classes[0].factor"),
    "size class factor zero": (("name: t\n", "name: t\nsize_classes: [{name: S, factor: 0}]\n"),
                               "size_classes[0].factor"),
    "size classes not a list": (("name: t\n", "name: t\nsize_classes: S\n"), "size_classes"),
    "phases missing": (("phases:", "steps:"), "phases"),
}


@pytest.mark.parametrize("case", TEMPLATE_CASES)
def test_template_value_is_checked_with_file_and_key(workdir: Path, case: str) -> None:
    (old, new), key = TEMPLATE_CASES[case]
    assert old in TEMPLATE
    path = b.text_file(workdir, "template.yaml", TEMPLATE.replace(old, new, 1))
    refused("plan", "build", "--template", str(path), code="PLN050", places=(str(path), key))


@pytest.mark.parametrize(("name", "text", "code", "place"), [
    ("list", "- {from: a, to: b}\n", "PLN050", "edges"),
    ("scalar", "edges: a->b\n", "PLN050", "edges"),
    ("entry without to", "edges:\n  - {from: a}\n", "PLN050", "edges[0]"),
    ("entry a string", "edges:\n  - a\n", "PLN050", "edges[0]"),
    ("syntax error", "edges: [\n", "CORE115", "YAML"),
])
def test_edges_file_is_checked_with_file_and_key(workdir: Path, name: str, text: str, code: str, place: str) -> None:
    path = b.text_file(workdir, "edges.yaml", text)
    refused("plan", "build", "--edges", str(path), code=code, places=(str(path), place))


def test_edges_file_in_shift_jis_is_named(workdir: Path) -> None:
    path = b.text_file(workdir, "edges.yaml", "edges:\n  - {from: 住記, to: 税}\n".encode("cp932"))
    refused("plan", "build", "--edges", str(path), code="CORE114", places=(f"{path}:2", "Shift_JIS"))


@pytest.mark.parametrize(("year_end", "freeze"), [
    ('{from: "01-01", to: "12-31"}', "[]"),
    ('{from: "12-29", to: "01-03"}', '[{name: 通年, areas: ["001", "002", "004", "010", "012", "024", "031", "032"], '
                                     'from: "01-01", to: "12-31"}]'),
])
def test_calendar_without_an_allowed_day_ends_with_a_finding(imported: Path, year_end: str, freeze: str) -> None:
    path = b.text_file(imported, "calendar.yaml", f"year_end: {year_end}\nfreeze_windows: {freeze}\n")
    refused("plan", "build", "--start", "2025-04-01", "--calendar", str(path), code="PLN051",
            places=("2025-04-01", "plan_horizon_years"))


def test_horizon_can_be_lowered_and_is_named(imported: Path) -> None:
    path = b.text_file(imported, "calendar.yaml", 'freeze_windows: [{name: 長期, areas: ["001"], '
                                                  'from: "01-01", to: "12-31"}]\n')
    res = refused("--limit", "plan_horizon_years=2", "plan", "build", "--start", "2025-04-01", "--calendar",
                  str(path), code="PLN051", places=("2 years",))
    assert "MIGRATOR_LIMIT_PLAN_HORIZON_YEARS" in res.stderr


@pytest.mark.parametrize("start", ["9999-12-30", "9999-01-01", "9990-06-01"])
def test_start_at_the_end_of_the_calendar_is_refused(imported: Path, start: str) -> None:
    refused("plan", "build", "--start", start, code="PLN05", places=(start,))


def test_progress_csv_with_a_huge_field_is_refused_at_its_line(imported: Path) -> None:
    field = "x" * (2 << 20)
    path = b.text_file(imported, "progress.csv", f"タスクID,状況\n13201/001/住記/design,完了\n\"{field}\n")
    refused("plan", "progress", str(path), code="CORE109", places=(f"{path}:3", "csv_field_bytes"))


def test_progress_csv_field_limit_can_be_raised(imported: Path) -> None:
    path = b.text_file(imported, "progress.csv", "タスクID,状況\n" + "a" * 5000 + ",完了\n")
    refused("--limit", "csv_field_bytes=1k", "plan", "progress", str(path), code="CORE109")
    res = refused("plan", "progress", str(path), code="PLN", exit=1)  # read: the unknown task is a finding
    assert "CORE109" not in res.stdout + res.stderr


@pytest.mark.parametrize("value", ["ベンダーA=100000000000000000000", "ベンダーA=0", "ベンダーA=many", "=3"])
def test_capacity_option_is_bounded(workdir: Path, value: str) -> None:
    refused("plan", "build", "--capacity", value, code="--capacity", places=(value, "1 to 10000"))


def test_the_horizon_error_names_the_task_that_cannot_fit(imported: Path) -> None:
    template = (REPO / "migrator" / "planning" / "templates.yaml").read_text(encoding="utf-8").replace(
        "owner: municipality, days: 20, checkpoint: true}", "owner: municipality, days: 1000, checkpoint: true}")
    assert "days: 1000" in template
    path = b.text_file(imported, "tpl.yaml", template)
    res = refused("--limit", "plan_horizon_years=2", "plan", "build", "--start", "2025-04-01", "--template", str(path),
                  code="PLN051", places=("2 years",))
    assert "(task 132012/001/住民記録システム/parallel_run is the first to end past it" in res.stderr
    freeze = b.text_file(imported, "calendar.yaml", 'freeze_windows: [{name: 長期, areas: ["001"], '
                                                    'from: "01-01", to: "12-31"}]\n')
    res = refused("--lang", "ja", "--limit", "plan_horizon_years=2", "plan", "build", "--start", "2025-04-01",
                  "--calendar", str(freeze), code="PLN051", places=("2 年",))
    assert "本番移行 132012/001/住民記録システム/cutover を置ける日が期間内にありません" in res.stderr
    assert " or " not in res.stderr and "年末年始" in res.stderr
