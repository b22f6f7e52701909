"""Analysing and compiling the rows of a mapping: each 変換 pipe becomes one polars expression.

:func:`analyze_row` does the work once for both the static check (its findings) and the compiler (its
expression and row issues), so what ``migrator mapping check`` accepts is exactly what runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from migrator import jp
from migrator.i18n import did_you_mean as _hint
from migrator.i18n import excerpt, shorten
from migrator.location import Location
from migrator.mapping.language import TransformSyntaxError, parse_pipe
from migrator.mapping.model import ItemRow, Mapping
from migrator.mapping.transforms import Derived, Env, RowIssue, Transform, bind, lookup, names
from migrator.report import Finding, make_finding
from migrator.schema import Item, Table

ISO_FORMATS = (None, "YYYY-MM-DD")
# Errors after which a row cannot be compiled.
BLOCKING = {"MAP101", "MAP102", "MAP103", "MAP104", "MAP204", "MAP303", "MAP045"}


MEMO_KEY = "__memo_key"


@dataclass(frozen=True)
class Memo:
    """A memoized row in its parts, for a caller that keeps the per-value results across frames.

    ``input`` is the legacy value the pipe reads (an expression over the legacy frame); ``value`` and each
    issue's ``(flag, value)`` are expressions over ``pl.col(MEMO_KEY)`` (one row per distinct input value).
    ``input.replace_strict(keys, value)`` for every row equals the row's compiled expression.
    """

    input: pl.Expr
    value: pl.Expr
    issues: tuple[tuple[pl.Expr, pl.Expr], ...] = ()
    # The same ``value`` and ``issues`` written over shared 和暦 parses (see ``jp.shared_wareki_parses``):
    # ``parses`` are named columns over ``pl.col(MEMO_KEY)`` to compute first, once each.
    parses: tuple[tuple[str, pl.Expr], ...] = ()
    shared_value: pl.Expr | None = None
    shared_issues: tuple[tuple[pl.Expr, pl.Expr], ...] = ()


@dataclass(frozen=True)
class TransformIssue:
    """A row-level problem a transform can detect (unmapped code, unparseable 和暦, lenient era …)."""

    item: str
    code: str
    expr: pl.Expr
    value: pl.Expr
    source: str
    memo: int | None = None  # its position in the item's Memo.issues, when the row is memoized


@dataclass
class RowPlan:
    """The analysis of one 項目対応 row."""

    row: ItemRow
    expr: pl.Expr | None = None
    kind: str = "text"
    length: int | None = None
    issues: list[RowIssue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # legacy items used (cells and arguments)
    code_uses: list[tuple[str, str | None]] = field(default_factory=list)  # (table, legacy item fed in)
    code_parts: dict[str, int | None] = field(default_factory=dict)  # table → part taken (code(table, part=N))
    memo: Memo | None = None  # the per-distinct-value parts of a memoized row
    derived: tuple[Derived, ...] = ()  # the joins of the mapping so far (lookup, count), shared by its rows

    @property
    def blocked(self) -> bool:
        return any(f.code in BLOCKING for f in self.findings)


def source_of(loc: Location) -> str:
    """``項目対応!D12`` for a workbook cell, ``file:line`` for YAML."""
    if loc.sheet:
        return f"{loc.sheet}!{loc.cell}" if loc.cell else loc.sheet
    return str(loc)


def _initial_kind(item: Item | None) -> str:
    if item is None:
        return "text"
    if item.type == "date":
        return "date_iso" if item.format in ISO_FORMATS else "date_text"
    return "text"


def _kind_label(kind: str) -> str:
    return {"date_text": "a date in legacy text form", "date_iso": "a date (text)", "date": "a date",
            "integer": "an integer", "text": "text"}[kind]


def _kind_label_ja(kind: str) -> str:
    return {"date_text": "現行の文字形式の日付", "date_iso": "日付(文字列)", "date": "日付", "integer": "整数",
            "text": "文字列"}[kind]


def analyze_row(row: ItemRow, *, mapping: Mapping, env: Env, legacy: Table | None, target: Item | None,
                standard_codes: dict[str, tuple[str, ...]], dedupe: bool = True) -> RowPlan:
    """Parse, bind and build the row's pipe; findings name the row's cells.

    With ``dedupe`` a pipe with a costly transform (``Transform.memo``) that reads only its own legacy value
    is evaluated once per distinct value and looked up for every row (same results, see :func:`_memoized`).
    """
    plan = RowPlan(row)
    steps: list[tuple[Transform, dict[str, Any]]] = []
    env.issues = []
    env.koseki = target is not None and target.date_rule == "koseki"
    tcell = row.place("transform")
    lcell = row.place("legacy")
    if row.excluded:
        plan.expr = pl.lit(None, pl.String)
        return plan
    legacy_item = None
    for name in row.legacy:
        plan.columns.append(name)
        if legacy is not None and not legacy.has_item(name):
            hint, hint_ja = _hint(name, legacy.item_names)
            plan.findings.append(make_finding("MAP204", lcell, item=name, table=legacy.name, hint=hint,
                                              hint_ja=hint_ja))
    if len(row.legacy) == 1 and legacy is not None and legacy.has_item(row.legacy[0]):
        legacy_item = legacy.item(row.legacy[0])
    if len(row.legacy) == 1:
        expr: pl.Expr = pl.col(row.legacy[0])
        kind = _initial_kind(legacy_item)
        length = legacy_item.size if legacy_item else None
    elif row.legacy:
        expr = pl.concat_str([pl.col(n) for n in row.legacy], ignore_nulls=True)
        kind = "text"
        sizes = [legacy.item(n).size if legacy and legacy.has_item(n) else None for n in row.legacy]
        known = [s for s in sizes if s is not None]
        length = None if len(known) < len(sizes) else sum(known)
    else:
        expr, kind, length = pl.lit(None, pl.String), "text", 0
    fed: str | None = row.legacy[0] if len(row.legacy) == 1 else None
    if row.transform:
        try:
            pipe = parse_pipe(row.transform)
        except TransformSyntaxError as exc:
            plan.findings.append(make_finding("MAP101", tcell, text=excerpt(row.transform, exc.pos), position=exc.position,
                                              reason=exc.reason, reason_ja=exc.reason_ja))
            return plan
        for index, step in enumerate(pipe.steps):
            transform = lookup(step.name)
            if transform is None:
                hint, hint_ja = _hint(step.name, names())
                plan.findings.append(make_finding("MAP102", tcell, name=step.name, hint=hint, hint_ja=hint_ja,
                                                  position=step.pos + 1))
                return plan
            args, errors = bind(transform, step.args, step.pos)
            for err in errors:
                plan.findings.append(make_finding("MAP103", tcell, name=transform.name,
                                                  reason=f"{err.reason} (character {err.pos + 1})",
                                                  reason_ja=f"{err.reason_ja}({err.pos + 1} 文字目)"))
            if transform.is_source and index > 0:
                plan.findings.append(make_finding(
                    "MAP103", tcell, name=transform.name,
                    reason=f"takes no input, so it must be the first step (character {step.pos + 1})",
                    reason_ja=f"入力を取らないので先頭に置いてください({step.pos + 1} 文字目)"))
            accepts = tuple(transform.accepts) + (("date_iso",) if "date_text" in transform.accepts else ())
            if not transform.is_source and kind not in accepts:
                plan.findings.append(make_finding("MAP104", tcell, name=transform.name,
                                                  accepts="/".join(transform.accepts), got=_kind_label(kind),
                                                  got_ja=_kind_label_ja(kind)))
            for param in transform.params:
                values = args.get(param.name)
                values = values if isinstance(values, list) else [values]
                for value in values:
                    column = None
                    if param.kind == "column" and value:
                        column = value
                    elif param.kind == "part" and value and value[0] == "column":
                        column = value[1]
                    if column is not None:
                        plan.columns.append(column)
                        if legacy is not None and not legacy.has_item(column):
                            hint, hint_ja = _hint(column, legacy.item_names)
                            plan.findings.append(make_finding("MAP204", tcell, item=column, table=legacy.name,
                                                              hint=hint, hint_ja=hint_ja))
                    if param.kind == "code_table" and value:
                        plan.code_uses.append((value, fed))
                        plan.code_parts[value] = args.get("part")
                        if value not in env.codes:
                            hint, hint_ja = _hint(value, list(env.codes))
                            plan.findings.append(make_finding("MAP303", tcell, table=value, hint=hint,
                                                              hint_ja=hint_ja))
            if transform.name in ("lookup", "count"):
                plan.findings += _derived_findings(args, env, tcell)
            if plan.blocked:
                continue
            if transform.is_source:
                fed = args.get("column") if transform.name == "split" else None
            elif transform.name == "split" and args.get("column"):
                fed = None
            elif transform.name not in ("trim", "rtrim", "upper", "lower", "zenkaku_to_hankaku", "checkdigit"):
                fed = None  # the value fed to a code table is no longer the legacy item's own code
            length = transform.length(env, length, args)
            steps.append((transform, args))
            if transform.returns != "same":
                kind = transform.returns
        if plan.blocked:
            return plan
    plan.kind, plan.length = kind, length
    if row.default:
        plan.length = None if length is None else max(length, len(row.default))
    if dedupe and any(t.memo for t, _ in steps) and not any(_reads_columns(t, a) for t, a in steps):
        plan.expr, plan.issues = _memoized(steps, expr, kind, row.default, env)
        keyed, keyed_issues = _assemble(steps, pl.col(MEMO_KEY), kind, row.default, env)
        with jp.shared_wareki_parses() as parses:
            shared, shared_issues = _assemble(steps, pl.col(MEMO_KEY), kind, row.default, env)
        plan.memo = Memo(expr, keyed, tuple((i.expr, i.value.cast(pl.String)) for i in keyed_issues),
                         tuple(parses.items()), shared if parses else None,
                         tuple((i.expr, i.value.cast(pl.String)) for i in shared_issues))
    else:
        plan.expr, plan.issues = _assemble(steps, expr, kind, row.default, env)
    if target is not None:
        plan.findings += _type_findings(plan, target)
    plan.derived = tuple(env.derived)
    return plan


def _derived_findings(args: dict[str, Any], env: Env, cell: Location) -> list[Finding]:
    """lookup/count name another table of the legacy schema and items of it (MAP045 otherwise)."""
    table = args.get("table")
    if not table:
        return []
    if table not in env.tables:
        hint, hint_ja = _hint(table, list(env.tables))
        return [make_finding("MAP045", cell, item=table, what="table", what_ja="テーブル",
                             known=tuple(env.tables) or "-", hint=hint, hint_ja=hint_ja)]
    out = []
    for name in (args.get("item"), args.get("on") or args.get("key")):
        if name and name not in env.tables[table]:
            hint, hint_ja = _hint(name, list(env.tables[table]))
            out.append(make_finding("MAP045", cell, item=name, what=f"item of {table}", what_ja=f"{table} の項目",
                                    known=tuple(env.tables[table]) or "-", hint=hint, hint_ja=hint_ja))
    return out


def _assemble(steps: list[tuple[Transform, dict[str, Any]]], expr: pl.Expr, kind: str, default: str | None,
              env: Env) -> tuple[pl.Expr, list[RowIssue]]:
    """The row's expression over ``expr`` (its legacy value), and the row issues its transforms register."""
    env.issues = []
    for transform, args in steps:
        expr = transform.build(env, expr, args)
    if kind == "date":
        expr = expr.cast(pl.String)  # YYYY-MM-DD; a 戸籍 date (1.1.8) may already be that text
    elif kind == "integer":
        expr = expr.cast(pl.String)
    # Empty text becomes null; each form names the value once, so nothing is computed twice.
    expr = expr.replace("", None)
    if default:
        expr = expr.fill_null(pl.lit(default, pl.String))
    return expr, list(env.issues)


