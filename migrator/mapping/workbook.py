"""Reading and writing mapping workbooks (sheets 概要, 項目対応, コード変換, 外字対応)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from migrator.excel import (
    Formula,
    SheetData,
    SheetSpec,
    cell_ref,
    find_header,
    normalize_header,
    read_workbook,
    write_workbook,
)
from migrator.i18n import sheet_state_ja
from migrator.location import Location
from migrator.mapping.model import (
    EXCLUDED,
    SETTING_KEYS,
    CodeEntry,
    GaijiEntry,
    ItemRow,
    Mapping,
    SettingsReader,
    settings_from,
)
from migrator.report import Finding, make_finding

SHEETS = {"概要": ("settings", "overview"), "項目対応": ("items", "item mapping", "mapping"),
          "コード変換": ("codes", "code conversion"), "外字対応": ("gaiji", "外字", "characters")}

ITEM_HEADERS: dict[str, list[str]] = {
    "no": ["No", "No.", "番号", "項番", "#"],
    "standard": ["標準項目名", "標準項目", "standard item", "standard", "target item"],
    "legacy": ["現行項目名", "現行項目", "legacy item", "legacy items", "legacy", "source item"],
    "transform": ["変換", "変換内容", "変換式", "transform", "conversion"],
    "default": ["既定値", "デフォルト値", "初期値", "default", "default value"],
    "note": ["備考", "note", "notes", "remarks"],
}
ITEM_LABELS = {"no": "No", "standard": "標準項目名", "legacy": "現行項目名", "transform": "変換", "default": "既定値",
               "note": "備考"}
CODE_HEADERS: dict[str, list[str]] = {
    "table": ["コード表", "コード表名", "code table", "table"],
    "legacy": ["現行値", "現行コード", "legacy value", "legacy code", "legacy"],
    "standard": ["標準値", "標準コード", "standard value", "standard code", "standard"],
    "note": ["備考", "note", "notes", "remarks"],
}
CODE_LABELS = {"table": "コード表", "legacy": "現行値", "standard": "標準値", "note": "備考"}
GAIJI_HEADERS: dict[str, list[str]] = {
    "legacy": ["現行文字", "legacy character", "legacy char", "legacy"],
    "standard": ["標準文字", "standard character", "standard char", "standard"],
    "mj_name": ["MJ文字図形名", "MJ文字図形", "mj name", "mj"],
    "note": ["備考", "note", "notes", "remarks"],
}
GAIJI_LABELS = {"legacy": "現行文字", "standard": "標準文字", "mj_name": "MJ文字図形名", "note": "備考"}
LEGACY_SEPARATORS = ("\n", "、", ",", "，", "+", "＋")
REQUIRED_FILL = "FCE4D6"


def _text(value: Any) -> str | None:
    """A cell as text: numbers without a spurious .0, dates as ISO; blank → None. Never NFKC."""
    if value is None or isinstance(value, Formula):
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


# How organisations dress the sheet names up: a number in front (1., ①, 01_, (1)), 表/一覧/シート after it
# (項目対応表, 外字対応一覧), a remark in brackets (項目対応表（住民）).
_SHEET_NUMBER = re.compile(r"^(?:\(?[0-9]+[).．_\-]?|[①-⑳]|[0-9]+[.．_\-])\s*")
_SHEET_REMARK = re.compile(r"[(（【\[].*?[)）】\]]$")
_SHEET_SUFFIX = re.compile(r"(?:表|一覧|一覧表|シート|sheet|table|list)+$")


def _fold_sheet_name(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).strip()
    folded = _SHEET_REMARK.sub("", _SHEET_NUMBER.sub("", folded)).strip()
    folded = normalize_header(folded)
    return _SHEET_SUFFIX.sub("", folded) or folded


def _sheet_by_folded_name(sheets: Iterable[SheetData], name: str,
                          aliases: tuple[str, ...]) -> tuple[SheetData | None, tuple[str, ...]]:
    """The sheet whose name, folded (width, case, spaces, a leading number, a trailing 表/一覧/シート and a
    bracketed remark), is ``name`` or one of its ``aliases``: 項目対応表, コード変換一覧, ２．外字対応表 (旧字).

    Returned as (sheet, ()) when one sheet is it, (None, ()) when none is, and (None, candidates) when several
    are and nothing tells which one is meant: 項目対応（住民） beside 項目対応（世帯） is two mappings in one book,
    and taking the first would check and run the one nobody chose."""
    wanted = {_fold_sheet_name(n) for n in (name, *aliases)}
    found = [s for s in sheets if _fold_sheet_name(s.name) in wanted]
    # コード変換（廃止） beside コード変換表: the sheet whose name has no remark is the one in use.
    plain = [s for s in found if not _SHEET_REMARK.search(unicodedata.normalize("NFKC", s.name).strip())]
    candidates = plain or found
    if len(candidates) > 1:
        return None, tuple(s.name for s in candidates)
    return next(iter(candidates), None), ()


def split_legacy(text: str | None) -> tuple[str, ...]:
    """The legacy item names of a 現行項目名 cell (one per line, or separated by 、 , +)."""
    if not text:
        return ()
    parts = [text]
    for sep in LEGACY_SEPARATORS:
        parts = [p for part in parts for p in part.split(sep)]
    return tuple(p.strip() for p in parts if p.strip())


# The error values a formula cell can hold (#REF! after a deleted row or sheet, #N/A from a failed VLOOKUP …):
# no item name, transform, code or setting is one, and read as text each would be checked as if typed.
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def cell(self, sheet: SheetData, row: int, col: int | None) -> tuple[Any, Location]:
        if col is None:
            return None, sheet.location(row, 1)
        value = sheet.value(row, col)
        loc = sheet.location(row, col)
        if isinstance(value, Formula):
            self.findings.append(make_finding("MAP004", loc, formula=value.text))
            return None, loc
        if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
            self.findings.append(make_finding("MAP019", loc, value=value.strip()))
            return None, loc
        return value, loc

    def merged(self, sheet: SheetData, first_row: int, columns: dict[str, int]) -> None:
        """Warn once per merged range inside the data area of a table sheet."""
        wanted = set(columns.values())
        origins: dict[tuple[int, int], int] = {}
        for (r, c), origin in sheet.merged_origin.items():
            if r >= first_row and c in wanted and origin[1] == c:
                origins[origin] = origins.get(origin, 1) + 1
        for (r, c), n in sorted(origins.items()):
            loc = sheet.location(r, c)
            self.findings.append(make_finding("MAP005", loc, value=_text(sheet.value(r, c)) or "", rows=n))


def _settings(reader: _Reader, sheet: SheetData) -> SettingsReader:
    settings = SettingsReader()
    header_words = {normalize_header(w) for w in ("項目", "設定", "キー", "key", "setting", "値", "value")}
    for r in range(1, sheet.max_row + 1):
        filled = [(c, sheet.value(r, c)) for c in range(1, sheet.max_col + 1)
                  if (sheet.value(r, c) is not None and _text(sheet.value(r, c)) is not None)
                  or isinstance(sheet.value(r, c), Formula)]
        if len(filled) < 2:
            continue
        (kc, key_raw), (vc, _) = filled[0], filled[1]
        key_text = _text(key_raw)
        if key_text is None or normalize_header(key_text) in header_words:
            continue
        value, loc = reader.cell(sheet, r, vc)
        text = _text(value)
        if text is not None:
            settings.add(key_text, text, loc, sheet.location(r, kc))
    reader.findings += settings.findings()
    return settings


def _far_cells(reader: _Reader, sheet: SheetData) -> None:
    """MAP023 where values far from a sheet's table were left out (one stray cell typed after Ctrl+↓)."""
    if not sheet.far_count:
        return
    cells = sheet.far_cells + (("…",) if sheet.far_count > len(sheet.far_cells) else ())
    reader.findings.append(make_finding("MAP023", Location(file=sheet.file, sheet=sheet.name, cell=sheet.far_cells[0]),
                                        sheet=sheet.name, cells=cells, number=sheet.far_count))


