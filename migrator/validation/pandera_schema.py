"""Building a pandera (polars) ``DataFrameSchema`` from one table of the schema model.

The frame to validate holds the table's items as columns named by item name. By default every column is
text (``pl.String``), as extracts and the standard layout are read; ``typed=True`` builds dtypes instead
(Int64, Decimal, Date, Datetime) for frames that were already converted.

What is checked: presence of every item, required (not null, not blank), length (characters), the
type's text form (integer, decimal with scale, dates in the item's format, flags 0/1), code tables,
patterns, character classes and named checks *that are registered*, and the table's cross-item rules as
frame-wide checks. Character classes such as ``jis_x0208`` and check digits such as ``mynumber`` are
extension points: :func:`register_charset` and :func:`register_named_check` plug in a polars expression
(the ``migrator.jp`` package provides them); until then :func:`unchecked` lists what is skipped.

Every check has a stable name (``max_length``, ``code_table``, ``charset:digits``, ``check:mynumber``,
``rule:required_if`` …) so that failures can be turned into findings.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from migrator.i18n import Lang
from migrator.schema.model import CodeTable, Condition, Item, Rule, Schema, Table
from migrator.validation.pandera_polars import pa

ExprCheck = Callable[[pl.Expr], pl.Expr]
"""Given a column expression, return a boolean expression: True where the value is acceptable."""

# Built-in character classes; the others are extension points (see register_charset).
_CHARSETS: dict[str, ExprCheck] = {
    "digits": lambda c: c.str.contains(r"^[0-9]*$"),
    "alnum": lambda c: c.str.contains(r"^[0-9A-Za-z]*$"),
    # As migrator.jp defines them (docs/jp.md); the validation run checks these through migrator.jp itself.
    "kana_half": lambda c: c.str.contains(r"^[\x{FF66}-\x{FF9F} ]*$"),
    "kana_full": lambda c: c.str.contains(r"^[\x{30A1}-\x{30FE}\x{3000} ]*$"),
    "any": lambda c: pl.lit(True),
}
# Named checks whose rule is a plain shape; check digits are extension points (see register_named_check).
_NAMED: dict[str, ExprCheck] = {
    "postal_code": lambda c: c.str.contains(r"^[0-9]{7}$"),
    "residence_card": lambda c: c.str.contains(r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$"),
}
_DATE_FORMATS = {None: "%Y-%m-%d", "YYYY-MM-DD": "%Y-%m-%d", "YYYY/MM/DD": "%Y/%m/%d", "YYYYMMDD": "%Y%m%d"}
_DATETIME_FORMATS = {None: "%Y-%m-%dT%H:%M:%S", "YYYY-MM-DDTHH:MM:SS": "%Y-%m-%dT%H:%M:%S",
                     "YYYY/MM/DD HH:MM:SS": "%Y/%m/%d %H:%M:%S", "YYYY-MM-DD HH:MM:SS": "%Y-%m-%d %H:%M:%S"}


def register_charset(name: str, check: ExprCheck) -> None:
    """Plug in the check of character class ``name`` (for example ``jis_x0208`` from ``migrator.jp``)."""
    _CHARSETS[name] = check


def register_named_check(name: str, check: ExprCheck) -> None:
    """Plug in the named check ``name`` (for example ``mynumber`` check digits from ``migrator.jp``)."""
    _NAMED[name] = check


@dataclass(frozen=True)
class Unchecked:
    """A declared rule the built schema does not check (no implementation registered for it)."""

    item: str
    what: str


def unchecked(table: Table) -> list[Unchecked]:
    """The character classes, named checks and formats of ``table`` that the pandera schema skips."""
    out: list[Unchecked] = []
    for item in table.items:
        if item.charset and item.charset not in _CHARSETS:
            out.append(Unchecked(item.name, f"charset:{item.charset}"))
        out += [Unchecked(item.name, f"check:{c}") for c in item.checks if c not in _NAMED]
        if item.type == "date" and item.format not in _DATE_FORMATS:
            out.append(Unchecked(item.name, f"format:{item.format}"))
        if item.type == "datetime" and item.format not in _DATETIME_FORMATS:
            out.append(Unchecked(item.name, f"format:{item.format}"))
    return out


def _check(name: str, build: ExprCheck, error: str | None = None, *, nulls_pass: bool = True) -> pa.Check:
    """A column check from an expression builder; nulls pass (``required`` is checked separately) unless
    ``nulls_pass`` is False (the check itself says what a null means)."""

    def run(data: Any) -> pl.LazyFrame:
        col = pl.col(data.key)
        return data.lazyframe.select((build(col) | col.is_null()) if nulls_pass else build(col).fill_null(True))

    return pa.Check(run, name=name, error=error or name)


def _unknown_may_fill(item: Item) -> bool:
    """A required date whose 不詳フラグ says 不詳 is filled even without a date (年月日不詳, 1.1.8)."""
    return item.required and item.type == "date" and item.unknown_flag is not None


def _text_checks(item: Item, codes: Mapping[str, CodeTable], fixed_width: bool) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if _unknown_may_fill(item):
        # A flag left blank (or its item not mapped at all) says nothing: it fills no blank date.
        flag = (pl.col(item.unknown_flag or "").cast(pl.String) == "1").fill_null(False)

        def filled_or_unknown(data: Any) -> pl.LazyFrame:
            col = pl.col(data.key)
            return data.lazyframe.select((col.str.strip_chars().str.len_chars() > 0).fill_null(False) | flag)

        checks.append(pa.Check(filled_or_unknown, name="required", error="required"))
    elif item.required:
        checks.append(_check("required", lambda c: c.str.strip_chars().str.len_chars() > 0))
    if not fixed_width:  # a fixed-width length counts CP932 bytes of the extract, not characters
        if item.length is not None and item.type in ("string", "code"):
            n = item.length
            checks.append(_check("length", lambda c: c.str.len_chars() == n, f"length({n})"))
        elif item.max_length is not None and item.type in ("string", "code", "integer"):
            m = item.max_length
            checks.append(_check("max_length", lambda c: c.str.len_chars() <= m, f"max_length({m})"))
    if item.type == "integer":
        checks.append(_check("integer", lambda c: c.str.contains(r"^-?[0-9]+$")))
    elif item.type == "decimal":
        frac = f"{{0,{item.scale}}}" if item.scale is not None else "*"
        checks.append(_check("decimal", lambda c: c.str.contains(rf"^-?[0-9]+(\.[0-9]{frac})?$")))
    elif item.type == "flag":
        checks.append(_check("flag", lambda c: c.is_in(["0", "1"])))
    elif item.type == "date" and item.format in _DATE_FORMATS:
        checks += _date_checks(item, _DATE_FORMATS[item.format])
    elif item.type == "datetime" and item.format in _DATETIME_FORMATS:
        fmt = _DATETIME_FORMATS[item.format]
        checks.append(_check("datetime", lambda c: c.str.to_datetime(fmt, strict=False).is_not_null(),
                             f"datetime({fmt})"))
    checks += _common_checks(item, codes)
    return checks


_ISO_SHAPE = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def _date_checks(item: Item, fmt: str) -> list[pa.Check]:
    """A calendar date; or, where the item follows 戸籍 (``dates: koseki``, 1.1.8), also a non-calendar day
    (2月29日 of a common year) and a 不詳日, each accepted one reported as information with the rule."""

    def calendar(c: pl.Expr) -> pl.Expr:
        return _parse_date(c, fmt).is_not_null()

    koseki = item.date_rule == "koseki"
    allowed: pl.Expr = pl.lit(koseki) if item.dates_when is None else _holds(item.dates_when)
    section = item.basis_of("dates") or "1.1.8"
    where = f" when {item.dates_when.describe()}" if koseki and item.dates_when is not None else ""
    checks: list[pa.Check] = []
    if koseki and fmt == "%Y-%m-%d":
        shape = _ISO_SHAPE
        checks.append(_check("date", lambda c: calendar(c) | (c.str.contains(shape) & allowed),
                             f"date({fmt}; non-calendar days{where}, {section})"))
        checks.append(_check("accepted:non_calendar", lambda c: calendar(c) | ~c.str.contains(shape) | ~allowed,
                             f"accepted:non_calendar({section})"))
    else:
        checks.append(_check("date", calendar, f"date({fmt})"))
    if item.unknown_flag:
        flag = pl.col(item.unknown_flag).cast(pl.String) == "1"
        if koseki:
            checks.append(_check("accepted:unknown_date", lambda c: ~flag | ~allowed,
                                 f"accepted:unknown_date({section})", nulls_pass=False))
        checks.append(_check("date_unknown", lambda c: ~flag | allowed,
                             f"date(不詳 only{where or ' on the dates it lists'}, {section})", nulls_pass=False))
    return checks


# The labels of the date checks that say a rule in words, and of the checks that report what they accepted:
# :func:`check_text` says them in the language of a message. The other labels are the schema's own terms
# (``length(6)``, ``pattern(...)``, ``code_table(性別)``, ``charset:jis_x0208``, ``check:mynumber``,
# ``rule:date_order(生年月日, 異動年月日)``), written the same in both languages, as the schema file writes them.
_NON_CALENDAR_RE = re.compile(r"^date\((?P<fmt>[^;]+); non-calendar days(?: when (?P<when>.+))?, (?P<section>[^,]+)\)$")
_UNKNOWN_ONLY_RE = re.compile(r"^date\(不詳 only(?: when (?P<when>.+)| on the dates it lists), (?P<section>[^,]+)\)$")
_ACCEPTED_RE = re.compile(r"^accepted:(?P<what>non_calendar|unknown_date|check:[^(]+)\((?P<section>[^)]*)\)$")
_WHEN_IN_RE = re.compile(r"^(?P<item>.+) in (?P<values>\[.*\])$")


def _when_text(when: str, lang: Lang) -> str:
    """A condition as :meth:`Condition.describe` writes it (``異動事由 in ['03', '23']``, ``X present``) said in
    ``lang`` (in Japanese with its ``とき``); the item's name and its codes stay as the standard writes them."""
    found = _WHEN_IN_RE.match(when)
    if found is not None:
        try:
            values = [str(v) for v in ast.literal_eval(found["values"])]
        except (ValueError, SyntaxError):
            values = []
        if values:
            head, last = values[:-1], values[-1]
            if lang == "ja":
                return f"{found['item']} が {'、'.join(head) + ' または ' if head else ''}{last} のとき"
            return f"{found['item']} is {', '.join(head) + ' or ' if head else ''}{last}"
    if when.endswith(" present"):
        item = when.removesuffix(" present")
        return f"{item} に値があるとき" if lang == "ja" else f"{item} is filled"
    return when


