"""Importing table-definition workbooks (テーブル定義書, ファイルレイアウト, 基本データリスト) into schemas.

Vendors write these by hand, so the reader is tolerant: the header can sit anywhere in the first 30 rows
and span two rows, header labels vary (see ``header_synonyms.yaml``, extendable by the user), numbers can
be text, the № column can hold formulas, ○ marks keys and nullability. What cannot be read becomes a
finding with its ``sheet!cell``; the import goes on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from migrator.errors import InputError, SpecError
from migrator.excel import (
    Formula,
    HeaderMatch,
    SheetData,
    column_letter,
    find_header,
    find_label_value,
    normalize_header,
    read_workbook,
)
from migrator.i18n import join_list, sheet_state_ja, shorten
from migrator.limits import (
    YAML_FLAGS,
    column_note,
    compose_yaml,
    read_text_file,
    yaml_error,
    yaml_location,
    yaml_repeated_key,
    yaml_shape,
)
from migrator.location import Location
from migrator.report import Finding, Report, make_finding
from migrator.schema.model import (
    ITEM_TYPES,
    CodeTable,
    FileLayout,
    Item,
    Provenance,
    Schema,
    Table,
    attribute_ja,
)

SYNONYMS_FORMAT = "migrator.header-synonyms/1"
HEADER_ROWS = 30
_TYPE_WITH_SIZE = re.compile(r"^\s*(?P<type>[^(（]+?)\s*[(（]\s*(?P<size>[0-9０-９]+|[*＊])\s*(?:[,，]\s*(?P<scale>[0-9０-９]+))?"
                             r"\s*(?:BYTES?|CHARS?|CHARACTERS?|文字|バイト|桁)?\s*[)）]\s*$", re.IGNORECASE)
# A size that is no number (VARCHAR(MAX)) or a remark in brackets (文字列(全角)): the type without it.
_TYPE_WITH_REMARK = re.compile(r"^\s*(?P<type>[^(（]+?)\s*[(（][^)）]*[)）]\s*$")
# Words around a type name that do not change what it holds (INT UNSIGNED, PIC X(10), DATE型).
_TYPE_NOISE = re.compile(r"(?i)^\s*(?:PIC|PICTURE)\s+|\s+(?:UNSIGNED|SIGNED|ZEROFILL)\b|型\s*$")
# A COBOL picture: S9(7)V99, 9(5)V9(2), XXX, X(10), 9(8).
_PICTURE = re.compile(r"^S?(?:[X9NV](?:\([0-9]+\))?)+$")
# A size as a 桁数 cell writes it: 10, １０, 10,2, 10.2, and in brackets as the type would (10) / (10,2).
_SIZE = re.compile(r"^\s*(?P<open>[(（])?\s*(?P<size>[0-9０-９]+)\s*(?:[.,，．]\s*(?P<scale>[0-9０-９]+))?\s*"
                   r"(?(open)[)）])\s*$")
# Marks saying an item is NOT NULL: yes in a required column, and no (not nullable) in a nullable one.
_NOT_NULL = frozenset({"notnull", "nn"})


@dataclass(frozen=True)
class HeaderSynonyms:
    """The header-label table: profiles (field → labels), table-name labels, type names and yes-marks."""

    profiles: dict[str, dict[str, tuple[str, ...]]]
    table_name_labels: tuple[str, ...]
    types: dict[str, str]
    marks: frozenset[str]
    table_id_labels: tuple[str, ...] = ()
    title_labels: tuple[str, ...] = ()
    no_marks: frozenset[str] = frozenset()
    record_length_labels: tuple[str, ...] = ()

    def merged(self, other: HeaderSynonyms) -> HeaderSynonyms:
        profiles = {name: dict(fields) for name, fields in self.profiles.items()}
        for name, fields in other.profiles.items():
            target = profiles.setdefault(name, {})
            for fieldname, labels in fields.items():
                target[fieldname] = (*target.get(fieldname, ()), *labels)
        return HeaderSynonyms(
            profiles=profiles,
            table_name_labels=(*self.table_name_labels, *other.table_name_labels),
            types={**self.types, **other.types},
            marks=self.marks | other.marks,
            table_id_labels=(*self.table_id_labels, *other.table_id_labels),
            title_labels=(*self.title_labels, *other.title_labels),
            no_marks=self.no_marks | other.no_marks,
            record_length_labels=(*self.record_length_labels, *other.record_length_labels),
        )


# What a header-synonyms file may hold: its top-level keys, the fields of a profile, the kinds of a type name.
SYNONYMS_KEYS = ("format", "profiles", "table_name_labels", "table_id_labels", "title_labels",
                 "record_length_labels", "types", "marks", "no_marks")
SYNONYM_FIELDS = ("no", "name", "column", "item_id", "type", "length", "integer_digits", "scale", "required",
                  "nullable", "key", "code_table", "start", "format", "note", "level")
SYNONYM_TYPES = (*ITEM_TYPES, "binary", "time")


class _WrongEntry(ValueError):
    """A wrong entry of a header-synonyms file: the catalogue ``code`` (SCH112–SCH120) with its ``params`` and the
    path of the entry (keys as YAML read them, list indexes); ``key`` says the fault is the entry's key rather than
    its value."""

    def __init__(self, code: str, at: tuple[object, ...] = (), *, key: bool = False, **params: object) -> None:
        super().__init__(code)
        self.code, self.params, self.at, self.key = code, params, at, key


def _dotted(at: tuple[object, ...]) -> str:
    return ".".join("no" if k is False else str(k) for k in at)


def _names(value: Any, at: tuple[object, ...], known: tuple[str, ...] | None = None) -> dict[object, Any]:
    """``value`` (at ``at``), a mapping of names, each one of ``known`` when given; keys as YAML read them."""
    if value is None:
        return {}
    key = _dotted(at)
    if not isinstance(value, Mapping):
        en, ja = yaml_shape(value)
        raise _WrongEntry("SCH114", at, entry=key, shape=en, shape_ja=ja)
    for name in value:
        shown = "no" if name is False and known is not None and "no" in known else name
        if known is not None and shown not in known:
            raise _WrongEntry("SCH113", (*at, name), key=True, entry=key, name=shorten(str(name)), names=known)
    return dict(value)


def _labels(value: Any, at: tuple[object, ...]) -> tuple[str, ...]:
    """A list of labels (or one label), as text."""
    if value is None:
        return ()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return (str(value),)
    key = _dotted(at)
    if isinstance(value, bool):  # one unquoted YES or NO: a label YAML read as true or false
        raise _WrongEntry("SCH116", at, entry=key, flags=YAML_FLAGS)
    if not isinstance(value, list) or any(isinstance(v, (Mapping, list)) for v in value):
        en, ja = yaml_shape(value)
        raise _WrongEntry("SCH115", at, entry=key, shape=en, shape_ja=ja)
    if any(isinstance(v, bool) or v is None for v in value):  # unquoted YES / NO, or NULL (nothing to YAML)
        first = next(i for i, v in enumerate(value) if isinstance(v, bool) or v is None)
        raise _WrongEntry("SCH116", (*at, first), entry=key,
                          flags=YAML_FLAGS if value[first] is not None else ("NULL", "~"))
    return tuple(str(v) for v in value)


def _parse_synonyms(raw: Any, source: str, root: yaml.Node | None = None,
                    base: HeaderSynonyms | None = None) -> HeaderSynonyms:
    """A header-synonyms file's content, checked: a wrong entry is a SpecError naming its key, in both languages,
    at its line of the file when the composed tree ``root`` is given. A label may not name two fields of a
    profile (of this file, or of this file and ``base``, the table it extends): a header cell would mean one of
    them and the other label would silently do nothing."""
    try:
        return _checked_synonyms(raw, source, root, base)
    except _WrongEntry as exc:
        where, column = yaml_location(source, root, exc.at, key=exc.key)
        raise SpecError.of(exc.code, where, **column_note(column), **exc.params) from None


def _checked_synonyms(raw: Any, source: str, root: yaml.Node | None, base: HeaderSynonyms | None) -> HeaderSynonyms:
    if not isinstance(raw, Mapping) or raw.get("format") != SYNONYMS_FORMAT:
        raise SpecError.of("SCH111", yaml_location(source, root, ("format",) if isinstance(raw, Mapping) else ())[0],
                           format=SYNONYMS_FORMAT)
    repeated = yaml_repeated_key(root)
    if repeated is not None:
        at, _, first = repeated
        where, line = _dotted(tuple(at)), first.start_mark.line + 1
        raise _WrongEntry("SCH117", tuple(at), key=True, entry=where, first=line)
    unknown = [k for k in raw if k not in SYNONYMS_KEYS]
    if unknown:
        raise _WrongEntry("SCH112", (unknown[0],), key=True, name=shorten(str(unknown[0])), keys=SYNONYMS_KEYS)
    profiles: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, fields in _names(raw.get("profiles"), ("profiles",)).items():
        known = (base.profiles.get(str(name), {}) if base is not None else {})
        owner = {normalize_header(label): f for f, ls in known.items() for label in (f, *ls)}
        profile = profiles[str(name)] = {}
        for field_key, value in _names(fields, ("profiles", name), SYNONYM_FIELDS).items():
            entry: tuple[object, ...] = ("profiles", name, field_key)
            field_name = "no" if field_key is False else str(field_key)
            owner.setdefault(normalize_header(field_name), field_name)
            profile[field_name] = _labels(value, entry)
            for n, label in enumerate(profile[field_name]):
                other = owner.setdefault(normalize_header(label), field_name)
                if other != field_name:
                    raise _WrongEntry("SCH118", _nth_label(entry, value, n), entry=_dotted(entry),
                                      label=shorten(label), owner=f"profiles.{name}.{other}")
    types: dict[str, str] = {}
    for kind, value in _names(raw.get("types"), ("types",), SYNONYM_TYPES).items():
        for n, label in enumerate(_labels(value, ("types", kind))):
            other = types.setdefault(normalize_header(label), str(kind))
            if other != kind:  # a shipped type name may be given another kind; one file gives it one
                raise _WrongEntry("SCH119", _nth_label(("types", kind), value, n), entry=f"types.{kind}",
                                  label=shorten(label), owner=f"types.{other}")

    def labels(key: str) -> tuple[str, ...]:
        return _labels(raw.get(key), (key,))

    marks, no_marks = labels("marks"), labels("no_marks")
    yes = {normalize_header(m) for m in marks} | (base.marks if base is not None else frozenset())
    for n, label in enumerate(no_marks):
        if normalize_header(label) in yes:
            raise _WrongEntry("SCH120", _nth_label(("no_marks",), raw.get("no_marks"), n), entry="no_marks",
                              label=shorten(label), marks="marks")
    return HeaderSynonyms(
        profiles=profiles,
        table_name_labels=labels("table_name_labels"),
        types=types,
        marks=frozenset(normalize_header(m) for m in marks),
        table_id_labels=labels("table_id_labels"),
        title_labels=labels("title_labels"),
        no_marks=frozenset(normalize_header(m) for m in no_marks),
        record_length_labels=labels("record_length_labels"),
    )


def _nth_label(at: tuple[object, ...], value: Any, n: int) -> tuple[object, ...]:
    """The path of the ``n``-th label :func:`_labels` read from ``value`` (empty entries skipped)."""
    if not isinstance(value, list):
        return at
    return (*at, [i for i, v in enumerate(value) if v is not None][n])


@cache
def _builtin() -> HeaderSynonyms:
    text = (resources.files("migrator.schema") / "header_synonyms.yaml").read_text(encoding="utf-8")
    return _parse_synonyms(yaml.safe_load(text), "header_synonyms.yaml")


def load_header_synonyms(extra: Path | None = None) -> HeaderSynonyms:
    """The built-in header synonyms, extended by the user's file ``extra`` (same YAML shape) if given."""
    base = _builtin()
    if extra is None:
        return base
    try:
        text = read_text_file(extra)  # bounded by text_bytes; text that is not UTF-8 is refused, located
        root = compose_yaml(text, extra)  # bounded, and each entry keeps its line for the errors of a wrong one
        raw = yaml.safe_load(text)
    except FileNotFoundError:
        raise InputError.of("CORE103", Location(file=str(extra)), detail="", detail_ja="") from None
    except yaml.YAMLError as exc:
        raise yaml_error(exc, extra, text) from None
    return base.merged(_parse_synonyms(raw, str(extra), root, base))