def _memoized(steps: list[tuple[Transform, dict[str, Any]]], expr: pl.Expr, kind: str, default: str | None,
              env: Env) -> tuple[pl.Expr, list[RowIssue]]:
    """:func:`_assemble` run once per distinct legacy value, then looked up for every row.

    Legacy dates repeat (a million residents have some tens of thousands of birth dates), and a 和暦 parse
    costs far more than a hash lookup. Valid only for a pipe that reads nothing but its own legacy value.
    """
    distinct = expr.unique(maintain_order=True)
    out, issues = _assemble(steps, distinct, kind, default, env)

    def lookup(values: pl.Expr, dtype: pl.DataType) -> pl.Expr:
        return expr.replace_strict(distinct, values, default=None, return_dtype=dtype)

    return lookup(out, pl.String()), [RowIssue(i.code, lookup(i.expr, pl.Boolean()).fill_null(False),
                                                lookup(i.value.cast(pl.String), pl.String())) for i in issues]


def _reads_columns(transform: Transform, args: dict[str, Any]) -> bool:
    """True if a step reads legacy items other than its input (a source, split(column), if_empty(item))."""
    if transform.is_source:
        return True
    for param in transform.params:
        values = args.get(param.name)
        for value in values if isinstance(values, list) else [values]:
            if (param.kind == "column" and value) or (param.kind == "part" and value and value[0] == "column"):
                return True
    return False