def check_text(label: str, lang: Lang) -> str:
    """The label of a check as a message in ``lang`` shows it (its ``{check}``).

    The label itself (the failure cases' ``check``, which :func:`migrator.validation.checks.finding_code` reads)
    is one fixed string; this says its words in one language: ``date(%Y-%m-%d; non-calendar days when 異動事由
    in ['03', '23'], 1.1.8)`` is ``date(%Y-%m-%d、異動事由 が 03 または 23 のときは暦にない日付も可、1.1.8)`` in
    Japanese. Item names, code-table names and section numbers stay as the standard writes them; a label of
    the schema's own terms (``length(6)``, ``check:mynumber``) and one this does not know are shown as they are.
    """
    found = _NON_CALENDAR_RE.match(label)
    if found is not None:
        fmt, when, section = found["fmt"], found["when"], found["section"]
        if lang == "ja":
            where = f"{_when_text(when, lang)}は" if when else ""
            return f"date({fmt}、{where}暦にない日付も可、{section})"
        where = f" when {_when_text(when, lang)}" if when else ""
        return f"date({fmt}; non-calendar days{where}, {section})"
    found = _UNKNOWN_ONLY_RE.match(label)
    if found is not None:
        when, section = found["when"], found["section"]
        if lang == "ja":
            return (f"date(不詳日は {_when_text(when, lang)}のみ、{section})" if when
                    else f"date(不詳日は {section} が定める日付の項目のみ)")
        return (f"date(unknown dates only when {_when_text(when, lang)}, {section})" if when
                else f"date(unknown dates only on the dates section {section} lists)")
    found = _ACCEPTED_RE.match(label)
    if found is not None:
        what, section = found["what"], found["section"]
        if what.startswith("check:"):  # the check digit the number fails, and the section that exempts it
            return f"{what}{'、' if lang == 'ja' else ', '}{section}"
        return section
    return label