@dataclass(frozen=True)
class ImportResult:
    """The imported schema (None when nothing could be imported) and what the import found."""

    schema: Schema | None
    findings: tuple[Finding, ...] = field(default=())

    def report(self, subject: str) -> Report:
        summary = {"tables": len(self.schema.tables) if self.schema else 0,
                   "items": sum(len(t.items) for t in self.schema.tables) if self.schema else 0}
        return Report.of("schema import", self.findings, subject=subject, summary=summary)


def _text(value: Any) -> str | None:
    """A cell as stripped text; formulas and blanks are None."""
    if value is None or isinstance(value, Formula):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().strip("　")
    return text or None


def _is_mark(value: Any, syn: HeaderSynonyms) -> bool:
    """A yes in a required, nullable or key column: a mark (○, YES, PK …) or a number (a key's order), and not a
    no-mark (``0``, ×, NO …)."""
    text = _text(value)
    if text is None:
        return False
    folded = normalize_header(text)
    return (folded in syn.marks or folded.isdigit()) and folded not in syn.no_marks


# A date's text form in a format (編集形式) cell: GYYMMDD, YYYYMMDD, YYYY/MM/DD, EE.MM.DD …
_DATE_FORMAT = re.compile(r"^\s*G?(?:Y{2}|Y{4}|E{2})[./\-]?MM[./\-]?DD\s*$", re.IGNORECASE)


