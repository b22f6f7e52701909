"""Reading inventory workbooks (システム一覧, 連携一覧, ベンダー) as they really come, into the model.

Every cell that cannot be read becomes a finding at its ``sheet!cell``; a row is kept with what could be
read, or rejected with a finding that says why. Nothing is dropped silently: blank rows are skipped, and
rows that are not systems (notes at the bottom) are reported as skipped notes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from migrator.excel import Formula, SheetData, WorkbookData, cell_ref, find_header, read_workbook
from migrator.inventory.areas import area_name, resolve_area
from migrator.inventory.model import Interface, Inventory, Municipality, System, Vendor
from migrator.inventory.synonyms import REQUIRED, Synonyms, default_synonyms
from migrator.inventory.values import Parsed, parse_count, parse_date, parse_flag, parse_lg_code, text
from migrator.inventory.vendors import vendor_key
from migrator.location import Location
from migrator.report import Finding, make_finding

HEADER_ROWS = 30
"""How many rows from the top are searched for the header row."""

LABELS = {
    "contract_end": "契約満了日", "release_date": "標準準拠版提供予定日", "planned_date": "移行予定日",
    "special_deadline": "特定移行支援期限", "record_count": "データ件数", "special_support": "特定移行支援",
    "capacity": "同時作業上限",
}
_METHODS = {"ファイル": "ファイル", "file": "ファイル", "csv": "ファイル", "ファイル連携": "ファイル",
            "api": "API", "webapi": "API", "api連携": "API", "rest": "API",
            "db": "DB", "db連携": "DB", "データベース": "DB", "データベース連携": "DB"}
_LINK_SPLIT = re.compile(r"[、,，/／\n]+")
_NOTE_MARK = re.compile(r"^[※＊*注]|^(備考|注記|注意|記入例)")


@dataclass
class ImportResult:
    """What was read from one or more workbooks: the model, the findings and row counts."""

    inventory: Inventory
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


@dataclass
class _Builder:
    """Accumulates what several workbooks hold, so duplicates across workbooks are found too."""

    synonyms: Synonyms
    findings: list[Finding] = field(default_factory=list)
    seen: set[Finding] = field(default_factory=set)
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    muni_where: dict[str, str] = field(default_factory=dict)
    systems: dict[tuple[str, str, str], System] = field(default_factory=dict)
    interfaces: dict[tuple[str, str, str, str], tuple[Interface, str]] = field(default_factory=dict)
    vendors: dict[str, Vendor] = field(default_factory=dict)
    vendor_where: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_rejected: int = 0

    def add(self, code: str, location: Location, **kw: Any) -> None:
        finding = make_finding(code, location, **kw)
        if finding not in self.seen:  # a cell read twice (a formula) is reported once
            self.seen.add(finding)
            self.findings.append(finding)

    def canonical_vendor(self, name: str | None, where: str) -> str | None:
        """The first spelling seen of a vendor (ベンダー sheet first), creating the vendor if new."""
        if not name:
            return None
        key = vendor_key(name)
        if not key:
            return None
        if key not in self.vendors:
            self.vendors[key] = Vendor(name=name)
            self.vendor_where[key] = where
        return self.vendors[key].name

    def result(self) -> ImportResult:
        inventory = Inventory(
            municipalities=tuple(sorted(self.municipalities.values(), key=lambda m: m.code)),
            systems=tuple(self.systems.values()),
            interfaces=tuple(i for i, _ in self.interfaces.values()),
            vendors=tuple(self.vendors.values()),
        )
        return ImportResult(inventory=inventory, findings=self.findings, rows_read=self.rows_read,
                            rows_rejected=self.rows_rejected)


def _where(sheet: SheetData, row: int, col: int = 1) -> str:
    """``file sheet!A5``: the row's own first cell (not the origin of a merged range spanning rows)."""
    return f"{Path(sheet.file or '').name} {sheet.name}!{cell_ref(row, col)}"


def _find_sheet(book: WorkbookData, kind: str, synonyms: Synonyms) -> SheetData | None:
    sheet = book.sheet(*synonyms.sheets[kind])
    if sheet is not None:
        return sheet
    if kind != "systems":
        return None
    # A workbook whose only data sheet has another name (Sheet1, 調査票): take it when its header fits.
    for candidate in book.sheets.values():
        if find_header(candidate, synonyms.columns[kind], required=REQUIRED[kind], max_rows=HEADER_ROWS):
            return candidate
    return None


