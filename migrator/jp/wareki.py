"""和暦 (Japanese era dates): parse legacy forms to ISO dates and format ISO dates back.

Accepted forms (see :class:`WarekiForm`): ``GYYMMDD`` with a numeric era code 1–5 (``4010108``), the 2-digit
era code of 中間標準レイアウト (``04010108``), letters (``H01.01.08``, ``S64.1.7``, ``R1.5.1``), kanji
(``平成元年1月8日``, also with full-width digits or kanji numerals, ``平成元年一月八日``), and plain western dates
(``1989-01-08``, ``1989/1/8``, ``19890108``) so that one parser serves a whole date column.

Rules:
- Era boundaries are strict by default: 昭和64年1月8日 and 平成31年5月1日 are invalid (reason ``era_range``).
  With ``policy="lenient"`` an out-of-era date (平成32年, 平成31年5月1日) is converted by the era's year offset and
  gets status ``lenient`` so that every accepted value stays traceable.
- An era ends the day before the next one begins: 1912-07-30 is 大正元年7月30日 and 1926-12-25 昭和元年12月25日.
  明治45年7月30日 and 大正15年12月25日 (the old era on the change day) are invalid (``era_range``) unless
  ``koseki=True``: the 住民記録 specification (1.1.8) accepts them, as 戸籍 records them, for 生年月日 and a few
  other dates; they are then ``ok`` with reason ``era_change``.
- With ``koseki=True`` a non-calendar day of a valid month (平成元年2月29日, 2月30日) has status ``non_calendar``:
  no ``date``, but its ``iso`` text (``1989-02-30``), which the standard layout carries as written.
- 明治 dates before 1873-01-01 (明治6年, the solar calendar) are converted naively and get status
  ``pre_solar``: the written date was lunisolar, the ISO date is not reliable.
- Impossible days (2月30日) are invalid in every policy (reason ``date``).
- Blank values (null, empty, spaces) have status ``blank``. Unknown dates (不詳) have status ``unknown``, a
  不詳表記 text and, where the text gives a year, an internal date: the first day of the period it names
  (1.1.8 keeps an internal date for a 不詳日). The forms of the specification: 「令和3年頃」「令和3年4月頃」
  「令和3年4月5日頃」「推定令和3年4月5日」「推定令和3年4月」「令和3年春」(3月1日; 夏 6月, 秋 9月, 冬 12月)
  「令和3年4月上旬」(1日; 中旬 11日, 下旬 21日)「令和3年4月中旬頃」「年月日不詳」(no date)「令和3年 月日不詳」
  「令和3年4月 日不詳」「令和3年4月1日から4月10日頃までの間」「令和3年4月推定1日から10日までの間」
  「令和3年4月1日頃から10日頃までの間」(the first day of the range), in any era; they keep their own text.
  A numeric or letter form with month or day ``00`` gets ``平成元年月日不詳`` / ``平成元年1月日不詳``; an
  all-zero value gets ``不詳`` (no date). The standard's ``X年月日_不詳フラグ`` is ``status == "unknown"``.

Every parse gives a :class:`WarekiResult` (date, status, reason, fusho_text, iso); the polars form
:func:`parse_wareki_expr` gives a struct with the same five fields and identical values. ``iso`` is the value
the standard layout holds: the ISO date, a non-calendar day as written, or the internal date of a 不詳日.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from .errors import WarekiFormatError


@dataclass(frozen=True)
class Era:
    """One era: its numeric code, names, first and last day, and the year offset (western = offset + era year)."""

    code: int
    name: str
    letter: str
    first: dt.date
    last: dt.date | None
    offset: int


ERAS: tuple[Era, ...] = (
    Era(1, "明治", "M", dt.date(1868, 1, 25), dt.date(1912, 7, 29), 1867),
    Era(2, "大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24), 1911),
    Era(3, "昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7), 1925),
    Era(4, "平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30), 1988),
    Era(5, "令和", "R", dt.date(2019, 5, 1), None, 2018),
)
SOLAR_CALENDAR_START = dt.date(1873, 1, 1)
_FAR_FUTURE = dt.date(9999, 12, 31)
_BY_CODE = {e.code: e for e in ERAS}
# 明治45年7月30日 and 大正15年12月25日: the old era written on the day the new one began (accepted by 1.1.8).
ERA_CHANGE_DAYS: dict[int, dt.date] = {1: dt.date(1912, 7, 30), 2: dt.date(1926, 12, 25)}


class WarekiForm(StrEnum):
    """The written forms of an era date."""

    CODE = "code"  # 4010108 (GYYMMDD, era code 1–5)
    CODE2 = "code2"  # 04010108 (中間標準レイアウト: 2-digit era code)
    ALPHA = "alpha"  # H01.01.08
    ALPHA_SHORT = "alpha_short"  # H1.1.8
    KANJI = "kanji"  # 平成元年1月8日
    KANJI_FULLWIDTH = "kanji_fullwidth"  # 平成元年１月８日
    KANJI_NUMERAL = "kanji_numeral"  # 平成元年一月八日
    WESTERN = "western"  # 1989-01-08 (parse also takes 1989/1/8 and 19890108)


class WarekiStatus(StrEnum):
    """Outcome of parsing one value."""

    OK = "ok"
    LENIENT = "lenient"  # out-of-era value converted under the lenient policy: a warning
    PRE_SOLAR = "pre_solar"  # 明治 date before 1873-01-01: converted naively, flagged
    NON_CALENDAR = "non_calendar"  # a day the calendar does not have (2月30日), accepted with koseki=True
    BLANK = "blank"
    UNKNOWN = "unknown"  # 不詳
    INVALID = "invalid"


class Policy(StrEnum):
    STRICT = "strict"
    LENIENT = "lenient"


@dataclass(frozen=True)
class WarekiResult:
    """Result of parsing one value. ``reason`` is set for ``invalid`` (``format``, ``date``, ``era_range``),
    ``lenient`` (``era_range``) and an accepted era-change day (``era_change``); ``fusho_text`` for ``unknown``;
    ``iso`` whenever the value has a date in the standard layout."""

    date: dt.date | None
    status: WarekiStatus
    reason: str | None = None
    fusho_text: str | None = None
    iso: str | None = None

    def __post_init__(self) -> None:
        if self.iso is None and self.date is not None:
            object.__setattr__(self, "iso", self.date.isoformat())

    @property
    def fusho_flag(self) -> bool:
        """The standard's 不詳フラグ."""
        return self.status is WarekiStatus.UNKNOWN

    def as_dict(self) -> dict[str, object]:
        return {"date": self.date, "status": str(self.status), "reason": self.reason,
                "fusho_text": self.fusho_text, "iso": self.iso}