# A time zone clause after the precision: TIMESTAMP(6) WITH TIME ZONE, TIME(3) WITHOUT TIME ZONE.
_TYPE_WITH_ZONE = re.compile(r"^\s*(?P<type>[^(（]+?)\s*[(（]\s*(?P<size>[0-9０-９]+)\s*[)）]\s*"
                             r"(?P<zone>WITH(?:OUT)?\s+(?:LOCAL\s+)?TIME\s+ZONE)\s*$", re.IGNORECASE)
# Type names that hold any number when written without a precision (PostgreSQL numeric, Oracle NUMBER): decimal.
_ANY_NUMBER_TYPES = frozenset({"NUMBER", "NUMERIC"})
# Type names that hold a decimal as well as an integer: with a scale they are a decimal, as written.
_NUMBER_TYPES = frozenset({"NUMBER", "NUMERIC", "DECIMAL", "DEC", "NUM", "数値", "数字", "数値型", "NUMBER型"})


def _type_base(raw_type: object) -> str:
    """A type cell's name without its size (``NUMBER(10,2)`` → ``NUMBER``), folded to half-width upper case."""
    text = unicodedata.normalize("NFKC", str(raw_type or "")).strip().upper()
    return re.split(r"[(\s]", text, maxsplit=1)[0]


def _to_int(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text))  # header-like cell (a number), not a data value


def _has_wide_digits(text: str) -> bool:
    """Whether ``text`` has full-width digits or separators (read as their half-width forms)."""
    return any(c in "０１２３４５６７８９，．" for c in text)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return slug or "imported"


def _table_name(sheet: SheetData, header_row: int, syn: HeaderSynonyms) -> str:
    """The table's name from the title block above the header: the value beside or below a name label
    (テーブル名称), else of an id label (テーブルID), else the sheet name. A label is never a value."""
    not_values = {*syn.table_name_labels, *syn.table_id_labels, *syn.title_labels, *syn.record_length_labels,
                  *(label for fields in syn.profiles.values() for labels in fields.values() for label in labels)}
    for labels in (syn.table_name_labels, syn.table_id_labels):
        found = find_label_value(sheet, labels, not_values=not_values, rows=max(header_row - 1, 0))
        if found is not None and _text(found.value):
            return str(_text(found.value))
    return sheet.name.strip()


def _map_type(raw: str, syn: HeaderSynonyms) -> tuple[str | None, int | None, int | None]:
    """Vendor type text → (our type or None, length in the type text, scale). Oracle's ``VARCHAR2(20 BYTE)``,
    ``NVARCHAR(MAX)``, ``INT UNSIGNED``, ``DATE型``, a remark (``文字列(全角)``) and COBOL pictures (``PIC X(10)``,
    ``S9(7)V99``) are read as the type they name."""
    text = _TYPE_NOISE.sub("", raw).strip() or raw
    size = scale = None
    m = _TYPE_WITH_SIZE.match(text)
    name = text
    if m is None and (zoned := _TYPE_WITH_ZONE.match(text)) is not None:
        name, size = f"{zoned['type']} {zoned['zone']}", _to_int(zoned["size"])
    if m:
        name = m["type"]
        size = None if m["size"] in "*＊" else _to_int(m["size"])  # Oracle's NUMBER(*,2): any precision, a scale
        scale = _to_int(m["scale"]) if m["scale"] else None
    kind = syn.types.get(normalize_header(name))
    if kind is None and m is None and (remark := _TYPE_WITH_REMARK.match(text)) is not None:
        kind = syn.types.get(normalize_header(remark["type"]))
    if kind is None:
        return _picture(text) or (None, size, scale)
    return kind, size, scale