class _Row:
    """One data row of a sheet: values by field, with their cell locations."""

    def __init__(self, builder: _Builder, sheet: SheetData, row: int, columns: dict[str, int]) -> None:
        self.builder, self.sheet, self.row, self.columns = builder, sheet, row, columns

    def loc(self, fieldname: str) -> Location:
        return self.sheet.location(self.row, self.columns.get(fieldname, 1))

    def raw(self, fieldname: str) -> Any:
        col = self.columns.get(fieldname)
        if col is None:
            return None
        value = self.sheet.value(self.row, col)
        if isinstance(value, Formula):
            self.builder.add("INV006", self.loc(fieldname), item=LABELS.get(fieldname, fieldname), value=value.text)
            return None
        return value

    def text(self, fieldname: str) -> str | None:
        return text(self.raw(fieldname))

    def parsed(self, fieldname: str, reader: Callable[[object], Parsed[Any]]) -> Any:
        raw = self.raw(fieldname)
        result = reader(raw)
        if result.problem is None:
            return result.value
        label = LABELS.get(fieldname, fieldname)
        shown = text(raw) if not hasattr(raw, "isoformat") else raw.isoformat()
        code = {"bad_date": "INV030", "era_range": "INV032", "undecided": "INV033", "bad_flag": "INV034",
                "bad_count": "INV035", "month_only": "INV031"}[result.problem]
        # month_only always carries the month-end date it settled on.
        month_end = result.value if result.problem == "month_only" else None
        extra = {"date": month_end.isoformat()} if month_end is not None else {}
        self.builder.add(code, self.loc(fieldname), item=label, value=shown, **result.params, **extra)
        return result.value


def _header(builder: _Builder, sheet: SheetData, kind: str) -> dict[str, int] | None:
    synonyms = builder.synonyms.columns[kind]
    match = find_header(sheet, synonyms, required=REQUIRED[kind], max_rows=HEADER_ROWS)
    if match is None:
        required = "、".join(synonyms[f][0] for f in REQUIRED[kind])
        builder.add("INV002", Location(file=sheet.file, sheet=sheet.name), sheet=sheet.name,
                    rows=HEADER_ROWS, required=required)
        return None
    for col, label in sorted(match.unmatched.items()):
        builder.add("INV003", sheet.location(match.row, col), label=label)
    return {"__first__": match.first_data_row, **match.columns}


def _data_rows(sheet: SheetData, first: int) -> list[int]:
    return [r for r in range(first, sheet.max_row + 1) if not sheet.is_blank_row(r)]


def _is_note(row: _Row, keys: Sequence[str]) -> str | None:
    """The text of a row that is a note, not a record: one filled cell (or a ※/注/備考 text) and no key
    value readable as such — for example the remarks under a table."""
    texts = [str(t) for t in (text(v) for v in row.sheet.rows[row.row - 1]) if t]
    if not texts:
        return None
    marked = bool(_NOTE_MARK.search(texts[0]))
    if len(set(texts)) > 1 and not marked:
        return None
    for key in keys:
        value = row.text(key)
        if value and not _NOTE_MARK.search(value) and value != texts[0]:
            return None
    return " ".join(dict.fromkeys(texts))


def _read_systems(builder: _Builder, sheet: SheetData) -> list[tuple[str, str, str, int]]:
    """Read the システム一覧; return the 連携先 column entries (code, system, target, row) for interfaces."""
    columns = _header(builder, sheet, "systems")
    links: list[tuple[str, str, str, int]] = []
    if columns is None:
        return links
    first = columns.pop("__first__")
    rows = _data_rows(sheet, first)
    if not rows:
        builder.add("INV004", Location(file=sheet.file, sheet=sheet.name), sheet=sheet.name)
    for r in rows:
        row = _Row(builder, sheet, r, columns)
        note = _is_note(row, ("municipality_code", "area", "name"))
        if note is not None:
            builder.add("INV005", sheet.location(r, 1), value=note[:80])
            continue
        builder.rows_read += 1
        system = _read_system(builder, row)
        if system is None:
            builder.rows_rejected += 1
            continue
        if system.key in builder.systems:
            first_src = builder.systems[system.key].source
            builder.add("INV022", row.loc("name"), value=system.name, lg_code=system.municipality_code,
                        area=system.area_code, first=first_src)
            builder.rows_rejected += 1
            continue
        builder.systems[system.key] = system
        for target in _LINK_SPLIT.split(row.text("links") or ""):
            if target.strip():
                links.append((system.municipality_code, system.name, target.strip(), r))
    return links


