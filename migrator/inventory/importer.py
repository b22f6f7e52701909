"""Reading inventory workbooks (システム一覧, 連携一覧, ベンダー) as they really come, into the model.

Every visible sheet is given a kind (system list, interface list, vendor list) by its header, whatever its
name; sheets of no kind and hidden sheets are reported. Every field of every row is read, and each cell
that cannot be read becomes a finding at its own ``sheet!cell``; a row is kept with what could be read, or
rejected, and a rejected row creates nothing (no municipality, no vendor). Nothing is dropped silently:
blank rows are skipped, and rows that are not systems (notes at the bottom) are reported as skipped notes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from migrator.excel import (
    Formula,
    SheetData,
    WorkbookData,
    cell_ref,
    column_letter,
    find_label_value,
    read_workbook,
)
from migrator.i18n import join_list, sheet_state_ja, shorten
from migrator.inventory.areas import area_name, resolve_area
from migrator.inventory.headers import (
    Header,
    Lookup,
    best_guess,
    find_header,
    fold_label,
    heading,
    stem_label,
)
from migrator.inventory.model import (
    MAX_LENGTHS,
    Interface,
    Inventory,
    Municipality,
    System,
    Vendor,
    fold_name,
    names_system,
)
from migrator.inventory.synonyms import KINDS, REQUIRED, Synonyms, default_synonyms
from migrator.inventory.values import Parsed, parse_count, parse_date, parse_flag, parse_lg_code, text
from migrator.inventory.vendors import vendor_key
from migrator.location import Location
from migrator.report import Finding, make_finding

EARLIEST_DATE = dt.date(2000, 1, 1)
"""Dates of an inventory before this are warned of (INV036): contracts, releases and migrations of the standard
systems all lie in this century; 1900 is what Excel shows for an empty date cell."""

HEADER_ROWS = 30
"""How many rows from the top are searched for the header row."""

MIN_COLUMNS = {"systems": 2, "interfaces": 2, "vendors": 2}
"""How many recognised columns make a header (the required ones included) on a sheet not named as its kind."""

LABELS = {
    "contract_end": "契約満了日", "release_date": "標準準拠版提供予定日", "planned_date": "移行予定日",
    "special_deadline": "特定移行支援期限", "record_count": "データ件数", "special_support": "特定移行支援",
    "capacity": "同時作業上限", "projects": "同時移行プロジェクト数", "cutovers_day": "本番移行上限",
    "cutovers_weekend": "週末本番移行上限", "cutovers_month": "月間本番移行上限", "staff": "情報担当職員数",
}
LABELS_EN = {
    "contract_end": "contract end", "release_date": "release date", "planned_date": "planned date",
    "special_deadline": "special deadline", "record_count": "record count", "special_support": "special support",
    "capacity": "teams", "projects": "project slots", "cutovers_day": "cut-overs per day",
    "cutovers_weekend": "cut-overs per weekend", "cutovers_month": "cut-overs per month", "staff": "IT staff",
}
_METHODS = {"ファイル": "ファイル", "file": "ファイル", "csv": "ファイル", "ファイル連携": "ファイル",
            "api": "API", "webapi": "API", "api連携": "API", "rest": "API",
            "db": "DB", "db連携": "DB", "データベース": "DB", "データベース連携": "DB"}
_LINK_SPLIT = re.compile(r"[、,，/／\n]+")
_NOTE_MARK = re.compile(r"^[※＊*注]|^(備考|注記|注意|記入例)")
_VENDOR_LIMITS = ("capacity", "projects", "cutovers_day", "cutovers_weekend", "cutovers_month")
_TOTAL = re.compile(r"^(合計|総計|小計|計|総数|件数計|total|sum|subtotal)[:：]?$", re.IGNORECASE)


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
    interfaces: dict[tuple[str, str, str], tuple[Interface, str]] = field(default_factory=dict)
    vendors: dict[str, Vendor] = field(default_factory=dict)
    vendor_where: dict[str, str] = field(default_factory=dict)
    vendor_listed: set[str] = field(default_factory=set)
    """The vendors read from a vendor list (not only named in a system list)."""
    rows_read: int = 0
    rows_rejected: int = 0
    lookups: dict[str, Lookup] = field(init=False)
    every_label: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lookups = {kind: Lookup(self.synonyms.columns[kind]) for kind in KINDS}
        self.every_label = frozenset(label for kind in KINDS for labels in self.synonyms.columns[kind].values()
                                     for label in labels)

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
    """``file sheet!A5`` with the file's full path: the row's own first cell (not a merged range's origin)."""
    return f"{sheet.file or ''} {sheet.name}!{cell_ref(row, col)}"


def _own(sheet: SheetData, row: int, col: int) -> Location:
    """The cell of this row itself, so that rows under one merged block each get their finding."""
    return Location(file=sheet.file, sheet=sheet.name, cell=cell_ref(row, col))


@dataclass
class _SheetPlan:
    """The sheets of one workbook by kind, each with its header."""

    book: WorkbookData
    sheets: dict[str, list[tuple[SheetData, Header]]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS})
    unrecognised: list[SheetData] = field(default_factory=list)
    """Sheets of no kind: reported unless a system list took its 団体コード from them (a cover sheet)."""
    used: set[str] = field(default_factory=set)


