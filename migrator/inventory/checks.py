"""Checks of an inventory as a whole: coverage, interfaces, contracts, deadlines, vendor capacity."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from migrator.i18n import join_list
from migrator.inventory.areas import AREAS, AREAS_EN, CORE_AREAS, resolve_area
from migrator.inventory.model import DEFAULT_DEADLINE, Inventory, System, names_system
from migrator.location import Location
from migrator.report import Example, Finding, Report, make_finding

# ``file sheet!A5`` as the importer writes it: the workbook's name ends in its Excel extension, so a space in
# the file's name or in the sheet's does not move the split between them.
_SOURCE = re.compile(r"(?P<file>.*?\.xls[xm]) (?P<sheet>.+)!(?P<cell>\$?[A-Z]{1,3}\$?[0-9]+)", re.IGNORECASE)


def source_location(source: str | None) -> Location:
    """The location of a record's ``source`` (``file sheet!A5``, as the importer writes it)."""
    if not source:
        return Location()
    m = _SOURCE.fullmatch(source)
    if m is not None:
        return Location(file=m["file"], sheet=m["sheet"], cell=m["cell"])
    file, _, cell_ref = source.rpartition(" ")
    if "!" in cell_ref:
        sheet, cell = cell_ref.split("!", 1)
        return Location(file=file or None, sheet=sheet, cell=cell)
    return Location(file=source)


def _label(system: System) -> str:
    return f"{system.municipality_code} {system.area_name}「{system.name}」"


def _coverage(inventory: Inventory) -> list[Finding]:
    findings = []
    for muni in inventory.municipalities:
        present = {s.area_code for s in inventory.systems if s.municipality_code == muni.code}
        missing = [a for a in CORE_AREAS if a not in present]
        if missing:
            findings.append(make_finding(
                "INV101", Location(), item=muni.code, lg_code=muni.code, name=muni.name, n=len(missing),
                areas=join_list((f"{a} {AREAS_EN[a]}" for a in missing), "en"),
                areas_ja=join_list((f"{a} {AREAS[a]}" for a in missing), "ja"),
            ))
    return findings


def _interfaces(inventory: Inventory) -> list[Finding]:
    findings = []
    by_muni: dict[str, list[System]] = defaultdict(list)
    for s in inventory.systems:
        by_muni[s.municipality_code].append(s)
    for iface in inventory.interfaces:
        systems = by_muni.get(iface.municipality_code, [])
        names = {s.name for s in systems}
        areas = {s.area_code for s in systems}
        for side, end in (("source", iface.source), ("target", iface.target)):
            if any(names_system(end, name) for name in names) or resolve_area(end) in areas:
                continue
            findings.append(make_finding("INV102", source_location(iface.cell(side)), item=iface.municipality_code,
                                         value=end,
                                         from_end=iface.source, to_end=iface.target,
                                         lg_code=iface.municipality_code))
    return findings


def _dates(inventory: Inventory) -> list[Finding]:
    findings = []
    for s in inventory.systems:
        loc = source_location(s.cell("planned_date"))
        if s.planned_date is None:
            continue
        if s.contract_end is not None and s.contract_end < s.planned_date:
            findings.append(make_finding("INV103", source_location(s.cell("contract_end")), item=s.name, value=_label(s), system=_label(s),
                                         contract_end=s.contract_end.isoformat(), planned=s.planned_date.isoformat()))
        if s.planned_date > s.deadline:
            kind, kind_ja = ("special support", "特定移行支援") if s.special_support else (
                ("FY2025", "2025年度末") if s.deadline == DEFAULT_DEADLINE else ("", ""))
            findings.append(make_finding("INV104", loc, item=s.name, value=_label(s), system=_label(s),
                                         planned=s.planned_date.isoformat(), deadline=s.deadline.isoformat(),
                                         kind=kind, kind_ja=kind_ja))
        if s.release_date is not None and s.release_date > s.planned_date:
            findings.append(make_finding("INV106", source_location(s.cell("release_date")), item=s.name, value=_label(s), system=_label(s),
                                         release=s.release_date.isoformat(), planned=s.planned_date.isoformat()))
    return findings


