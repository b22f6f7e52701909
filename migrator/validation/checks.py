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