def _report_unrecognised(builder: _Builder, plan: _SheetPlan) -> None:
    for sheet in plan.unrecognised:
        if sheet.name in plan.used:
            continue
        guess = best_guess(sheet, builder.lookups, max_rows=HEADER_ROWS)
        row, labels = guess if guess is not None else (1, [])
        builder.add("INV015", sheet.location(row, 1), sheet=sheet.name, row=row,
                    labels=shorten(join_list(labels, "en"), 120) or "-",
                    labels_ja=shorten(join_list(labels, "ja"), 120) or "-")


def _sheet_kind(name: str, synonyms: Synonyms) -> str | None:
    folded = fold_label(name)
    for kind in KINDS:
        names = {fold_label(n) for n in synonyms.sheets[kind]}
        if folded in names or stem_label(folded) in {stem_label(n) for n in names}:
            return kind
    return None


def _classify(builder: _Builder, book: WorkbookData) -> _SheetPlan:
    """Give every sheet a kind by its header (its name breaks ties); report the sheets that are not read."""
    plan = _SheetPlan(book=book)
    for sheet in book.sheets.values():
        if sheet.state != "visible":
            builder.add("INV016", Location(file=sheet.file, sheet=sheet.name), sheet=sheet.name, state=sheet.state,
                        state_ja=sheet_state_ja(sheet.state))
            continue
        named = _sheet_kind(sheet.name, builder.synonyms)
        found: dict[str, Header] = {}
        for kind in KINDS:
            header = find_header(sheet, builder.lookups[kind], required=REQUIRED[kind], max_rows=HEADER_ROWS)
            if header is not None and len(header.columns) >= (1 if named == kind else MIN_COLUMNS[kind]):
                found[kind] = header
        if named in found:
            kind = named
        elif found:
            kind = max(found, key=lambda k: (len(found[k].columns), -KINDS.index(k)))
        else:
            if named is not None:  # named like an inventory sheet, but its header is not there
                required = [builder.synonyms.columns[named][f][0] for f in REQUIRED[named]]
                builder.add("INV002", Location(file=sheet.file, sheet=sheet.name), sheet=sheet.name,
                            rows=HEADER_ROWS, required=join_list(required, "en"),
                            required_ja=join_list(required, "ja"))
            elif any(not sheet.is_blank_row(r) for r in range(1, sheet.max_row + 1)):
                plan.unrecognised.append(sheet)
            continue
        plan.sheets[kind].append((sheet, found[kind]))
    return plan