def read_mapping_workbook(path: Path) -> tuple[Mapping | None, list[Finding]]:
    """Read a mapping workbook. Raises InputError only when the file is no readable workbook."""
    path = Path(path)
    book = read_workbook(path, far="ignore")
    reader = _Reader(path)
    found = tuple(book.sheets) or "-"
    sheets: dict[str, SheetData | None] = {}
    for name, aliases in SHEETS.items():
        ambiguous: tuple[str, ...] = ()
        sheets[name] = book.sheet(name, *aliases)
        if sheets[name] is None:
            sheets[name], ambiguous = _sheet_by_folded_name(book.sheets.values(), name, aliases)
        if ambiguous:  # several sheets could be it: which one is meant is the user's to say, not ours to guess
            reader.findings.append(make_finding("MAP018", Location(file=str(path), sheet=ambiguous[0], cell="A1"),
                                                sheet=name, candidates=ambiguous))
        # コード変換 and 外字対応 may be absent: a code(...) with no table is then reported where it is used
        # (MAP303), and every other row is still checked.
        elif sheets[name] is None and name not in ("コード変換", "外字対応"):
            reader.findings.append(make_finding("MAP001", Location(file=str(path), sheet=name), sheet=name,
                                                found=found))
    sheet_cells = {name: Location(file=str(path), sheet=s.name, cell="A1") for name, s in sheets.items() if s}
    for name, sheet in sheets.items():
        if sheet is not None and sheet.state != "visible":
            reader.findings.append(make_finding("MAP013", sheet_cells[name], sheet=sheet.name, state=sheet.state,
                                                     state_ja=sheet_state_ja(sheet.state)))
    for sheet in {id(s): s for s in sheets.values() if s is not None}.values():
        _far_cells(reader, sheet)
    settings = SettingsReader()
    if sheets["概要"] is not None:
        settings = _settings(reader, sheets["概要"])
        for key in ("マッピングID", "標準スキーマ", "標準テーブル"):
            if key not in settings.values:
                reader.findings.append(make_finding("MAP003", sheet_cells["概要"], key=key))
    items = _items(reader, sheets["項目対応"], sheet_cells) if sheets["項目対応"] is not None else ()
    codes = _codes(reader, sheets["コード変換"]) if sheets["コード変換"] is not None else ()
    gaiji = _gaiji(reader, sheets["外字対応"]) if sheets["外字対応"] is not None else ()
    if any(f.severity == "error" and f.code in ("MAP001", "MAP002", "MAP003", "MAP010", "MAP018") for f in reader.findings):
        return None, reader.findings
    mapping = Mapping(**settings_from(settings.values), path=path, settings=settings.values,
                      setting_variants=settings.variants, items=items, codes=codes, gaiji=gaiji,
                      setting_cells=settings.places, sheet_cells=sheet_cells, variant_cells=settings.variant_cells)
    return mapping, reader.findings