def _new_number_checks(item: Item) -> list[pa.Check]:
    """Checks the specification applies to newly assigned numbers only (1.1.13): a migrated number that fails
    one is kept and reported as information; a profile that asks for the check turns it into a check."""
    section = item.basis_of("checks_new_numbers") or "1.1.13"
    return [_check(f"accepted:check:{name}", _NAMED[name], f"accepted:check:{name}({section})")
            for name in item.new_number_checks if name in _NAMED]


def _common_checks(item: Item, codes: Mapping[str, CodeTable]) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if item.code_tables:
        allowed = sorted({code for name in item.code_tables if name in codes for code in codes[name].codes})
        label = "|".join(item.code_tables)
        checks.append(_check("code_table", lambda c: c.cast(pl.String).is_in(allowed), f"code_table({label})"))
    if item.pattern:
        pattern = f"^(?:{item.pattern})$"
        checks.append(_check("pattern", lambda c: c.cast(pl.String).str.contains(pattern), f"pattern({item.pattern})"))
    if item.charset in _CHARSETS and item.charset != "any":
        checks.append(_check(f"charset:{item.charset}", _CHARSETS[item.charset]))
    checks += [_check(f"check:{name}", _NAMED[name]) for name in item.checks if name in _NAMED]
    checks += _new_number_checks(item)
    return checks


_TYPED = {"integer": pl.Int64, "date": pl.Date, "datetime": pl.Datetime, "flag": pl.Boolean}