class _Row:
    """One data row of a sheet: values by field, with their cell locations."""

    def __init__(self, builder: _Builder, sheet: SheetData, row: int, columns: dict[str, int],
                 fixed: dict[str, tuple[Any, Location]] | None = None) -> None:
        self.builder, self.sheet, self.row, self.columns = builder, sheet, row, columns
        self.fixed = fixed or {}
        """Fields given once for the whole sheet (団体コード in the title block), with their cell."""
        self.too_long: set[str] = set()

    def loc(self, fieldname: str) -> Location:
        if fieldname not in self.columns and fieldname in self.fixed:
            return self.fixed[fieldname][1]
        return _own(self.sheet, self.row, self.columns.get(fieldname, 1))

    def add(self, code: str, fieldname: str, **kw: Any) -> None:
        self.builder.add(code, self.loc(fieldname), **kw)

    def raw(self, fieldname: str) -> Any:
        col = self.columns.get(fieldname)
        if col is None:
            return self.fixed[fieldname][0] if fieldname in self.fixed else None
        value = self.sheet.value(self.row, col)
        if isinstance(value, Formula):
            self.builder.add("INV006", self.loc(fieldname), item=LABELS.get(fieldname, fieldname), value=value.text)
            return None
        return value

    def text(self, fieldname: str) -> str | None:
        """The field as text; a text longer than the store can keep is an error at its cell, read as empty."""
        value = text(self.raw(fieldname))
        limit = MAX_LENGTHS.get(fieldname)
        if value is not None and limit is not None and len(value) > limit:
            self.add("INV024", fieldname, item=fieldname, length=len(value), limit=limit)
            self.too_long.add(fieldname)
            return None
        return value

    def parsed(self, fieldname: str, reader: Callable[[object], Parsed[Any]]) -> Any:
        raw = self.raw(fieldname)
        result = reader(raw)
        if result.problem is None:
            if isinstance(result.value, dt.date) and result.value < EARLIEST_DATE:
                shown = raw.isoformat() if hasattr(raw, "isoformat") else text(raw)
                self.add("INV036", fieldname, item=LABELS.get(fieldname, fieldname),
                         label=LABELS_EN.get(fieldname, fieldname), label_ja=LABELS.get(fieldname, fieldname),
                         value=shown, earliest=EARLIEST_DATE.isoformat())
            return result.value
        label = LABELS.get(fieldname, fieldname)
        shown = text(raw) if not hasattr(raw, "isoformat") else raw.isoformat()
        code = {"bad_date": "INV030", "era_range": "INV032", "undecided": "INV033", "bad_flag": "INV034",
                "bad_count": "INV035", "month_only": "INV031", "fiscal_year": "INV037",
                "month_part": "INV038"}[result.problem]
        # month_only always carries the month-end date it settled on (fiscal_year carries its own in params).
        month_end = result.value if result.problem == "month_only" else None
        extra = {"date": month_end.isoformat()} if month_end is not None else {}
        self.add(code, fieldname, item=label, label=LABELS_EN.get(fieldname, fieldname), label_ja=label, value=shown,
                 **{**result.params, **extra})
        return result.value


def _data_rows(sheet: SheetData, first: int) -> list[int]:
    return [r for r in range(first, sheet.max_row + 1) if not sheet.is_blank_row(r)]


def _is_note(row: _Row, keys: Sequence[str]) -> str | None:
    """The text of a row that is a note, not a record: one filled cell (or a ※/注/備考 text) and no key
    value readable as such — for example the remarks under a table."""
    texts = [str(t) for t in (text(v) for v in row.sheet.rows[row.row - 1]) if t]
    if not texts:
        return None
    marked = bool(_NOTE_MARK.search(texts[0]))
    if _TOTAL.match(texts[0].replace(" ", "").replace("\u3000", "")):
        # 合計 and its kin under a table, with the sums beside them: no system, whatever else the row holds
        # (no system row has the word itself as its 業務 or システム名). On a system list the row is a system
        # only when its 業務 is one (the count of systems under システム名 is no name).
        if "area" in row.columns:
            return None if resolve_area(row.raw("area")) is not None else " ".join(dict.fromkeys(texts))
        return None if any(row.text(k) not in (None, texts[0]) for k in keys if k in row.columns) \
            else " ".join(dict.fromkeys(texts))
    if len(set(texts)) > 1 and not marked:
        return None
    for key in keys:
        if key not in row.columns:
            continue
        value = row.text(key)
        if value and not _NOTE_MARK.search(value) and value != texts[0]:
            return None
    return " ".join(dict.fromkeys(texts))