def _merged_header(reader: _Reader, sheet: SheetData, rows: range) -> None:
    """Where no header (or not every column) was found: name each merged range over those rows, which
    hides the column names typed under it (a title or header merged across the columns)."""
    ends: dict[tuple[int, int], tuple[int, int]] = {}
    for (r, c), origin in sheet.merged_origin.items():
        if r in rows or origin[0] in rows:
            end = ends.get(origin, origin)
            ends[origin] = (max(end[0], r), max(end[1], c))
    for (r, c), (r2, c2) in sorted(ends.items()):
        reader.findings.append(make_finding("MAP021", sheet.location(r, c),
                                            cells=f"{cell_ref(r, c)}:{cell_ref(r2, c2)}"))


def _header(reader: _Reader, sheet: SheetData, synonyms: dict[str, list[str]], required: list[str],
            labels: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    match = find_header(sheet, synonyms, max_rows=30, two_row=False)
    if match is None or not any(k in match.columns for k in required):
        wanted = " / ".join(labels[k] for k in required)
        reader.findings.append(make_finding("MAP002", Location(file=str(reader.path), sheet=sheet.name, cell="A1"),
                                            sheet=sheet.name, required=wanted))
        _merged_header(reader, sheet, range(1, 31))
        return None
    missing = [k for k in required if k not in match.columns]
    for key in missing:
        reader.findings.append(make_finding("MAP010", sheet.location(match.row, 1), sheet=sheet.name,
                                            column=labels[key]))
    if missing:
        _merged_header(reader, sheet, range(match.row, match.row + 1))
        return None
    reader.merged(sheet, match.row + 1, match.columns)
    return match.row, match.columns


def _items(reader: _Reader, sheet: SheetData | None, cells: dict[str, Location]) -> tuple[ItemRow, ...]:
    assert sheet is not None
    head = _header(reader, sheet, ITEM_HEADERS, ["standard", "legacy", "transform"], ITEM_LABELS)
    if head is None:
        return ()
    header_row, cols = head
    cells["項目対応"] = sheet.location(header_row, cols["standard"])
    rows: list[ItemRow] = []
    for r in range(header_row + 1, sheet.max_row + 1):
        if sheet.is_blank_row(r):
            continue
        values: dict[str, Any] = {}
        places: dict[str, Location] = {}
        for key in ITEM_HEADERS:
            if key == "no" and key in cols and isinstance(sheet.value(r, cols[key]), Formula):
                # A № column numbered by a formula (=ROW()-4) saved without its result: the № only labels the
                # row, nothing is computed from it, so it is read as no number rather than as an error.
                values[key], places[key] = None, sheet.location(r, cols[key])
                continue
            value, loc = reader.cell(sheet, r, cols.get(key))
            values[key] = _text(value)
            places[key] = loc
        if not any(values[k] for k in ("standard", "legacy", "transform", "default")):
            continue  # a row with only a number or a remark
        if not values["standard"]:
            reader.findings.append(make_finding("MAP011", places["standard"]))
            continue
        legacy_text = values["legacy"]
        excluded = legacy_text == EXCLUDED
        no = values["no"]
        rows.append(ItemRow(
            standard=values["standard"], legacy=() if excluded else split_legacy(legacy_text),
            transform=values["transform"], default=values["default"], note=values["note"], excluded=excluded,
            no=int(no) if no is not None and no.isdigit() else None, cells=places))
    return tuple(rows)


def _codes(reader: _Reader, sheet: SheetData) -> tuple[CodeEntry, ...]:
    head = _header(reader, sheet, CODE_HEADERS, ["table", "legacy", "standard"], CODE_LABELS)
    if head is None:
        return ()
    header_row, cols = head
    out: list[CodeEntry] = []
    first: dict[tuple[str, str], Location] = {}
    for r in range(header_row + 1, sheet.max_row + 1):
        if sheet.is_blank_row(r):
            continue
        values: dict[str, Any] = {}
        places: dict[str, Location] = {}
        for key in CODE_HEADERS:
            raw, loc = reader.cell(sheet, r, cols.get(key))
            if key in ("legacy", "standard") and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                reader.findings.append(make_finding("MAP006", loc, value=_text(raw)))
            values[key] = _text(raw)
            places[key] = loc
        if not values["table"] or values["legacy"] is None:
            continue
        code_key: tuple[str, str] = (values["table"], values["legacy"])
        if code_key in first:
            earlier = first[code_key]
            reader.findings.append(make_finding("MAP007", places["legacy"], table=code_key[0], value=code_key[1],
                                                first=str(Location(sheet=earlier.sheet, cell=earlier.cell))))
            continue
        first[code_key] = places["legacy"]
        out.append(CodeEntry(values["table"], values["legacy"], values["standard"] or "", values["note"], places))
    return tuple(out)


def _gaiji(reader: _Reader, sheet: SheetData) -> tuple[GaijiEntry, ...]:
    head = _header(reader, sheet, GAIJI_HEADERS, ["legacy", "standard"], GAIJI_LABELS)
    if head is None:
        return ()
    header_row, cols = head
    out: list[GaijiEntry] = []
    for r in range(header_row + 1, sheet.max_row + 1):
        if sheet.is_blank_row(r):
            continue
        values: dict[str, Any] = {}
        places: dict[str, Location] = {}
        for key in GAIJI_HEADERS:
            raw, loc = reader.cell(sheet, r, cols.get(key))
            # 外字 cells are kept exactly, spaces included, never stripped of anything but the cell edges.
            values[key] = None if raw is None else str(raw)
            places[key] = loc
        if not values["legacy"] and not values["standard"]:
            continue
        if not values["legacy"] or not values["standard"]:
            missing = "現行文字" if not values["legacy"] else "標準文字"
            reader.findings.append(make_finding("MAP008", places["legacy"], reason=f"{missing} is empty",
                                                reason_ja=f"{missing}が空です"))
            continue
        out.append(GaijiEntry(values["legacy"], values["standard"], values["mj_name"], values["note"], places))
    return tuple(out)


def mapping_sheets(mapping: Mapping, *, required: set[str] | None = None,
                   legacy_names: list[str] | None = None) -> list[SheetSpec]:
    """The sheets of a mapping workbook; ``required`` items are highlighted, ``legacy_names`` and the
    transform names become drop-down lists."""
    from migrator.mapping.transforms import names

    keys = list(SETTING_KEYS) + [k for k in mapping.settings if k not in SETTING_KEYS]
    settings_rows = [[w, v] for k in keys for w, v in (mapping.setting_variants.get(k) or ((k, mapping.settings.get(k, "")),))]
    item_rows = []
    fills: dict[tuple[int, int], str] = {}
    for n, row in enumerate(mapping.items, start=2):
        legacy = EXCLUDED if row.excluded else "\n".join(row.legacy)
        item_rows.append([row.no if row.no is not None else "", row.standard, legacy, row.transform or "",
                          row.default or "", row.note or ""])
        if required and row.standard in required:
            fills[(n, 2)] = REQUIRED_FILL
    last = max(len(item_rows) + 1, 2)
    validations: dict[str, list[str]] = {}
    if legacy_names:
        validations[f"C2:C{last}"] = [*legacy_names, EXCLUDED]
    if required is not None:
        validations[f"D2:D{last}"] = list(names())
    return [
        SheetSpec("概要", ["項目", "値"], settings_rows, widths={1: 16, 2: 40}),
        SheetSpec("項目対応", list(ITEM_LABELS.values()), item_rows, widths={1: 6, 2: 34, 3: 24, 4: 44, 5: 10, 6: 40},
                  fills=fills, validations=validations),
        SheetSpec("コード変換", list(CODE_LABELS.values()),
                  [[e.table, e.legacy, e.standard, e.note or ""] for e in mapping.codes],
                  widths={1: 16, 2: 10, 3: 10, 4: 30}),
        SheetSpec("外字対応", list(GAIJI_LABELS.values()),
                  [[e.legacy, e.standard, e.mj_name or "", e.note or ""] for e in mapping.gaiji],
                  widths={1: 12, 2: 12, 3: 16, 4: 30}),
    ]


def write_mapping_workbook(mapping: Mapping, path: Path, **options: Any) -> Path:
    """Write ``mapping`` as a workbook (values only; cells that look like formulas stay text)."""
    return write_workbook(Path(path), mapping_sheets(mapping, **options))