def _type_findings(plan: RowPlan, target: Item) -> list[Finding]:
    row, kind = plan.row, plan.kind
    loc = row.place("transform") if row.transform else row.place("legacy")
    out: list[Finding] = []
    bad = False
    hint, hint_ja = "", ""
    if not row.legacy and not row.transform:
        kind = "text"  # a default value only: checked as a value (MAP307)
    if target.type == "date" and kind in ("text", "integer", "date_text"):
        bad = True
        if kind == "date_text":
            hint, hint_ja = " (convert it with wareki or date(...))", "(wareki か date(...) で変換してください)"
    elif target.type in ("integer", "decimal", "flag", "code") and kind in ("date", "date_text", "date_iso"):
        bad = True
    if bad:
        out.append(make_finding("MAP301", loc, item=target.name, target=target.type, got=_kind_label(kind),
                                got_ja=_kind_label_ja(kind), hint=hint, hint_ja=hint_ja))
    size = target.size
    if size is not None and plan.length is not None and plan.length > size and target.type not in ("date",):
        out.append(make_finding("MAP302", loc, item=target.name, target=size, got=plan.length))
    return out


# What belongs to the character before it: variation selectors (standardized and the IVS of 異体字) and
# combining marks (゙ ゚), so that 葛󠄀 (U+845B U+E0100) counts as one character.
_GRAPHEME_TAIL = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u0300-\u036f\u3099\u309a]")