def cutover_period(day: dt.date, kind: str) -> dt.date:
    """The first day of the period a cut-over on ``day`` counts in: the day itself, its weekend (the last
    Saturday on or before it: a weekend cut-over runs over the weekend before its first business day), or
    its month. The planner counts cut-over slots by the same periods."""
    if kind == "weekend":
        return day - dt.timedelta(days=(day.weekday() - 5) % 7)
    if kind == "month":
        return day.replace(day=1)
    return day


def _capacity(inventory: Inventory) -> list[Finding]:
    """Planned cut-overs against a vendor's cut-over slots (docs/planning.md#resources): per day the
    本番移行上限 (else 同時作業上限: a cut-over takes one team for its day), per weekend and per month.

    A finding points at the 移行予定日 cell of the first cut-over over the limit and lists every cut-over of the
    period with the cell of its planned date."""
    findings = []
    for kind, code in (("day", "INV105"), ("weekend", "INV110"), ("month", "INV111")):
        periods: dict[tuple[str, dt.date], list[System]] = defaultdict(list)
        for s in inventory.systems:
            vendor_name = s.target_vendor or s.current_vendor
            if vendor_name is not None and s.planned_date is not None:
                periods[(vendor_name, cutover_period(s.planned_date, kind))].append(s)
        for (vendor_name, day), systems in sorted(periods.items()):
            vendor = inventory.vendor(vendor_name)
            if vendor is None:
                continue
            limit = {"day": vendor.cutovers_day or vendor.capacity, "weekend": vendor.cutovers_weekend,
                     "month": vendor.cutovers_month}[kind]
            # one system named twice (two rows) cuts over once
            unique = list({(x.municipality_code, x.name): x for x in
                           sorted(systems, key=lambda x: (x.planned_date, x.municipality_code, x.name))}.values())
            if limit is None or len(unique) <= limit:
                continue
            # each with its file too when the cut-overs come from more than one workbook
            files = len({source_location(x.cell("planned_date")).file for x in unique}) > 1
            shown = [f"{x.municipality_code} {x.name} ({_cell_of(x, 'planned_date', with_file=files)})" for x in
                     sorted(unique, key=lambda x: (x.municipality_code, x.name))]
            findings.append(make_finding(
                code, source_location(unique[limit].cell("planned_date")), item=vendor_name, vendor=vendor_name,
                day=day.isoformat(), n=len(unique), capacity=limit, cutovers=join_list(shown, "en"),
                cutovers_ja=join_list(shown, "ja"),
                examples=tuple(Example(source_location(x.cell("planned_date")), x.planned_date.isoformat())
                               for x in unique if x.planned_date is not None),
            ))
    return findings


def _cell_of(system: System, fieldname: str, *, with_file: bool = False) -> str:
    """``sheet!J5`` of a field (the file is the finding's; ``file sheet!J5`` ``with_file``), or ``-`` when not
    known."""
    loc = source_location(system.cell(fieldname))
    if not loc.sheet:
        return "-"
    return f"{loc.file} {loc.sheet}!{loc.cell}" if with_file and loc.file else f"{loc.sheet}!{loc.cell}"


def check_inventory(inventory: Inventory, *, subject: str | None = None) -> Report:
    """Check an inventory: areas of the 20 with no system (warning), interface ends not in the inventory,
    contracts ending before the planned migration, planned dates after the deadline, releases after the
    planned date, and vendors with more systems cutting over on one day than their 同時作業上限 (teams).
    """
    findings = [*_coverage(inventory), *_interfaces(inventory), *_dates(inventory), *_capacity(inventory)]
    summary = {"municipalities": len(inventory.municipalities), "systems": len(inventory.systems),
               "interfaces": len(inventory.interfaces), "vendors": len(inventory.vendors)}
    return Report.of("inventory check", findings, subject=subject, summary=summary)