def _report_columns(builder: _Builder, sheet: SheetData, header: Header) -> None:
    """The header's columns not read as written: each one not understood (INV003), and each hidden one at its
    heading, read because no visible column holds its item (INV009) or not read, a visible one being read
    for its item (INV008): a PMO may keep an old 移行予定日 hidden beside the current one."""
    for col, label in sorted(header.unmatched.items()):
        builder.add("INV003", sheet.location(header.row, col), label=label)
    read = {c: f for f, c in header.columns.items()}
    for col in sorted(sheet.hidden_cols & (read.keys() | header.hidden_unread.keys())):
        label, at = heading(sheet, header, col)
        if col in header.hidden_unread:
            used = header.columns[header.hidden_unread[col]]
            builder.add("INV008", sheet.location(at, col), column=column_letter(col), label=label,
                        used=column_letter(used), used_label=heading(sheet, header, used)[0])
        else:
            builder.add("INV009", sheet.location(at, col), column=column_letter(col), label=label)


def _title_block(builder: _Builder, plan: _SheetPlan, sheet: SheetData,
                 header: Header) -> dict[str, tuple[Any, Location]]:
    """団体コード and 団体名 written once above the header (or on a cover sheet) instead of in a column."""
    fixed: dict[str, tuple[Any, Location]] = {}
    wanted = [f for f in ("municipality_code", "municipality_name") if f not in header.columns]
    if not wanted:
        return fixed
    others = [s for s in plan.book.sheets.values() if s is not sheet and s.state == "visible"]
    every_label = builder.every_label
    for fieldname in wanted:
        labels = builder.synonyms.columns["systems"][fieldname]
        found = find_label_value(sheet, labels, not_values=every_label, rows=header.top_row - 1, fold=fold_label)
        for other in others:
            if found is not None:
                break
            found = find_label_value(other, labels, not_values=every_label, rows=HEADER_ROWS, fold=fold_label)
            if found is not None:
                plan.used.add(other.name)
        if found is not None:
            fixed[fieldname] = (found.value, found.location)
    if "municipality_code" in fixed:
        builder.add("INV018", fixed["municipality_code"][1], sheet=sheet.name,
                    value=text(fixed["municipality_code"][0]) or "")
    elif "municipality_code" in wanted:
        builder.add("INV017", Location(file=sheet.file, sheet=sheet.name), sheet=sheet.name)
    return fixed


def _read_systems(builder: _Builder, plan: _SheetPlan, sheet: SheetData,
                  header: Header) -> list[tuple[str, str, str, int, dict[str, str]]]:
    """Read one system list; return the 連携先 column entries (code, system, target, row, the cells of the
    system's name and of the 連携先 entry) for interfaces."""
    _report_columns(builder, sheet, header)
    columns = dict(header.columns)
    fixed = _title_block(builder, plan, sheet, header)
    links: list[tuple[str, str, str, int, dict[str, str]]] = []
    rows = _data_rows(sheet, header.first_data_row)
    if not rows:
        builder.add("INV004", Location(file=sheet.file, sheet=sheet.name), sheet=sheet.name)
    for r in rows:
        row = _Row(builder, sheet, r, columns, fixed)
        note = _is_note(row, ("municipality_code", "area", "name"))
        if note is not None:
            builder.add("INV005", sheet.location(r, 1), value=note[:80])
            continue
        if r in sheet.hidden_rows:  # read as any other (a vendor may have hidden a withdrawn system): said
            builder.add("INV007", sheet.location(r, 1), row=r)
        builder.rows_read += 1
        system = _read_system(builder, row)
        if system is None:
            builder.rows_rejected += 1
            continue
        cells = {end: cell_ref(r, columns[f]) for end, f in (("source", "name"), ("target", "links")) if f in columns}
        for target in _LINK_SPLIT.split(row.text("links") or ""):
            if target.strip():
                links.append((system.municipality_code, system.name, target.strip(), r, cells))
    return links


def _read_code(builder: _Builder, row: _Row) -> str | None:
    """The row's 団体コード, with a finding for every way it cannot be read; nothing is registered here."""
    if "municipality_code" not in row.columns and "municipality_code" not in row.fixed:
        return None  # INV017 said it once for the sheet
    raw = row.raw("municipality_code")
    parsed = parse_lg_code(raw)
    shown = text(raw)
    if parsed.value is None:
        if parsed.problem == "check_digit":
            row.add("INV011", "municipality_code", value=shown, **parsed.params)
        else:
            row.add("INV010", "municipality_code", value=shown or "")
        return None
    if parsed.problem == "completed":
        row.add("INV013", "municipality_code", value=shown, lg_code=parsed.value)
    return parsed.value