def _picture(text: str) -> tuple[str, int, int | None] | None:
    """A COBOL picture as (type, digits or characters, scale): ``S9(7)V99`` is a decimal of 9 digits, 2 after
    the point; ``9(5)`` an integer; ``X(10)`` or ``N(5)`` a string."""
    folded = unicodedata.normalize("NFKC", text).upper().replace(" ", "")
    if not _PICTURE.match(folded) or not re.search("[X9N]", folded):
        return None
    counts = {"X": 0, "9": 0, "N": 0}
    scale = None
    for symbol, repeat in re.findall(r"([X9NV])(?:\(([0-9]+)\))?", folded):
        if symbol == "V":
            scale = 0
            continue
        n = int(repeat or 1)
        counts[symbol] += n
        if scale is not None and symbol == "9":
            scale += n
    size = sum(counts.values())
    if counts["X"] or counts["N"]:
        return "string", size, None
    return ("decimal", size, scale) if scale else ("integer", size, None)


def _picture_bytes(raw: str) -> int | None:
    """The bytes a COBOL picture of DISPLAY usage takes (``N(20)``: 40, a full-width character is two), or None
    when ``raw`` is no picture."""
    text = _TYPE_NOISE.sub("", raw).strip() or raw
    folded = unicodedata.normalize("NFKC", text).upper().replace(" ", "")
    if not _PICTURE.match(folded) or not re.search("[X9N]", folded):
        return None
    return sum(int(n or 1) * (2 if symbol == "N" else 1)
               for symbol, n in re.findall(r"([X9N])(?:\(([0-9]+)\))?", folded))


def _import_sheet(sheet: SheetData, syn: HeaderSynonyms, findings: list[Finding],
                  report_missing: bool) -> list[Table]:
    """The tables of one sheet: most hold one, but a book may put several on a sheet, each under its own title
    row (テーブル名) and header, separated by blank rows; a block under a heading of its own (A5:SQL's
    インデックス情報, 外部キー情報 after カラム情報) ends the table above it."""
    tables: list[Table] = []
    start = 1
    while start <= sheet.max_row:
        view = sheet if start == 1 else replace(
            sheet, rows=[[None] * len(row) if n < start - 1 else row for n, row in enumerate(sheet.rows)])
        read = _import_block(view, syn, findings, max_rows=start - 1 + HEADER_ROWS)
        if read is None:
            break
        table, end = read
        tables.append(table)
        start = end
    if not tables and report_missing:
        findings.append(make_finding("SCH101", sheet.location(1, 1), sheet=sheet.name, rows=HEADER_ROWS))
    return tables


def _import_block(sheet: SheetData, syn: HeaderSynonyms, findings: list[Finding],
                  max_rows: int) -> tuple[Table, int] | None:
    """The first table of ``sheet`` whose header is in its first ``max_rows`` rows, and the row after its end."""
    best = None
    for profile in syn.profiles.values():
        match = find_header(sheet, profile, required=("type",), max_rows=max_rows)
        if match is None or not ({"name", "column"} & match.columns.keys()):
            continue
        if best is None or len(match.columns) > len(best.columns):
            best = match
    if best is None:
        return None
    top = best.row - best.rows_used + 1
    table_name = _table_name(sheet, top, syn)
    found: list[Finding] = _hidden_columns(sheet, best)
    items, key, rows, end = _read_items(sheet, best.row, best.first_data_row, best.columns, syn, found)
    layout = None
    if items and all(i.start is not None for i in items):
        reason = _not_positions(items, rows)
        if reason is None:
            if items[0].start == 0:  # offsets counted from 0: the schema counts bytes from 1
                found.append(make_finding(
                    "SCH108", sheet.location(rows[0], best.columns["start"]), item=items[0].name, field="start",
                    field_ja=attribute_ja("start"), found="0", read="1 (positions counted from 0, each read as one more)",
                    read_ja="1(0 から数えた位置として、すべて 1 を足して)"))
                items = [replace(i, start=(i.start or 0) + 1) for i in items]
            items, layout = _record_layout(items, sheet, top, syn)
        else:
            # 位置 1, 2, 3 … beside lengths over 1: the items' order, not bytes. Read again without the column, so
            # every item is read as in an ordinary table (a date's length is said, no start is kept), and said.
            at, en, ja = reason
            label = _text(sheet.value(best.row, best.columns["start"]))
            found = [make_finding("SCH110", sheet.location(at, best.columns["start"]), sheet=sheet.name,
                                  table=table_name, field=label or "start", field_ja=label or attribute_ja("start"),
                                  reason=en, reason_ja=ja)]
            cols = {f: c for f, c in best.columns.items() if f != "start"}
            items, key, _, end = _read_items(sheet, best.row, best.first_data_row, cols, syn, found)
    if layout is None:  # not a record layout after all: a date or flag has no length
        items = [replace(i, max_length=None) if i.type in ("date", "datetime", "flag") else i for i in items]
    findings += found
    findings.append(make_finding("SCH106", sheet.location(best.row, 1), sheet=sheet.name, table=table_name,
                                 items=len(items)))
    return Table(name=table_name, items=tuple(items), key=tuple(key), file=layout), end


