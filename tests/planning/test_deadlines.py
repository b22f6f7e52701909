"""A deadline before the plan's start is a finding of its own (PLN011): located where the deadline comes from,
naming both dates and where each comes from; the late cut-overs it causes stay PLN002."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import openpyxl

from migrator.inventory.model import Inventory
from migrator.location import Location
from migrator.planning import build_plan
from migrator.planning.build import TaskProgress
from migrator.report import Finding
from tests.conftest import run_cli
from tests.planning.inventories import sample_inventory

START = dt.date(2025, 4, 1)


def _placed(special: dict[int, dict[str, object]]) -> Inventory:
    """The sample inventory of one municipality, each system read from row n + 5 of a workbook; ``special``
    makes system n special-support (with or without its 特定移行支援期限)."""
    inv = sample_inventory(municipalities=1, special=())
    cells = {"planned_date": "J", "special_support": "M", "special_deadline": "N"}
    systems = tuple(
        dataclasses.replace(s, source=f"/in/a.xlsx システム一覧!A{n + 5}", cells={k: f"{c}{n + 5}" for k, c in cells.items()},
                            **special.get(n, {"special_support": False, "special_deadline": None}))
        for n, s in enumerate(inv.systems))
    return Inventory(municipalities=inv.municipalities, systems=systems, interfaces=inv.interfaces, vendors=inv.vendors)


def _codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_a_special_deadline_before_the_start_is_named_at_its_cell() -> None:
    inventory = _placed({1: {"special_support": True, "special_deadline": dt.date(2025, 3, 31)},
                         2: {"special_support": True, "special_deadline": dt.date(2030, 3, 31)}})
    report = build_plan(inventory, start=START).report
    (early,) = _codes(report.findings, "PLN011")
    name = f"{inventory.systems[1].municipality_code} {inventory.systems[1].name}"
    assert early.location == Location(file="/in/a.xlsx", sheet="システム一覧", cell="N6")
    assert early.item == name and early.severity == "warning"
    assert early.message_en == (f"The deadline 2025-03-31 of {name} (its 特定移行支援期限) is before the plan's start "
                                "2025-04-01 (--start): no plan can meet it, so the cut-over is reported late (PLN002). "
                                "Check the deadline or the start")
    assert early.message_ja.startswith(f"{name} の期限 2025-03-31（特定移行支援期限）が計画開始日 2025-04-01（--start の指定）より前です")
    # the symptom is still reported as before, at the same cell
    late = [f for f in _codes(report.findings, "PLN002") if f.item == inventory.systems[1].name]
    assert len(late) == 1 and late[0].location == early.location


def test_a_special_support_flag_without_a_date_is_named_at_the_flag() -> None:
    inventory = _placed({4: {"special_support": True, "special_deadline": None}})
    start = dt.date(2031, 4, 1)  # after the default deadline of special support, 2031-03-31
    found = _codes(build_plan(inventory, start=start).report.findings, "PLN011")
    special = [f for f in found if f.location.cell == "M9"]
    assert len(special) == 1 and "the default deadline of special support" in special[0].message_en
    assert "2031-03-31" in special[0].message_en and "特定移行支援の既定の期限" in special[0].message_ja


def test_a_deadline_option_before_the_start_is_one_finding_for_the_systems_it_holds() -> None:
    inventory = _placed({0: {"special_support": True, "special_deadline": dt.date(2030, 3, 31)}})
    done = {f"{s.municipality_code}/{s.area_code}/{s.name}/cutover": TaskProgress("完了", dt.date(2025, 3, 1),
                                                                                  dt.date(2025, 3, 2))
            for s in inventory.systems[1:3]}
    report = build_plan(inventory, start=START, deadline=dt.date(2025, 3, 1), progress=done).report
    (early,) = _codes(report.findings, "PLN011")
    held = len(inventory.systems) - 3  # not the special-support one, not the two already cut over
    assert early.location.is_empty() and early.item is None
    assert f"The deadline 2025-03-01 of {held} systems (" in early.message_en
    assert "(--deadline) is before the plan's start 2025-04-01 (--start)" in early.message_en
    assert f"{held} システム（" in early.message_ja and "（--deadline の指定）" in early.message_ja
    assert len(_codes(report.findings, "PLN002")) >= held


def test_the_default_deadline_before_the_start_says_how_to_set_another() -> None:
    report = build_plan(_placed({}), start=dt.date(2026, 4, 1)).report
    (early,) = _codes(report.findings, "PLN011")
    assert "2026-03-31" in early.message_en and "the default deadline, the end of FY2025; --deadline sets another" \
        in early.message_en
    assert "既定の期限、2025年度末。--deadline で変更できます" in early.message_ja


def test_a_deadline_on_or_after_the_start_is_no_finding() -> None:
    inventory = _placed({1: {"special_support": True, "special_deadline": START}})
    for deadline in (START, START + dt.timedelta(days=1)):
        report = build_plan(inventory, start=START, deadline=deadline).report
        assert not _codes(report.findings, "PLN011")


def test_the_cli_names_the_option_and_today(workdir: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名", "特定移行支援", "特定移行支援期限"])
    ws.append(["132012", "八王子市", "住記", "住民記録システム", "×", None])
    ws.append(["132012", "八王子市", "国保", "国保システム", "○", "2000-03-31"])
    wb.save(workdir / "inv.xlsx")
    run_cli("inventory", "import", "inv.xlsx")
    built = json.loads(run_cli("plan", "build", "--deadline", "2000-01-31", "--format", "json").stdout)
    early = {f["location"]["text"]: f["message"] for f in built["findings"] if f["code"] == "PLN011"}
    assert set(early) == {"", "inv.xlsx システム一覧!F3"}, early
    assert "The deadline 2000-01-31 of 132012 住民記録システム (--deadline)" in early[""]
    assert "(today; --start sets another)" in early[""]
    assert "The deadline 2000-03-31 of 132012 国保システム (its 特定移行支援期限)" in early["inv.xlsx システム一覧!F3"]
    ja = run_cli("--lang", "ja", "plan", "build", "--start", "2001-04-02", "--deadline", "2000-01-31").stdout
    assert "計画開始日 2001-04-02（--start の指定）より前です" in ja and "PLN011" in ja


def test_a_deadline_of_many_systems_says_their_cut_overs_are_late_and_of_one_its_cut_over() -> None:
    inventory = _placed({0: {"special_support": True, "special_deadline": dt.date(2025, 3, 31)}})
    found = _codes(build_plan(inventory, start=START, deadline=dt.date(2025, 3, 1)).report.findings, "PLN011")
    (many,) = [f for f in found if f.item is None]
    (one,) = [f for f in found if f.item is not None]
    assert "no plan can meet it, so their cut-overs are reported late (PLN002)" in many.message_en
    assert "no plan can meet it, so the cut-over is reported late (PLN002)" in one.message_en
    assert "どう計画しても間に合わないため、それぞれの切替は期限超過 (PLN002) になります" in many.message_ja
    assert "どう計画しても間に合わないため、切替は期限超過 (PLN002) になります" in one.message_ja
