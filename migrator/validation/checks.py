"""The checks the validation run adds to the schema engineer's pandera schema, built on ``migrator.jp``.

Character classes (JIS X 0208, JIS X 0213, MJ) and named check digits (個人番号, 団体コード, 法人番号,
宛名番号 modulus 11) are registered as pandera extension points; every text item also gets a ``gaiji`` check
(no unresolved Private Use Area character). Each pandera check name is turned into a finding code here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandera.polars as pa
import polars as pl

from migrator import jp
from migrator.schema import CodeTable, Item, Table
from migrator.validation import pandera_schema as ps

_REGISTERED = False
PUA_RE = r"[\x{E000}-\x{F8FF}\x{F0000}-\x{FFFFD}\x{100000}-\x{10FFFD}]"


def register_jp_checks() -> None:
    """Plug the ``migrator.jp`` character classes and check digits into the pandera schema builder (once)."""
    global _REGISTERED
    if _REGISTERED:
        return
    for name in ("jis_x0208", "jis_x0213"):
        ps.register_charset(name, _charset_check(name))
    ps.register_named_check("mynumber", jp.is_valid_mynumber_expr)
    ps.register_named_check("lg_code", jp.is_valid_lg_code_expr)
    ps.register_named_check("corporate_number", jp.is_valid_corporate_number_expr)
    ps.register_named_check("m11w27", jp.is_valid_m11w27_expr)
    ps.register_named_check("postal_code", jp.is_valid_postal_code_expr)
    ps.register_named_check("residence_card", jp.is_valid_residence_card_number_expr)
    _REGISTERED = True


def _charset_check(name: str) -> ps.ExprCheck:
    def check(column: pl.Expr) -> pl.Expr:
        return jp.in_charset_expr(column, name)

    return check


def _is_text(item: Item) -> bool:
    return item.type == "string" and item.charset not in ("digits", "alnum")


def build_schema(table: Table, code_tables: Mapping[str, CodeTable]) -> pa.DataFrameSchema:
    """The pandera schema of a standard table (text form) with the jp checks and the 外字 check composed in."""
    register_jp_checks()
    schema = ps.build_pandera_schema(table, code_tables=code_tables)
    gaiji = pa.Check(lambda data: data.lazyframe.select(~pl.col(data.key).str.contains(PUA_RE).fill_null(False)),
                     name="gaiji", error="gaiji")
    updates = {item.name: {"checks": [*schema.columns[item.name].checks, gaiji]}
               for item in table.items if _is_text(item)}
    return schema.update_columns(updates) if updates else schema  # one copy of the schema, not one per item


_CODES = [
    (re.compile(r"^accepted:non_calendar"), "DAT401"),
    (re.compile(r"^accepted:unknown_date"), "DAT403"),
    (re.compile(r"^accepted:check:"), "DAT404"),
    (re.compile(r"^(not_nullable|required)"), "DAT101"),
    (re.compile(r"^(length|max_length|str_length)"), "DAT102"),
    (re.compile(r"^(integer|decimal|date|datetime|flag|dtype)"), "DAT103"),
    (re.compile(r"^code_table"), "DAT104"),
    (re.compile(r"^pattern"), "DAT105"),
    (re.compile(r"^charset:"), "DAT106"),
    (re.compile(r"^check:"), "DAT107"),
    (re.compile(r"^gaiji"), "DAT108"),
    (re.compile(r"^rule:"), "DAT109"),
]


def finding_code(check: str) -> str:
    """The DAT code of a pandera check name (``length(6)`` → DAT102, ``check:mynumber`` → DAT107)."""
    for pattern, code in _CODES:
        if pattern.match(check):
            return code
    return "DAT110"


class NotOnePass(Exception):
    """A schema whose checks are not all row-level polars expressions: let pandera validate."""


class _Grab:
    """Stands in for pandera's check data: ``lazyframe.select(expr)`` hands back the expression a check builds."""

    def __init__(self, key: str) -> None:
        self.lazyframe = self
        self.key = key

    def select(self, *exprs: object) -> pl.Expr:
        if len(exprs) != 1 or not isinstance(exprs[0], pl.Expr):
            raise NotOnePass("not a single expression")
        return exprs[0]


def failure_cases(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> pl.DataFrame | None:
    """The failures pandera's ``schema.validate(frame, lazy=True)`` reports, found in one polars pass.

    Returns ``column``, ``check`` (the check's error label, as pandera names it) and ``index`` (the row's
    position in ``frame``) for every failure, in pandera's order (per column: ``not_nullable``, then its
    checks; then the frame-wide checks), or None when every row passes. Pandera runs one query per check; on a
    batch of a few hundred failing rows and 250 checks that fixed cost is what the validation time is. Raises
    ``NotOnePass`` when pandera must judge (a check that is not one polars expression, a unique or typed
    column, a column missing or not text).
    """
    named: list[tuple[str, str]] = []  # (column, check label) of each output
    exprs: list[pl.Expr] = []
    try:
        for name, column in schema.columns.items():
            if column.unique or name not in frame.columns or frame.schema[name] != pl.String or \
                    column.dtype is None or column.dtype.type != pl.String:
                raise NotOnePass(name)
            if not column.nullable:
                named.append((name, "not_nullable"))
                exprs.append(pl.col(name).is_not_null())
            for check in column.checks:
                exprs.append(_check_expr(check, name))
                named.append((name, _label(check)))
        for check in schema.checks or ():
            exprs.append(_check_expr(check, "*"))
            named.append((str(schema.name), _label(check)))
        if schema.unique or getattr(schema, "parsers", None):
            raise NotOnePass("frame-wide uniqueness or parsers")
        failed = frame.select((~e).fill_null(False).alias(f"__c{k}") for k, e in enumerate(exprs))
    except NotOnePass:
        raise
    except Exception as exc:  # a check polars cannot run as one expression
        raise NotOnePass(str(exc)) from exc
    # Column by column (pandera's order: per check, the rows in order), only the failures.
    keys = [f"__c{k}" for k in range(len(named))]
    long = failed.with_row_index("index").unpivot(keys, index="index", variable_name="k", value_name="failed")
    long = long.filter(pl.col("failed"))
    if long.height == 0:
        return None
    k = pl.col("k")
    return long.select(
        k.replace_strict(keys, [c for c, _ in named], return_dtype=pl.String).alias("column"),
        k.replace_strict(keys, [c for _, c in named], return_dtype=pl.String).alias("check"),
        pl.col("index").cast(pl.Int32))


def _label(check: pa.Check) -> str:
    return str(check.error if check.error is not None else check.name if check.name is not None else check)


def _check_expr(check: pa.Check, key: str) -> pl.Expr:
    """The boolean expression of one check, null counted as pandera counts it (``ignore_na``: a pass)."""
    if check.element_wise or check.groupby is not None or check.raise_warning or check.n_failure_cases is not None:
        raise NotOnePass(str(check))
    expr = check._check_fn(_Grab(key), **check._check_kwargs)
    if not isinstance(expr, pl.Expr):
        raise NotOnePass(str(check))
    return (expr | expr.is_null()) if check.ignore_na else expr.fill_null(False)