# ---------------------------------------------------------------- tables shared by both forms

_KANJI_DIGITS = "〇一二三四五六七八九"


def kanji_numeral(n: int) -> str:
    """Write 1–99 in kanji numerals the usual way (十一, 二十, 三十一)."""
    if not 1 <= n <= 99:
        raise WarekiFormatError(f"kanji numeral out of range: {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _KANJI_DIGITS[tens] + "十")
    return head + (_KANJI_DIGITS[ones] if ones else "")


def _kanji_numeral_table() -> dict[str, int]:
    table: dict[str, int] = {"元": 1}
    for n in range(1, 100):
        table[kanji_numeral(n)] = n
        positional = "".join(_KANJI_DIGITS[int(c)] for c in str(n))
        table.setdefault(positional, n)  # 三一 = 31
        table.setdefault(_KANJI_DIGITS[0] + positional, n) if n < 10 else None  # 〇八 = 8
    return table


KANJI_NUMBERS: dict[str, int] = _kanji_numeral_table()
_ERA_TOKENS: dict[str, int] = {}
for _e in ERAS:
    _ERA_TOKENS.update({_e.name: _e.code, _e.name[0]: _e.code, _e.letter: _e.code, _e.letter.lower(): _e.code})
_NORMALIZE_INPUT: dict[str, str] = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "．": ".", "／": "/", "－": "-", "‐": "-", "−": "-", "　": " ", "\t": " ",
}

_NUM = r"(?:[0-9]{1,2}|元|[〇一二三四五六七八九十]{1,3})"
_ERA = "|".join(sorted(_ERA_TOKENS, key=len, reverse=True))
_SEP = r"(?:[./-])"
# One regex for every non-numeric form; numeric forms are sliced. Identical text in Python re and Rust regex.
_TEXT_RE = (
    rf"^ *({_ERA}) *({_NUM}) *(?:年|{_SEP}) *({_NUM}) *(?:月|{_SEP}) *({_NUM}) *日? *$"
)
_WESTERN_RE = r"^ *([0-9]{4})(?:[/-]([0-9]{1,2})[/-]([0-9]{1,2})|([0-9]{2})([0-9]{2})) *$"
_CODE_RE = r"^ *(0?[0-9])([0-9]{2})([0-9]{2})([0-9]{2}) *$"
_FUSHO = "不詳"
_NO_ERA = 99  # era code 0 in a numeric form: not an era
_PARTIAL_RE = rf"^ *({_ERA}) *({_NUM}) *(?:年|{_SEP}) *(?:({_NUM}) *(?:月|{_SEP}))?"
# The 不詳日 forms of 1.1.8 (see the module text): era, year, then month or season, day, 旬, 頃, a range, 不詳.
_FUSHO_MARK = r"不詳|頃|推定|春|夏|秋|冬|上旬|中旬|下旬|までの間"
_FUSHO_RE = (
    rf"^ *(?:推定)? *({_ERA}) *({_NUM}) *年 *(?:(?:推定)? *({_NUM}) *月|(春|夏|秋|冬))? *(?:推定)? *"
    rf"(?:({_NUM}) *日)? *(上旬|中旬|下旬)? *(?:頃)? *(?:から.*までの間)? *(?:月日不詳|日不詳)? *$"
)
_SEASON_MONTH = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
_JUN_DAY = {"上旬": 1, "中旬": 11, "下旬": 21}


