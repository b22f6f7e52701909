"""The closed registry of transforms usable in the 変換 column, each compiled to a polars expression.

Every transform declares its parameters, the value kinds it takes and gives (``text``, ``date``,
``integer``; ``date_text`` is text holding a date in a legacy form such as ``GYYMMDD``), how it changes
the maximum length, and a ``build`` function that returns a polars expression over the legacy frame —
never a per-row Python function. Transforms that can find row-level problems (an unmapped code, an
unreadable 和暦) register a :class:`RowIssue`: a boolean expression that is True on the offending rows.

``python -m migrator.mapping.transforms`` prints the reference (``docs/transforms.md``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from migrator import jp
from migrator.i18n import shorten
from migrator.jp.ids import MAX_M11_LENGTH
from migrator.limits import regex_reason
from migrator.mapping.language import Arg

TEXT_KINDS = ("text", "date_text")
SPACES = " \u3000\t"


@dataclass(frozen=True)
class Param:
    """One parameter. ``kind``: ``column`` (a legacy item name), ``part`` (a legacy item, or quoted text),
    ``text``, ``int``, ``choice`` or ``code_table``."""

    name: str
    kind: str
    doc: str
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    variadic: bool = False
    # The range of an ``int``: a width, length or index beyond it is a typo, and would otherwise fail in the
    # run (a negative length) or build a value per row of that many characters (pad(1000000000)).
    minimum: int = -10_000
    maximum: int = 10_000


@dataclass(frozen=True)
class RowIssue:
    code: str
    expr: pl.Expr
    value: pl.Expr


@dataclass(frozen=True)
class Derived:
    """A value taken from another legacy table of the same run, joined in before the row is computed.

    ``lookup``: ``value`` of the row of ``table`` whose ``on`` equals this row's ``key`` (one row per ``on``
    value kept: the first). ``count``: how many rows of ``table`` have ``on`` equal to this row's ``key``.
    The run joins the column ``alias`` into each batch (a polars join or group-by, never per-row Python).
    """

    kind: str  # lookup | count
    table: str
    key: str
    on: str
    value: str | None
    alias: str


@dataclass
class Env:
    """What a build function may use: the mapping's code tables and 外字 table, and where issues go."""

    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    gaiji: jp.GaijiTable = field(default_factory=lambda: jp.GaijiTable({}))
    issues: list[RowIssue] = field(default_factory=list)
    lengths: dict[str, int | None] = field(default_factory=dict)  # legacy item → max length, when known
    koseki: bool = False  # the target date follows 戸籍 (1.1.8): non-calendar days, era-change days accepted
    keep_gaiji: bool = False  # 外字方針 残す: an unmapped 外字 is a warning (MAP410) and stays in the output
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other legacy tables → their items
    derived: list[Derived] = field(default_factory=list)  # joins the mapping needs (lookup, count)


Build = Callable[[Env, pl.Expr, dict[str, Any]], pl.Expr]
Length = Callable[[Env, "int | None", dict[str, Any]], "int | None"]


@dataclass(frozen=True)
class Transform:
    """A named transform of the registry."""

    name: str
    summary_en: str
    summary_ja: str
    example: str
    params: tuple[Param, ...]
    accepts: tuple[str, ...]  # () = a source: it ignores its input and must come first
    returns: str  # text, date, integer, or "same"
    build: Build
    length: Length = field(default=lambda env, n, a: n)
    aliases: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    memo: bool = False
    """Costly per value, on values that repeat (dates, kana names, addresses): the compiler evaluates the pipe once
    per distinct legacy value and looks the rest up."""

    @property
    def is_source(self) -> bool:
        return not self.accepts

    def signature(self) -> str:
        parts = []
        for p in self.params:
            text = f"{p.name}..." if p.variadic else p.name
            if not p.required:
                text += f"={p.default!r}" if p.default is not None else "=?"
            parts.append(text)
        return f"{self.name}({', '.join(parts)})" if parts else self.name


def _blank(e: pl.Expr) -> pl.Expr:
    return e.is_null() | (e.str.len_chars() == 0)


def _filled(e: pl.Expr) -> pl.Expr:
    return e.is_not_null() & (e.str.len_chars() > 0)


def _part(value: Any) -> pl.Expr:
    kind, text = value
    return pl.col(text) if kind == "column" else pl.lit(text, pl.String)


def _part_len(env: Env, value: Any) -> int | None:
    kind, text = value
    return env.lengths.get(text) if kind == "column" else len(text)


def _issue(env: Env, code: str, cond: pl.Expr, value: pl.Expr) -> None:
    env.issues.append(RowIssue(code, cond.fill_null(False), value))


# ---------------------------------------------------------------- build functions