def gaiji_table(mapping: Mapping) -> tuple[jp.GaijiTable, list[Finding]]:
    """The 外字 table of the mapping, with findings for entries that cannot be used."""
    findings: list[Finding] = []
    pairs: dict[str, str] = {}
    first: dict[str, Location] = {}
    for entry in mapping.gaiji:
        parsed: list[str] = []
        for side in ("legacy", "standard"):
            text = str(getattr(entry, side)).strip()
            try:
                parsed.append(jp.parse_char_notation(text, legacy=side == "legacy"))
            except jp.AmbiguousCodeError as exc:  # F040: U+F040, or the Shift_JIS 外字 code CP932 reads as U+E000
                point, sjis = f"U+{ord(exc.as_codepoint):04X}", f"U+{ord(exc.as_sjis):04X}"
                findings.append(make_finding(
                    "MAP008", entry.place(side), reason=str(exc),
                    reason_ja=f"{exc.written} はコードポイント {point} とも、Shift_JIS の外字コード {exc.written}"
                              f"(CP932 では {sjis})とも読めます。U+… か文字そのもので書いてください"))
                break
            except jp.GaijiTableError as exc:  # the cell is named by the location; its text by the English reason
                findings.append(make_finding(
                    "MAP008", entry.place(side), reason=str(exc),
                    reason_ja="このセルは文字になりません(U+E001、E001、0xE001、&#xE001;、&#57345; のように1文字ずつ書き、"
                              "U+10FFFF まで。U+D800〜U+DFFF は除く)"))
                break
        if len(parsed) < 2:
            continue
        key, value = parsed
        if not key:
            findings.append(make_finding("MAP008", entry.place("legacy"), reason="empty 現行文字",
                                         reason_ja="現行文字が空です"))
            continue
        if key in pairs:
            where = source_of(first[key]) or "-"
            if pairs[key] != value:
                findings.append(make_finding("MAP008", entry.place("legacy"),
                                             reason=f"{shorten(str(entry.legacy))} is mapped twice (first at {where})",
                                             reason_ja=f"{shorten(str(entry.legacy))} が2回対応付けられています"
                                                       f"(最初は {where})"))
            else:
                findings.append(make_finding("MAP015", entry.place("legacy"), value=jp.codepoints(key), first=where))
            continue
        if key == value:
            findings.append(make_finding("MAP017", entry.place("standard"), value=jp.codepoints(key)))
        elif jp.pua_chars(value):
            # A 外字 mapped to another 外字 replaces one vendor character by another: every row holding it would
            # still be rejected (MAP406), or written with a private-use character under 外字方針 = 残す.
            pua = jp.codepoints("".join(jp.pua_chars(value)))
            findings.append(make_finding(
                "MAP008", entry.place("standard"),
                reason=f"the standard character {pua} is itself a private-use 外字 (map it to a standard character)",
                reason_ja=f"標準文字 {pua} も私用領域の外字です(標準の文字に対応付けてください)"))
        characters = _GRAPHEME_TAIL.sub("", value)
        if len(characters) > 1:
            findings.append(make_finding("MAP016", entry.place("standard"), value=jp.codepoints(key),
                                         count_chars=len(characters), target=jp.codepoints(value)))
        pairs[key] = value
        first[key] = entry.place("legacy")
    return jp.GaijiTable(pairs), findings