def _read_municipality(builder: _Builder, row: _Row) -> str | None:
    raw = row.raw("municipality_code")
    parsed = parse_lg_code(raw)
    shown = text(raw)
    if parsed.value is None:
        if parsed.problem == "check_digit":
            builder.add("INV011", row.loc("municipality_code"), value=shown, **parsed.params)
        else:
            builder.add("INV010", row.loc("municipality_code"), value=shown or "")
        return None
    code = parsed.value
    if parsed.problem == "completed":
        builder.add("INV013", row.loc("municipality_code"), value=shown, lg_code=code)
    name = row.text("municipality_name")
    known = builder.municipalities.get(code)
    if known is None:
        if not name:
            builder.add("INV014", row.loc("municipality_name"), lg_code=code)
        builder.municipalities[code] = Municipality(code=code, name=name or "")
        builder.muni_where[code] = _where(row.sheet, row.row)
    elif name and not known.name:
        builder.municipalities[code] = Municipality(code=code, name=name)
    elif name and name != known.name:
        builder.add("INV012", row.loc("municipality_name"), value=name, lg_code=code, first=known.name)
    return code


def _read_system(builder: _Builder, row: _Row) -> System | None:
    code = _read_municipality(builder, row)
    area_raw = row.raw("area")
    area = resolve_area(area_raw)
    if area is None:
        if text(area_raw) is None:
            builder.add("INV021", row.loc("area"))
        else:
            builder.add("INV020", row.loc("area"), value=text(area_raw))
        return None
    if code is None:
        return None
    name = row.text("name")
    if not name:
        name = area_name(area)
        builder.add("INV023", row.loc("name"), value=name)
    where = _where(row.sheet, row.row)
    special_raw = row.raw("special_support")
    special_deadline = row.parsed("special_deadline", parse_date)
    special_as_date = parse_date(special_raw) if special_raw is not None and parse_flag(special_raw).value is None \
        else Parsed(None)
    if special_as_date.value is not None and special_as_date.problem is None:
        # A date in the 特定移行支援 column: flagged, with that date as its deadline.
        special, special_deadline = True, special_deadline or special_as_date.value
    else:
        special = bool(row.parsed("special_support", parse_flag))
    return System(
        municipality_code=code, area_code=area, area_name=area_name(area), name=name,
        current_vendor=builder.canonical_vendor(row.text("current_vendor"), where),
        target_vendor=builder.canonical_vendor(row.text("target_vendor"), where),
        hosting=row.text("hosting"),
        contract_end=row.parsed("contract_end", parse_date),
        release_date=row.parsed("release_date", parse_date),
        planned_date=row.parsed("planned_date", parse_date),
        record_count=row.parsed("record_count", parse_count),
        special_support=special, special_deadline=special_deadline if special else None,
        notes=row.text("notes"), source=where,
    )


def _method(builder: _Builder, row: _Row) -> str:
    written = row.text("method")
    if not written:
        return ""
    folded = re.sub(r"\s", "", unicodedata.normalize("NFKC", written)).casefold()
    method = _METHODS.get(folded)
    if method is None:
        builder.add("INV040", row.loc("method"), value=written)
        return written
    return method


def _add_interface(builder: _Builder, interface: Interface, where: str, loc: Location) -> None:
    key = (interface.municipality_code, interface.source, interface.target, interface.method)
    if key in builder.interfaces:
        builder.add("INV043", loc, value=f"{interface.source} → {interface.target}",
                    first=builder.interfaces[key][1])
        return
    builder.interfaces[key] = (replace(interface, origin=where), where)