def _to_int(token: str | None) -> int | None:
    if token is None or token == "":
        return None
    if token.isascii() and token.isdigit():
        return int(token)
    return KANJI_NUMBERS.get(token)


def _days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _normalize_input(text: str) -> str:
    return "".join(_NORMALIZE_INPUT.get(c, c) for c in text)


# ---------------------------------------------------------------- scalar

def parse_wareki(value: object, *, policy: Policy | str = Policy.STRICT, koseki: bool = False) -> WarekiResult:
    """Parse one legacy date value (any form of :class:`WarekiForm`, or a 不詳日) to an ISO date.

    Args:
        value: the cell value (str, int, None). Integers are read as their decimal digits.
        policy: ``strict`` (default) rejects out-of-era dates; ``lenient`` converts them with status
            ``lenient``.
        koseki: the item follows 戸籍 (1.1.8): accept non-calendar days and 明治45年7月30日 / 大正15年12月25日.

    Returns:
        a :class:`WarekiResult`; invalid input is a result (status ``invalid``), never an exception.
    """
    policy = Policy(policy)
    if value is None:
        return WarekiResult(None, WarekiStatus.BLANK)
    raw = str(value)
    text = _normalize_input(raw)
    if text.strip() == "":
        return WarekiResult(None, WarekiStatus.BLANK)
    if re.search(_FUSHO_MARK, text):
        return _fusho(text, raw.strip())
    m = re.match(_CODE_RE, text)
    if m:
        era_s, ys, ms, ds = m.groups()
        era = int(era_s)
        if era == 0:
            if ys == "00" and ms == "00" and ds == "00":
                return WarekiResult(None, WarekiStatus.UNKNOWN, None, _FUSHO)
            return WarekiResult(None, WarekiStatus.INVALID, "era_code")
        return _resolve(era, int(ys), int(ms), int(ds), policy, koseki)
    m = re.match(_WESTERN_RE, text)
    if m:
        y = int(m.group(1))
        mo = int(m.group(2) or m.group(4))
        d = int(m.group(3) or m.group(5))
        return _resolve(0, y, mo, d, policy, koseki)
    m = re.match(_TEXT_RE, text)
    if m:
        era = _ERA_TOKENS[m.group(1)]
        year, month, day = (_to_int(g) for g in m.groups()[1:])
        if year is None or month is None or day is None:
            return WarekiResult(None, WarekiStatus.INVALID, "format")
        return _resolve(era, year, month, day, policy, koseki)
    return WarekiResult(None, WarekiStatus.INVALID, "format")


def _fusho(text: str, written: str) -> WarekiResult:
    """A 不詳日 form: its own text, and the first day of the period it names as the internal date."""
    m = re.match(_FUSHO_RE, text)
    if m is None:
        if _FUSHO in text:  # 年月日不詳, 不詳, or a form not listed: kept as written, no date
            return WarekiResult(None, WarekiStatus.UNKNOWN, None, written)
        return WarekiResult(None, WarekiStatus.INVALID, "format")
    era = _BY_CODE[_ERA_TOKENS[m.group(1)]]
    y = _to_int(m.group(2))
    month = _to_int(m.group(3)) if m.group(3) else _SEASON_MONTH.get(m.group(4) or "", 1)
    day = _to_int(m.group(5)) if m.group(5) else _JUN_DAY.get(m.group(6) or "", 1)
    if not y or month is None or day is None:
        return WarekiResult(None, WarekiStatus.INVALID, "date")
    year = y + era.offset
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return WarekiResult(None, WarekiStatus.UNKNOWN, None, written)
    return WarekiResult(_internal_date(era, year, month, day), WarekiStatus.UNKNOWN, None, written)