def _whole(raw: object) -> int | None:
    """A count of people, teams or cut-overs as people write one: 3名, ３人, 2チーム, 4件."""
    written = raw
    if isinstance(raw, str):
        written = re.sub(r"\s*(名|人|チーム|件|社|団体|プロジェクト|本)\s*$", "", unicodedata.normalize("NFKC", raw))
    return parse_count(written).value


def _limit(row: _Row, fieldname: str) -> int | None:
    """A whole number from 1 to 10,000 (a limit of parallel work), or None with INV113 when it is not one."""
    raw = row.raw(fieldname)
    if raw is None or not text(raw):
        return None
    value = _whole(raw)
    if value is None or not 1 <= value <= 10_000:
        row.add("INV113", fieldname, value=text(raw), label=LABELS_EN[fieldname], label_ja=LABELS[fieldname])
        return None
    return value


def _cell_text(loc: Location) -> str:
    """A cell's location as a record's source is written (``file sheet!B5``)."""
    return f"{loc.file or ''} {loc.sheet}!{loc.cell}"


def _register_municipality(builder: _Builder, row: _Row, code: str) -> None:
    name = row.text("municipality_name")
    staff = _limit(row, "staff")
    known = builder.municipalities.get(code)
    cells = {"name": _cell_text(row.loc("municipality_name")), "staff": _cell_text(row.loc("staff"))}
    if known is None:
        if not name:
            row.add("INV014", "municipality_name", lg_code=code)
        builder.municipalities[code] = Municipality(code=code, name=name or "", staff=staff, cells=cells)
        builder.muni_where[code] = _where(row.sheet, row.row)
        return
    if name and not known.name:
        known = builder.municipalities[code] = replace(known, name=name, cells={**known.cells, "name": cells["name"]})
    elif name and name != known.name:
        row.add("INV012", "municipality_name", value=name, lg_code=code, first=known.name)
    if staff is not None and known.staff is None:
        builder.municipalities[code] = replace(known, staff=staff, cells={**known.cells, "staff": cells["staff"]})
    elif staff is not None and staff != known.staff:
        row.add("INV112", "staff", value=str(staff), lg_code=code, known=known.staff,
                first=builder.muni_where.get(code, ""))


def _read_system(builder: _Builder, row: _Row) -> System | None:
    """Read every field of a system row, reporting each problem at its cell; ``None`` when the row is rejected.

    A rejected row creates nothing: its municipality and vendors are registered only once it is accepted.
    """
    code = _read_code(builder, row)
    area_raw = row.raw("area")
    area = resolve_area(area_raw)
    if area is None:
        if text(area_raw) is None:
            row.add("INV021", "area")
        else:
            row.add("INV020", "area", value=text(area_raw))
    name = row.text("name")
    special_raw = row.raw("special_support")
    special_deadline = row.parsed("special_deadline", parse_date)
    special_as_date = parse_date(special_raw) if special_raw is not None and parse_flag(special_raw).value is None \
        else Parsed(None)
    if special_as_date.value is not None and special_as_date.problem is None:
        # A date in the 特定移行支援 column: flagged, with that date as its deadline.
        special, special_deadline = True, special_deadline or special_as_date.value
    else:
        special = bool(row.parsed("special_support", parse_flag))
    fields = {
        "hosting": row.text("hosting"),
        "contract_end": row.parsed("contract_end", parse_date),
        "release_date": row.parsed("release_date", parse_date),
        "planned_date": row.parsed("planned_date", parse_date),
        "record_count": row.parsed("record_count", parse_count),
        "notes": row.text("notes"),
    }
    if code is None or area is None:
        return None
    if not name:
        name = area_name(area)
        if "name" not in row.too_long:  # INV024 said why
            row.add("INV023", "name", value=name)
    key = (code, area, name)
    if key in builder.systems:
        row.add("INV022", "name", value=name, lg_code=code, area=area, first=builder.systems[key].source)
        return None
    where = _where(row.sheet, row.row)
    _register_municipality(builder, row, code)
    system = System(
        municipality_code=code, area_code=area, area_name=area_name(area), name=name,
        current_vendor=builder.canonical_vendor(row.text("current_vendor"), where),
        target_vendor=builder.canonical_vendor(row.text("target_vendor"), where),
        special_support=special, special_deadline=special_deadline if special else None, source=where,
        cells={f: cell_ref(row.row, c) for f, c in row.columns.items()}, **fields,
    )
    builder.systems[key] = system
    return system


