"""The checks the validation run adds to the schema engineer's pandera schema, built on ``migrator.jp``.

Character classes (JIS X 0208, JIS X 0213, MJ) and named check digits (個人番号, 団体コード, 法人番号,
宛名番号 modulus 11) are registered as pandera extension points; every text item also gets a ``gaiji`` check
(no unresolved Private Use Area character) and, without a character class, a ``control`` check (no control
character). Each pandera check name is turned into a finding code here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

import polars as pl

from migrator import jp
from migrator.schema import CodeTable, Item, Table
from migrator.validation import pandera_schema as ps
from migrator.validation.pandera_polars import pa

_REGISTERED = False
PUA_RE = r"[\x{E000}-\x{F8FF}\x{F0000}-\x{FFFFD}\x{100000}-\x{10FFFD}]"
# Control characters (C0 with TAB, CR and LF, DEL, C1): no text item of the standard allows one. An item with a
# character class finds them through its class (DAT106); one with none (or ``any``) is checked for them alone.
CONTROL_RE = r"[\x00-\x1F\x7F-\x9F]"


def register_jp_checks() -> None:
    """Plug the ``migrator.jp`` character classes and check digits into the pandera schema builder (once)."""
    global _REGISTERED
    if _REGISTERED:
        return
    # Every class whose definition lives in ``migrator.jp`` is checked by it, so the run accepts exactly what
    # docs/jp.md lists (kana_full: ヽ ヾ ヷ–ヺ and both spaces; kana_half: no letters or digits).
    for name in ("kana_full", "kana_half", "jis_x0208", "jis_x0213"):
        ps.register_charset(name, _charset_check(name))
    for check, expr in jp.NAMED_CHECK_EXPRS.items():
        ps.register_named_check(check, expr)
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
    control = pa.Check(lambda data: data.lazyframe.select(~pl.col(data.key).str.contains(CONTROL_RE).fill_null(False)),
                       name="control", error="control")
    updates = {item.name: {"checks": [*schema.columns[item.name].checks, gaiji,
                                      *([control] if item.charset in (None, "any") else [])]}
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
    (re.compile(r"^control"), "DAT112"),
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


class OnePass:
    """The checks of a pandera schema as one polars pass: pandera's failure cases without pandera.

    Built once per schema (raises ``NotOnePass`` when pandera must judge: a check that is not one polars
    expression, a unique or typed column, frame-wide uniqueness or parsers); :meth:`failures` then runs on
    any number of frames. Pandera runs one query per check; on a batch and 250 checks that fixed cost is what
    the validation time was.
    """

    def __init__(self, schema: pa.DataFrameSchema) -> None:
        self.named: list[tuple[str, str]] = []  # (column, check label) of each check
        self.exprs: list[pl.Expr] = []  # True where a row fails the check, as pandera counts it
        self.columns: list[str] = []
        try:
            for name, column in schema.columns.items():
                if column.unique or column.dtype is None or column.dtype.type != pl.String:
                    raise NotOnePass(name)
                self.columns.append(name)
                if not column.nullable:
                    self._add(name, "not_nullable", pl.col(name).is_not_null())
                for check in column.checks:
                    self._add(name, _label(check), _check_expr(check, name))
            for check in schema.checks or ():
                self._add(str(schema.name), _label(check), _check_expr(check, "*"))
        except NotOnePass:
            raise
        except Exception as exc:  # a check polars cannot run as one expression
            raise NotOnePass(str(exc)) from exc
        if schema.unique or getattr(schema, "parsers", None):
            raise NotOnePass("frame-wide uniqueness or parsers")
        # The column a check reads alone (None: several, or none): on a frame where that column is null on
        # every row, the check says the same of every row, which is what it says of a null value.
        self.single: list[str | None] = []
        for e in self.exprs:
            try:
                roots = set(e.meta.root_names())
            except Exception:  # an expression polars cannot introspect: run on the rows
                roots = set()
            self.single.append(roots.pop() if len(roots) == 1 and roots <= set(self.columns) else None)
        self._on_null: list[bool | None] | None = None

    def on_null(self) -> list[bool | None]:
        """Per check, whether it fails a row whose column is null (None: not known, run on the rows)."""
        if self._on_null is None:
            nulls = pl.DataFrame({c: [None] for c in self.columns}, schema={c: pl.String for c in self.columns})
            out: list[bool | None] = []
            for k, e in enumerate(self.exprs):
                try:
                    value = nulls.select(e).to_series() if self.single[k] is not None else None
                except Exception:  # a check that cannot run on a null row: run on the rows
                    value = None
                out.append(bool(value[0]) if value is not None and value.len() == 1 else None)
            self._on_null = out
        return self._on_null

    def _add(self, column: str, label: str, ok: pl.Expr) -> None:
        self.exprs.append((~ok).fill_null(False).alias(f"__c{len(self.exprs)}"))
        self.named.append((column, label))

    def failures(self, frame: pl.DataFrame, *, given: Collection[int] = ()) -> pl.DataFrame | None:
        """``column``, ``check`` (the check's error label, as pandera names it) and ``index`` (the row's
        position in ``frame``) of every failure, in pandera's order (per column: ``not_nullable``, then its
        checks; then the frame-wide checks), or None when every row passes.

        ``given``: checks whose result ``frame`` already holds, as the Boolean column ``__c{k}`` (True where
        the row fails check ``k``, as ``exprs[k]`` computes it): a caller that judged the check once per
        distinct value."""
        schema = frame.schema  # built once: a frame's schema is made afresh on every access
        for name in self.columns:
            if schema.get(name) != pl.String:
                raise NotOnePass(name)
        # A check reading only a column that is null on every row (the items a legacy system never held) is
        # not run: its answer is the one it gives a null value, the same on every row.
        empty = {name for name in self.columns if frame.get_column(name).null_count() == frame.height}
        on_null = self.on_null() if empty else []
        constant = {k: on_null[k] for k, column in enumerate(self.single)
                    if column in empty and k not in given and on_null[k] is not None}
        exprs = [pl.col(f"__c{k}") if k in given else e for k, e in enumerate(self.exprs) if k not in constant]
        try:
            failed = frame.lazy().select(exprs).collect(engine="in-memory") if exprs else pl.DataFrame()
        except Exception as exc:  # a check polars cannot run on this frame
            raise NotOnePass(str(exc)) from exc
        always = [pl.repeat(True, frame.height, dtype=pl.Boolean, eager=True).alias(f"__c{k}")
                  for k, fails in constant.items() if fails]  # failing every row
        if always:
            failed = failed.hstack(always) if failed.width else pl.DataFrame(always)
        ran = dict(zip(failed.columns, failed.select(pl.all().any()).row(0), strict=True)) if failed.width else {}
        keys = [f"__c{k}" for k in range(len(self.exprs)) if ran.get(f"__c{k}")]  # the checks that fail somewhere
        if not keys:
            return None
        # Column by column (pandera's order: per check, the rows in order), only the failures.
        long = failed.select(keys).with_row_index("index").filter(pl.any_horizontal(keys)).unpivot(
            keys, index="index", variable_name="k", value_name="failed").filter(pl.col("failed"))
        k = pl.col("k")
        return long.select(
            k.replace_strict(keys, [self.named[int(c[3:])][0] for c in keys], return_dtype=pl.String).alias("column"),
            k.replace_strict(keys, [self.named[int(c[3:])][1] for c in keys], return_dtype=pl.String).alias("check"),
            pl.col("index").cast(pl.Int32))


def failure_cases(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> pl.DataFrame | None:
    """The failures pandera's ``schema.validate(frame, lazy=True)`` reports, found in one polars pass.

    Returns ``column``, ``check`` (the check's error label, as pandera names it) and ``index`` (the row's
    position in ``frame``) for every failure, in pandera's order, or None when every row passes. Raises
    ``NotOnePass`` when pandera must judge (see :class:`OnePass`; also a column missing or not text).
    """
    return OnePass(schema).failures(frame)


def _label(check: pa.Check) -> str:
    return str(check.error if check.error is not None else check.name if check.name is not None else check)


def _check_expr(check: pa.Check, key: str) -> pl.Expr:
    """The boolean expression of one check, null counted as pandera counts it (``ignore_na``: a pass)."""
    if check.element_wise or check.groupby is not None or check.raise_warning or check.n_failure_cases is not None:
        raise NotOnePass(str(check))
    expr = check._check_fn(_Grab(key), **check._check_kwargs)
    if not isinstance(expr, pl.Expr):
        raise NotOnePass(str(check))
    return expr.fill_null(True) if check.ignore_na else expr.fill_null(False)  # (expr | is_null) without expr twice