def _internal_date(era: Era, year: int, month: int, day: int) -> dt.date | None:
    """The internal date of a 不詳日: the first day of its period, not before the era began; none when the
    period lies after the era ended (the 不詳表記 still says what was written)."""
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        return None
    start = dt.date(year, month, day)
    return None if start > (era.last or _FAR_FUTURE) else max(start, era.first)


def _fusho_text(era: Era, y: int, mo: int) -> str:
    year = "元" if y == 1 else str(y)
    return f"{era.name}{year}年" + (f"{mo}月" if mo else "") + "月日不詳"[(1 if mo else 0):]


def _resolve(era_code: int, y: int, mo: int, d: int, policy: Policy, koseki: bool = False) -> WarekiResult:
    era = _BY_CODE.get(era_code)
    if era_code != 0 and era is None:
        return WarekiResult(None, WarekiStatus.INVALID, "era_code")
    if era is not None and y == 0:
        return WarekiResult(None, WarekiStatus.INVALID, "date")
    if era is not None and (mo == 0 or d == 0) and not (mo == 0 and d != 0):
        return WarekiResult(_internal_date(era, y + era.offset, mo or 1, 1), WarekiStatus.UNKNOWN, None,
                            _fusho_text(era, y, mo))
    year = y + (era.offset if era else 0)
    if not (1 <= mo <= 12 and 1 <= d <= _days_in_month(year, mo)) or year < 1:
        if koseki and 1 <= mo <= 12 and 1 <= d <= 31 and 1 <= year <= 9999:
            first = era.first if era else dt.date(1, 1, 1)
            last = (era.last or _FAR_FUTURE) if era else _FAR_FUTURE
            if first <= dt.date(year, mo, min(d, 28)) and dt.date(year, mo, 1) <= last:
                return WarekiResult(None, WarekiStatus.NON_CALENDAR, None, None, f"{year:04d}-{mo:02d}-{d:02d}")
        return WarekiResult(None, WarekiStatus.INVALID, "date")
    date = dt.date(year, mo, d)
    if era is None:
        return WarekiResult(date, WarekiStatus.OK)
    if koseki and ERA_CHANGE_DAYS.get(era.code) == date:
        return WarekiResult(date, WarekiStatus.OK, "era_change")
    in_era = era.first <= date <= (era.last or _FAR_FUTURE)
    if not in_era:
        if policy is Policy.STRICT:
            return WarekiResult(None, WarekiStatus.INVALID, "era_range")
        return WarekiResult(date, WarekiStatus.LENIENT, "era_range")
    if date < SOLAR_CALENDAR_START:
        return WarekiResult(date, WarekiStatus.PRE_SOLAR)
    return WarekiResult(date, WarekiStatus.OK)


def era_of(date: dt.date) -> Era:
    """The era a date is written in (the newer era on a shared change day)."""
    for era in reversed(ERAS):
        if date >= era.first:
            return era
    raise WarekiFormatError(f"{date.isoformat()} is before 明治 (1868-01-25)")


def format_wareki(date: dt.date, form: WarekiForm | str = WarekiForm.KANJI) -> str:
    """Write an ISO date in one 和暦 form (see :class:`WarekiForm`); inverse of :func:`parse_wareki`."""
    form = WarekiForm(form)
    if form is WarekiForm.WESTERN:
        return date.isoformat()
    era = era_of(date)
    y = date.year - era.offset
    if y > 99 and form in (WarekiForm.CODE, WarekiForm.CODE2, WarekiForm.ALPHA):
        raise WarekiFormatError(f"{era.name}{y}年 does not fit a 2-digit year")
    if form is WarekiForm.CODE:
        return f"{era.code}{y:02d}{date.month:02d}{date.day:02d}"
    if form is WarekiForm.CODE2:
        return f"{era.code:02d}{y:02d}{date.month:02d}{date.day:02d}"
    if form is WarekiForm.ALPHA:
        return f"{era.letter}{y:02d}.{date.month:02d}.{date.day:02d}"
    if form is WarekiForm.ALPHA_SHORT:
        return f"{era.letter}{y}.{date.month}.{date.day}"
    year = "元" if y == 1 else None
    if form is WarekiForm.KANJI_NUMERAL:
        return f"{era.name}{year or kanji_numeral(y)}年{kanji_numeral(date.month)}月{kanji_numeral(date.day)}日"
    text = f"{era.name}{year or y}年{date.month}月{date.day}日"
    if form is WarekiForm.KANJI_FULLWIDTH:
        text = text.translate({0x30 + i: 0xFF10 + i for i in range(10)})
    return text