def _hidden_columns(sheet: SheetData, header: HeaderMatch) -> list[Finding]:
    """Each hidden column of the header, at its heading: SCH064 when a visible column was read for its field in its
    place, SCH065 when it was read, no visible column naming its field."""
    found: list[Finding] = []
    read = {c: f for f, c in header.columns.items()}
    for c in sorted(sheet.hidden_cols & (read.keys() | header.hidden_unread.keys())):
        label = _text(sheet.value(header.row, c)) or _text(sheet.value(header.row - 1, c)) or ""
        if c in header.hidden_unread:
            found.append(make_finding("SCH064", sheet.location(header.row, c), sheet=sheet.name,
                                      column=column_letter(c), label=label,
                                      used=column_letter(header.columns[header.hidden_unread[c]])))
        else:
            found.append(make_finding("SCH065", sheet.location(header.row, c), sheet=sheet.name,
                                      column=column_letter(c), label=label))
    return found


def _header_labels(syn: HeaderSynonyms) -> frozenset[str]:
    return frozenset(normalize_header(label) for fields in syn.profiles.values()
                     for name, labels in fields.items() for label in (name, *labels))


def _title_labels(syn: HeaderSynonyms) -> frozenset[str]:
    return frozenset(normalize_header(label) for label in (*syn.table_name_labels, *syn.table_id_labels,
                                                           *syn.title_labels, *syn.record_length_labels))


def _ends_table(sheet: SheetData, r: int, syn: HeaderSynonyms) -> bool:
    """Whether row ``r`` (filled) begins something other than the table's items: a header written again (the next
    table's), or, after a blank row, a title row (``テーブル名 | 世帯``) or a heading over a block of its own
    (``インデックス情報`` above ``No | インデックス名 | …``)."""
    headers, titles = _header_labels(syn), _title_labels(syn)

    def folded(row: int) -> list[str]:
        return [normalize_header(_text(v)) for v in sheet.rows[row - 1] if _text(v) is not None]

    cells = folded(r)
    if sum(c in headers for c in cells) >= 2:
        return True
    if r < 2 or not sheet.is_blank_row(r - 1):
        return False
    if any(c in titles or any(c.startswith(t + sep) for t in titles for sep in (":", "：")) for c in cells):
        return True
    return len(cells) == 1 and r < sheet.max_row and any(c in headers for c in folded(r + 1))


def _read_items(sheet: SheetData, header_row: int, first_data_row: int, cols: dict[str, int],
                syn: HeaderSynonyms, findings: list[Finding]) -> tuple[list[Item], list[str], list[int], int]:
    """The item rows under the header (the columns ``cols``), the table's key, each item's row and the row where
    the table ends (see :func:`_ends_table`; past the sheet when it runs to the end), with what reading them
    found."""
    items: list[Item] = []
    rows: list[int] = []
    key: list[str] = []
    first_at: dict[str, str] = {}
    blanks: dict[str, list[Location]] = {}
    end = sheet.max_row + 1
    for r in range(first_data_row, sheet.max_row + 1):
        if sheet.is_blank_row(r):
            continue
        if _ends_table(sheet, r, syn):
            end = r
            break

        def cell(fieldname: str, row: int = r) -> Any:
            return sheet.value(row, cols[fieldname]) if fieldname in cols else None

        def where(fieldname: str, row: int = r) -> Location:
            return sheet.location(row, cols[fieldname])

        name = _text(cell("name")) or _text(cell("column"))
        if name is not None and "level" in cols and _not_an_item(sheet, r, cols):
            continue
        if name is not None and normalize_header(name) in _FILLERS and name in first_at:
            # FILLER (予備) names bytes no one reads, as often as a layout has them: each is kept, numbered.
            name = next(f"{name}_{n}" for n in range(2, sheet.max_row + 2) if f"{name}_{n}" not in first_at)
        if name is None:
            other = [f for f in cols if f not in ("no",) and _text(cell(f)) is not None]
            if other:
                findings.append(make_finding("SCH104", sheet.location(r, cols.get("name", cols.get("column", 1)))))
            continue
        if name in first_at:
            findings.append(make_finding("SCH105", where("name" if "name" in cols else "column"), item=name,
                                         first=first_at[name]))
            continue
        first_at[name] = str(where("name" if "name" in cols else "column")).split(" ", 1)[-1]
        items.append(_item(name, r, cols, sheet, syn, findings, cell, where, blanks))
        rows.append(r)
        if "key" in cols and _is_mark(cell("key"), syn):
            key.append(name)
    for flag, places in blanks.items():  # one finding a column: a blank flag is how most workbooks say "no"
        label = _text(sheet.value(header_row, cols[flag]))  # the column as the workbook names it
        required = flag != "required"
        findings.append(make_finding("SCH109", places[0], sheet=sheet.name, field=label or flag,
                                     field_ja=label or attribute_ja(flag), rows=len(places),
                                     read=f"required: {'true' if required else 'false'}",
                                     read_ja=f"{'必須' if required else '必須でない'} (required: {str(required).lower()})",
                                     cells=tuple(p.cell or "" for p in places[:10]) + (("…",) if len(places) > 10 else ())))
    return items, key, rows, end


# Names of bytes no one reads, written as often as a record layout has them.
_FILLERS = frozenset({"filler", "予備", "空き", "未使用", "reserved"})


def _level(sheet: SheetData, r: int, col: int) -> int | None:
    text = _text(sheet.value(r, col))
    return _to_int(text) if text is not None and _SIZE.match(text) and "," not in text else None