def _method(builder: _Builder, row: _Row) -> str:
    written = row.text("method")
    if not written:
        return ""
    folded = re.sub(r"\s", "", unicodedata.normalize("NFKC", written)).casefold()
    method = _METHODS.get(folded)
    if method is None:
        row.add("INV040", "method", value=written)
        return written
    return method


def resolve_end(systems: Sequence[System], written: str) -> str:
    """The key of an interface end within one municipality's systems: the system it names (by name, or by
    business area when the area has one system), else the area, else the name as written (folded)."""
    folded = fold_name(written)
    for s in systems:
        if names_system(written, s.name):
            return f"system:{s.area_code}:{fold_name(s.name)}"
    area = resolve_area(written)
    if area is not None:
        matching = [s for s in systems if s.area_code == area]
        if len(matching) == 1:
            return f"system:{area}:{fold_name(matching[0].name)}"
        return f"area:{area}"
    return f"text:{folded}"


def _add_interface(builder: _Builder, interface: Interface, where: str, loc: Location, *,
                   from_column: bool = False) -> None:
    """Add an interface keyed on the pair of systems it joins; the same pair written twice is one interface."""
    systems = [s for s in builder.systems.values() if s.municipality_code == interface.municipality_code]
    key = (interface.municipality_code, resolve_end(systems, interface.source), resolve_end(systems, interface.target))
    if key in builder.interfaces:
        if not from_column:  # the 連携先 column repeats what a list says; only a list row repeated is reported
            builder.add("INV043", loc, value=f"{interface.source} → {interface.target}",
                        first=builder.interfaces[key][1])
        return
    builder.interfaces[key] = (replace(interface, origin=where), where)


def _read_interfaces(builder: _Builder, sheet: SheetData, header: Header, book_munis: set[str]) -> None:
    _report_columns(builder, sheet, header)
    columns = dict(header.columns)
    for r in _data_rows(sheet, header.first_data_row):
        row = _Row(builder, sheet, r, columns)
        note = _is_note(row, ("source", "target", "municipality_code"))
        if note is not None:
            builder.add("INV005", sheet.location(r, 1), value=note[:80])
            continue
        builder.rows_read += 1
        source, target = row.text("source"), row.text("target")
        method = _method(builder, row)
        code: str | None = None
        written_muni = row.text("municipality_name") if "municipality_name" in columns else None
        if "municipality_code" in columns:
            code = _read_code(builder, row)
        elif written_muni:
            # A roll-up's interface list may name the municipality of each row by its 団体名.
            named = {c for c in book_munis if c in builder.municipalities
                     and fold_name(builder.municipalities[c].name) == fold_name(written_muni)}
            if len(named) != 1:
                row.add("INV042", "municipality_name", value=f"{source or ''} → {target or ''}")
            else:
                code = next(iter(named))
        elif source:
            owners = {s.municipality_code for s in builder.systems.values()
                      if s.municipality_code in book_munis and names_system(source, s.name)}
            candidates = book_munis if len(book_munis) == 1 else owners
            if len(candidates) != 1:
                row.add("INV042", "source", value=f"{source} → {target or ''}")
            else:
                code = next(iter(candidates))
        if not source or not target:
            row.add("INV041", "source" if not source else "target")
        if code is None or not source or not target:
            builder.rows_rejected += 1
            continue
        if code not in builder.municipalities:
            _register_municipality(builder, row, code)
        interface = Interface(municipality_code=code, source=source, target=target, method=method,
                              frequency=row.text("frequency"), notes=row.text("notes"),
                              cells={f: cell_ref(r, c) for f, c in columns.items()})
        _add_interface(builder, interface, _where(sheet, r), row.loc("source"))