def _read_interfaces(builder: _Builder, sheet: SheetData, book_munis: set[str]) -> None:
    columns = _header(builder, sheet, "interfaces")
    if columns is None:
        return
    first = columns.pop("__first__")
    for r in _data_rows(sheet, first):
        row = _Row(builder, sheet, r, columns)
        note = _is_note(row, ("source", "target", "municipality_code"))
        if note is not None:
            builder.add("INV005", sheet.location(r, 1), value=note[:80])
            continue
        builder.rows_read += 1
        source, target = row.text("source"), row.text("target")
        if not source or not target:
            builder.add("INV041", row.loc("source" if not source else "target"))
            builder.rows_rejected += 1
            continue
        code: str | None = None
        if "municipality_code" in columns:
            code = _read_municipality(builder, row)
            if code is None:
                builder.rows_rejected += 1
                continue
        else:
            owners = {s.municipality_code for s in builder.systems.values()
                      if s.municipality_code in book_munis and s.name == source}
            candidates = book_munis if len(book_munis) == 1 else owners
            if len(candidates) != 1:
                builder.add("INV042", row.loc("source"), value=f"{source} → {target}")
                builder.rows_rejected += 1
                continue
            code = next(iter(candidates))
        interface = Interface(municipality_code=code, source=source, target=target, method=_method(builder, row),
                              frequency=row.text("frequency"), notes=row.text("notes"))
        _add_interface(builder, interface, _where(sheet, r), row.loc("source"))


def _read_vendors(builder: _Builder, sheet: SheetData) -> None:
    columns = _header(builder, sheet, "vendors")
    if columns is None:
        return
    first = columns.pop("__first__")
    seen: dict[str, str] = {}
    for r in _data_rows(sheet, first):
        row = _Row(builder, sheet, r, columns)
        name = row.text("name")
        if not name:
            note = _is_note(row, ("name",))
            builder.add("INV005", sheet.location(r, 1), value=(note or "")[:80])
            continue
        builder.rows_read += 1
        key = vendor_key(name)
        where = _where(sheet, r)
        if key in seen:
            builder.add("INV051", row.loc("name"), value=name, first=seen[key])
            builder.rows_rejected += 1
            continue
        seen[key] = where
        capacity_raw = row.raw("capacity")
        capacity = parse_count(capacity_raw).value
        # More than 10,000 parallel tasks is a typing error, and would not fit the store's integer column.
        if capacity_raw is not None and text(capacity_raw) and (capacity is None or not 1 <= capacity <= 10_000):
            builder.add("INV050", row.loc("capacity"), value=text(capacity_raw), vendor=name)
            capacity = None
        builder.vendors[key] = Vendor(name=name, capacity=capacity, notes=row.text("notes"))
        builder.vendor_where[key] = where


def read_inventory(paths: Sequence[Path], *, synonyms: Synonyms | None = None) -> ImportResult:
    """Read inventory workbooks into one :class:`Inventory` with the findings of every cell not read cleanly.

    The ベンダー sheets are read first so that their spelling of a vendor name is the one kept.

    Raises:
        InputError: a file is missing, corrupt, an .xls or a CSV renamed to .xlsx.
    """
    builder = _Builder(synonyms=synonyms or default_synonyms())
    books = [read_workbook(Path(p)) for p in paths]
    for book in books:
        sheet = _find_sheet(book, "vendors", builder.synonyms)
        if sheet is not None:
            _read_vendors(builder, sheet)
    for book in books:
        sheet = _find_sheet(book, "systems", builder.synonyms)
        if sheet is None:
            names = "、".join(book.sheets) or "-"
            builder.add("INV001", Location(file=str(book.path)), sheets=names)
            continue
        before = set(builder.systems)
        links = _read_systems(builder, sheet)
        book_munis = {builder.systems[k].municipality_code for k in set(builder.systems) - before}
        iface_sheet = _find_sheet(book, "interfaces", builder.synonyms)
        listed: set[tuple[str, str, str]] = set()
        if iface_sheet is not None:
            _read_interfaces(builder, iface_sheet, book_munis)
            listed = {(i.municipality_code, i.source, i.target) for i, _ in builder.interfaces.values()}
        for code, source, target, r in links:
            if (code, source, target) in listed:
                continue  # the 連携一覧 describes this pair with its method; the column adds nothing
            interface = Interface(municipality_code=code, source=source, target=target)
            col = 1
            _add_interface(builder, interface, _where(sheet, r, col), sheet.location(r, col))
    return builder.result()