def _not_an_item(sheet: SheetData, r: int, cols: dict[str, int]) -> bool:
    """Whether row ``r`` of a COBOL layout (a level column) is no item: a condition name (level 88) or a group,
    an item without a type over items of a higher level, whose bytes are theirs."""
    level = _level(sheet, r, cols["level"])
    if level is None:
        return False
    if level in (66, 88):
        return True
    if _text(sheet.value(r, cols["type"])) is not None:
        return False
    below = next((n for n in range(r + 1, sheet.max_row + 1) if not sheet.is_blank_row(n)), None)
    deeper = None if below is None else _level(sheet, below, cols["level"])
    return deeper is not None and deeper > level and deeper not in (66, 88)


def _not_positions(items: list[Item], rows: list[int]) -> tuple[int, str, str] | None:
    """Why the start column of ``items`` (every one has a start) holds no byte positions, as (row, en, ja), or None
    when it does: each item starts at or after where the one before it ends (start + length; a gap is filler —
    before the first item too, a layout that leaves out a leading record type — and an item without a length
    only has to start later). A テーブル定義書 numbering its columns 1, 2, 3 … under 位置 beside lengths over 1
    fails this: it is an order."""
    first = items[0]
    if (first.start or 0) < 0:
        return (rows[0], f"the first item {first.name} starts at {first.start}, before the record",
                f"最初の項目 {first.name} の位置 {first.start} がレコードの前です")
    for n in range(1, len(items)):
        before, item = items[n - 1], items[n]
        start, previous = item.start or 0, before.start or 0
        free = previous + (before.max_length or 1)  # the first byte after the item before
        if start < free and before.max_length:
            return (rows[n], f"item {item.name} starts at {start}, inside item {before.name} (bytes {previous}-{free - 1})",
                    f"項目 {item.name} の位置 {start} が項目 {before.name} の範囲({previous}〜{free - 1} バイト目)の中です")
        if start < free:
            return (rows[n], f"item {item.name} starts at {start}, not after item {before.name} (at {previous})",
                    f"項目 {item.name} の位置 {start} が項目 {before.name} の位置 {previous} より後ではありません")
    return None


def _record_layout(items: list[Item], sheet: SheetData, header_top: int,
                   syn: HeaderSynonyms) -> tuple[list[Item], FileLayout]:
    """A ファイルレイアウト (a start position on every item) is a fixed-width record: its byte counts are exact
    (``length``) and the table gets ``file: {format: fixed, encoding: cp932, record_length: N}``, N from the title
    block (レコード長) or else where the last item ends, so the imported schema reads the extract as it is."""
    items = [replace(i, length=i.max_length, max_length=None) for i in items]
    record = max((i.start or 1) + (i.length or 1) - 1 for i in items)
    not_values = {*syn.table_name_labels, *syn.table_id_labels, *syn.title_labels,
                  *(label for fields in syn.profiles.values() for labels in fields.values() for label in labels)}
    found = find_label_value(sheet, syn.record_length_labels, not_values=not_values, rows=max(header_top - 1, 0))
    if found is not None:
        digits = re.search(r"[0-9]+(?:,[0-9]{3})*", unicodedata.normalize("NFKC", str(found.value)))
        if digits:  # 1,024バイト is 1024 bytes, not 1
            record = int(digits.group().replace(",", ""))
    return items, FileLayout(format="fixed", encoding="cp932", record_length=record)