def _read_vendors(builder: _Builder, sheet: SheetData, header: Header) -> None:
    _report_columns(builder, sheet, header)
    columns = dict(header.columns)
    seen: dict[str, str] = {}
    for r in _data_rows(sheet, header.first_data_row):
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
            row.add("INV051", "name", value=name, first=seen[key])
            builder.rows_rejected += 1
            continue
        capacity_raw = row.raw("capacity")
        capacity = _whole(capacity_raw)
        # More than 10,000 parallel tasks is a typing error, and would not fit the store's integer column.
        if capacity_raw is not None and text(capacity_raw) and (capacity is None or not 1 <= capacity <= 10_000):
            row.add("INV050", "capacity", value=text(capacity_raw), vendor=name)
            capacity = None
        vendor = Vendor(name=name, capacity=capacity, notes=row.text("notes"), projects=_limit(row, "projects"),
                        cutovers_day=_limit(row, "cutovers_day"), cutovers_weekend=_limit(row, "cutovers_weekend"),
                        cutovers_month=_limit(row, "cutovers_month"), cells={f: _cell_text(row.loc(f)) for f in columns})
        seen[key] = where
        listed = builder.vendors.get(key) if key in builder.vendor_listed else None
        if listed is not None:
            # Listed by another vendor list too (each municipality's workbook carries one): the same limits are
            # one vendor; other limits are said, and the first list's are kept.
            if any(getattr(listed, f) != getattr(vendor, f) for f in _VENDOR_LIMITS):
                row.add("INV051", "name", value=name, first=builder.vendor_where[key])
                builder.rows_rejected += 1
            continue
        builder.vendors[key] = vendor
        builder.vendor_where[key] = where
        builder.vendor_listed.add(key)


def read_inventory(paths: Sequence[Path], *, synonyms: Synonyms | None = None) -> ImportResult:
    """Read inventory workbooks into one :class:`Inventory` with the findings of every cell not read cleanly.

    Every sheet is given a kind (system list, interface list, vendor list) by its header, whatever its
    name; a sheet of no kind is reported (INV015), a hidden sheet is skipped and reported (INV016). The
    vendor lists are read first so that their spelling of a vendor name is the one kept.

    Raises:
        InputError: a file is missing, corrupt, an .xls or a CSV renamed to .xlsx.
    """
    builder = _Builder(synonyms=synonyms or default_synonyms())
    plans = [_classify(builder, read_workbook(Path(p))) for p in paths]
    for plan in plans:
        for sheet, header in plan.sheets["vendors"]:
            _read_vendors(builder, sheet, header)
    for plan in plans:
        _read_book(builder, plan)
        _report_unrecognised(builder, plan)
    return builder.result()


def _read_book(builder: _Builder, plan: _SheetPlan) -> None:
    """Read the system lists of one workbook, then its interface lists and the 連携先 columns."""
    if not plan.sheets["systems"]:
        if plan.sheets["vendors"] and not plan.sheets["interfaces"]:
            return  # a workbook of vendor limits alone (read with the vendor lists of every workbook)
        if not any(f.code == "INV002" and f.location.file == str(plan.book.path) for f in builder.findings):
            builder.add("INV001", Location(file=str(plan.book.path)), sheets=join_list(plan.book.sheets, "en") or "-",
                        sheets_ja=join_list(plan.book.sheets, "ja") or "-")
        return
    before = set(builder.systems)
    links: list[tuple[str, str, str, int, dict[str, str], SheetData]] = []
    for sheet, header in plan.sheets["systems"]:
        links += [(*link, sheet) for link in _read_systems(builder, plan, sheet, header)]
    book_munis = {builder.systems[k].municipality_code for k in set(builder.systems) - before}
    for sheet, header in plan.sheets["interfaces"]:
        _read_interfaces(builder, sheet, header, book_munis)
    for code, source, target, r, cells, sheet in links:
        interface = Interface(municipality_code=code, source=source, target=target, cells=cells)
        _add_interface(builder, interface, _where(sheet, r), _own(sheet, r, 1), from_column=True)