def _typed_column(item: Item, codes: Mapping[str, CodeTable]) -> pa.Column:
    if item.type == "decimal":
        dtype: Any = pl.Decimal(scale=item.scale or 0)
    else:
        dtype = _TYPED.get(item.type, pl.String)
    checks: list[pa.Check] = []
    if dtype == pl.String:
        if item.length is not None:
            n = item.length
            checks.append(_check("length", lambda c: c.str.len_chars() == n, f"length({n})"))
        elif item.max_length is not None:
            m = item.max_length
            checks.append(_check("max_length", lambda c: c.str.len_chars() <= m, f"max_length({m})"))
        checks += _common_checks(item, codes)
    elif item.code_tables:
        checks += _common_checks(item, codes)
    return pa.Column(dtype, checks=checks, nullable=not item.required, required=True, name=item.name)


def _filled(name: str) -> pl.Expr:
    col = pl.col(name)
    return col.is_not_null() & (col.cast(pl.String).str.strip_chars().str.len_chars() > 0)


def _holds(cond: Condition) -> pl.Expr:
    if cond.values:
        return pl.col(cond.item).cast(pl.String).is_in(list(cond.values)).fill_null(False)
    return _filled(cond.item)


def rule_expr(rule: Rule, table: Table) -> pl.Expr | None:
    """The rule as a polars expression over the table's items (True where a row keeps it); None if unknown."""
    if rule.kind == "required_if" and rule.item and rule.when:
        return ~_holds(rule.when) | _filled(rule.item)
    if rule.kind == "empty_if" and rule.item and rule.when:
        return ~_holds(rule.when) | ~_filled(rule.item)
    if rule.kind == "date_order" and rule.earlier and rule.later:
        a, b = (_as_date(table.item(n)) for n in (rule.earlier, rule.later))
        return a.is_null() | b.is_null() | (a <= b)
    if rule.kind == "code_consistency" and rule.when and rule.then:
        forward = ~_holds(rule.when) | _holds(rule.then)
        return forward & (~_holds(rule.then) | _holds(rule.when)) if rule.both_ways else forward
    return None


def _as_date(item: Item) -> pl.Expr:
    col = pl.col(item.name)
    fmt = _DATE_FORMATS.get(item.format) if item.type == "date" else None
    if fmt is None:
        return col.cast(pl.String)  # unknown text form: compare as text (YYYY-MM-DD and GYYMMDD sort right)
    return _parse_date(col, fmt)  # an empty text is no date either


def _parse_date(col: pl.Expr, fmt: str) -> pl.Expr:
    """The date of a text column, null where it is none. Written the same way for the date checks and the
    rules, so one polars pass parses each column once (common subexpressions are computed once)."""
    return col.cast(pl.String).str.to_date(fmt, strict=False)


def _rule_check(rule: Rule, expr: pl.Expr) -> pa.Check:
    label = f"rule:{rule.kind}({', '.join(rule.items)})"
    return pa.Check(lambda data: data.lazyframe.select(expr.alias("ok")), name=f"rule:{rule.kind}", error=label)


def build_pandera_schema(table: Table, *, code_tables: Mapping[str, CodeTable] | None = None,
                         typed: bool = False, rules: bool = True, name: str | None = None) -> pa.DataFrameSchema:
    """Build the pandera polars schema of ``table``; ``code_tables`` resolves the items' code tables.

    Args:
        table: the table of the schema model.
        code_tables: the code tables of the table's schema (``Schema.code_tables``).
        typed: check dtypes (Int64, Decimal, Date, Datetime, Boolean) instead of text forms.
        rules: add the table's cross-item rules as frame-wide checks.
        name: the schema name shown by pandera (default: the table name).
    """
    codes = code_tables or {}
    fixed = table.file is not None and table.file.format == "fixed"
    columns = {}
    for item in table.items:
        if typed:
            columns[item.name] = _typed_column(item, codes)
        else:
            columns[item.name] = pa.Column(pl.String, checks=_text_checks(item, codes, fixed),
                                           nullable=not item.required or _unknown_may_fill(item), required=True,
                                           name=item.name)
    frame_checks = []
    if rules and not typed:
        for rule in table.rules:
            expr = rule_expr(rule, table)
            if expr is not None:
                frame_checks.append(_rule_check(rule, expr))
    return pa.DataFrameSchema(columns, checks=frame_checks or None, name=name or table.name, strict=False)


def schema_for(schema: Schema, table: str | None = None, **options: bool) -> pa.DataFrameSchema:
    """Build the pandera schema of ``schema``'s table ``table`` (the only table when None)."""
    return build_pandera_schema(schema.table(table), code_tables=schema.code_tables, **options)  # type: ignore[arg-type]