def _item(name: str, r: int, cols: dict[str, int], sheet: SheetData, syn: HeaderSynonyms,
          findings: list[Finding], cell: Any, where: Any, blanks: dict[str, list[Location]]) -> Item:
    """One item row. Every cell read otherwise than written (full-width digits, a scale or length the type
    drops, a length beside the type's own, an unknown flag) is SCH108 at its cell; nothing changes silently."""

    def read_as(fieldname: str, found: str, read: str, read_ja: str, attribute: str | None = None) -> None:
        attribute = attribute or fieldname
        findings.append(make_finding("SCH108", where(fieldname), item=name, field=attribute,
                                     field_ja=attribute_ja(attribute), found=found, read=read, read_ja=read_ja))

    raw_type = _text(cell("type"))
    itype, type_size, scale = (None, None, None)
    if raw_type is not None:
        itype, type_size, scale = _map_type(raw_type, syn)
        if _text(cell("start")) is not None and (picture := _picture_bytes(raw_type)) is not None:
            type_size = picture  # a record counts bytes: PIC N(20) is 20 full-width characters, 40 bytes
        if itype is not None and _has_wide_digits(raw_type):
            read_as("type", raw_type, f"size {type_size}", f"桁数 {type_size}")
        if type_size == 0 and itype not in ("datetime", "time"):  # VARCHAR(0): no length an item can have
            read_as("type", raw_type, "no length", "桁数なし")
            type_size = None
    if itype in ("datetime", "time") and type_size is not None and _picture(raw_type or "") is None:
        # DATETIME2(3), TIMESTAMP(6), TIME(7): the digits after the second's point, no length of the item.
        type_size = None
    if itype == "time":
        # The schema model has no time-of-day type: kept as text (HH:MM:SS…), without a length, and said.
        read_as("type", str(raw_type), "string (the schema has no time-of-day type)",
                "string(スキーマに時刻の型はありません)")
        itype = "string"
    if itype == "binary":
        # The schema model has no binary type: the item is kept (so the layout stays whole) and flagged.
        findings.append(make_finding("SCH060", where("type"), item=name, found=raw_type))
        itype, type_size = "string", None
    elif itype is None:
        findings.append(make_finding("SCH102", where("type"), item=name, found=raw_type or "(blank)"))
        itype = "string"
    size = type_size
    raw_len = _text(cell("length"))
    len_scale = None
    if raw_len is not None:
        m = _SIZE.match(raw_len)
        if m and _to_int(m["size"]) == 0:
            # 0 is no length an item can have (a placeholder, or 桁数 0 for "unlimited"): said here, at its
            # cell, rather than as a schema error at a line of the written file the user never edits.
            findings.append(make_finding("SCH103", where("length"), item=name, found=raw_len))
        elif m:
            size = _to_int(m["size"])
            len_scale = _to_int(m["scale"]) if m["scale"] else None
            scale = len_scale if len_scale is not None else scale
            if type_size is not None and type_size != size:
                read_as("length", raw_len, f"max_length: {size} (not the {type_size} of type {raw_type})",
                        f"max_length: {size}(型 {raw_type} の {type_size} ではなく)")
            elif _has_wide_digits(raw_len):
                shown = f"{size}" if len_scale is None else f"{size},{len_scale}"
                read_as("length", raw_len, shown, shown)
        else:
            findings.append(make_finding("SCH103", where("length"), item=name, found=raw_len))
    elif "length" in cols and isinstance(cell("length"), Formula):
        findings.append(make_finding("SCH103", where("length"), item=name, found=str(cell("length"))))
    raw_scale = _text(cell("scale"))
    if raw_scale is not None:
        if _SIZE.match(raw_scale):
            scale = _to_int(raw_scale)
            if _has_wide_digits(raw_scale):
                read_as("scale", raw_scale, str(scale), str(scale))
        else:
            findings.append(make_finding("SCH107", where("scale"), item=name, field="scale",
                                         field_ja=attribute_ja("scale"), found=raw_scale, found_ja=raw_scale))
    raw_int = _text(cell("integer_digits"))
    if raw_int is not None and raw_len is None:
        # 桁数 split into 整数部 / 小数部: the digits before the point and after it, so NUMBER(10,2) is 8 and 2.
        m = _SIZE.match(raw_int)
        if m and not m["scale"] and _to_int(m["size"]) + (scale or 0) > 0:
            size = _to_int(m["size"]) + (scale or 0)
            if type_size is not None and type_size != size:
                read_as("integer_digits", raw_int, f"max_length: {size} (not the {type_size} of type {raw_type})",
                        f"max_length: {size}(型 {raw_type} の {type_size} ではなく)", "length")
            elif _has_wide_digits(raw_int):
                read_as("integer_digits", raw_int, str(size), str(size), "length")
        else:
            findings.append(make_finding("SCH103", where("integer_digits"), item=name, found=raw_int))
    if (itype == "integer" and size is None and scale is None and raw_int is None
            and _type_base(raw_type) in _ANY_NUMBER_TYPES and _TYPE_WITH_SIZE.match(str(raw_type)) is None):
        # numeric / NUMBER without a precision holds any number, fractions too: a decimal of no set length.
        itype = "decimal"
    if itype == "integer" and scale:
        # NUMBER(10,2) is how most definitions write a decimal: read so without a word; a type that names an
        # integer (INTEGER, SMALLINT …) given a scale is a reinterpretation, said at its cell.
        if _type_base(raw_type) not in _NUMBER_TYPES:
            read_as("type", str(raw_type), f"decimal (scale {scale})", f"decimal(小数 {scale} 桁)")
        itype = "decimal"
    date_format = _text(cell("format"))
    if date_format is not None and itype not in ("date", "datetime") and _DATE_FORMAT.match(date_format):
        # A 9(7) field whose 編集形式 is GYYMMDD holds a date: read as one (what the format key is for), said.
        read_as("type", raw_type or "(blank)", f"date (format {date_format})", f"date(書式 {date_format})")
        itype, scale = "date", None
    # In a record layout (a start position) a date or flag still takes its bytes; elsewhere it has no length.
    positioned = _text(cell("start")) is not None
    if itype in ("date", "datetime", "flag") and size is not None and raw_len is not None and not positioned:
        read_as("length", raw_len, f"no length (type {itype})", f"桁数なし(型 {itype})")
    if itype in ("date", "datetime", "flag") and not positioned:
        size = None
    if itype != "decimal" and scale is not None:
        if len_scale is not None and raw_len is not None:
            read_as("length", raw_len, f"max_length: {size} (no scale for type {itype})",
                    f"max_length: {size}(型 {itype} に小数桁はありません)")
        scale = None
    code_table = _text(cell("code_table"))
    if code_table is not None and normalize_header(code_table) in syn.no_marks:
        code_table = None  # "-", "なし": the row names no code table
    if code_table is not None and itype in ("string", "integer"):
        # CHAR(1) with a code table is a code: kept as one (the code table would otherwise be lost), and said.
        read_as("type", raw_type or "(blank)", f"code (code table {code_table})", f"code(コード表 {code_table})")
        itype = "code"
    elif code_table is not None and itype != "code":
        read_as("code_table", code_table, f"no code table (type {itype})", f"コード表なし(型 {itype})")
    if itype == "code" and code_table is None:
        findings.append(make_finding("SCH107", where("type"), item=name, field="code_table",
                                     field_ja=attribute_ja("code_table"), found="(blank)", found_ja="(空欄)"))
        itype = "string"
    required = False
    for flag in ("required", "nullable"):
        if flag not in cols:
            continue
        text = _text(cell(flag))
        yes = _is_mark(text, syn)
        not_null = text is not None and normalize_header(text) in _NOT_NULL
        if flag == "nullable" and not_null:
            yes = False  # NOT NULL in a NULL column: the item may not be empty
        elif flag == "required" and not_null:
            yes = True
        if text is None:  # blank: the column's default (not required; not nullable, so required), said per sheet
            blanks.setdefault(flag, []).append(where(flag))
        elif not yes and not not_null and normalize_header(text) not in syn.no_marks:
            findings.append(make_finding("SCH108", where(flag), item=name, field=flag, field_ja=attribute_ja(flag), found=text,
                                         read=f"{flag}: false", read_ja=f"{flag}: false(印なし)"))
        required = yes if flag == "required" else not yes
        break
    if "key" in cols:
        key_text = _text(cell("key"))
        if _is_mark(key_text, syn):
            required = True
        elif key_text is not None and normalize_header(key_text) not in syn.no_marks:
            findings.append(make_finding("SCH108", where("key"), item=name, field="key", field_ja=attribute_ja("key"),
                                         found=key_text, read="key: false", read_ja="key: false(印なし)"))
    start = None
    raw_start = _text(cell("start"))
    if raw_start is not None:
        if _SIZE.match(raw_start):
            start = _to_int(raw_start)
            if _has_wide_digits(raw_start):
                read_as("start", raw_start, str(start), str(start))
        else:
            findings.append(make_finding("SCH107", where("start"), item=name, field="start",
                                         field_ja=attribute_ja("start"), found=raw_start, found_ja=raw_start))
    column = _text(cell("column")) if "name" in cols else None
    return Item(
        name=name,
        type=itype,
        id=_text(cell("item_id")),
        column=column if column != name else None,
        length=None,
        max_length=size,
        scale=scale,
        required=required,
        code_tables=(code_table,) if code_table and itype == "code" else (),
        format=_text(cell("format")),
        start=start,
        description=_text(cell("note")),
    )