# ---------------------------------------------------------------- polars

_WORK_FIELDS = ["raw", "text", "code", "west", "kanji", "fusho", "blank", "has_fusho", "has_mark", "is_fusho",
                "is_code", "era", "y", "mo", "d", "matched", "known_era", "year", "all_zero", "valid_date", "safe",
                "first_int", "last_int", "internal", "case"]


def _lookup(expr: pl.Expr, table: dict[str, int]) -> pl.Expr:
    return expr.replace_strict(list(table), list(table.values()), default=None, return_dtype=pl.Int32)


def _num_expr(token: pl.Expr) -> pl.Expr:
    return pl.when(token.str.contains(r"^[0-9]+$")).then(token.cast(pl.Int32, strict=False)).otherwise(
        _lookup(token, KANJI_NUMBERS)
    )


def _era_table_expr(era: pl.Expr, attr: str, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    values = {e.code: getattr(e, attr) for e in ERAS}
    return era.replace_strict(list(values), list(values.values()), default=None, return_dtype=dtype)


def _ymd(date: dt.date) -> int:
    return date.year * 10000 + date.month * 100 + date.day


_SHARED: contextvars.ContextVar[dict[str, pl.Expr] | None] = contextvars.ContextVar("wareki_shared", default=None)


@contextmanager
def shared_wareki_parses() -> Iterator[dict[str, pl.Expr]]:
    """Within the block, :func:`parse_wareki_expr` gives a column reference (``pl.col(name)``) and records
    the parse under that name in the dict yielded: the caller computes each parse once as a column, then the
    expressions built over them.

    Planning a parse is a fixed cost per copy of it in a query (some milliseconds, however few the values):
    a date, its 不詳 flag and 不詳 text and their issue flags are five copies of one parse, one when shared.
    The name is derived from the parse's input and policy, so equal parses share one column.
    """
    parses: dict[str, pl.Expr] = {}
    token = _SHARED.set(parses)
    try:
        yield parses
    finally:
        _SHARED.reset(token)


def parse_wareki_expr(expr: pl.Expr, *, policy: Policy | str = Policy.STRICT, koseki: bool = False) -> pl.Expr:
    """Polars form of :func:`parse_wareki`: a struct {date, status, reason, fusho_text, iso} per value.

    Use ``.struct.field("date")`` for the converted column and ``status``/``reason`` for findings.
    Inside :func:`shared_wareki_parses`, a reference to the parse's column instead.
    """
    policy = Policy(policy)
    shared = _SHARED.get()
    try:
        key = expr.meta.serialize(format="json") if shared is not None else None
    except Exception:  # an input polars cannot write out (a Python function): not shared
        key = None
    if shared is not None and key is not None:
        digest = hashlib.sha1((key + str(policy) + ("koseki" if koseki else "")).encode()).hexdigest()
        name = f"__wareki_{digest[:16]}"
        if name not in shared:
            token = _SHARED.set(None)
            try:
                shared[name] = parse_wareki_expr(expr, policy=policy, koseki=koseki)
            finally:
                _SHARED.reset(token)
        return pl.col(name)
    f = pl.field
    # Each stage is materialised once as a struct field, so no costly sub-expression is evaluated twice;
    # cheap ones are written out where they are used instead: every further struct stage makes planning the
    # expression dearer, a fixed cost on every evaluation however few the values (a memoized pipe's batch).
    st = pl.struct(expr.cast(pl.String).alias("raw")).struct.with_fields(
        text=f("raw").str.replace_many(list(_NORMALIZE_INPUT), list(_NORMALIZE_INPUT.values())),
    )
    st = st.struct.with_fields(
        code=f("text").str.extract_groups(_CODE_RE),
        west=f("text").str.extract_groups(_WESTERN_RE),
        kanji=f("text").str.extract_groups(_TEXT_RE),
        # Only the few values with a 不詳 mark go through the 不詳日 pattern (a null costs the regex nothing).
        fusho=pl.when(f("text").str.contains(_FUSHO_MARK)).then(f("text")).str.extract_groups(_FUSHO_RE),
        blank=f("raw").is_null() | (f("text").str.strip_chars(" ") == ""),
        has_fusho=f("text").str.contains(_FUSHO, literal=True),
        has_mark=f("text").str.contains(_FUSHO_MARK),
    )
    code, west, kanji, fusho = f("code"), f("west"), f("kanji"), f("fusho")
    plain = ~f("has_mark")
    is_fusho = f("has_mark") & fusho.struct.field("1").is_not_null()
    is_code = code.struct.field("1").is_not_null() & plain
    is_west = west.struct.field("1").is_not_null() & ~is_code & plain
    is_text = kanji.struct.field("1").is_not_null() & ~is_code & ~is_west & plain
    code_era = code.struct.field("1").cast(pl.Int32)
    season = fusho.struct.field("4").replace_strict(list(_SEASON_MONTH), list(_SEASON_MONTH.values()), default=1,
                                                    return_dtype=pl.Int32)
    jun = fusho.struct.field("6").replace_strict(list(_JUN_DAY), list(_JUN_DAY.values()), default=1,
                                                 return_dtype=pl.Int32)
    st = st.struct.with_fields(
        is_fusho=is_fusho,
        is_code=is_code,
        era=pl.when(is_code).then(pl.when(code_era == 0).then(pl.lit(_NO_ERA, pl.Int32)).otherwise(code_era))
        .when(is_west).then(pl.lit(0, pl.Int32))
        .when(is_text).then(_lookup(kanji.struct.field("1"), _ERA_TOKENS))
        .when(is_fusho).then(_lookup(fusho.struct.field("1"), _ERA_TOKENS)),
        y=pl.when(is_code).then(code.struct.field("2").cast(pl.Int32))
        .when(is_west).then(west.struct.field("1").cast(pl.Int32))
        .when(is_text).then(_num_expr(kanji.struct.field("2")))
        .when(is_fusho).then(_num_expr(fusho.struct.field("2"))),
        mo=pl.when(is_code).then(code.struct.field("3").cast(pl.Int32))
        .when(is_west).then(pl.coalesce(west.struct.field("2"), west.struct.field("4")).cast(pl.Int32))
        .when(is_text).then(_num_expr(kanji.struct.field("3")))
        .when(is_fusho).then(pl.when(fusho.struct.field("3").is_not_null())
                             .then(_num_expr(fusho.struct.field("3"))).otherwise(season)),
        d=pl.when(is_code).then(code.struct.field("4").cast(pl.Int32))
        .when(is_west).then(pl.coalesce(west.struct.field("3"), west.struct.field("5")).cast(pl.Int32))
        .when(is_text).then(_num_expr(kanji.struct.field("4")))
        .when(is_fusho).then(pl.when(fusho.struct.field("5").is_not_null())
                             .then(_num_expr(fusho.struct.field("5"))).otherwise(jun)),
        matched=is_code | is_west | is_text,
    )
    return _resolve_expr(st, policy, koseki)


def _date_of(ymd: pl.Expr) -> pl.Expr:
    """A date from YYYYMMDD (null stays null; every component polars sees is valid)."""
    safe = ymd.fill_null(20000101)
    return pl.when(ymd.is_not_null()).then(pl.date(safe // 10000, (safe // 100) % 100, safe % 100))


def _resolve_expr(st: pl.Expr, policy: Policy, koseki: bool) -> pl.Expr:
    f = pl.field
    era_code, y, mo, d = f("era"), f("y"), f("mo"), f("d")
    st = st.struct.with_fields(
        known_era=era_code.is_in([e.code for e in ERAS]),
        year=y + pl.when(era_code == 0).then(0).otherwise(_era_table_expr(era_code, "offset", pl.Int32)),
        all_zero=f("is_code") & (era_code == _NO_ERA) & (y == 0) & (mo == 0) & (d == 0),
        first_int=era_code.replace_strict([0] + [e.code for e in ERAS], [10101] + [_ymd(e.first) for e in ERAS],
                                          default=None, return_dtype=pl.Int32),
        last_int=era_code.replace_strict([0] + [e.code for e in ERAS],
                                         [_ymd(_FAR_FUTURE)] + [_ymd(e.last or _FAR_FUTURE) for e in ERAS],
                                         default=_ymd(_FAR_FUTURE), return_dtype=pl.Int32),
    )
    year = f("year")
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = (
        pl.when(mo == 2).then(pl.when(leap).then(29).otherwise(28))
        .when(mo.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    )
    valid_date = (y.is_not_null() & mo.is_not_null() & d.is_not_null() & (mo >= 1) & (mo <= 12) & (d >= 1)
                  & (d <= dim) & (year >= 1))
    first_int, last_int = f("first_int"), f("last_int")
    # The internal date of a 不詳日: the first day of its period (year, month or 1, day or 1), not before the
    # era began; none when the period lies after the era ended.
    start = year * 10000 + pl.when(mo == 0).then(1).otherwise(mo) * 100 + pl.when(f("is_fusho")).then(d).otherwise(1)
    st = st.struct.with_fields(
        valid_date=valid_date,
        internal=pl.when(f("known_era") & (year >= 1) & (year <= 9999) & (mo >= 0) & (mo <= 12)
                         & (~f("is_fusho") | valid_date) & (start <= last_int))
        .then(pl.max_horizontal(start, first_int)),
    )
    valid = f("valid_date")
    st = st.struct.with_fields(
        safe=pl.date(pl.when(valid).then(year).otherwise(2000), pl.when(valid).then(mo).otherwise(1),
                     pl.when(valid).then(d).otherwise(1)),
    )
    safe = f("safe")
    first = _era_table_expr(era_code, "first", pl.Date)
    last = pl.coalesce(_era_table_expr(era_code, "last", pl.Date), pl.lit(_FAR_FUTURE))
    known = f("known_era")
    lenient = policy is Policy.LENIENT
    is_fusho = f("is_fusho")
    # A non-calendar day (2月30日) of a month inside the era, accepted where the item follows 戸籍.
    non_calendar = (pl.lit(koseki) & y.is_not_null() & mo.is_not_null() & d.is_not_null() & (mo >= 1) & (mo <= 12)
                    & (d >= 1) & (d <= 31) & (year >= 1) & (year <= 9999) & ((era_code == 0) | known)
                    & (first_int <= year * 10000 + mo * 100 + pl.min_horizontal(d, pl.lit(28)))
                    & (year * 10000 + mo * 100 + 1 <= last_int))
    change_day = pl.lit(False)
    for code_, day in ERA_CHANGE_DAYS.items():
        change_day = change_day | ((era_code == code_) & (safe == pl.lit(day)))
    cases: list[tuple[pl.Expr, str, str | None]] = [
        (f("blank"), WarekiStatus.BLANK, None),
        (is_fusho & (y.is_null() | (y == 0) | mo.is_null() | d.is_null()), WarekiStatus.INVALID, "date"),
        (is_fusho & ~valid, WarekiStatus.UNKNOWN, None),
        (is_fusho, WarekiStatus.UNKNOWN, None),
        (f("has_mark") & f("has_fusho"), WarekiStatus.UNKNOWN, None),
        (f("has_mark"), WarekiStatus.INVALID, "format"),
        # a text form whose year, month or day is not a number (平成十十年): null there, "format" as in parse_wareki
        (~f("matched") | y.is_null() | mo.is_null() | d.is_null(), WarekiStatus.INVALID, "format"),
        (f("all_zero"), WarekiStatus.UNKNOWN, None),
        ((era_code != 0) & ~known, WarekiStatus.INVALID, "era_code"),
        (known & (y == 0), WarekiStatus.INVALID, "date"),
        (known & (y != 0) & ((mo == 0) | (d == 0)) & ~((mo == 0) & (d != 0)), WarekiStatus.UNKNOWN, None),
        (~valid & non_calendar, WarekiStatus.NON_CALENDAR, None),
        (~valid, WarekiStatus.INVALID, "date"),
        (era_code == 0, WarekiStatus.OK, None),
        (pl.lit(koseki) & change_day, WarekiStatus.OK, "era_change"),
        (~((safe >= first) & (safe <= last)), WarekiStatus.LENIENT if lenient else WarekiStatus.INVALID,
         "era_range"),
        (safe < pl.lit(SOLAR_CALENDAR_START), WarekiStatus.PRE_SOLAR, None),
    ]
    # First matching case wins: a numeric case index, then status and reason by lookup.
    index: pl.Expr = pl.lit(len(cases), pl.Int32)
    for i in reversed(range(len(cases))):
        index = pl.when(cases[i][0]).then(pl.lit(i, pl.Int32)).otherwise(index)
    st = st.struct.with_fields(case=index)
    case = f("case")
    statuses = [str(c[1]) for c in cases] + [str(WarekiStatus.OK)]
    reasons = [c[2] for c in cases] + [None]
    status = case.replace_strict(list(range(len(statuses))), statuses, return_dtype=pl.String)
    reason = case.replace_strict(list(range(len(reasons))), reasons, return_dtype=pl.String)
    # The status tests, on the case index (a small integer) rather than on the status text.
    dated = (str(WarekiStatus.OK), str(WarekiStatus.LENIENT), str(WarekiStatus.PRE_SOLAR))
    has_date = case.is_in([k for k, s in enumerate(statuses) if s in dated])
    unknown = case.is_in([k for k, s in enumerate(statuses) if s == str(WarekiStatus.UNKNOWN)])
    with_internal = case.is_in([3, 10])  # a 不詳日 form, a numeric form with month or day 0
    non_cal = case == 11
    year_text = pl.when(y == 1).then(pl.lit("元")).otherwise(y.cast(pl.String))
    era_name = era_code.replace_strict([e.code for e in ERAS], [e.name for e in ERAS], default=None,
                                       return_dtype=pl.String)
    generated = pl.concat_str(
        era_name, year_text, pl.lit("年"),
        pl.when(mo != 0).then(pl.concat_str(mo.cast(pl.String), pl.lit("月日不詳"))).otherwise(pl.lit("月日不詳")),
    )
    fusho = (
        pl.when(~unknown).then(pl.lit(None, pl.String))
        .when(f("has_mark")).then(f("raw").str.strip_chars())
        .when(f("all_zero")).then(pl.lit(_FUSHO))
        .otherwise(generated)
    )
    date = (pl.when(has_date).then(safe)
            .when(with_internal & f("internal").is_not_null()).then(_date_of(f("internal")))
            .otherwise(pl.lit(None, pl.Date)))
    st = st.struct.with_fields(
        date=date,
        status=status,
        reason=reason,
        fusho_text=fusho,
    )
    # The date is materialised once above; its text form (or a non-calendar day as written) reads it.
    iso = pl.when(non_cal).then(pl.concat_str(
        year.cast(pl.String).str.zfill(4), pl.lit("-"), mo.cast(pl.String).str.zfill(2), pl.lit("-"),
        d.cast(pl.String).str.zfill(2))).otherwise(f("date").cast(pl.String))
    return st.struct.with_fields(iso=iso).struct.drop(_WORK_FIELDS)


def wareki_to_date_expr(expr: pl.Expr, *, policy: Policy | str = Policy.STRICT) -> pl.Expr:
    """The converted date only (null unless status is ok, lenient or pre_solar)."""
    return parse_wareki_expr(expr, policy=policy).struct.field("date")


def format_wareki_expr(expr: pl.Expr, form: WarekiForm | str = WarekiForm.KANJI) -> pl.Expr:
    """Polars form of :func:`format_wareki` on a Date column; null for null or pre-明治 dates."""
    form = WarekiForm(form)
    date = expr.cast(pl.Date)
    if form is WarekiForm.WESTERN:
        return date.dt.to_string("%Y-%m-%d")
    era_code = pl.lit(None, pl.Int32)
    for era in ERAS:
        era_code = pl.when(date >= pl.lit(era.first)).then(pl.lit(era.code, pl.Int32)).otherwise(era_code)
    y = date.dt.year().cast(pl.Int32) - _era_table_expr(era_code, "offset", pl.Int32)
    mo = date.dt.month().cast(pl.Int32)
    d = date.dt.day().cast(pl.Int32)
    letter = era_code.replace_strict([e.code for e in ERAS], [e.letter for e in ERAS], default=None,
                                     return_dtype=pl.String)
    name = era_code.replace_strict([e.code for e in ERAS], [e.name for e in ERAS], default=None,
                                   return_dtype=pl.String)

    def pad(e: pl.Expr) -> pl.Expr:
        return e.cast(pl.String).str.zfill(2)

    if form is WarekiForm.CODE:
        return pl.concat_str(era_code.cast(pl.String), pad(y), pad(mo), pad(d))
    if form is WarekiForm.CODE2:
        return pl.concat_str(pad(era_code), pad(y), pad(mo), pad(d))
    if form is WarekiForm.ALPHA:
        return pl.concat_str(letter, pad(y), pl.lit("."), pad(mo), pl.lit("."), pad(d))
    if form is WarekiForm.ALPHA_SHORT:
        return pl.concat_str(letter, y.cast(pl.String), pl.lit("."), mo.cast(pl.String), pl.lit("."),
                             d.cast(pl.String))
    if form is WarekiForm.KANJI_NUMERAL:
        nums = {n: kanji_numeral(n) for n in range(1, 100)}

        def kn(e: pl.Expr) -> pl.Expr:
            return e.replace_strict(list(nums), list(nums.values()), default=None, return_dtype=pl.String)

        year = pl.when(y == 1).then(pl.lit("元")).otherwise(kn(y))
        return pl.concat_str(name, year, pl.lit("年"), kn(mo), pl.lit("月"), kn(d), pl.lit("日"))
    year = pl.when(y == 1).then(pl.lit("元")).otherwise(y.cast(pl.String))
    text = pl.concat_str(name, year, pl.lit("年"), mo.cast(pl.String), pl.lit("月"), d.cast(pl.String),
                         pl.lit("日"))
    if form is WarekiForm.KANJI_FULLWIDTH:
        text = text.str.replace_many([str(i) for i in range(10)], [chr(0xFF10 + i) for i in range(10)])
    return text