def _wareki(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    parsed = jp.parse_wareki_expr(e, policy=a["policy"], koseki=env.koseki)
    # Why a value is refused, without showing it: its form, a day that does not exist, or an era's range.
    invalid = parsed.struct.field("status") == "invalid"
    reason = parsed.struct.field("reason")
    _issue(env, "MAP401", invalid & ~reason.is_in(["date", "era_range"]).fill_null(False), e)
    _issue(env, "MAP411", invalid & (reason == "date"), e)
    _issue(env, "MAP412", invalid & (reason == "era_range"), e)
    _issue(env, "MAP402", parsed.struct.field("status") == "lenient", e)
    if env.koseki:  # the date as the standard layout holds it: a non-calendar day as written (1.1.8)
        _issue(env, "DAT402", parsed.struct.field("reason") == "era_change", e)
        return parsed.struct.field("iso")
    return parsed.struct.field("date")


def _fusho_flag(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    status = jp.parse_wareki_expr(e, policy=a["policy"]).struct.field("status")
    return pl.when(status == "unknown").then(pl.lit("1")).otherwise(pl.lit("0"))


def _fusho_text(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    return jp.parse_wareki_expr(e, policy=a["policy"]).struct.field("fusho_text")


def _date_shape(fmt: str) -> str | None:
    """A regex with groups year, month, day for a format of only %Y, %m, %d and literal text; else None."""
    parts = re.split(r"(%[Ymd])", fmt)
    if any(p.startswith("%") and p not in ("%Y", "%m", "%d") for p in parts) or "%" in "".join(parts[::2]):
        return None
    group = {"%Y": "(?P<y>[0-9]{4})", "%m": "(?P<m>[0-9]{1,2})", "%d": "(?P<d>[0-9]{1,2})"}
    return "^" + "".join(group.get(p, re.escape(p)) for p in parts) + "$"


def _date(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    out = e.str.to_date(a["format"], strict=False)
    shape = _date_shape(a["format"]) if env.koseki else None
    if shape is None:
        _issue(env, "MAP403", _filled(e) & out.is_null(), e)
        return out
    # Where the standard item follows 戸籍 (1.1.8), a non-calendar day of a real month is kept as written.
    g = e.str.extract_groups(shape)
    m, d = (g.struct.field(k).cast(pl.Int32) for k in ("m", "d"))
    kept = out.is_null() & m.is_between(1, 12) & d.is_between(1, 31)
    text = pl.concat_str(g.struct.field("y"), pl.lit("-"), m.cast(pl.String).str.zfill(2), pl.lit("-"),
                         d.cast(pl.String).str.zfill(2))
    _issue(env, "MAP403", _filled(e) & out.is_null() & ~kept.fill_null(False), e)
    return pl.when(out.is_not_null()).then(out.cast(pl.String)).when(kept).then(text)


def _integer(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    out = e.str.strip_chars(SPACES).cast(pl.Int64, strict=False)
    _issue(env, "MAP408", _filled(e.str.strip_chars(SPACES)) & out.is_null(), e)
    return out


CODE_PARTS = ","  # a 標準値 that fills several standard items: 孫 → "20,20" (続柄コード1 = 子, 続柄コード2 = 子)


def code_part(value: str, part: int | None) -> str:
    """The ``part``-th (1-based) value of a 標準値 that lists several; empty when it lists fewer."""
    if part is None:
        return value
    parts = value.split(CODE_PARTS)
    return parts[part - 1].strip() if 1 <= part <= len(parts) else ""


def _code(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    table = env.codes.get(a["table"], {})
    keys = list(table)
    values = [code_part(table[k], a.get("part")) for k in keys]
    out = e.replace_strict(keys, values, default=None, return_dtype=pl.String)
    _issue(env, "MAP404", _filled(e) & ~e.is_in(keys), e)
    return out


def _postal(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    out = jp.normalize_postal_code_expr(e)
    _issue(env, "MAP405", _filled(e.str.strip_chars(SPACES)) & out.is_null(), e)
    return out


def _gaiji(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    out = jp.apply_gaiji_expr(e, env.gaiji)
    # An error rejects the row, so the standard output never holds a character the target cannot show,
    # unless the mapping's 外字方針 says to keep it (a warning, and the check reports the policy: MAP040).
    _issue(env, "MAP410" if env.keep_gaiji else "MAP406", jp.has_pua_expr(out), e)
    return out


_CHECKS = {
    "m11w27": jp.is_valid_m11w27_expr,
    "mynumber": jp.is_valid_mynumber_expr,
    "lg_code": jp.is_valid_lg_code_expr,
    "corporate_number": jp.is_valid_corporate_number_expr,
}


# The digits of each kind: 宛名番号/世帯番号 (m11w27) any length from 2 to 19, the others one length.
_CHECK_LENGTHS = {"m11w27": (2, MAX_M11_LENGTH), "mynumber": (12, 12), "lg_code": (6, 6),
                  "corporate_number": (13, 13)}


def _checkdigit(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    # Each problem its own code, checked in turn: not half-width digits (MAP413), the wrong number of digits
    # (MAP414), a 団体コード whose prefecture is not 01-47 (MAP415), and only then the check digit (MAP407).
    kind = a["kind"]
    low, high = _CHECK_LENGTHS[kind]
    filled = _filled(e)
    digits = e.str.contains(r"^[0-9]+$").fill_null(False)
    sized = digits & e.str.len_chars().is_between(low, high)
    _issue(env, "MAP413", filled & ~digits, e)
    _issue(env, "MAP414", filled & digits & ~sized, e)
    formed = filled & sized
    if kind == "lg_code":
        prefecture = e.str.slice(0, 2).cast(pl.Int32, strict=False).is_between(1, 47).fill_null(False)
        _issue(env, "MAP415", formed & ~prefecture, e)
        formed = formed & prefecture
    _issue(env, "MAP407", formed & ~_CHECKS[kind](e), e)
    return e


def _extract(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    out = e.str.extract(a["pattern"], a["group"])
    _issue(env, "MAP409", _filled(e) & out.is_null(), e)
    return out


def _concat(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    # The filled parts joined by the separator: an empty part is left out like a null one (no list per row).
    parts = [pl.when(_filled(part)).then(part) for part in (_part(p) for p in a["parts"])]
    joined = pl.concat_str(parts, separator=a["sep"], ignore_nulls=True)
    return pl.when(joined.str.len_bytes() > 0).then(joined)


def _split(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    source = pl.col(a["column"]) if a.get("column") else e
    return source.str.split(a["sep"]).list.get(a["index"], null_on_oob=True)


def _pad(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    padded = e.str.pad_start(a["width"], a["char"]) if a["side"] == "left" else e.str.pad_end(a["width"], a["char"])
    return pl.when(_filled(e)).then(padded).otherwise(e)


def _if_empty(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    return pl.when(_blank(e)).then(_part(a["value"])).otherwise(e)


def _when(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    holds = pl.col(a["column"]).str.strip_chars(SPACES).is_in(list(a["values"])).fill_null(False)
    other = _part(a["otherwise"]) if a.get("otherwise") else pl.lit(None, pl.String)
    return pl.when(holds).then(e).otherwise(other)


def _derive(env: Env, kind: str, a: dict[str, Any]) -> pl.Expr:
    on = a.get("on") or a["key"]
    spec = Derived(kind, a["table"], a["key"], on, a.get("item"), "")
    for known in env.derived:
        if (known.kind, known.table, known.key, known.on, known.value) == (kind, spec.table, spec.key, on, spec.value):
            return pl.col(known.alias)
    spec = Derived(kind, a["table"], a["key"], on, a.get("item"), f"__derived{len(env.derived)}")
    env.derived.append(spec)
    return pl.col(spec.alias)


def _lookup(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    return _derive(env, "lookup", a)


def _count(env: Env, e: pl.Expr, a: dict[str, Any]) -> pl.Expr:
    return _derive(env, "count", a).fill_null(0)


def _concat_len(env: Env, n: int | None, a: dict[str, Any]) -> int | None:
    lens = [_part_len(env, p) for p in a["parts"]]
    known = [x for x in lens if x is not None]
    if len(known) < len(lens):
        return None
    return sum(known) + len(a["sep"]) * max(len(lens) - 1, 0)


def _code_len(env: Env, n: int | None, a: dict[str, Any]) -> int | None:
    values = [code_part(v, a.get("part")) for v in env.codes.get(a["table"], {}).values()]
    return max((len(v) for v in values), default=0)


def _substr_len(env: Env, n: int | None, a: dict[str, Any]) -> int | None:
    if a["length"] is not None:
        return a["length"] if n is None else max(min(a["length"], n - a["start"]), 0)
    return None if n is None else max(n - a["start"], 0)


def _extract_len(env: Env, n: int | None, a: dict[str, Any]) -> int | None:
    """The longest text the group can match, when the pattern bounds it (``.{2,3}県`` → 4); else None.

    An unbounded group (``.+?[市区町村]``) says nothing: the input's length would be a bound no real value
    reaches, and a warning on every extract() is noise.
    """
    bound = regex_group_width(a["pattern"], a["group"])
    if bound is None:
        return None
    return bound if n is None else min(bound, n)


def regex_group_width(pattern: str, group: int) -> int | None:
    """The maximum width of ``group`` of ``pattern`` (0: the whole match), None when unbounded or unknown."""
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as parser  # type: ignore[attr-defined]

        tree = parser.parse(pattern)
    except (ImportError, re.error, OverflowError, RecursionError):
        return None

    def find(node: Any) -> Any:
        for op, av in node:
            children: list[Any] = []
            if op is c.SUBPATTERN:
                if av[0] == group:
                    return av[3]
                children = [av[3]]
            elif op is c.BRANCH:
                children = list(av[1])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                children = [av[2]]
            elif op in (c.ASSERT, c.ASSERT_NOT):
                children = [av[1]]
            for child in children:
                found = find(child)
                if found is not None:
                    return found
        return None

    target = tree if group == 0 else find(tree)
    if target is None:
        return None
    width = target.getwidth()[1]
    return None if width >= c.MAXREPEAT else int(width)


def _max(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return None if len(known) < len(values) else max(known)


_POLICY = Param("policy", "choice", "strict (default) rejects out-of-era dates; lenient converts them with a warning",
                required=False, default="strict", choices=("strict", "lenient"))

_REGISTRY: tuple[Transform, ...] = (
    Transform("trim", "Remove leading and trailing spaces (ASCII and ideographic).",
              "前後の空白(半角・全角)を除く。", "trim", (), TEXT_KINDS, "same",
              lambda env, e, a: e.str.strip_chars(SPACES)),
    Transform("rtrim", "Remove trailing spaces only (fixed-width padding).", "末尾の空白だけを除く(固定長の埋め草)。",
              "rtrim", (), TEXT_KINDS, "same", lambda env, e, a: e.str.strip_chars_end(SPACES)),
    Transform("controls", "Replace each control character (TAB, line breaks, NUL, ESC, DEL …) by a space: no text "
              "item of the standard may hold one (DAT112), and free-text legacy fields (備考, 方書) often do.",
              "制御文字(TAB、改行、NUL、ESC、DEL など)をそれぞれ空白にする。標準の文字項目には使えず(DAT112)、"
              "現行の備考や方書などにはよくあります。", "controls | trim", (), TEXT_KINDS, "same",
              lambda env, e, a: e.str.replace_all(r"[\x00-\x1F\x7F-\x9F]", " ")),
    Transform("upper", "Upper-case ASCII letters.", "英字を大文字にする。", "upper", (), TEXT_KINDS, "same",
              lambda env, e, a: e.str.to_uppercase()),
    Transform("lower", "Lower-case ASCII letters.", "英字を小文字にする。", "lower", (), TEXT_KINDS, "same",
              lambda env, e, a: e.str.to_lowercase()),
    Transform("hankaku_to_zenkaku", "全角化: half-width kana and ASCII to full-width, voiced marks composed "
              "(ｶﾞ → ガ). Use it on kana items only, never on names.",
              "半角カナ・英数字を全角にする(濁点・半濁点は合成)。カナ項目にだけ使う。", "hankaku_to_zenkaku", (), TEXT_KINDS,
              "text", lambda env, e, a: jp.to_zenkaku_expr(e), aliases=("zenkaku",), memo=True),
    Transform("zenkaku_kana", "Half-width katakana to full-width, voiced marks composed; ASCII kept.",
              "半角カナだけを全角にする(英数字はそのまま)。", "zenkaku_kana", (), TEXT_KINDS, "text",
              lambda env, e, a: jp.to_fullwidth_kana_expr(e), memo=True),
    Transform("katakana", "Hiragana to katakana.", "ひらがなをカタカナにする。", "katakana", (), TEXT_KINDS, "text",
              lambda env, e, a: jp.hiragana_to_katakana_expr(e)),
    Transform("zenkaku_to_hankaku", "Full-width ASCII (digits, letters, symbols) to ASCII; kana kept.",
              "全角英数字・記号を半角にする(カナはそのまま)。", "zenkaku_to_hankaku", (), TEXT_KINDS, "same",
              lambda env, e, a: jp.to_halfwidth_ascii_expr(e), aliases=("hankaku",)),
    Transform("digits", "Keep the digits only (full-width digits become ASCII).", "数字だけを残す(全角数字は半角に)。",
              "digits", (), TEXT_KINDS, "same",
              lambda env, e, a: jp.to_halfwidth_ascii_expr(e).str.replace_all(r"[^0-9]", "")),
    Transform("postal", "郵便番号 to 7 ASCII digits (〒, spaces and hyphens of every width removed, full-width "
              "digits converted); it never adds a digit: a value that is not 7 digits once cleaned (916-123) "
              "becomes empty and is reported (MAP405). Where a spreadsheet dropped leading zeros, say so: "
              "digits | pad(7).",
              "郵便番号を半角7桁にする(〒・空白・ハイフンを除き全角数字を半角に)。桁を補うことはしない: 7桁にならない値"
              "(916-123 など)は空にして報告する(MAP405)。先頭の 0 が落ちた値は digits | pad(7) と明示する。", "postal", (), TEXT_KINDS, "text",
              _postal, length=lambda env, n, a: 7, issues=("MAP405",)),
    Transform("gaiji", "Replace vendor 外字 through the 外字対応 sheet. A private-use character left is an error "
              "(MAP406) and the row is rejected, so the standard output never holds it; under the setting "
              "外字方針 = 残す it is a warning (MAP410) and the row is written as is.",
              "外字対応シートで外字を置き換える。残った外字(私用領域)はエラー(MAP406)で行を除外する。設定 外字方針 = 残す のとき"
              "は警告(MAP410)で行をそのまま出力する。", "gaiji", (), TEXT_KINDS, "text",
              _gaiji, length=lambda env, n, a: None if n is None else n * max((len(v) for v in env.gaiji.mapping.values()),
                                                                          default=1),
              issues=("MAP406", "MAP410"),
              memo=True),
    Transform("wareki", "和暦 (GYYMMDD, H01.01.08, 平成元年1月8日 …) to a date. A refused value is reported with "
              "its reason: a form that is not 和暦 (MAP401), a day that does not exist such as 2月30日 or month "
              "13 (MAP411), a date outside its era's range under policy=strict (MAP412); out-of-era values "
              "accepted under policy=lenient are reported too (MAP402). A 不詳日 (令和3年頃, 平成元年月日不詳 …) "
              "gives its internal date (the first day of its period). Where the standard item follows 戸籍 "
              "(dates: koseki, 1.1.8) a non-calendar day (2月30日) is kept as written and 明治45年7月30日 / "
              "大正15年12月25日 are accepted (DAT402, information).",
              "和暦を日付にする。変換できない値は理由ごとに報告する: 和暦の形式でない(MAP401)、存在しない日付(MAP411)、"
              "元号の範囲外(MAP412)。寛容変換した元号範囲外の値も報告する(MAP402)。不詳日は期間の初日を内部日付とする。"
              "戸籍に合わせる標準項目(1.1.8)では暦にない日をそのまま移し、明治45年7月30日・大正15年12月25日を受け入れる"
              "(DAT402、情報)。",
              "wareki(policy=lenient)", (_POLICY,), TEXT_KINDS, "date", _wareki,
              length=lambda env, n, a: 10, issues=("MAP401", "MAP411", "MAP412", "MAP402", "DAT402"), memo=True),
    Transform("fusho_flag", "The 不詳フラグ of a 和暦 date: 1 when the date is 不詳 (all zeros, month or day 0, "
              "the word 不詳), else 0.", "和暦の日付が不詳なら 1、そうでなければ 0(不詳フラグ)。", "fusho_flag",
              (_POLICY,), TEXT_KINDS, "text", _fusho_flag, length=lambda env, n, a: 1, memo=True),
    Transform("fusho_text", "The 不詳表記 of a 和暦 date (平成5年月日不詳 …), empty unless the date is 不詳.",
              "和暦の日付が不詳のときの不詳表記(例: 平成5年月日不詳)。", "fusho_text", (_POLICY,), TEXT_KINDS, "text",
              _fusho_text, length=lambda env, n, a: 72, memo=True),
    Transform("date", "A date written in a strftime format (default %Y-%m-%d) to a date; values that do not "
              "match are reported (MAP403). Where the standard item follows 戸籍 (dates: koseki, 1.1.8) a "
              "non-calendar day of a real month (2月30日) is kept as written.", "書式(strftime)どおりの日付文字列を日付にする。合わない値を報告する(MAP403)。",
              'date("%Y/%m/%d")', (Param("format", "text", "strftime format", required=False, default="%Y-%m-%d"),),
              TEXT_KINDS, "date", _date, length=lambda env, n, a: 10, issues=("MAP403",), memo=True),
    Transform("integer", "Text to an integer (spaces ignored); non-numbers are reported (MAP408).",
              "文字列を整数にする。数値でない値を報告する(MAP408)。", "integer", (), TEXT_KINDS, "integer", _integer,
              aliases=("int",), issues=("MAP408",)),
    Transform("code", "Convert a code through a table of the コード変換 sheet; a value missing from the table "
              "becomes empty and is reported (MAP404). A 標準値 may list several values separated by commas for "
              "several standard items (孫 → `20,20`: 続柄コード1 = 子, 続柄コード2 = 子); `part=N` takes the N-th "
              "(empty when the entry lists fewer).",
              "コード変換シートの表でコードを変換する。表にない値は空にして報告する(MAP404)。標準値にカンマ区切りで複数の"
              "値を書けば複数の標準項目に変換できる(孫 → 20,20)。part=N で N 番目を取る。", "code(続柄, part=2)",
              (Param("table", "code_table", "name of a code table in the コード変換 sheet"),
               Param("part", "int", "which value of a 標準値 that lists several (1 = the first)", required=False)),
              TEXT_KINDS, "text",
              _code, length=_code_len, issues=("MAP404",)),
    Transform("checkdigit", "Check the check digit (m11w27: 宛名番号/世帯番号, mynumber, lg_code, "
              "corporate_number); the value passes unchanged. Each problem is reported with its own code: not "
              "half-width digits (MAP413), the wrong number of digits (MAP414), a 団体コード whose prefecture is not "
              "01-47 (MAP415), a wrong check digit (MAP407).",
              "検査数字を確かめる(値は変えない)。誤りは種類ごとに報告する: 半角数字でない(MAP413)、桁数が違う(MAP414)、"
              "団体コードの都道府県が01〜47でない(MAP415)、検査数字が合わない(MAP407)。", "checkdigit(m11w27)",
              (Param("kind", "choice", "which check digit", choices=tuple(_CHECKS)),), TEXT_KINDS, "same",
              _checkdigit, issues=("MAP413", "MAP414", "MAP415", "MAP407")),
    Transform("pad", "Pad on the left (or side=right) to width with a one-character fill (default \"0\"); "
              "empty values stay empty.", "指定の桁数まで左(side=right なら右)を埋める。空の値は空のまま。",
              'pad(15, "0")', (Param("width", "int", "target width", minimum=0, maximum=1_000),
                               Param("char", "text", "fill character", required=False, default="0"),
                               Param("side", "choice", "left or right", required=False, default="left",
                                     choices=("left", "right"))),
              TEXT_KINDS, "same", _pad, length=lambda env, n, a: _max(n, a["width"]) if n is not None else None),
    Transform("substr", "Characters from start (0-based), length of them (default: to the end).",
              "start 文字目(0始まり)から length 文字を取り出す。", "substr(0, 7)",
              (Param("start", "int", "0-based start"), Param("length", "int", "number of characters", required=False, minimum=0)),
              TEXT_KINDS, "same", lambda env, e, a: e.str.slice(a["start"], a["length"]), length=_substr_len),
    Transform("replace", "Replace every occurrence of a literal text.", "文字列をすべて置き換える。", 'replace("-", "")',
              (Param("old", "text", "text to find"), Param("new", "text", "replacement")), TEXT_KINDS, "same",
              lambda env, e, a: e.str.replace_all(a["old"], a["new"], literal=True),
              length=lambda env, n, a: n if len(a["new"]) <= len(a["old"]) or n is None
              else n * len(a["new"]) // max(len(a["old"]), 1)),
    Transform("extract", "The part matched by a regular expression group (default group 1); values with no "
              "match become empty and are reported (MAP409).",
              "正規表現のグループに合う部分を取り出す。合わない値は空にして報告する(MAP409)。",
              'extract("^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")',
              (Param("pattern", "text", "regular expression"),
               Param("group", "int", "group number", required=False, default=1, minimum=0)), TEXT_KINDS, "text", _extract,
              length=_extract_len, issues=("MAP409",), memo=True),
    Transform("split", "Split on a separator and keep part index (0-based); split(item, sep, index) splits "
              "another legacy item.", "区切り文字で分け、index 番目(0始まり)を取る。split(項目, 区切り, 番号) は別の現行項目を分ける。",
              'split(氏名, " ", 0)', (Param("column", "column", "legacy item (optional)", required=False),
                                     Param("sep", "text", "separator"), Param("index", "int", "0-based part")),
              TEXT_KINDS, "text", _split,
              length=lambda env, n, a: env.lengths.get(a["column"]) if a.get("column") else n),
    Transform("concat", "Join legacy items and quoted texts, skipping empty ones, with sep (default none).",
              "現行項目と引用符付きの文字列を連結する(空は飛ばす)。区切りは sep(既定はなし)。", 'concat(住所1, 住所2, sep="")',
              (Param("parts", "part", "legacy items or quoted texts", variadic=True),
               Param("sep", "text", "separator", required=False, default="")), (), "text", _concat,
              length=_concat_len),
    Transform("const", "A constant value for every row.", "全行に同じ値を入れる。", 'const("1")',
              (Param("value", "text", "the value"),), (), "text", lambda env, e, a: pl.lit(a["value"], pl.String),
              length=lambda env, n, a: len(a["value"])),
    Transform("default", "Use value where the result so far is empty.", "ここまでの結果が空なら value を入れる。",
              'default("0")', (Param("value", "text", "the value"),), TEXT_KINDS, "same",
              lambda env, e, a: pl.when(_blank(e)).then(pl.lit(a["value"], pl.String)).otherwise(e),
              length=lambda env, n, a: _max(n, len(a["value"]))),
    Transform("if_empty", "Where the result so far is empty, take another legacy item (or a quoted text).",
              "ここまでの結果が空なら、別の現行項目(または引用符付きの文字列)を使う。", "if_empty(通称名)",
              (Param("value", "part", "legacy item or quoted text"),), TEXT_KINDS, "same", _if_empty,
              length=lambda env, n, a: _max(n, _part_len(env, a["value"]))),
    Transform("when", "Keep the value so far only on rows where a legacy item holds one of the given values "
              "(spaces trimmed); elsewhere empty, or otherwise=item/\"text\".",
              "現行項目が指定の値のいずれかである行だけ、ここまでの値を残す。それ以外の行は空(otherwise= で別の項目か文字列)。",
              'when(JOTAI_KBN, "3")',
              (Param("column", "column", "legacy item tested"),
               Param("values", "text", "values that select the row", variadic=True),
               Param("otherwise", "part", "legacy item or quoted text for the other rows", required=False)),
              TEXT_KINDS, "same", _when,
              length=lambda env, n, a: _max(n, _part_len(env, a["otherwise"])) if a.get("otherwise") else n),
    Transform("lookup", "The value of item in another legacy table of the same run, from the row whose on "
              "item equals this row's key item (世帯主氏名 from the residents by 世帯主宛名番号); compiled to a "
              "join. No such row: empty.",
              "同じ実行の別の現行テーブルから、on 項目が key 項目と等しい行の item の値を取る(結合)。該当行がなければ空。",
              "lookup(JUMIN, SHIMEI_KJ, key=NUSHI_ATENA_NO, on=ATENA_NO)",
              (Param("table", "legacy_table", "another table of the legacy schema"),
               Param("item", "text", "the item of that table to take"),
               Param("key", "column", "the item of this table to match"),
               Param("on", "text", "the item of that table it matches (default: the key's name)",
                     required=False)),
              (), "text", _lookup, length=lambda env, n, a: None),
    Transform("count", "How many rows of another legacy table of the same run have on equal to this row's key "
              "(世帯員数 = residents per 世帯番号); compiled to a group-by and a join. None: 0.",
              "同じ実行の別の現行テーブルで on 項目が key 項目と等しい行の数(集計と結合)。なければ 0。",
              "count(JUMIN, key=SETAI_NO)",
              (Param("table", "legacy_table", "another table of the legacy schema"),
               Param("key", "column", "the item of this table to match"),
               Param("on", "text", "the item of that table it matches (default: the key's name)",
                     required=False)),
              (), "integer", _count, length=lambda env, n, a: None),
    Transform("null_if", "Empty the value where it equals a text (placeholders such as 0000000).",
              "値が指定の文字列と等しければ空にする(0000000 などの埋め値)。", 'null_if("0000000")',
              (Param("value", "text", "the placeholder"),), TEXT_KINDS, "same",
              lambda env, e, a: pl.when(e == a["value"]).then(pl.lit(None, pl.String)).otherwise(e)),
)

REGISTRY: dict[str, Transform] = {t.name: t for t in _REGISTRY}
ALIASES: dict[str, str] = {alias: t.name for t in _REGISTRY for alias in t.aliases}


def lookup(name: str) -> Transform | None:
    """The transform called ``name`` or one of its aliases."""
    return REGISTRY.get(name) or REGISTRY.get(ALIASES.get(name, ""))


def names() -> tuple[str, ...]:
    return tuple(REGISTRY)


@dataclass(frozen=True)
class ArgError:
    reason: str
    reason_ja: str
    pos: int


def bind(transform: Transform, args: tuple[Arg, ...], pos: int) -> tuple[dict[str, Any], list[ArgError]]:
    """Bind ``args`` to the parameters of ``transform``; values converted to their kinds."""
    errors: list[ArgError] = []
    params = list(transform.params)
    positional = [a for a in args if a.name is None]
    keyword = [a for a in args if a.name is not None]
    if transform.name == "split" and len(positional) == 2:
        params = params[1:]  # split(sep, index) on the value so far
    bound: dict[str, Any] = {}
    raw: dict[str, Arg | list[Arg]] = {}
    p_iter = iter(params)
    current: Param | None = None
    for arg in positional:
        if current is None or not current.variadic:
            current = next(p_iter, None)
            while current is not None and current.variadic is False and current.name in raw:
                current = next(p_iter, None)
        if current is None:
            errors.append(ArgError(f"too many arguments (takes {transform.signature()})",
                                   f"引数が多すぎます({transform.signature()})", arg.pos))
            break
        if current.variadic:
            group = raw.setdefault(current.name, [])
            assert isinstance(group, list)
            group.append(arg)
        else:
            raw[current.name] = arg
    by_name = {p.name: p for p in transform.params}
    for arg in keyword:
        assert arg.name is not None
        if arg.name not in by_name or by_name[arg.name].variadic:
            errors.append(ArgError(f"unknown argument {shorten(arg.name)!r} (takes {transform.signature()})",
                                   f"引数 {arg.name} はありません({transform.signature()})", arg.pos))
            continue
        if arg.name in raw:
            errors.append(ArgError(f"argument {arg.name!r} given twice", f"引数 {arg.name} が2回あります", arg.pos))
            continue
        raw[arg.name] = arg
    for param in params:
        value = raw.get(param.name)
        if value is None:
            if param.required:
                errors.append(ArgError(f"missing argument {param.name!r} (takes {transform.signature()})",
                                       f"引数 {param.name} がありません({transform.signature()})", pos))
            bound[param.name] = [] if param.variadic else param.default
            continue
        if param.variadic:
            assert isinstance(value, list)
            bound[param.name] = [_convert(param, a, errors) for a in value]
        else:
            assert isinstance(value, Arg)
            bound[param.name] = _convert(param, value, errors)
    if transform.name == "code" and bound.get("part") is not None and int(bound["part"]) < 1:
        errors.append(ArgError("part counts from 1", "part は 1 から数えます", pos))
        bound["part"] = None  # not also a table of several values that the mapping takes "parts up to 0" of
    if transform.name == "pad" and bound.get("char") is not None and len(str(bound["char"])) != 1:
        errors.append(ArgError("the fill character must be exactly one character", "埋める文字は1文字にしてください", pos))
    if transform.name == "extract" and isinstance(bound.get("pattern"), str):
        try:
            compiled = re.compile(bound["pattern"])
            if isinstance(bound.get("group"), int) and bound["group"] > compiled.groups:
                errors.append(ArgError(f"the pattern has {compiled.groups} group(s), not {bound['group']}",
                                       f"正規表現のグループは {compiled.groups} 個です", pos))
        except (re.error, OverflowError, RecursionError) as exc:
            why = regex_reason(exc)
            errors.append(ArgError(f"invalid regular expression: {why['reason']}", f"正規表現が不正です: {why['reason_ja']}",
                                   pos))
    if transform.name == "date" and isinstance(bound.get("format"), str) and "%" not in bound["format"]:
        errors.append(ArgError("the format has no % directive (e.g. \"%Y/%m/%d\")",
                               "書式に % の指定がありません(例: \"%Y/%m/%d\")", pos))
    return bound, errors


def _convert(param: Param, arg: Arg, errors: list[ArgError]) -> Any:
    if param.kind == "int":
        if arg.quoted or not re.fullmatch(r"-?[0-9]+", arg.value):
            errors.append(ArgError(f"{param.name} must be a whole number, not {shorten(arg.value)!r}",
                                   f"{param.name} は整数にしてください('{shorten(arg.value)}')", arg.pos))
            return None
        number = int(arg.value)
        if not param.minimum <= number <= param.maximum:
            errors.append(ArgError(
                f"{param.name} must be from {param.minimum} to {param.maximum}, not {shorten(arg.value)!r}",
                f"{param.name} は {param.minimum} から {param.maximum} までの整数にしてください('{shorten(arg.value)}')",
                arg.pos))
            return None
        return number
    if param.kind == "choice":
        if arg.value not in param.choices:
            errors.append(ArgError(f"{param.name} must be one of {', '.join(param.choices)}, not {shorten(arg.value)!r}",
                                   f"{param.name} は {', '.join(param.choices)} のいずれかです('{shorten(arg.value)}')", arg.pos))
        return arg.value
    if param.kind == "part":
        return ("text" if arg.quoted else "column", arg.value)
    return arg.value


def reference_markdown() -> str:
    """The transform reference, generated from the registry (``docs/transforms.md``)."""
    lines = [
        "# Transforms of the 変換 column",
        "",
        "Generated by `python -m migrator.mapping.transforms > docs/transforms.md`; do not edit by hand.",
        "",
        "A 変換 cell holds a pipe: `trim | hankaku_to_zenkaku | wareki(policy=lenient)`. Each step takes the",
        "value of the step before (the 現行項目名 of the row; several names are concatenated) and passes its",
        "result on. Arguments are positional or `name=value`; a bare word names a legacy item, a code table or",
        "a keyword, a quoted string (`\"...\"` or `'...'`) is literal text. Kinds: `text`, `date_text` (a legacy",
        "date still in its text form), `date`, `integer`. Transforms marked *source* ignore their input and",
        "must come first.",
        "",
        "One legacy code into several standard items: in the コード変換 sheet a 標準値 may list several values",
        "separated by commas, and each row takes one with `code(table, part=N)`. A legacy 孫 is 子の子 in the",
        "standard (1.1.11), so `11 → 20,20` with `code(続柄, part=1)` for 続柄コード1 and `code(続柄, part=2)` for",
        "続柄コード2 (続柄コード3 and 4 with part=3, part=4 stay empty). `mapping check` reports a table of several",
        "values used without `part` (MAP030, at the 変換 cell) and an entry with more values than the rows take",
        "(MAP031, at the 標準値 cell: a chain of 5 or more generations is 縁故者, not five codes).",
        "",
        "| transform | takes → gives | reports |",
        "|---|---|---|",
    ]
    for t in _REGISTRY:
        takes = "source" if t.is_source else "/".join(t.accepts)
        gives = "same kind" if t.returns == "same" else t.returns
        lines.append(f"| `{t.signature()}` | {takes} → {gives} | {', '.join(t.issues) or '-'} |")
    lines.append("")
    for t in _REGISTRY:
        lines += [f"## `{t.signature()}`", "", t.summary_en, "", t.summary_ja, "", f"Example: `{t.example}`", ""]
        if t.aliases:
            lines += [f"Aliases: {', '.join(f'`{a}`' for a in t.aliases)}", ""]
        for p in t.params:
            extra = f" (one of {', '.join(p.choices)})" if p.choices else ""
            default = "" if p.required else f"; default {p.default!r}"
            lines.append(f"- `{p.name}` ({p.kind}{', repeated' if p.variadic else ''}{default}): {p.doc}{extra}")
        if t.params:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(reference_markdown(), end="")