def import_workbook(path: Path, *, sheet: str | None = None, schema_id: str | None = None,
                    kind: str = "legacy", title: str | None = None, version: str = "1",
                    synonyms: HeaderSynonyms | None = None) -> ImportResult:
    """Read a table-definition workbook: one table per sheet (all sheets, or only ``sheet``).

    When reading all sheets, a sheet without a recognisable header (a cover sheet, a change log) is
    skipped with ``SCH062``, a hidden or very hidden sheet is skipped with ``SCH061``, and every visible
    sheet is an error (``SCH101``) when no sheet has a header. A named ``sheet`` is read even if hidden
    (``SCH063``).

    Raises:
        InputError: the workbook cannot be opened or ``sheet`` does not exist.
    """
    path = Path(path)
    syn = synonyms or load_header_synonyms()
    book = read_workbook(path)
    if sheet is not None:
        found = book.sheet(sheet)
        if found is None:
            raise InputError(f"No sheet {sheet!r} (sheets: {join_list(book.sheets, 'en')}).",
                             f"シート {sheet!r} がありません(シート: {join_list(book.sheets, 'ja')})。",
                             location=Location(file=str(path)))
        sheets = [found]
    else:
        sheets = list(book.sheets.values())
    findings: list[Finding] = []
    tables: list[Table] = []
    for data in sheets:
        if sheet is None and data.state != "visible":
            # Hidden sheets hold lookup lists and superseded versions: skipped unless named with --sheet.
            findings.append(make_finding("SCH061", data.location(1, 1), sheet=data.name, state=data.state,
                                         state_ja=sheet_state_ja(data.state)))
            continue
        if data.state != "visible":  # named with --sheet: read, and said so
            findings.append(make_finding("SCH063", data.location(1, 1), sheet=data.name, state=data.state,
                                         state_ja=sheet_state_ja(data.state)))
        read = _import_sheet(data, syn, findings, report_missing=sheet is not None)
        if not read and sheet is None:
            findings.append(make_finding("SCH062", data.location(1, 1), sheet=data.name, rows=HEADER_ROWS))
        for table in read:
            if any(t.name == table.name for t in tables):
                table = replace(table, name=f"{table.name}_{data.name}")  # its file layout kept
            tables.append(table)
    if not tables:
        if sheet is None:
            findings = [f for f in findings if f.code != "SCH062"]
            findings += [make_finding("SCH101", s.location(1, 1), sheet=s.name, rows=HEADER_ROWS) for s in sheets
                         if s.state == "visible"]
        return ImportResult(schema=None, findings=tuple(findings))
    code_tables = {
        name: CodeTable(name=name, values=(), description=f"codes to be filled in (imported from {path.name})")
        for t in tables for i in t.items for name in i.code_tables
    }
    schema = Schema(
        id=schema_id or _slug(path.stem),
        code_tables=code_tables,
        kind=kind,
        title=title or path.stem,
        version=version,
        provenance=Provenance(source=f"imported from {path.name}", verified=False),
        tables=tuple(tables),
    )
    return ImportResult(schema=schema, findings=tuple(findings))


def import_and_write(workbook: Path, output: Path, *, sheet: str | None = None, schema_id: str | None = None,
                     kind: str = "legacy", title: str | None = None,
                     synonyms_file: Path | None = None) -> Report:
    """Import ``workbook``, write the schema to ``output`` and check the written file; return the report.

    Nothing is written when nothing could be imported.
    """
    from migrator.schema.loader import load_schema
    from migrator.schema.writer import write_schema

    result = import_workbook(workbook, sheet=sheet, schema_id=schema_id, kind=kind, title=title,
                             synonyms=load_header_synonyms(synonyms_file))
    findings = list(result.findings)
    if result.schema is not None:
        write_schema(result.schema, output, header=f"Imported from {Path(workbook).name} by migrator schema import.")
        findings += load_schema(output)[1]
    return ImportResult(schema=result.schema, findings=tuple(findings)).report(str(workbook))
